"""Art 37: urgent suspension, and its end, are the government head's (行政首长) call; the head is one
of the government's leaders, named on the government; the meeting's head is that person (Art 30)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from decisions import selectors, services
from decisions.api.options import transition_options
from decisions.choices import RuleCode
from decisions.errors import DecisionError, ErrorCode
from decisions.models import DecisionState, MeetingRole, Role
from tests.factories import MembershipFactory, decision_in, meeting_positions, meeting_values, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def deputy(org):
    """Another leader of the government, not its head."""
    return MembershipFactory(department=org.government_office, role=Role.LEADER).user


def test_only_the_government_head_may_suspend(org, deputy):
    decision = decision_in(org, DecisionState.IMPLEMENTING)
    before = snapshot(decision)

    with pytest.raises(DecisionError) as exc:
        services.decision_suspend(decision=decision, actor=deputy, reason="督查要求暂停。")

    assert exc.value.code == ErrorCode.FORBIDDEN
    assert exc.value.rule == RuleCode.GOVERNMENT_HEAD
    assert exc.value.article == "Art 37"
    assert snapshot(decision) == before
    services.decision_suspend(decision=decision, actor=org.leader, reason="督查要求暂停。")
    decision.refresh_from_db()
    assert decision.state == DecisionState.SUSPENDED


def test_only_the_government_head_may_resume_implementation(org, deputy):
    decision = decision_in(org, DecisionState.SUSPENDED)

    with pytest.raises(DecisionError) as exc:
        services.decision_resume_implementation(decision=decision, actor=deputy)

    assert exc.value.rule == RuleCode.GOVERNMENT_HEAD
    services.decision_resume_implementation(decision=decision, actor=org.leader)
    decision.refresh_from_db()
    assert decision.state == DecisionState.IMPLEMENTING


def test_suspension_refused_while_no_head_is_named_asks_the_office_to_name_one(org):
    decision = decision_in(org, DecisionState.IMPLEMENTING)
    org.government.head = None
    org.government.save(update_fields=["head"])

    with pytest.raises(DecisionError) as exc:
        services.decision_suspend(decision=decision, actor=org.leader, reason="督查要求暂停。")

    assert exc.value.rule == RuleCode.GOVERNMENT_HEAD
    assert "government office must name the head" in exc.value.message


def test_suspend_not_offered_to_other_leaders(org, deputy):
    decision = decision_in(org, DecisionState.IMPLEMENTING)
    decision = selectors.decision_detail(org.leader, decision.pk)

    offered = {o.name: o.allowed for o in selectors.available_transitions(deputy, decision)}
    head_offered = {o.name: o.allowed for o in selectors.available_transitions(org.leader, decision)}
    api = {row["name"]: row for row in transition_options(deputy, decision)}

    assert offered["suspend"] is False
    assert head_offered["suspend"] is True
    assert api["suspend"]["allowed"] is False
    assert api["suspend"]["reasons"][0]["rule"] == RuleCode.GOVERNMENT_HEAD


def test_the_suspend_button_is_only_on_the_heads_page(client, org, deputy):
    decision = decision_in(org, DecisionState.IMPLEMENTING)
    url = reverse("decisions:detail", args=[decision.pk])

    client.force_login(deputy)
    deputy_page = client.get(url).content.decode()
    client.force_login(org.leader)
    head_page = client.get(url).content.decode()

    assert "/transitions/suspend/" not in deputy_page
    assert "/transitions/suspend/" in head_page


def test_the_head_must_hold_the_leader_role_in_the_government(org):
    org.government.head = org.secretary

    with pytest.raises(ValidationError) as exc:
        org.government.full_clean()

    assert "head" in exc.value.message_dict


def test_the_meetings_head_is_the_government_head_when_named_by_name_only(org):
    decision = decision_in(org, DecisionState.AWAITING_DECISION)

    services.decision_record_outcome(decision=decision, actor=org.secretary, **meeting_values())

    head = decision.meetings.get().positions.get(role=MeetingRole.HEAD)
    assert head.user == org.leader


def test_a_meeting_head_other_than_the_government_head_is_refused(org, deputy):
    decision = decision_in(org, DecisionState.AWAITING_DECISION)
    positions = meeting_positions()
    positions[-1] = {"user": deputy.pk, "position": "for", "is_head": True}

    with pytest.raises(DecisionError) as exc:
        services.decision_record_outcome(decision=decision, actor=org.secretary, **meeting_values(positions=positions))

    assert exc.value.code == ErrorCode.INVALID
    assert not decision.meetings.exists()


def test_without_a_named_head_the_meeting_keeps_what_was_given(org):
    org.government.head = None
    org.government.save(update_fields=["head"])
    decision = decision_in(org, DecisionState.AWAITING_DECISION)

    services.decision_record_outcome(decision=decision, actor=org.secretary, **meeting_values())

    assert decision.meetings.get().positions.get(role=MeetingRole.HEAD).user is None


def test_the_admin_offers_only_the_governments_leaders_as_head(org, deputy, admin_client):
    page = admin_client.get(reverse("admin:decisions_government_change", args=[org.government.pk])).content.decode()

    assert f'<option value="{org.leader.pk}"' in page
    assert f'<option value="{deputy.pk}"' in page
    assert f'<option value="{org.secretary.pk}"' not in page
