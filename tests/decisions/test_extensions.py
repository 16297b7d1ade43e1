"""The core's extension points fail closed: a gate no installed app decides refuses, a slot cannot
be taken twice, and the record accepts only the names its vocabulary declares."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from decisions import extensions, gates, services
from decisions.models import DecisionEvent, DecisionState
from tests.factories import decision_in, issue_opinion

pytestmark = pytest.mark.django_db


def test_the_meeting_gate_refuses_when_no_app_provides_the_legality_review(org, monkeypatch):
    # Given a decision whose issued opinion allows the meeting
    decision = decision_in(org, DecisionState.LEGALITY_REVIEW)
    issue_opinion(decision, org)
    assert gates.refusals("clear_for_meeting", decision) == []

    # When no installed app fills the review's slot
    monkeypatch.delitem(extensions._gate_providers, extensions.REVIEW_ALLOWS.name)

    # Then the gate is closed, naming the rule and its article (Art 25)
    [refusal] = gates.refusals("clear_for_meeting", decision)
    assert (refusal.rule, refusal.article) == ("review_allows", "Art 25")


def test_a_gate_slot_cannot_be_provided_twice():
    with pytest.raises(ImproperlyConfigured):
        extensions.provide_gate(extensions.REVIEW_ALLOWS, lambda decision: [])


def test_an_event_type_nobody_declared_is_refused_and_nothing_is_written(org):
    decision = decision_in(org, DecisionState.PREPARING)
    before = DecisionEvent.objects.count()

    with pytest.raises(ValueError, match="made_up"):
        services.record_event(decision, actor=org.clerk, transition="made_up", from_state="", to_state="")

    assert DecisionEvent.objects.count() == before


def test_a_name_already_in_the_vocabulary_cannot_change_its_meaning():
    class Clash(models.TextChoices):
        REGISTER = "register", "Something else"

    with pytest.raises(ImproperlyConfigured, match="register"):
        extensions.provide_vocabulary(events=Clash)
    assert str(extensions.event_labels()["register"]) != "Something else"
