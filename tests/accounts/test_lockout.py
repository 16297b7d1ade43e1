"""Login lockout (等保 2.0 level 3, 登录失败处理): five wrong passwords lock the account for 15 minutes,
on the site's login page and the admin's; an administrator can lift the lock in the admin."""

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory

PASSWORD = "pass-for-tests"
LOCKED_TEXT = "this account is locked for 15 minutes"


def _post_login(client, url, username, password):
    return client.post(url, {"username": username, "password": password})


def _fail_five_times(client, url, username):
    for _ in range(5):
        _post_login(client, url, username, "wrong-password")


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_site_login_even_for_the_right_password(client):
    user = UserFactory()
    _fail_five_times(client, reverse("login"), user.username)
    response = _post_login(client, reverse("login"), user.username, PASSWORD)
    assert response.status_code == 429
    assert LOCKED_TEXT in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_four_wrong_passwords_do_not_lock(client):
    user = UserFactory()
    for _ in range(4):
        _post_login(client, reverse("login"), user.username, "wrong-password")
    response = _post_login(client, reverse("login"), user.username, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_the_lock_lifts_after_the_cool_off(client):
    user = UserFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _fail_five_times(client, reverse("login"), user.username)
        assert _post_login(client, reverse("login"), user.username, PASSWORD).status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=14), tick=False):
        assert _post_login(client, reverse("login"), user.username, PASSWORD).status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=16), tick=False):
        response = _post_login(client, reverse("login"), user.username, PASSWORD)
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_the_admin_login_is_locked_too(client):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    url = reverse("admin:login")
    _fail_five_times(client, url, admin_user.username)
    response = _post_login(client, url, admin_user.username, PASSWORD)
    assert response.status_code == 429
    assert LOCKED_TEXT in response.content.decode()


@pytest.mark.django_db
def test_an_administrator_unlocks_the_account_in_the_admin(client):
    user = UserFactory()
    _fail_five_times(client, reverse("login"), user.username)
    attempt = AccessAttempt.objects.get(username=user.username)
    admin_client = client.__class__()
    admin_client.force_login(UserFactory(is_staff=True, is_superuser=True))
    changelist = reverse("admin:axes_accessattempt_changelist")
    response = admin_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=user.username).exists()
    response = _post_login(client, reverse("login"), user.username, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
