"""The site's own frame around what is not a normal page: error pages in the site's chrome (the
500 page without a request or a database), the menu by role, the favicon, refusals as one line in
the server's log, the demo receiver's one line per delivery, and every constraint's refusal in
words."""

import logging
import os
import subprocess
import sys

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from decisions.constraints import constraint_message, integrity_message
from decisions.models import Membership, Role
from demo.webhook_receiver import summary
from tests.factories import make_org


def _chinese(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"


def test_not_found_is_our_page_with_the_site_chrome(client, db):
    org = make_org()
    client.force_login(org.clerk)
    _chinese(client)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page and 'class="topbar"' in page and reverse("decisions:list") in page


def test_forbidden_is_our_page_with_the_reason(client, db):
    org = make_org()
    client.force_login(org.clerk)
    _chinese(client)

    response = client.get(reverse("reviews:queue"))

    assert response.status_code == 403
    page = response.content.decode()
    assert "无权访问" in page and "审查队列仅供司法行政部门使用。" in page and 'class="topbar"' in page


def test_server_error_page_renders_without_a_request_or_a_database():
    # No ``db`` fixture: any query here fails the test.
    with translation.override("zh-hans"):
        page = render_to_string("500.html")

    assert "系统出错" in page and 'class="topbar"' in page


@pytest.mark.parametrize(("who", "shown"), [("reviewer", True), ("legal_head", True), ("clerk", False)])
def test_the_review_menu_is_the_legal_offices(client, db, who, shown):
    org = make_org()
    client.force_login(getattr(org, who))

    page = client.get(reverse("decisions:list")).content.decode()

    assert (f'href="{reverse("reviews:queue")}"' in page) is shown


def test_every_page_links_its_favicon(client, db):
    page = client.get(reverse("login")).content.decode()

    assert 'rel="icon"' in page and "favicon.svg" in page
    assert finders.find("favicon.svg")
    assert client.get("/favicon.ico")["Location"].endswith("favicon.svg")


def test_a_refusal_is_logged_as_one_line_without_traceback(caplog):
    logger = logging.getLogger("django.request")
    try:
        raise PermissionDenied("refused for the test")
    except PermissionDenied:
        with caplog.at_level(logging.WARNING, logger="django.request"):
            logger.warning("Forbidden (Permission denied): %s", "/reviews/", exc_info=sys.exc_info())

    (record,) = caplog.records
    assert record.exc_info is None
    assert record.getMessage() == "Forbidden (Permission denied): /reviews/ — refused for the test"


def test_a_real_error_keeps_its_traceback(caplog):
    logger = logging.getLogger("django.request")
    try:
        raise ValueError("a bug")
    except ValueError:
        with caplog.at_level(logging.ERROR, logger="django.request"):
            logger.error("Internal Server Error: %s", "/", exc_info=sys.exc_info())

    assert caplog.records[0].exc_info is not None


def test_the_demo_receiver_prints_one_line_per_delivery():
    structured = {
        "path": "/robot",
        "at": 0,
        "json": {
            "subject": "征求意见期限即将届满",
            "text": "征求意见期限即将届满\n详情……",
            "url": "http://h:9000/d/1/",
        },
    }
    robot = {"path": "/robot", "at": 0, "json": {"msgtype": "text", "text": {"content": "审查期限已逾期\n第二行"}}}

    assert "\n" not in summary(structured) and "征求意见期限即将届满" in summary(structured)
    assert "http://h:9000/d/1/" in summary(structured)
    assert "审查期限已逾期" in summary(robot) and "第二行" not in summary(robot)


@override_settings(LANGUAGE_CODE="zh-hans")
def test_every_constraint_refuses_in_words_not_by_its_name():
    constraints = [
        constraint
        for config in apps.get_app_configs()
        if config.name in {"decisions", "reviews", "deadlines", "consultations", "reporting"}
        for model in config.get_models()
        for constraint in model._meta.constraints
    ]
    with translation.override("zh-hans"):
        unexplained = [
            c.name
            for c in constraints
            if c.name in constraint_message(c.name) or not _is_chinese(constraint_message(c.name))
        ]

    assert len(constraints) > 50
    assert unexplained == []


def _is_chinese(text: str | None) -> bool:
    return bool(text) and not any("a" <= ch.lower() <= "z" for ch in text)


def test_a_write_the_database_refuses_is_told_by_its_constraints_message(db):
    org = make_org()

    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        Membership.objects.create(user=org.clerk, department=org.sponsor, role=Role.SPONSOR_CLERK)

    with translation.override("zh-hans"):
        assert integrity_message(refused.value) == "此人在该部门已担任该角色。"


def test_make_run_links_reminders_to_the_address_it_serves():
    # `make -n` only prints: the target below echoes the variable every `make run` process inherits.
    # An address set in the environment wins (a proxy's); this run has none, as on a fresh shell,
    # even when the suite itself runs under `make test`, which exports the default.
    environment = {name: value for name, value in os.environ.items() if name != "DT_SITE_URL"}
    printed = subprocess.run(
        ["make", "-s", "-n", "--eval", "site-url: ; @echo $(DT_SITE_URL)", "site-url", "HOST=0.0.0.0", "PORT=9123"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        env=environment,
    ).stdout

    assert printed.split() == ["echo", "http://0.0.0.0:9123"]
