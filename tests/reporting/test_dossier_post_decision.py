"""The dossier (Art 33) carries the report to the Party committee (Art 31), the problems found in
execution with their answers (Art 35), the meeting's attendance and the government's head (Art 37),
and restores them as they were."""

from __future__ import annotations

import pytest
from django.utils import timezone

from decisions import services
from decisions.models import Decision, DecisionState, ExecutionProblem, Government, PartyCommitteeReport
from reporting.dossier import dossier_export, dossier_import, manifest
from tests.factories import decision_in
from tests.reporting.test_dossier import empty_the_database

pytestmark = pytest.mark.django_db


def test_dossier_carries_the_party_committee_report_and_the_answered_execution_problems(org):
    decision = decision_in(org, DecisionState.DECIDED)
    services.party_committee_report_record(
        decision=decision, actor=org.secretary, reported_on=timezone.localdate(), document_number="测委办〔2026〕3号"
    )
    services.decision_publish(
        decision=decision,
        actor=org.secretary,
        published_on=timezone.localdate(),
        document_number="测政发〔2026〕1号",
        in_gazette=True,
    )
    services.decision_begin_implementation(decision=decision, actor=org.secretary, executing_unit=org.sponsor)
    problem = services.execution_problem_report(
        decision=decision,
        actor=org.clerk,
        source="public_feedback",
        description="收费不规范。",
        reported_on=timezone.localdate(),
    )
    services.execution_problem_answer(
        decision=decision, actor=org.sponsor_head, problem_id=problem.pk, answer="forwarded", answer_text="已转办。"
    )
    data, _files = manifest(Decision.objects.get(pk=decision.pk))
    assert data["counts"]["decisions.partycommitteereport"] == 1
    assert data["counts"]["decisions.executionproblem"] == 1
    exported = dossier_export(Decision.objects.get(pk=decision.pk), with_index=False)

    empty_the_database()
    restored = dossier_import(exported)

    assert PartyCommitteeReport.objects.get(decision=restored).document_number == "测委办〔2026〕3号"
    assert ExecutionProblem.objects.get(decision=restored).answer_text == "已转办。"
    assert Government.objects.get(pk=org.government.pk).head_id == org.leader.pk
