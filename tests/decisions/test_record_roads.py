"""No road around the record: the admin shows the procedural record and changes none of it; moving
a decision to another sponsor is a service with a reason and an event, and the database refuses a
sponsor of another government whatever road the write takes; every change to the record is an
event with the values before and after."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib import admin
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import translation

from decisions import services
from decisions.changes import describe
from decisions.choices import EventType
from decisions.errors import DecisionError, ErrorCode
from decisions.models import (
    Attachment,
    Decision,
    DecisionEvent,
    DecisionState,
    Department,
    Evaluation,
    ExecutionReport,
    ExpertOpinion,
    Meeting,
    ParticipationRecord,
    ProcedureStep,
    Publication,
    RiskAssessmentRecord,
    StepKind,
)
from tests.factories import (
    ADOPTION,
    complete,
    decision_in,
    make_org,
    participation_values,
    record_participation,
    record_risk,
    settle_steps,
    snapshot,
    start_step,
)

pytestmark = pytest.mark.django_db

RECORD_MODELS = [
    Decision,
    ProcedureStep,
    ParticipationRecord,
    ExpertOpinion,
    RiskAssessmentRecord,
    Meeting,
    Publication,
    ExecutionReport,
    Evaluation,
    Attachment,
    DecisionEvent,
]


def _admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


# --------------------------------------------------------------------------- the admin road


def test_admin_flipping_a_risk_to_controllable_is_refused_and_the_art_24_block_holds(org, admin_client):
    # Given a decision whose risk was judged uncontrollable (Art 24 blocks the submission)
    decision = decision_in(org, DecisionState.PREPARING)
    record_participation(decision, org)
    complete(decision, StepKind.PUBLIC_PARTICIPATION, org)
    services.step_start(decision=decision, kind=StepKind.EXPERT_ARGUMENT, actor=org.clerk)
    services.expert_opinion_add(decision=decision, actor=org.clerk, expert_name="王", opinion="可行。")
    record_risk(decision, org, level="high", controllable=False)
    risk = RiskAssessmentRecord.objects.get(step__decision=decision)
    before = snapshot(decision)

    # When a superuser posts the admin form with "judged controllable" ticked
    response = admin_client.post(
        _admin_url(RiskAssessmentRecord, "change", risk.pk),
        {"assessor": risk.assessor, "level": "high", "controllable": "2", "third_party": "on"},
    )

    # Then the admin refuses, the record and its history are as they were
    assert response.status_code == 403
    assert snapshot(decision) == before
    risk.refresh_from_db()
    assert risk.controllable is False


def test_admin_cannot_move_a_decision_to_another_governments_department(org, admin_client):
    decision = decision_in(org, DecisionState.PREPARING)
    elsewhere = make_org("邻市人民政府")
    before = snapshot(decision)

    response = admin_client.post(
        _admin_url(Decision, "change", decision.pk),
        {"title": decision.title, "lead_sponsor": elsewhere.sponsor.pk, "government": elsewhere.government.pk},
    )

    assert response.status_code == 403
    assert snapshot(decision) == before


@pytest.mark.parametrize("model", RECORD_MODELS, ids=lambda m: m._meta.model_name)
def test_admin_has_no_add_change_or_delete_for_the_procedural_record(model, admin_client, admin_user, rf):
    # The admin of every part of the record is read-only, for superusers too.
    model_admin = admin.site._registry[model]
    request = rf.get("/")
    request.user = admin_user
    assert model_admin.has_view_permission(request) is True
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request) is False
    assert model_admin.has_delete_permission(request) is False
    assert admin_client.get(_admin_url(model, "add")).status_code == 403


def test_organisation_data_stays_editable_in_the_admin(org, admin_client):
    response = admin_client.post(
        _admin_url(Department, "change", org.other_sponsor.pk),
        {"government": org.government.pk, "name": "民政局（更名）", "kind": "sponsor"},
    )
    assert response.status_code == 302
    org.other_sponsor.refresh_from_db()
    assert org.other_sponsor.name == "民政局（更名）"


# --------------------------------------------------------------------------- sponsors within the government


def test_moving_a_decision_to_another_sponsor_is_a_service_with_a_reason_and_an_event(org):
    decision = decision_in(org, DecisionState.PREPARING)

    services.decision_change_sponsors(
        decision=decision,
        actor=org.secretary,
        lead_sponsor=org.other_sponsor,
        co_sponsors=[org.sponsor],
        reason="机构改革，职责划转。",
    )

    decision.refresh_from_db()
    assert decision.lead_sponsor == org.other_sponsor
    assert list(decision.co_sponsors.all()) == [org.sponsor]
    event = decision.events.get(transition=EventType.CHANGE_SPONSORS)
    assert (event.actor, event.comment) == (org.secretary, "机构改革，职责划转。")
    changes = {c["field"]: (c["before"], c["after"]) for c in event.details["changes"]}
    assert changes == {
        "lead_sponsor": (org.sponsor.name, org.other_sponsor.name),
        "co_sponsors": ([], [org.sponsor.name]),
    }


@pytest.mark.parametrize(
    ("who", "lead", "reason", "code"),
    [
        ("clerk", "other_sponsor", "机构改革。", ErrorCode.FORBIDDEN),  # the sponsor does not move itself
        ("secretary", "elsewhere", "机构改革。", ErrorCode.INVALID),  # another government's department
        ("secretary", "legal_office", "机构改革。", ErrorCode.INVALID),  # not a sponsoring department
        ("secretary", "other_sponsor", "  ", ErrorCode.INVALID),  # no reason
    ],
)
def test_a_refused_sponsor_change_changes_nothing(org, who, lead, reason, code):
    decision = decision_in(org, DecisionState.PREPARING)
    elsewhere = make_org("邻市人民政府")
    departments = {"other_sponsor": org.other_sponsor, "elsewhere": elsewhere.sponsor, "legal_office": org.legal_office}
    before = snapshot(decision)

    with pytest.raises(DecisionError) as refused:
        services.decision_change_sponsors(
            decision=decision, actor=getattr(org, who), lead_sponsor=departments[lead], reason=reason
        )

    assert refused.value.code == code
    assert snapshot(decision) == before


def test_a_closed_decision_keeps_its_sponsors(org):
    decision = decision_in(org, DecisionState.WITHDRAWN)
    with pytest.raises(DecisionError) as refused:
        services.decision_change_sponsors(
            decision=decision, actor=org.secretary, lead_sponsor=org.other_sponsor, reason="机构改革。"
        )
    assert refused.value.code == ErrorCode.WRONG_STATE


def _refused_by_the_database(sql: str, params: list) -> None:
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_database_refuses_a_lead_sponsor_or_executing_unit_of_another_government(org):
    decision = decision_in(org, DecisionState.PREPARING)
    elsewhere = make_org("邻市人民政府")

    _refused_by_the_database(
        "UPDATE decisions_decision SET lead_sponsor_id = %s WHERE id = %s", [elsewhere.sponsor.pk, decision.pk]
    )
    _refused_by_the_database(
        "UPDATE decisions_decision SET executing_unit_id = %s WHERE id = %s", [elsewhere.sponsor.pk, decision.pk]
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(lead_sponsor=elsewhere.sponsor)

    decision.refresh_from_db()
    assert decision.lead_sponsor == org.sponsor
    assert decision.executing_unit is None


def test_the_database_refuses_a_co_sponsor_of_another_government(org):
    decision = decision_in(org, DecisionState.PREPARING)
    elsewhere = make_org("邻市人民政府")

    with pytest.raises(IntegrityError), transaction.atomic():
        decision.co_sponsors.add(elsewhere.sponsor)

    assert not decision.co_sponsors.exists()


def test_a_department_serving_decisions_cannot_move_to_another_government(org):
    decision_in(org, DecisionState.PREPARING)
    elsewhere = make_org("邻市人民政府")

    with pytest.raises(IntegrityError), transaction.atomic():
        Department.objects.filter(pk=org.sponsor.pk).update(government=elsewhere.government)

    org.sponsor.refresh_from_db()
    assert org.sponsor.government == org.government


# --------------------------------------------------------------------------- every change is an event


def test_judging_a_risk_controllable_is_an_event_naming_who_and_the_values_before_and_after(org):
    decision = decision_in(org, DecisionState.PREPARING)
    record_risk(decision, org, level="high", controllable=False)

    services.risk_update(decision=decision, actor=org.sponsor_head, controllable=True)

    event = decision.events.filter(transition=EventType.RECORD_CHANGE, step_kind=StepKind.RISK_ASSESSMENT).last()
    assert event.actor == org.sponsor_head
    assert event.details["record"] == "decisions.riskassessmentrecord"
    assert event.details["changes"] == [{"field": "controllable", "before": False, "after": True}]
    assert event.from_state == event.to_state == decision.steps.get(kind=StepKind.RISK_ASSESSMENT).state


def test_saving_a_record_unchanged_writes_no_event(org):
    decision = decision_in(org, DecisionState.PREPARING)
    record_risk(decision, org)
    count = decision.events.count()

    services.risk_update(decision=decision, actor=org.clerk, controllable=True)  # as it already was

    assert decision.events.count() == count


@pytest.mark.parametrize(
    "what", ["expert_opinion", "participation", "adoption_summary", "execution_report", "evaluation"]
)
def test_each_record_write_is_an_event(org, what):
    decision = decision_in(
        org, DecisionState.IMPLEMENTING if what in ("execution_report", "evaluation") else "preparing"
    )
    if what in ("participation", "adoption_summary"):
        start_step(decision, StepKind.PUBLIC_PARTICIPATION, org)
    count = decision.events.filter(transition=EventType.RECORD_CHANGE).count()
    if what == "expert_opinion":
        services.step_start(decision=decision, kind=StepKind.EXPERT_ARGUMENT, actor=org.clerk)
        services.expert_opinion_add(decision=decision, actor=org.clerk, expert_name="李明", opinion="可行。")
    elif what == "participation":
        services.participation_update(decision=decision, actor=org.clerk, **participation_values())
    elif what == "adoption_summary":
        services.participation_record_adoption(decision=decision, actor=org.clerk, **ADOPTION)
    elif what == "execution_report":
        services.execution_report_add(
            decision=decision, actor=org.clerk, reported_on=decision.created_at.date(), progress="按计划推进。"
        )
    else:
        services.evaluation_record(decision=decision, actor=org.secretary, trigger="body_request", evaluator="第三方")
    assert decision.events.filter(transition=EventType.RECORD_CHANGE).count() == count + 1


def test_the_history_page_shows_what_changed_before_and_after(org, client):
    decision = decision_in(org, DecisionState.PREPARING)
    record_risk(decision, org, level="high", controllable=False)
    services.risk_update(decision=decision, actor=org.clerk, controllable=True)
    client.force_login(org.clerk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    page = client.get(reverse("decisions:detail", args=[decision.pk]))

    text = page.content.decode()
    assert "经研判风险可控" in text  # the field's name, translated
    assert "<del>否</del> → <ins>是</ins>" in text
    with translation.override("en"):
        lines = describe(decision.events.filter(transition=EventType.RECORD_CHANGE).last().details)
    assert [(line.before, line.after) for line in lines] == [("No", "Yes")]


# --------------------------------------------------------------------------- amending the description


def test_the_sponsor_amends_the_description_before_submission_with_a_reason(org):
    decision = decision_in(org, DecisionState.PREPARING)
    old_title = decision.title

    services.decision_amend(decision=decision, actor=org.clerk, title="调整后的标题", reason="标题表述不准确。")

    event = decision.events.get(transition=EventType.AMEND)
    assert event.details["changes"] == [{"field": "title", "before": old_title, "after": "调整后的标题"}]
    assert event.comment == "标题表述不准确。"


def test_the_description_is_not_amended_after_submission(org):
    decision = decision_in(org, DecisionState.LEGALITY_REVIEW)
    before = snapshot(decision)
    with pytest.raises(DecisionError) as refused:
        services.decision_amend(decision=decision, actor=org.clerk, title="送审后改标题", reason="改。")
    assert refused.value.code == ErrorCode.WRONG_STATE
    assert snapshot(decision) == before


def test_sponsors_change_through_the_page_and_the_api(org, client):
    decision = decision_in(org, DecisionState.PREPARING)
    client.force_login(org.secretary)

    response = client.post(
        reverse("decisions:change_sponsors", args=[decision.pk]),
        {"sp-lead_sponsor": org.other_sponsor.pk, "sp-reason": "职责划转。"},
    )

    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.lead_sponsor == org.other_sponsor


def test_the_api_refuses_an_unknown_department_and_moves_with_a_known_one(org):
    from rest_framework.test import APIClient

    decision = decision_in(org, DecisionState.PREPARING)
    api = APIClient()
    api.force_authenticate(org.secretary)
    url = reverse("api:decision-sponsors", args=[decision.pk])

    assert api.post(url, {"lead_sponsor": 999999, "reason": "划转。"}, format="json").status_code == 400
    response = api.post(url, {"lead_sponsor": org.other_sponsor.pk, "reason": "划转。"}, format="json")

    assert response.status_code == 200
    decision.refresh_from_db()
    assert decision.lead_sponsor == org.other_sponsor


def test_settled_steps_are_untouched_by_a_sponsor_change(org):
    decision = decision_in(org, DecisionState.PREPARING)
    settle_steps(decision, org)
    states = list(decision.steps.order_by("kind").values_list("state", flat=True))
    services.decision_change_sponsors(
        decision=decision, actor=org.leader, lead_sponsor=org.other_sponsor, reason="职责划转。"
    )
    assert list(decision.steps.order_by("kind").values_list("state", flat=True)) == states
