"""The meeting record (Art 29–30): each member's position, the majority computed from them, the
head's reasons when the head goes against it; the record final once written, a correction appended
beside it. Driven through the services, the page and the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from decisions import services
from decisions.errors import DecisionError, ErrorCode
from decisions.models import (
    DecisionEvent,
    DecisionState,
    Meeting,
    MeetingCorrection,
    MeetingPosition,
    goes_against_majority,
    meeting_majority,
)
from tests.factories import decision_in, make_org, meeting_positions, meeting_values, snapshot

pytestmark = pytest.mark.django_db

FIVE_OF_SEVEN_AGAINST = ("against", "against", "for", "against", "against", "for", "against")


@pytest.fixture
def awaiting(org):
    return decision_in(org, DecisionState.AWAITING_DECISION)


def state_of(decision):
    decision.refresh_from_db()
    return decision.state


def record(org, decision, outcome="approved", **overrides):
    return services.decision_record_outcome(
        decision=decision, actor=org.secretary, **meeting_values(outcome, **overrides)
    )


# --------------------------------------------------------------------------- the majority (Art 30)


def test_majority_is_more_than_half_of_the_members():
    assert meeting_majority(FIVE_OF_SEVEN_AGAINST) == "against"
    assert meeting_majority(["for", "for", "against"]) == "for"
    # 3 for, 2 against, 2 abstaining of 7: nobody's view is the majority's.
    assert meeting_majority(["for", "for", "for", "against", "against", "abstain", "abstain"]) is None
    assert meeting_majority(["for", "against"]) is None


@pytest.mark.parametrize(
    ("outcome", "majority", "against"),
    [
        ("approved", "against", True),
        ("approved", "for", False),
        ("rejected", "for", True),
        ("rejected", "against", False),
        ("revise", "for", True),
        ("deferred", "for", False),
        ("deferred", "against", False),
        ("discuss_again", "for", False),
        ("approved", None, False),
        ("approved", "abstain", False),
    ],
)
def test_what_goes_against_the_majority_for_each_outcome(outcome, majority, against):
    assert goes_against_majority(outcome, majority) is against


# --------------------------------------------------------------------------- the head against the majority


def test_head_approving_against_five_of_seven_members_without_reasons_is_refused_art_30(org, awaiting):
    before = snapshot(awaiting)
    events = DecisionEvent.objects.filter(decision=awaiting).count()

    with pytest.raises(DecisionError) as exc:
        record(org, awaiting, "approved", positions=meeting_positions(*FIVE_OF_SEVEN_AGAINST), head_reasons=" ")

    assert (exc.value.article, exc.value.rule) == ("Art 30", "head_reasons")
    assert "head_reasons" in exc.value.fields
    assert not Meeting.objects.filter(decision=awaiting).exists()
    assert not MeetingPosition.objects.filter(meeting__decision=awaiting).exists()
    assert DecisionEvent.objects.filter(decision=awaiting).count() == events
    assert state_of(awaiting) == DecisionState.AWAITING_DECISION
    assert snapshot(awaiting) == before


def test_head_approving_against_five_of_seven_members_with_reasons_is_recorded_against_the_majority(org, awaiting):
    record(
        org,
        awaiting,
        "approved",
        positions=meeting_positions(*FIVE_OF_SEVEN_AGAINST, reasons="条件尚不成熟。"),
        head_reasons="事关全局，须从速推进。",
    )

    meeting = Meeting.objects.get(decision=awaiting)
    assert state_of(awaiting) == DecisionState.DECIDED
    assert meeting.head_against_majority is True
    assert meeting.majority == "against"
    assert meeting.head_reasons == "事关全局，须从速推进。"
    # The dissent is attributed: the five members against an approval, with their reasons.
    assert [(p.member_name, p.reasons) for p in meeting.dissenting] == [
        (name, "条件尚不成熟。") for name in ("常务副市长", "副市长甲", "副市长丙", "副市长丁", "市长助理")
    ]


@pytest.mark.parametrize("outcome", ["rejected", "revise"])
def test_head_refusing_a_draft_most_members_are_for_must_give_reasons(org, awaiting, outcome):
    with pytest.raises(DecisionError) as exc:
        record(org, awaiting, outcome, positions=meeting_positions("for", "for", "against"))

    assert (exc.value.article, exc.value.rule) == ("Art 30", "head_reasons")
    assert state_of(awaiting) == DecisionState.AWAITING_DECISION


def test_deferring_decides_nothing_so_never_goes_against_the_majority(org, awaiting):
    record(org, awaiting, "deferred", positions=meeting_positions("for", "for", "for"))

    meeting = Meeting.objects.get(decision=awaiting)
    assert meeting.head_against_majority is False
    assert meeting.dissenting == []


def test_without_a_majority_the_head_needs_no_reasons(org, awaiting):
    record(org, awaiting, "rejected", positions=meeting_positions("for", "for", "for", "against", "against", "abstain"))

    meeting = Meeting.objects.get(decision=awaiting)
    assert (meeting.majority, meeting.head_against_majority) == (None, False)
    assert state_of(awaiting) == DecisionState.REJECTED


def test_head_against_the_majority_is_computed_never_typed(org, awaiting):
    # A caller cannot say the head went with the majority: the flag is not an input.
    with pytest.raises(DecisionError) as exc:
        services.decision_transition(
            decision=awaiting,
            name="record_outcome",
            **meeting_values(positions=meeting_positions(*FIVE_OF_SEVEN_AGAINST), head_against_majority=False),
            actor=org.secretary,
        )

    assert exc.value.code == ErrorCode.INVALID
    assert not Meeting.objects.filter(decision=awaiting).exists()


def test_the_positions_are_stored_in_order_with_the_head_last(org, awaiting):
    positions = meeting_positions("for", "against")
    head = positions.pop()
    record(org, awaiting, positions=[head, *positions])  # the head given first

    rows = list(MeetingPosition.objects.filter(meeting__decision=awaiting).order_by("order"))
    assert [(p.member_name, p.role, p.position) for p in rows] == [
        ("常务副市长", "member", "for"),
        ("副市长甲", "member", "against"),
        ("市长", "head", "for"),
    ]


def test_a_member_with_an_account_is_named_from_it(org, awaiting):
    positions = meeting_positions("for")
    positions[-1] = {"user": org.leader.pk, "position": "for", "is_head": True}
    record(org, awaiting, positions=positions)

    head = MeetingPosition.objects.get(meeting__decision=awaiting, role="head")
    assert head.user == org.leader
    assert head.member_name == (org.leader.get_full_name() or org.leader.get_username())


@pytest.mark.parametrize(
    "positions",
    [
        pytest.param([], id="nobody"),
        pytest.param([{"name": "市长", "position": "for", "is_head": True}], id="only-the-head"),
        pytest.param([{"name": "副市长", "position": "for"}], id="no-head"),
        pytest.param(
            [
                {"name": "副市长", "position": "for"},
                {"name": "市长", "position": "for", "is_head": True},
                {"name": "常务副市长", "position": "for", "is_head": True},
            ],
            id="two-heads",
        ),
        pytest.param(
            [{"name": "副市长", "position": "maybe"}, {"name": "市长", "position": "for", "is_head": True}],
            id="unknown-position",
        ),
        pytest.param(
            [
                {"name": "副市长", "position": "for"},
                {"name": "副市长", "position": "against"},
                {"name": "市长", "position": "for", "is_head": True},
            ],
            id="named-twice",
        ),
        pytest.param(
            [{"name": "", "position": "for"}, {"name": "市长", "position": "for", "is_head": True}], id="unnamed"
        ),
        pytest.param("副市长：同意", id="not-a-list"),
    ],
)
def test_the_meeting_record_needs_members_and_exactly_one_head(org, awaiting, positions):
    before = snapshot(awaiting)

    with pytest.raises(DecisionError) as exc:
        record(org, awaiting, positions=positions)

    assert exc.value.code == ErrorCode.INVALID
    assert "positions" in exc.value.fields
    assert snapshot(awaiting) == before


def test_an_account_outside_the_government_is_refused(org, awaiting):
    stranger = make_org().leader
    positions = meeting_positions("for")
    positions[-1] = {"user": stranger.pk, "position": "for", "is_head": True}

    with pytest.raises(DecisionError) as exc:
        record(org, awaiting, positions=positions)

    assert "positions" in exc.value.fields
    assert not Meeting.objects.filter(decision=awaiting).exists()


# --------------------------------------------------------------------------- final once recorded


@pytest.fixture
def meeting(org, awaiting):
    record(org, awaiting, positions=meeting_positions("for", "against"), head_final_statement="同意。")
    return Meeting.objects.get(decision=awaiting)


def test_a_meeting_record_is_final_in_the_model_layer(meeting):
    meeting.head_final_statement = "不同意。"
    with pytest.raises(PermissionError):
        meeting.save()
    position = meeting.positions.first()
    position.position = "against"
    with pytest.raises(PermissionError):
        position.save()
    with pytest.raises(PermissionError):
        Meeting.objects.filter(pk=meeting.pk).update(head_final_statement="不同意。")
    with pytest.raises(PermissionError):
        MeetingPosition.objects.filter(meeting=meeting).update(position="against")

    assert Meeting.objects.get(pk=meeting.pk).head_final_statement == "同意。"
    assert list(MeetingPosition.objects.filter(meeting=meeting).values_list("position", flat=True)) == [
        "for",
        "against",
        "for",
    ]


def test_a_correction_is_appended_the_original_unchanged_and_an_event_written(org, awaiting, meeting):
    correction = services.meeting_correct(
        decision=awaiting,
        actor=org.secretary,
        meeting_id=meeting.pk,
        field="head_final_statement",
        text="同意。请承办单位抓好落实。",
        reason="会议纪要核对：漏记后半句。",
    )

    assert Meeting.objects.get(pk=meeting.pk).head_final_statement == "同意。"
    assert (correction.meeting, correction.field, correction.text, correction.corrected_by) == (
        meeting,
        "head_final_statement",
        "同意。请承办单位抓好落实。",
        org.secretary,
    )
    event = DecisionEvent.objects.filter(decision=awaiting).latest("id")
    assert (event.transition, event.comment, event.actor) == (
        "correct_meeting",
        "会议纪要核对：漏记后半句。",
        org.secretary,
    )
    assert event.details == {"meeting": meeting.pk, "correction": correction.pk, "field": "head_final_statement"}
    assert state_of(awaiting) == DecisionState.DECIDED


def test_a_correction_cannot_be_updated_or_deleted(org, awaiting, meeting):
    correction = services.meeting_correct(
        decision=awaiting, actor=org.secretary, meeting_id=meeting.pk, field="other", text="补正。", reason="笔误。"
    )

    correction.text = "另一说法。"
    with pytest.raises(PermissionError):
        correction.save()
    with pytest.raises(PermissionError):
        MeetingCorrection.objects.filter(pk=correction.pk).update(text="另一说法。")
    with pytest.raises(PermissionError):
        correction.delete()

    assert MeetingCorrection.objects.get(pk=correction.pk).text == "补正。"


def test_a_correction_needs_its_reason(org, awaiting, meeting):
    before = snapshot(awaiting)

    with pytest.raises(DecisionError) as exc:
        services.meeting_correct(
            decision=awaiting, actor=org.secretary, meeting_id=meeting.pk, field="other", text="补正。", reason=" "
        )

    assert "reason" in exc.value.fields
    assert snapshot(awaiting) == before


def test_a_correction_is_made_only_by_who_records_the_meetings(org, awaiting, meeting):
    with pytest.raises(DecisionError) as exc:
        services.meeting_correct(
            decision=awaiting, actor=org.clerk, meeting_id=meeting.pk, field="other", text="补正。", reason="笔误。"
        )

    assert exc.value.code == ErrorCode.FORBIDDEN
    assert not MeetingCorrection.objects.exists()


def test_a_correction_of_another_decisions_meeting_is_refused(org, awaiting, meeting):
    other = decision_in(org, DecisionState.PREPARING)

    with pytest.raises(DecisionError) as exc:
        services.meeting_correct(
            decision=other, actor=org.secretary, meeting_id=meeting.pk, field="other", text="补正。", reason="笔误。"
        )

    assert exc.value.code == ErrorCode.NOT_FOUND
    assert not MeetingCorrection.objects.exists()


# --------------------------------------------------------------------------- the admin is read-only


def test_the_admin_cannot_change_a_meeting_or_its_positions(admin_client, meeting):
    url = reverse("admin:decisions_meeting_change", args=[meeting.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content

    response = admin_client.post(
        url,
        {
            "meeting_type": "plenary",
            "held_on": meeting.held_on.isoformat(),
            "outcome": "rejected",
            "head_final_statement": "不同意。",
            "head_against_majority": "",
            "positions-TOTAL_FORMS": "3",
            "positions-INITIAL_FORMS": "3",
            "positions-0-id": str(meeting.positions.first().pk),
            "positions-0-position": "against",
        },
    )

    assert response.status_code == 403
    fresh = Meeting.objects.get(pk=meeting.pk)
    assert (fresh.meeting_type, fresh.outcome, fresh.head_final_statement) == ("executive", "approved", "同意。")
    assert list(fresh.positions.values_list("position", flat=True)) == ["for", "against", "for"]


def test_the_admin_cannot_add_or_delete_a_meeting(admin_client, meeting):
    assert admin_client.get(reverse("admin:decisions_meeting_add")).status_code == 403
    assert (
        admin_client.post(reverse("admin:decisions_meeting_delete", args=[meeting.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_the_admin_cannot_change_a_correction(org, awaiting, admin_client, meeting):
    correction = services.meeting_correct(
        decision=awaiting, actor=org.secretary, meeting_id=meeting.pk, field="other", text="补正。", reason="笔误。"
    )

    response = admin_client.post(
        reverse("admin:decisions_meetingcorrection_change", args=[correction.pk]),
        {"field": "other", "text": "另一说法。", "reason": "改。"},
    )

    assert response.status_code == 403
    assert MeetingCorrection.objects.get(pk=correction.pk).text == "补正。"
