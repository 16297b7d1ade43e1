"""A waiver of a preparatory step is a two-party act (DESIGN.md, "Lifecycle contract"): the sponsor
requests it on a legal basis from the maintained list, naming the approver; the step is waived only
when that approver approves in their own login. Nobody else can approve; a request pending, refused
or withdrawn leaves the step where it was; the overview names an approver only once one approved.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from deadlines.models import Notification
from decisions import services
from decisions.errors import DecisionError, ErrorCode
from decisions.models import (
    DecisionEvent,
    DecisionState,
    ProcedureStep,
    Role,
    RuleSettings,
    StepKind,
    StepState,
    WaiverBasis,
    WaiverRequest,
    WaiverRequestStatus,
)
from decisions.rules import rules_for
from reporting.overview import waived_steps
from tests.factories import (
    MembershipFactory,
    decision_in,
    make_org,
    national_basis,
    other_sponsor_head,
    request_waiver,
    snapshot,
)

RA, EA, PP = StepKind.RISK_ASSESSMENT, StepKind.EXPERT_ARGUMENT, StepKind.PUBLIC_PARTICIPATION


@pytest.fixture
def preparing(org):
    return decision_in(org, DecisionState.PREPARING)


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def step_of(decision, kind=RA) -> ProcedureStep:
    return ProcedureStep.objects.get(decision=decision, kind=kind)


# --------------------------------------------------------------------------- the attack of the review


def test_a_waiver_approved_by_nobody_leaves_the_step_open(org, preparing):
    # Given the clerk requests the waiver naming the mayor, who is never asked to act
    request_waiver(preparing, RA, org, approver=org.leader)

    # Then the step is not waived, nobody is on record as approver, and the overview shows none
    step = step_of(preparing)
    assert step.state == StepState.PENDING
    assert step.waiver_approved_by is None
    assert not waived_steps(org.leader).exists()
    assert not DecisionEvent.objects.filter(decision=preparing, transition="waive").exists()
    # And the decision cannot go to the legality review on it
    with pytest.raises(DecisionError) as refused:
        services.decision_submit_for_review(decision=preparing, actor=org.sponsor_head)
    assert refused.value.rule == "steps_settled"


def test_the_overview_page_shows_no_approver_for_a_request_awaiting_approval(as_user, org, preparing):
    request_waiver(preparing, RA, org, approver=org.leader, reason="规划修编不涉及稳定风险")

    page = as_user(org.leader).get(reverse("decisions:overview")).content.decode()

    assert "规划修编不涉及稳定风险" not in page


# --------------------------------------------------------------------------- the approver approves


def test_the_approver_approves_and_only_then_the_step_is_waived_with_both_people_on_record(org, preparing):
    request = request_waiver(preparing, RA, org, approver=org.leader, basis_note="已有评估结论")
    assert step_of(preparing).state == StepState.PENDING

    services.waiver_approve(decision=preparing, kind=RA, actor=org.leader)

    step = step_of(preparing)
    request.refresh_from_db()
    assert step.state == StepState.WAIVED
    assert (step.waiver_approved_by, step.waiver_article, step.waiver_request) == (org.leader, "Art 22", request)
    assert request.status == WaiverRequestStatus.APPROVED and request.decided_at is not None
    event = DecisionEvent.objects.get(decision=preparing, step_kind=RA, transition="waive")
    assert event.actor == org.leader
    assert (event.details["requested_by"], event.details["approved_by"]) == (org.clerk.pk, org.leader.pk)
    assert event.details["basis_note"] == "已有评估结论"
    assert [w.pk for w in waived_steps(org.leader)] == [step.pk]


def test_the_approver_approves_over_http_in_their_own_login(as_user, org, preparing):
    request_waiver(preparing, RA, org, approver=org.sponsor_head)
    url = reverse("decisions:waiver_decide", kwargs={"pk": preparing.pk, "kind": RA, "act": "approve"})

    # The approver sees the buttons on the step panel
    page = as_user(org.sponsor_head).get(reverse("decisions:detail", kwargs={"pk": preparing.pk})).content.decode()
    assert url in page
    response = as_user(org.sponsor_head).post(url, {f"w-{RA}-approve-note": "同意"})

    assert response.status_code == 302
    step = step_of(preparing)
    assert (step.state, step.waiver_approved_by) == (StepState.WAIVED, org.sponsor_head)
    event = DecisionEvent.objects.get(decision=preparing, step_kind=RA, transition="waive")
    assert (event.actor, event.details["requested_by"]) == (org.sponsor_head, org.clerk.pk)


def test_the_clerk_requests_over_http_and_the_step_waits(as_user, org, preparing):
    basis = national_basis(RA)
    prefix = f"s-{RA}-waive"
    response = as_user(org.clerk).post(
        reverse("decisions:step_action", kwargs={"pk": preparing.pk, "kind": RA, "action": "waive"}),
        {
            f"{prefix}-reason": "已有合法有效的风险评估结论覆盖",
            f"{prefix}-basis": basis.pk,
            f"{prefix}-approver": org.leader.pk,
        },
    )

    assert response.status_code == 302
    assert step_of(preparing).state == StepState.PENDING
    assert WaiverRequest.objects.get(step__decision=preparing).approver == org.leader
    page = as_user(org.clerk).get(reverse("decisions:detail", kwargs={"pk": preparing.pk})).content.decode()
    assert "已有合法有效的风险评估结论覆盖" in page
    assert reverse("decisions:waiver_decide", kwargs={"pk": preparing.pk, "kind": RA, "act": "withdraw"}) in page
    assert reverse("decisions:waiver_decide", kwargs={"pk": preparing.pk, "kind": RA, "act": "approve"}) not in page


# --------------------------------------------------------------------------- nobody else approves


@pytest.mark.parametrize("who", ["requester", "other_head", "reviewer", "legal_head", "other_leader", "superuser"])
def test_nobody_but_the_named_approver_can_approve(org, preparing, who, django_user_model):
    request_waiver(preparing, RA, org, approver=org.leader)
    actor = {
        "requester": lambda: org.clerk,
        "other_head": lambda: other_sponsor_head(org),
        "reviewer": lambda: org.reviewer,
        "legal_head": lambda: org.legal_head,
        "other_leader": lambda: make_org("外市人民政府").leader,
        "superuser": lambda: django_user_model.objects.create_superuser("root", "root@example.org", "pw"),
    }[who]()
    before = snapshot(preparing)

    with pytest.raises(DecisionError) as refused:
        services.waiver_approve(decision=preparing, kind=RA, actor=actor)

    assert refused.value.code == ErrorCode.FORBIDDEN
    assert snapshot(preparing) == before
    assert step_of(preparing).state == StepState.PENDING
    assert WaiverRequest.objects.get(step__decision=preparing).status == WaiverRequestStatus.REQUESTED


def test_a_second_head_of_the_sponsor_cannot_approve_what_was_asked_of_the_first(org, preparing):
    second_head = MembershipFactory(department=org.sponsor, role=Role.SPONSOR_HEAD).user
    request_waiver(preparing, RA, org, approver=org.sponsor_head)

    with pytest.raises(DecisionError) as refused:
        services.waiver_approve(decision=preparing, kind=RA, actor=second_head)

    assert refused.value.code == ErrorCode.FORBIDDEN
    assert step_of(preparing).state == StepState.PENDING


def test_another_person_cannot_approve_over_http(as_user, org, preparing):
    request_waiver(preparing, RA, org, approver=org.leader)
    url = reverse("decisions:waiver_decide", kwargs={"pk": preparing.pk, "kind": RA, "act": "approve"})

    response = as_user(org.sponsor_head).post(url, {})

    assert response.status_code == 403
    assert step_of(preparing).state == StepState.PENDING


@pytest.mark.parametrize("approver", ["reviewer", "legal_head", "secretary", "other_head", "other_leader"])
def test_a_request_naming_someone_who_may_not_approve_is_refused(org, preparing, approver):
    person = {
        "other_head": lambda: other_sponsor_head(org),
        "other_leader": lambda: make_org("外市人民政府").leader,
    }.get(approver, lambda: getattr(org, approver))()

    with pytest.raises(DecisionError) as refused:
        request_waiver(preparing, RA, org, approver=person)

    assert (refused.value.code, refused.value.rule, refused.value.article) == (
        ErrorCode.RULE,
        "waiver_approver",
        "Art 22",
    )
    assert not WaiverRequest.objects.exists()


def test_nobody_approves_their_own_request(org, preparing):
    with pytest.raises(DecisionError) as refused:
        services.waiver_request(
            decision=preparing,
            kind=RA,
            actor=org.sponsor_head,
            reason="不涉及",
            basis=national_basis(RA),
            approver=org.sponsor_head,
        )

    assert refused.value.code == ErrorCode.INVALID and "approver" in refused.value.fields
    assert not WaiverRequest.objects.exists()


def test_the_database_refuses_a_request_its_requester_approves(org, preparing):
    with pytest.raises(IntegrityError), transaction.atomic():
        WaiverRequest.objects.create(
            step=step_of(preparing),
            requested_by=org.sponsor_head,
            approver=org.sponsor_head,
            reason="不涉及",
            basis=national_basis(RA),
        )


def test_a_government_requiring_a_leader_refuses_the_units_head(org, preparing):
    RuleSettings.objects.create(government=org.government, waiver_approver="leader")

    with pytest.raises(DecisionError) as refused:
        request_waiver(preparing, RA, org, approver=org.sponsor_head)
    assert refused.value.rule == "waiver_approver"

    request_waiver(preparing, RA, org, approver=org.leader)
    services.waiver_approve(decision=preparing, kind=RA, actor=org.leader)
    assert step_of(preparing).state == StepState.WAIVED


def test_a_city_cannot_loosen_a_provinces_leader_only_waivers(org):
    province = make_org("示例省人民政府").government
    org.government.parent = province
    org.government.save(update_fields=["parent"])
    RuleSettings.objects.create(government=province, waiver_approver="leader")
    RuleSettings.objects.create(government=org.government, waiver_approver="sponsor_head")

    assert rules_for(org.government).waiver_approver == "leader"


# --------------------------------------------------------------------------- refusal and withdrawal


def test_a_refused_waiver_keeps_the_step_open_and_the_record_says_why(org, preparing):
    services.step_start(decision=preparing, kind=RA, actor=org.clerk)
    request_waiver(preparing, RA, org, approver=org.leader)

    services.waiver_refuse(decision=preparing, kind=RA, actor=org.leader, reason="涉及征地补偿，应评估风险。")

    step = step_of(preparing)
    assert (step.state, step.waiver_approved_by) == (StepState.IN_PROGRESS, None)
    request = WaiverRequest.objects.get(step=step)
    assert (request.status, request.decision_note) == (WaiverRequestStatus.REFUSED, "涉及征地补偿，应评估风险。")
    event = DecisionEvent.objects.get(decision=preparing, transition="refuse_waiver")
    assert (event.actor, event.step_kind, event.from_state, event.to_state) == (
        org.leader,
        RA,
        StepState.IN_PROGRESS,
        StepState.IN_PROGRESS,
    )
    # A new request may follow
    request_waiver(preparing, RA, org, approver=org.sponsor_head, reason="补充说明后再次申请")


def test_a_refusal_needs_a_reason(org, preparing):
    request_waiver(preparing, RA, org, approver=org.leader)

    with pytest.raises(DecisionError) as refused:
        services.waiver_refuse(decision=preparing, kind=RA, actor=org.leader, reason=" ")

    assert refused.value.code == ErrorCode.INVALID
    assert WaiverRequest.objects.get().status == WaiverRequestStatus.REQUESTED


def test_only_the_approver_refuses(org, preparing):
    request_waiver(preparing, RA, org, approver=org.leader)

    with pytest.raises(DecisionError) as refused:
        services.waiver_refuse(decision=preparing, kind=RA, actor=org.sponsor_head, reason="不同意")

    assert refused.value.code == ErrorCode.FORBIDDEN


def test_the_requester_withdraws_an_open_request_and_nobody_else_can(org, preparing):
    request_waiver(preparing, RA, org, approver=org.leader)
    with pytest.raises(DecisionError) as refused:
        services.waiver_withdraw(decision=preparing, kind=RA, actor=org.sponsor_head)
    assert refused.value.code == ErrorCode.FORBIDDEN

    services.waiver_withdraw(decision=preparing, kind=RA, actor=org.clerk, reason="改为组织评估")

    assert WaiverRequest.objects.get().status == WaiverRequestStatus.WITHDRAWN
    assert step_of(preparing).state == StepState.PENDING
    assert DecisionEvent.objects.filter(decision=preparing, transition="withdraw_waiver_request").exists()
    with pytest.raises(DecisionError) as too_late:
        services.waiver_approve(decision=preparing, kind=RA, actor=org.leader)
    assert too_late.value.code == ErrorCode.WRONG_STATE


def test_one_open_request_per_step(org, preparing):
    request_waiver(preparing, RA, org, approver=org.leader)

    with pytest.raises(DecisionError) as refused:
        request_waiver(preparing, RA, org, approver=org.sponsor_head)
    assert refused.value.rule == "waiver_request_open"

    step = step_of(preparing)
    with pytest.raises(IntegrityError), transaction.atomic():
        WaiverRequest.objects.create(
            step=step, requested_by=org.clerk, approver=org.sponsor_head, reason="再次", basis=national_basis(RA)
        )


def test_a_step_awaiting_its_approver_is_not_completed_another_way(org, preparing):
    services.step_start(decision=preparing, kind=RA, actor=org.clerk)
    request_waiver(preparing, RA, org, approver=org.leader)

    with pytest.raises(DecisionError) as refused:
        services.step_complete(decision=preparing, kind=RA, actor=org.clerk)

    assert refused.value.rule == "waiver_request_open"


# --------------------------------------------------------------------------- the legal basis


def test_free_text_without_a_basis_from_the_list_is_refused(org, preparing):
    with pytest.raises(DecisionError) as refused:
        request_waiver(preparing, RA, org, basis=None, basis_note="无")

    assert refused.value.code == ErrorCode.INVALID and "basis" in refused.value.fields
    assert not WaiverRequest.objects.exists()


def test_an_inactive_basis_is_refused(org, preparing):
    basis = WaiverBasis.objects.create(citation="Art 22", title="已停用", steps=[RA], active=False)

    with pytest.raises(DecisionError) as refused:
        request_waiver(preparing, RA, org, basis=basis)

    assert (refused.value.rule, refused.value.article) == ("waiver_basis", "Art 22")
    assert not WaiverRequest.objects.exists()


def test_a_basis_for_another_step_is_refused(org, preparing):
    with pytest.raises(DecisionError) as refused:
        request_waiver(preparing, RA, org, basis=national_basis(PP))

    assert refused.value.rule == "waiver_basis"


def test_a_local_rule_of_another_government_is_refused(org, preparing):
    elsewhere = make_org("外市人民政府").government
    basis = WaiverBasis.objects.create(citation="外市规定第十条", title="外市细则", steps=[RA], government=elsewhere)

    with pytest.raises(DecisionError) as refused:
        request_waiver(preparing, RA, org, basis=basis)

    assert refused.value.rule == "waiver_basis"


def test_a_basis_retired_before_approval_is_refused_at_approval(org, preparing):
    request = request_waiver(preparing, RA, org, approver=org.leader)
    WaiverBasis.objects.filter(pk=request.basis_id).update(active=False)

    with pytest.raises(DecisionError) as refused:
        services.waiver_approve(decision=preparing, kind=RA, actor=org.leader)

    assert refused.value.rule == "waiver_basis"
    assert step_of(preparing).state == StepState.PENDING


def test_the_national_articles_are_seeded_as_the_law_has_them(db):
    seeded = {(b.citation, tuple(b.steps)) for b in WaiverBasis.objects.filter(government=None)}
    assert {("Art 14", (PP,)), ("Art 19", (EA,)), ("Art 22", (RA,))} <= seeded


# --------------------------------------------------------------------------- no other road


def test_the_step_cannot_be_waived_by_calling_the_transition_directly(org, preparing):
    step = step_of(preparing)
    step.waiver_reason, step.waiver_article, step.waiver_approved_by = "不涉及", "Art 22", org.sponsor_head
    from decisions import gates

    assert gates.step_refusals("waive", step)[0].rule == "waiver_approved"


def test_the_admin_cannot_add_or_change_a_waiver_request(client, org, preparing, django_user_model):
    request = request_waiver(preparing, RA, org, approver=org.leader)
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "pw"))

    assert client.get("/admin/decisions/waiverrequest/add/").status_code == 403
    client.post(f"/admin/decisions/waiverrequest/{request.pk}/change/", {"status": "approved"})

    request.refresh_from_db()
    assert request.status == WaiverRequestStatus.REQUESTED
    assert step_of(preparing).state == StepState.PENDING


def test_bases_are_edited_in_the_admin(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "pw"))

    response = client.post(
        "/admin/decisions/waiverbasis/add/",
        {"citation": "《某省规定》第十二条", "title": "省级细则", "text": "……", "steps": [RA], "active": "on"},
    )

    assert response.status_code == 302
    assert WaiverBasis.objects.get(title="省级细则").steps == [RA]


# --------------------------------------------------------------------------- the approver is told


def test_the_approver_is_notified_of_the_request_and_the_requester_of_the_outcome(as_user, org, preparing):
    request_waiver(preparing, RA, org, approver=org.leader)

    asked = Notification.objects.get(user=org.leader)
    assert asked.event.transition == "request_waiver"
    page = as_user(org.leader).get(reverse("deadlines:notifications")).content.decode()
    assert reverse("decisions:detail", kwargs={"pk": preparing.pk}) in page

    services.waiver_refuse(decision=preparing, kind=RA, actor=org.leader, reason="应评估")
    # (the clerk was told of the start too: the steps became theirs, deadlines.arrivals)
    assert Notification.objects.filter(user=org.clerk).latest("created_at", "id").event.transition == "refuse_waiver"

    request_waiver(preparing, RA, org, approver=org.sponsor_head)
    services.waiver_approve(decision=preparing, kind=RA, actor=org.sponsor_head)
    told = Notification.objects.filter(user=org.clerk).order_by("created_at", "id").last()
    assert told.event.transition == "waive"
    assert not Notification.objects.filter(user=org.sponsor_head, event__transition="waive").exists()
