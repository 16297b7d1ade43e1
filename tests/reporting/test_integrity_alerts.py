"""The nightly check of the record: a finding reaches the administrators by e-mail; none, no e-mail."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail

from decisions.models import Decision, DecisionState
from reporting import tasks
from tests.factories import UserFactory, register
from tests.guards import disable_triggers

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user():
    return UserFactory(username="root", email="root@example.invalid", is_superuser=True, is_staff=True)


def test_the_nightly_check_is_scheduled():
    assert any(entry["task"] == "reporting.check_integrity" for entry in settings.CELERY_BEAT_SCHEDULE.values())


def test_a_finding_is_mailed_to_the_administrators(org, admin_user):
    decision = register(org)
    disable_triggers("decisions_decision", "decision_state_follows_lifecycle")  # a copy restored without it
    Decision.objects.filter(pk=decision.pk).update(state=DecisionState.DECIDED)  # behind the services

    found = tasks.check_integrity.delay().get()

    assert found >= 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [admin_user.email]
    assert decision.code in message.body and "events_replay" in message.body


def test_an_honest_record_sends_no_mail(org, admin_user):
    register(org)

    assert tasks.check_integrity() == 0
    assert mail.outbox == []
