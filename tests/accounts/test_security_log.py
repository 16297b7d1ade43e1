"""The security log (等保 2.0 level 3, 安全审计): JSON lines saying who, what, when (UTC) and from
where, for logins, failures, lockouts, second-factor events, refusals, downloads and exports."""

import json
import logging

import pytest
from django.urls import reverse

from decisions.accounts.security_log import JsonFormatter
from tests.factories import UserFactory, register

PASSWORD = "pass-for-tests"


class Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[dict] = []

    def emit(self, record):
        self.lines.append(json.loads(JsonFormatter().format(record)))

    def events(self, name):
        return [line for line in self.lines if line["event"] == name]


@pytest.fixture
def security_log():
    handler = Collect()
    logger = logging.getLogger("security")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


@pytest.mark.django_db
def test_logins_and_failures_are_logged_with_who_when_and_where(client, security_log):
    user = UserFactory()
    client.post(reverse("login"), {"username": user.username, "password": "wrong"}, REMOTE_ADDR="10.1.2.3")
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")
    (failed,) = security_log.events("login_failed")
    (login,) = security_log.events("login")
    assert failed["user"] == user.username and failed["ip"] == "10.1.2.3"
    assert login["user"] == user.username and login["user_id"] == user.pk and login["ip"] == "10.1.2.3"
    assert login["at"].endswith("Z")  # UTC
    assert PASSWORD not in json.dumps(security_log.lines) and "wrong" not in json.dumps(failed)


@pytest.mark.django_db
def test_a_lockout_is_logged(client, security_log):
    user = UserFactory()
    for _ in range(6):
        client.post(reverse("login"), {"username": user.username, "password": "wrong"})
    assert security_log.events("lockout")[0]["user"] == user.username
    assert security_log.events("login_refused_locked")


@pytest.mark.django_db
def test_a_decision_that_exists_but_is_hidden_is_logged_as_refused(org, client, security_log):
    decision = register(org)
    client.force_login(org.other_clerk)
    assert client.get(reverse("decisions:detail", kwargs={"pk": decision.pk})).status_code == 404
    (refused,) = security_log.events("access_refused")
    assert (refused["user"], refused["kind"], refused["object_id"]) == (
        org.other_clerk.username,
        "decision",
        decision.pk,
    )
    assert client.get(reverse("decisions:detail", kwargs={"pk": decision.pk + 1000})).status_code == 404
    assert len(security_log.events("access_refused")) == 1  # a row that does not exist is no refusal


@pytest.mark.django_db
def test_a_forbidden_page_is_logged(org, client, security_log):
    client.force_login(org.clerk)
    assert client.get(reverse("reviews:queue")).status_code == 403
    (refused,) = security_log.events("access_refused")
    assert refused["status"] == 403 and refused["path"] == reverse("reviews:queue")


@pytest.mark.django_db
def test_an_export_is_logged(org, client, security_log):
    client.force_login(org.leader)
    response = client.get(reverse("reports:figures-xlsx"))
    assert response.status_code == 200
    (download,) = security_log.events("download")
    assert download["user"] == org.leader.username
    assert ".xlsx" in download["disposition"]


@pytest.mark.django_db
def test_second_factor_events_are_logged(client, security_log, settings):
    settings.DT_SECOND_FACTOR_REQUIRED = True
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    client.get(reverse("second_factor_enrol"))
    client.post(reverse("second_factor_enrol"), {"token": "000000"})
    assert security_log.events("second_factor_enrol_failed")
    client.get(reverse("admin:index"))
    assert security_log.events("second_factor_demanded")
