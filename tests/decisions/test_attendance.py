"""Art 30: who attended the meeting: the members (their positions), and where the government's
practice has the legal office attend (``legal_office_attends_meeting``), who attended for it."""

from __future__ import annotations

import pytest

from decisions import services
from decisions.choices import RuleCode
from decisions.errors import DecisionError, ErrorCode
from decisions.models import DecisionState, MeetingRole, RuleSettings
from decisions.rules import rules_for
from tests.factories import GovernmentFactory, decision_in, meeting_values

pytestmark = pytest.mark.django_db


def _require_attendance(government):
    RuleSettings.objects.update_or_create(government=government, defaults={"legal_office_attends_meeting": True})
    government.refresh_from_db()


def test_meeting_refused_without_legal_office_attendee_when_practice_requires(org):
    decision = decision_in(org, DecisionState.AWAITING_DECISION)
    _require_attendance(org.government)

    with pytest.raises(DecisionError) as exc:
        services.decision_record_outcome(decision=decision, actor=org.secretary, **meeting_values())

    assert exc.value.code == ErrorCode.INVALID
    assert exc.value.rule == RuleCode.LEGAL_OFFICE_ATTENDED
    assert exc.value.article == "Art 30"
    assert not decision.meetings.exists()
    decision.refresh_from_db()
    assert decision.state == DecisionState.AWAITING_DECISION


def test_meeting_recorded_with_the_legal_office_attendance(org):
    decision = decision_in(org, DecisionState.AWAITING_DECISION)
    _require_attendance(org.government)

    services.decision_record_outcome(
        decision=decision,
        actor=org.secretary,
        **meeting_values(legal_office_attendee="司法局局长", legal_advisers_present="王律师"),
    )

    meeting = decision.meetings.get()
    assert (meeting.legal_office_attendee, meeting.legal_advisers_present) == ("司法局局长", "王律师")


def test_meeting_without_the_practice_needs_no_legal_office_attendee(org):
    decision = decision_in(org, DecisionState.AWAITING_DECISION)

    services.decision_record_outcome(decision=decision, actor=org.secretary, **meeting_values())

    assert decision.meetings.get().legal_office_attendee == ""


def test_a_higher_governments_practice_binds_the_lower_ones(org):
    province = GovernmentFactory(name="省", level="province")
    org.government.parent = province
    org.government.save(update_fields=["parent"])
    _require_attendance(province)
    RuleSettings.objects.update_or_create(government=org.government, defaults={"legal_office_attends_meeting": False})
    org.government.refresh_from_db()

    assert rules_for(org.government).legal_office_attends_meeting is True


def test_the_head_speaks_last_whatever_order_the_positions_are_given_in(org):
    decision = decision_in(org, DecisionState.AWAITING_DECISION)
    positions = meeting_values()["positions"]
    positions = [positions[-1], *positions[:-1]]  # the head given first

    services.decision_record_outcome(decision=decision, actor=org.secretary, **meeting_values(positions=positions))

    ordered = list(decision.meetings.get().positions.order_by("order"))
    assert ordered[-1].role == MeetingRole.HEAD
    assert all(p.role == MeetingRole.MEMBER for p in ordered[:-1])
