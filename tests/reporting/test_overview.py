"""The leader overview (DESIGN.md, "What no step skipped means").

The figures on top cover every decision the leader sees and are counted by the database, including
the check that every decision past the legality review has each gate's record; the table and the
list of waived steps are paged and filtered, so the page costs the same queries at any size.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from decisions import presentation, services
from decisions.models import Decision, DecisionState, ProcedureStep, StepKind, StepState, WaiverRequest
from demo import builder as demo
from reporting import overview, views
from reviews.models import Conclusion, LegalityReview
from tests.factories import make_org
from tests.guards import disable_triggers

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("decisions:overview")


def _register(org, **overrides):
    return services.decision_register(**org.decision_kwargs(**overrides))


def _preparing(org, **overrides):
    return services.decision_start(decision=_register(org, **overrides), actor=org.secretary)


def _forced_into(decision, state):
    """Puts a decision in ``state`` by a raw UPDATE, as a bad import or a hand edit of the database
    would: no gate was passed, and the overview has to notice from the record alone. The database
    refuses such a state (migration 0016's trigger): disabled here, as on a copy restored without it."""
    disable_triggers("decisions_decision", "decision_state_follows_lifecycle")
    Decision.objects.filter(pk=decision.pk).update(state=state)


def _problems(org, decision):
    """The row's gate problems (the page's annotations), checked against the set-based filter that
    counts and filters every decision (``overview.lacking_a_gate``): the two must agree."""
    problems = overview.gate_problems(overview.overview_decisions(org.leader).get(pk=decision.pk))
    lacking = overview.overview_decisions(org.leader, lacking_only=True).filter(pk=decision.pk).exists()
    assert lacking == bool(problems)
    return problems


def _rows(page: str) -> int:
    return page.count('<td class="col-code">')


@pytest.fixture
def leader_client(client, org):
    client.force_login(org.leader)
    return client


# --------------------------------------------------------------------------- the gate check


def test_a_decision_walked_through_the_services_has_every_gates_record(org):
    decided = demo.walk(_register(org), DecisionState.DECIDED, org)
    awaiting = demo.walk(_register(org, title="民用天然气价格调整"), DecisionState.AWAITING_DECISION, org)
    assert _problems(org, decided) == []
    assert _problems(org, awaiting) == []  # awaiting the meeting: no meeting record is due yet
    summary = overview.overview_summary(org.leader)
    assert (summary["checked"], summary["flagged"]) == (2, 0)


def test_a_decision_past_the_review_without_any_record_lacks_every_gate(org):
    decision = _preparing(org)
    _forced_into(decision, DecisionState.DECIDED)
    assert _problems(org, decision) == ["steps_settled", "review_allows", "meeting_recorded"]
    summary = overview.overview_summary(org.leader)
    assert (summary["checked"], summary["flagged"]) == (1, 1)


def test_an_unsettled_step_is_flagged_although_review_and_meeting_are_recorded(org):
    decision = demo.walk(_register(org), DecisionState.DECIDED, org)
    ProcedureStep.objects.filter(decision=decision, kind=StepKind.EXPERT_ARGUMENT).update(state=StepState.IN_PROGRESS)
    assert _problems(org, decision) == ["steps_settled"]


def test_a_missing_step_row_is_flagged(org):
    decision = _preparing(org)
    for kind in StepKind.values:
        demo.waive(decision, kind, org, reason="涉密事项，依法不公开")
    _forced_into(decision, DecisionState.DECIDED)
    assert _problems(org, decision) == ["review_allows", "meeting_recorded"]
    # A row lost by a raw database change: the step and the waiver request it stood on.
    missing = ProcedureStep.objects.filter(decision=decision, kind=StepKind.RISK_ASSESSMENT)
    missing.update(waiver_request=None)
    disable_triggers("decisions_waiverrequest", "waiver_request_final_once_decided")
    WaiverRequest.objects.filter(step__in=missing).delete()
    missing.delete()
    assert _problems(org, decision) == ["steps_settled", "review_allows", "meeting_recorded"]


def test_a_risk_made_uncontrollable_behind_the_orm_is_flagged(org):
    decision = demo.walk(_register(org), DecisionState.DECIDED, org)
    with connection.cursor() as cursor:  # Art 24: as a hand edit of the database would
        cursor.execute(
            "UPDATE decisions_riskassessmentrecord SET controllable = false WHERE step_id IN "
            "(SELECT id FROM decisions_procedurestep WHERE decision_id = %s)",
            [decision.pk],
        )
    assert _problems(org, decision) == ["risk_controllable"]
    assert overview.overview_summary(org.leader)["flagged"] == 1
    assert list(overview.overview_decisions(org.leader, lacking_only=True)) == [decision]


def test_a_published_decision_without_its_publication_or_an_implemented_one_without_its_unit_is_flagged(org):
    published = demo.walk(_register(org), DecisionState.PUBLISHED, org)
    implementing = demo.walk(_register(org, title="民用天然气价格调整"), DecisionState.IMPLEMENTING, org)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM decisions_publication WHERE decision_id = %s", [published.pk])
        cursor.execute("UPDATE decisions_decision SET executing_unit_id = NULL WHERE id = %s", [implementing.pk])
    assert _problems(org, published) == ["publication_recorded"]
    assert _problems(org, implementing) == ["executing_unit_named"]
    assert overview.overview_summary(org.leader)["flagged"] == 2


def test_the_summary_counts_the_gate_records_the_database_keeps(org):
    walked = demo.walk(_register(org), DecisionState.PUBLISHED, org)
    forced = _preparing(org, title="民用天然气价格调整")
    _forced_into(forced, DecisionState.DECIDED)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM decisions_publication WHERE decision_id = %s", [walked.pk])
    # Another government's decision lacking every gate is not counted for this leader.
    stranger = make_org()
    _forced_into(_preparing(stranger, title="他人的决策事项"), DecisionState.DECIDED)
    summary = overview.overview_summary(org.leader)

    assert (summary["checked"], summary["flagged"]) == (2, 2)
    assert summary["counts"][DecisionState.PUBLISHED] == 1 and summary["counts"][DecisionState.PROPOSED] == 0


def test_the_page_shows_the_rules_of_the_record_a_row_breaks(leader_client, org):
    decision = demo.walk(_register(org), DecisionState.DECIDED, org)
    Decision.objects.filter(pk=decision.pk).update(state=DecisionState.PUBLISHED)  # no publish event

    page = leader_client.get(OVERVIEW).content.decode()

    assert "integrity-findings" in page
    assert "publication_recorded" not in page  # the rule's label, never its code


def test_an_opinion_asking_for_changes_allows_the_meeting_only_once_the_changes_are_confirmed(org):
    decision = demo.walk(_register(org), DecisionState.AWAITING_DECISION, org)
    review = LegalityReview.objects.filter(decision=decision).order_by("-round")
    disable_triggers("reviews_legalityreview", "legality_review_final_once_issued")
    review.update(conclusion=Conclusion.LAWFUL_WITH_CHANGES, changes_confirmed_at=None)
    assert _problems(org, decision) == ["review_allows"]
    review.update(changes_confirmed_at=timezone.now())
    assert _problems(org, decision) == []


def test_an_unlawful_opinion_does_not_allow_the_meeting(org):
    decision = demo.walk(_register(org), DecisionState.AWAITING_DECISION, org)
    disable_triggers("reviews_legalityreview", "legality_review_final_once_issued")
    LegalityReview.objects.filter(decision=decision).update(conclusion=Conclusion.UNLAWFUL)
    assert _problems(org, decision) == ["review_allows"]


def test_decisions_before_the_review_are_not_checked(org):
    _preparing(org)
    _register(org, title="民用天然气价格调整")
    summary = overview.overview_summary(org.leader)
    assert (summary["checked"], summary["flagged"]) == (0, 0)
    assert (summary["counts"][DecisionState.PREPARING], summary["counts"][DecisionState.PROPOSED]) == (1, 1)


# --------------------------------------------------------------------------- the page


def test_the_proof_covers_every_decision_while_the_table_is_paged(leader_client, org, monkeypatch):
    monkeypatch.setattr(views, "OVERVIEW_PAGE_SIZE", 3)
    lacking = _preparing(org, title="缺少记录的决策事项")  # registered first: listed last, on page 2
    _forced_into(lacking, DecisionState.DECIDED)
    for i in range(4):
        _register(org, title=f"第{i}号决策事项")

    first = leader_client.get(OVERVIEW).content.decode()
    assert _rows(first) == 3
    assert "缺少记录的决策事项" not in first
    assert "1 decision now past the legality review lacks a gate" in first
    assert 'class="tile-n">5<' in first  # the total tile counts every decision

    second = leader_client.get(OVERVIEW, {"page": 2}).content.decode()
    assert _rows(second) == 2
    assert "缺少记录的决策事项" in second
    assert 'class="row-bad"' in second
    assert str(presentation.GATE_PROBLEM_LABELS["meeting_recorded"]) in second


def test_the_lacking_filter_shows_only_decisions_lacking_a_gates_record(leader_client, org):
    lacking = _preparing(org, title="缺少记录的决策事项")
    _forced_into(lacking, DecisionState.DECIDED)
    demo.walk(_register(org, title="程序完整的决策事项"), DecisionState.DECIDED, org)
    page = leader_client.get(OVERVIEW, {"lacking": "1"}).content.decode()
    assert "缺少记录的决策事项" in page
    assert "程序完整的决策事项" not in page
    assert _rows(page) == 1


def test_the_table_and_the_waived_steps_follow_the_year_and_state_filters(leader_client, org):
    this_year = timezone.localdate().year
    old = _preparing(org, title="往年决策事项", catalogue_year=this_year - 1)
    demo.waive(old, StepKind.EXPERT_ARGUMENT, org, reason="往年不涉及专业问题", article="Art 19")
    new = _preparing(org, title="今年决策事项")
    demo.waive(new, StepKind.RISK_ASSESSMENT, org, reason="今年不涉及稳定风险", article="Art 22")
    _register(org, title="尚未启动的决策事项")

    page = leader_client.get(OVERVIEW, {"year": this_year - 1}).content.decode()
    assert ("往年决策事项" in page, "今年决策事项" in page) == (True, False)
    assert ("往年不涉及专业问题" in page, "今年不涉及稳定风险" in page) == (True, False)

    page = leader_client.get(OVERVIEW, {"state": DecisionState.PROPOSED}).content.decode()
    assert ("尚未启动的决策事项" in page, "今年决策事项" in page) == (True, False)
    assert "No step has been marked not applicable." in page


def test_the_waived_steps_are_paged_with_reason_article_and_approver(leader_client, org, monkeypatch):
    monkeypatch.setattr(views, "WAIVED_PAGE_SIZE", 2)
    for i in range(3):
        decision = _preparing(org, title=f"第{i}号决策事项")
        demo.waive(decision, StepKind.EXPERT_ARGUMENT, org, reason=f"第{i}号不涉及专业问题", article="Art 19")
    # The list of waived steps, after the decisions' table (whose marks show the reasons too).
    first = leader_client.get(OVERVIEW).content.decode().split('id="waived"')[1]
    second = leader_client.get(OVERVIEW, {"waived_page": 2}).content.decode().split('id="waived"')[1]
    waived_on = {i: [f"第{i}号不涉及专业问题" in page for page in (first, second)] for i in range(3)}
    # Newest first: two on the first page, the oldest on the second.
    assert waived_on == {2: [True, False], 1: [True, False], 0: [False, True]}
    assert "Art 19" in second
    assert org.sponsor_head.username in second


def test_the_overview_query_count_does_not_grow_with_the_catalogue(leader_client, org, django_assert_max_num_queries):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = leader_client.get(OVERVIEW)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    first = _preparing(org, title="第一个决策事项")
    demo.waive(first, StepKind.EXPERT_ARGUMENT, org, reason="不涉及专业问题", article="Art 19")
    demo.walk(_register(org, title="已决定的决策事项"), DecisionState.DECIDED, org)
    small = queries()

    # A page and a half of decisions, a page and a half of waived steps.
    for i in range(views.OVERVIEW_PAGE_SIZE):
        decision = _register(org, title=f"第{i}号决策事项")
        if i < views.WAIVED_PAGE_SIZE:
            services.decision_start(decision=decision, actor=org.secretary)
            demo.waive(decision, StepKind.RISK_ASSESSMENT, org, reason="不涉及稳定风险", article="Art 22")
    with django_assert_max_num_queries(small):
        page = leader_client.get(OVERVIEW).content.decode()
    assert _rows(page) == views.OVERVIEW_PAGE_SIZE + views.WAIVED_PAGE_SIZE
    assert re.search(r"Page 1 of 2 \(52 decisions\)", page)
    assert re.search(r"Page 1 of 2 \(26 steps marked not applicable\)", page)
    # session, user, bell, years, the figures (the counts by state, then the gate records), the page's
    # rows (unfiltered, its count is the figures' sum), their steps, waived count and rows,
    # then the rules of the record for the page's rows (decisions.integrity: one batch, which reads the
    # experts' opinions and the evaluations too, for Art 36, the issued opinions that heard no
    # adviser, for Art 28, the experts' selections, for Art 20 (the rule settings that fix the
    # minimum of independent experts come with the governments), and the gate records against the
    # records they stand for)
    assert small <= 25, small


def test_a_decision_walked_through_the_services_shows_no_gate_problem(org):
    decision = demo.walk(_register(org), DecisionState.DECIDED, org)
    [row] = overview.overview_decisions(org.leader)
    assert row.pk == decision.pk
    assert overview.gate_problems(row) == []


def test_waived_steps_are_listed_with_their_approver(org):
    decision = _register(org)
    services.decision_start(decision=decision, actor=org.secretary)
    demo.waive(decision, StepKind.EXPERT_ARGUMENT, org, reason="不涉及专业性、技术性问题", article="Art 19")
    [step] = overview.waived_steps(org.leader)
    assert (step.decision_id, step.kind, step.waiver_approved_by) == (
        decision.pk,
        StepKind.EXPERT_ARGUMENT,
        org.sponsor_head,
    )
    assert not overview.waived_steps(make_org().leader).exists()
