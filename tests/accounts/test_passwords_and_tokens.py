"""Passwords (12 characters, not common, not numeric, not like the name), the password change page,
deactivation ending sessions and tokens, and API tokens that expire and rotate."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from decisions.api.tokens import api_token_issue, api_token_rotate
from decisions.models import ApiToken
from tests.factories import UserFactory

PASSWORD = "pass-for-tests"
GOOD_PASSWORD = "风雨同舟-Harbour-2031"


@pytest.mark.parametrize(
    "password",
    ["short-pw-1!", "123456789012345", "password1234", "zhangwei-official"],
    ids=["shorter than 12", "only digits", "common", "like the username"],
)
@pytest.mark.django_db
def test_weak_passwords_are_refused(password):
    user = UserFactory(username="zhangwei-official")
    with pytest.raises(ValidationError):
        validate_password(password, user)


@pytest.mark.django_db
def test_a_strong_password_is_accepted():
    validate_password(GOOD_PASSWORD, UserFactory())


@pytest.mark.django_db
def test_the_password_change_page_changes_the_password_and_refuses_a_weak_one(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("decisions:list"))
    assert reverse("password_change") in page.content.decode()  # linked from the user menu
    weak = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert weak.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password(GOOD_PASSWORD)
    assert client.get(reverse("password_change_done")).status_code == 200


@pytest.mark.django_db
def test_deactivating_a_user_ends_their_sessions_and_revokes_their_tokens(org):
    user = org.clerk
    browser = Client()
    browser.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    other = Client()
    other.force_login(org.reviewer)
    _token, key = api_token_issue(user=user, department=org.sponsor, name="OA")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/decisions/").status_code == 200

    admin_client = Client()
    admin_client.force_login(UserFactory(is_staff=True, is_superuser=True))
    user_model = get_user_model()
    url = reverse("admin:auth_user_change", args=[user.pk])
    form = {
        "username": user.username,
        "is_active": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "08:00:00",
    }
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not user_model.objects.get(pk=user.pk).is_active

    assert browser.get(reverse("decisions:list")).status_code == 302
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)]
    assert other.get(reverse("decisions:list")).status_code == 200  # others stay logged in
    assert ApiToken.objects.get(user=user).revoked_at is not None
    assert api.get("/api/v1/decisions/").status_code == 401


@pytest.mark.django_db
def test_a_token_expires_after_its_term(org, settings):
    settings.DT_API_TOKEN_DAYS = 90
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _token, key = api_token_issue(user=org.clerk, department=org.sponsor, name="OA")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    with time_machine.travel(start + dt.timedelta(days=89), tick=False):
        assert api.get("/api/v1/decisions/").status_code == 200
    with time_machine.travel(start + dt.timedelta(days=91), tick=False):
        assert api.get("/api/v1/decisions/").status_code == 401


@pytest.mark.django_db
def test_rotating_a_token_gives_a_new_key_and_revokes_the_old(org):
    token, old_key = api_token_issue(user=org.clerk, department=org.sponsor, name="OA")
    new_token, new_key = api_token_rotate(token=token)
    assert new_key != old_key
    assert (new_token.name, new_token.user, new_token.department) == (token.name, token.user, token.department)
    old, new = APIClient(), APIClient()
    old.credentials(HTTP_AUTHORIZATION=f"Token {old_key}")
    new.credentials(HTTP_AUTHORIZATION=f"Token {new_key}")
    assert old.get("/api/v1/decisions/").status_code == 401
    assert new.get("/api/v1/decisions/").status_code == 200


@pytest.mark.django_db
def test_the_admin_rotates_tokens_and_shows_the_new_key_once(org, client):
    token, _key = api_token_issue(user=org.clerk, department=org.sponsor, name="OA")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:decisions_apitoken_changelist"),
        {"action": "rotate", "_selected_action": [token.pk]},
        follow=True,
    )
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    new = ApiToken.objects.get(user=org.clerk, revoked_at__isnull=True)
    assert new.key_prefix in response.content.decode()
