"""Session timeouts (等保 2.0 level 3, 会话超时): 30 minutes idle, 12 hours in all, over HTTP."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from config.settings import base
from tests.factories import UserFactory

PASSWORD = "pass-for-tests"


@pytest.fixture(autouse=True)
def _the_real_limits(settings):
    """The test settings lift the limits for the other tests; these tests check base.py's."""
    settings.SESSION_IDLE_TIMEOUT = base.SESSION_IDLE_TIMEOUT
    settings.SESSION_ABSOLUTE_TIMEOUT = base.SESSION_ABSOLUTE_TIMEOUT
    assert base.SESSION_IDLE_TIMEOUT == dt.timedelta(minutes=30)
    assert base.SESSION_ABSOLUTE_TIMEOUT == dt.timedelta(hours=12)


def _log_in(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def _is_in(client) -> bool:
    response = client.get(reverse("decisions:list"))
    return response.status_code == 200


@pytest.mark.django_db
def test_thirty_minutes_without_a_request_end_the_session(client):
    user = UserFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _log_in(client, user)
        assert _is_in(client)
    with time_machine.travel(start + dt.timedelta(minutes=31), tick=False):
        response = client.get(reverse("decisions:list"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_requests_within_the_idle_limit_keep_the_session(client):
    user = UserFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _log_in(client, user)
    for minutes in (20, 40, 60, 80):
        with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
            assert _is_in(client), minutes


@pytest.mark.django_db
def test_twelve_hours_after_login_the_session_ends_however_active(client):
    user = UserFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _log_in(client, user)
    for minutes in range(20, 12 * 60, 20):
        with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
            assert _is_in(client), minutes
    with time_machine.travel(start + dt.timedelta(hours=12, minutes=5), tick=False):
        assert not _is_in(client)
        assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_an_expired_api_session_is_refused_as_unauthenticated(client):
    user = UserFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _log_in(client, user)
    with time_machine.travel(start + dt.timedelta(minutes=31), tick=False):
        response = client.get("/api/v1/decisions/")
        assert response.status_code in (401, 403)
        assert "_auth_user_id" not in client.session
