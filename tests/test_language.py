"""The UI is Chinese by default whatever the browser asks for; the user's choice wins."""

from django.conf import settings
from django.test import override_settings


@override_settings(LANGUAGE_CODE="zh-hans")
def test_ui_is_chinese_by_default_even_for_an_english_browser(client, db):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response.status_code == 200
    assert "登录" in response.content.decode()
    assert response["Content-Language"] == "zh-hans"


@override_settings(LANGUAGE_CODE="zh-hans")
def test_the_users_language_choice_wins(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-CN")

    assert "Log in" in response.content.decode()
    assert response["Content-Language"] == "en"


@override_settings(LANGUAGE_CODE="zh-hans")
def test_the_language_switch_sets_the_choice(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})

    assert "Log in" in client.get("/accounts/login/").content.decode()
