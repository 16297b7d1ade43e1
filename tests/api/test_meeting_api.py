"""The meeting through the API (Art 30): the positions as a list of objects, the head's reasons
required against the computed majority, the record read back with its majority, corrections
appended by their own endpoint; the OpenAPI schema describes all of it."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from decisions.models import DecisionEvent, DecisionState, Meeting, MeetingCorrection
from tests.factories import decision_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def awaiting(org):
    return decision_in(org, DecisionState.AWAITING_DECISION)


def outcome_body(positions, **fields) -> dict:
    return {
        "outcome": "approved",
        "meeting_type": "executive",
        "held_on": timezone.localdate().isoformat(),
        "positions": positions,
        "head_final_statement": "同意。",
        **fields,
    }


FIVE_OF_SEVEN_AGAINST = [
    {"name": f"委员{n}", "position": stance, "reasons": "条件尚不成熟。" if stance == "against" else ""}
    for n, stance in enumerate(["against", "against", "for", "against", "against", "for", "against"], start=1)
]


def test_api_refuses_an_approval_against_five_of_seven_without_reasons_art_30(api, awaiting):
    events = DecisionEvent.objects.filter(decision=awaiting).count()
    positions = [*FIVE_OF_SEVEN_AGAINST, {"user": api.org.leader.pk, "position": "for", "is_head": True}]

    response = api.as_("secretary").post(
        f"/api/v1/decisions/{awaiting.pk}/transitions/record_outcome/", outcome_body(positions), format="json"
    )

    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["rule"], body["article"]) == ("invalid", "head_reasons", "Art 30")
    assert "head_reasons" in body["fields"]
    assert not Meeting.objects.filter(decision=awaiting).exists()
    assert DecisionEvent.objects.filter(decision=awaiting).count() == events
    awaiting.refresh_from_db()
    assert awaiting.state == DecisionState.AWAITING_DECISION


def test_api_records_the_positions_and_reads_back_the_computed_majority(api, awaiting):
    positions = [*FIVE_OF_SEVEN_AGAINST, {"user": api.org.leader.pk, "position": "for", "is_head": True}]
    secretary = api.as_("secretary")

    response = secretary.post(
        f"/api/v1/decisions/{awaiting.pk}/transitions/record_outcome/",
        outcome_body(positions, head_reasons="事关全局，须从速推进。"),
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "decided"
    [meeting] = secretary.get(f"/api/v1/decisions/{awaiting.pk}/meetings/").json()
    assert (meeting["majority"], meeting["head_against_majority"]) == ("against", True)
    assert [p["position"] for p in meeting["positions"]] == [*(p["position"] for p in FIVE_OF_SEVEN_AGAINST), "for"]
    assert meeting["positions"][-1]["role"] == "head"
    assert meeting["positions"][-1]["user"]["id"] == api.org.leader.pk


def test_api_does_not_take_the_head_against_majority_flag_as_input(api, awaiting):
    positions = [*FIVE_OF_SEVEN_AGAINST, {"name": "市长", "position": "for", "is_head": True}]

    response = api.as_("secretary").post(
        f"/api/v1/decisions/{awaiting.pk}/transitions/record_outcome/",
        outcome_body(positions, head_against_majority=False),
        format="json",
    )

    # An unknown key is ignored by the input shape; the flag is computed, so the refusal stands.
    assert response.status_code == 400
    assert response.json()["rule"] == "head_reasons"
    assert not Meeting.objects.filter(decision=awaiting).exists()


def test_api_refuses_a_meeting_without_exactly_one_head(api, awaiting):
    response = api.as_("secretary").post(
        f"/api/v1/decisions/{awaiting.pk}/transitions/record_outcome/",
        outcome_body([{"name": "副市长", "position": "for"}]),
        format="json",
    )

    assert response.status_code == 400
    assert "positions" in response.json()["fields"]
    assert not Meeting.objects.filter(decision=awaiting).exists()


def test_api_appends_a_correction_and_leaves_the_record_as_it_was(api, org):
    decision = decision_in(org, DecisionState.DECIDED)
    meeting = Meeting.objects.get(decision=decision)

    response = api.as_("secretary").post(
        f"/api/v1/decisions/{decision.pk}/meetings/{meeting.pk}/corrections/",
        {"field": "head_final_statement", "text": "同意。请抓好落实。", "reason": "漏记后半句。"},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["text"] == "同意。请抓好落实。"
    assert Meeting.objects.get(pk=meeting.pk).head_final_statement == meeting.head_final_statement
    assert DecisionEvent.objects.filter(decision=decision).latest("id").transition == "correct_meeting"
    listed = api.as_("secretary").get(f"/api/v1/decisions/{decision.pk}/meetings/").json()
    assert [c["reason"] for c in listed[0]["corrections"]] == ["漏记后半句。"]


def test_api_correction_by_another_role_is_403(api, org):
    decision = decision_in(org, DecisionState.DECIDED)
    meeting = Meeting.objects.get(decision=decision)

    response = api.as_("clerk").post(
        f"/api/v1/decisions/{decision.pk}/meetings/{meeting.pk}/corrections/",
        {"field": "other", "text": "改。", "reason": "改。"},
        format="json",
    )

    assert response.status_code == 403
    assert not MeetingCorrection.objects.exists()


def test_schema_describes_the_positions_and_the_correction(db):
    schema = APIClient().get("/api/v1/schema/?format=json").json()
    components = schema["components"]["schemas"]

    record = components["RecordOutcomeInputRequest"]
    assert record["properties"]["positions"]["type"] == "array"
    assert "positions" in record["required"]
    assert "head_against_majority" not in record["properties"]
    position = components["MeetingPositionInputRequest"]
    assert set(position["properties"]) == {"name", "position", "reasons", "is_head", "user"}
    assert "majority" in components["Meeting"]["properties"]
    path = "/api/v1/decisions/{id}/meetings/{meeting_pk}/corrections/"
    assert "post" in schema["paths"][path]
