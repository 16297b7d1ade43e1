"""Waivers over the API: a request by the sponsor's token, approval only by the named approver's
own token; free text without a listed basis is bad input."""

from __future__ import annotations

import pytest

from decisions import services
from decisions.models import DecisionEvent, DecisionState, StepState, WaiverRequest, WaiverRequestStatus
from tests.factories import decision_in, national_basis

RA = "risk_assessment"


@pytest.fixture
def preparing(org):
    return decision_in(org, DecisionState.PREPARING)


def _request(api, decision, approver, **overrides):
    body = {"reason": "不涉及社会稳定风险", "basis": national_basis(RA).pk, "approver": approver.pk, **overrides}
    return api.as_("clerk").post(f"/api/v1/decisions/{decision.pk}/steps/{RA}/waive/", body, format="json")


def test_the_waive_action_creates_a_request_and_leaves_the_step_open(api, preparing):
    response = _request(api, preparing, api.org.leader)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == StepState.PENDING
    assert body["waiver_approved_by"] is None
    assert body["waiver_request"]["status"] == "requested"
    assert body["waiver_request"]["approver"]["id"] == api.org.leader.pk


def test_the_approver_approves_with_their_own_token_and_the_event_names_both(api, preparing):
    _request(api, preparing, api.org.leader)

    response = api.as_("leader").post(
        f"/api/v1/decisions/{preparing.pk}/steps/{RA}/waiver/approve/", {"note": "同意"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["state"] == StepState.WAIVED
    assert response.json()["waiver_approved_by"]["id"] == api.org.leader.pk
    event = DecisionEvent.objects.get(decision=preparing, transition="waive")
    assert (event.actor, event.details["requested_by"], event.details["approved_by"]) == (
        api.org.leader,
        api.org.clerk.pk,
        api.org.leader.pk,
    )


@pytest.mark.parametrize("who", ["clerk", "sponsor_head", "reviewer", "legal_head", "secretary"])
def test_nobody_else_approves_over_the_api(api, preparing, who):
    _request(api, preparing, api.org.leader)

    response = api.as_(who).post(f"/api/v1/decisions/{preparing.pk}/steps/{RA}/waiver/approve/", {}, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert preparing.steps.get(kind=RA).state == StepState.PENDING


def test_refusal_over_the_api_keeps_the_step_open(api, preparing):
    _request(api, preparing, api.org.sponsor_head)
    url = f"/api/v1/decisions/{preparing.pk}/steps/{RA}/waiver/refuse/"

    assert api.as_("sponsor_head").post(url, {}, format="json").status_code == 400
    response = api.as_("sponsor_head").post(url, {"reason": "应当评估"}, format="json")

    assert response.status_code == 200
    assert response.json()["state"] == StepState.PENDING
    assert response.json()["waiver_request"]["status"] == "refused"


def test_the_requester_withdraws_over_the_api(api, preparing):
    _request(api, preparing, api.org.sponsor_head)

    response = api.as_("clerk").post(f"/api/v1/decisions/{preparing.pk}/steps/{RA}/waiver/withdraw/", {}, format="json")

    assert response.status_code == 200
    assert WaiverRequest.objects.get().status == WaiverRequestStatus.WITHDRAWN


def test_free_text_without_a_listed_basis_is_400(api, preparing):
    response = api.as_("clerk").post(
        f"/api/v1/decisions/{preparing.pk}/steps/{RA}/waive/",
        {"reason": "不适用", "article": "无", "approver": api.org.leader.pk},
        format="json",
    )

    assert response.status_code == 400
    assert "basis" in response.json()["fields"]
    assert not WaiverRequest.objects.exists()


def test_a_basis_for_another_step_is_refused_409_with_its_rule(api, preparing):
    response = _request(api, preparing, api.org.leader, basis=national_basis("public_participation").pk)

    assert response.status_code == 409
    assert (response.json()["rule"], response.json()["article"]) == ("waiver_basis", "Art 22")


def test_an_unknown_basis_is_400(api, preparing):
    response = _request(api, preparing, api.org.leader, basis=999_999)

    assert response.status_code == 400
    assert "basis" in response.json()["fields"]


def test_the_bases_listed_for_a_step_are_those_that_apply_to_it(api, preparing):
    body = api.as_("clerk").get(f"/api/v1/decisions/{preparing.pk}/steps/{RA}/waiver-bases/").json()

    assert body and all(RA in basis["steps"] and basis["active"] for basis in body)
    assert {basis["citation"] for basis in body} == {"Art 22"}


def test_the_approver_finds_the_request_in_their_notifications(api, preparing):
    _request(api, preparing, api.org.leader)

    body = api.as_("leader").get("/api/v1/notifications/").json()

    [notification] = body["results"]
    assert notification["event"]["transition"] == "request_waiver"
    assert notification["event"]["decision"] == preparing.pk
    assert notification["reminder_kind"] is None
    services.waiver_approve(decision=preparing, kind=RA, actor=api.org.leader)
