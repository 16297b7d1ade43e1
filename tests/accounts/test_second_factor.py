"""The second factor (等保 2.0 level 3): required of superusers, staff and legal-office heads, on the
site and in the admin; a TOTP app enrolled through a QR code, with recovery codes."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory

PASSWORD = "pass-for-tests"


@pytest.fixture(autouse=True)
def _second_factor_on(settings):
    settings.DT_SECOND_FACTOR_REQUIRED = True


def _code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


def _log_in(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def _enrol(client) -> tuple[TOTPDevice, list[str]]:
    page = client.get(reverse("second_factor_enrol"))
    assert page.status_code == 200
    assert "<svg" in page.content.decode()  # the QR code, inline
    device = TOTPDevice.objects.get(user=page.wsgi_request.user, confirmed=False)
    done = client.post(reverse("second_factor_enrol"), {"token": _code(device)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())
    return device, codes


@pytest.mark.django_db
def test_a_superuser_without_a_device_is_sent_to_enrolment(client):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    _log_in(client, admin_user)
    for url in (reverse("decisions:list"), reverse("admin:index")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("second_factor_enrol"))


@pytest.mark.django_db
def test_a_legal_head_must_enrol_but_a_clerk_need_not(org, client):
    _log_in(client, org.legal_head)
    assert client.get(reverse("decisions:list"))["Location"].startswith(reverse("second_factor_enrol"))
    clerk = client.__class__()
    _log_in(clerk, org.clerk)
    assert clerk.get(reverse("decisions:list")).status_code == 200


@pytest.mark.django_db
def test_enrolment_with_the_apps_code_opens_the_admin_and_gives_recovery_codes(client):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    _log_in(client, admin_user)
    device, codes = _enrol(client)
    device.refresh_from_db()
    assert device.confirmed
    assert len(codes) == 10
    assert StaticDevice.objects.get(user=admin_user).token_set.count() == 10
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_a_wrong_code_does_not_enrol(client):
    _log_in(client, UserFactory(is_staff=True, is_superuser=True))
    client.get(reverse("second_factor_enrol"))
    response = client.post(reverse("second_factor_enrol"), {"token": "000000"})
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    assert client.get(reverse("admin:index")).status_code == 302


@pytest.mark.django_db
def test_an_enrolled_superuser_gets_in_only_with_the_current_code(client):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _log_in(client, admin_user)
        device, _codes = _enrol(client)
        client.post(reverse("logout"))
    second = client.__class__()
    with time_machine.travel(start + dt.timedelta(minutes=5), tick=False):
        _log_in(second, admin_user)
        response = second.get(reverse("admin:index"))
        assert response["Location"].startswith(reverse("second_factor_verify"))
        refused = second.post(reverse("second_factor_verify"), {"token": "123456", "next": "/admin/"})
        assert refused.status_code == 200
        assert second.get(reverse("admin:index")).status_code == 302
    # A wrong code throttles the device for a moment (django-otp's throttling), so wait past it.
    with time_machine.travel(start + dt.timedelta(minutes=5, seconds=30), tick=False):
        response = second.post(reverse("second_factor_verify"), {"token": _code(device), "next": "/admin/"})
        assert response.status_code == 302
        assert response["Location"] == "/admin/"
        assert second.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_a_recovery_code_gets_in_once(client):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    _log_in(client, admin_user)
    _device, codes = _enrol(client)
    for attempt, expected_in in ((1, True), (2, False)):
        other = client.__class__()
        _log_in(other, admin_user)
        other.post(reverse("second_factor_verify"), {"token": codes[0]})
        assert (other.get(reverse("admin:index")).status_code == 200) is expected_in, attempt


@pytest.mark.django_db
def test_a_password_alone_cannot_replace_an_enrolled_device(client):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    _log_in(client, admin_user)
    _enrol(client)
    thief = client.__class__()
    _log_in(thief, admin_user)
    response = thief.get(reverse("second_factor_enrol"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("second_factor_verify"))


@pytest.mark.django_db
def test_the_api_refuses_a_session_that_owes_the_second_factor(client):
    _log_in(client, UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/api/v1/decisions/").status_code == 403


@pytest.mark.django_db
def test_without_the_requirement_an_unenrolled_superuser_gets_in(client, settings):
    settings.DT_SECOND_FACTOR_REQUIRED = False
    _log_in(client, UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:index")).status_code == 200
