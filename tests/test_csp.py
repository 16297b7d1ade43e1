"""The Content-Security-Policy production sends is on in every environment (config/settings/base.py),
and the pages need no 'unsafe-inline': no inline <script>, <style> block, style= attribute or on...=
handler is in them (their scripts and styles are static files)."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from decisions import services

pytestmark = pytest.mark.django_db

INLINE = [
    ("inline <script>", re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)),
    ("<style> block", re.compile(r"<style\b", re.I)),
    ("style= attribute", re.compile(r"<[^>]+\sstyle\s*=", re.I)),
    ("on...= handler", re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)),
]


def _inline_findings(html: str) -> list[str]:
    return [f"{what}: {m.group(0)[:80]}" for what, pattern in INLINE for m in pattern.finditer(html)]


def test_the_production_policy_forbids_inline_scripts_and_styles():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert "csp.middleware.CSPMiddleware" in settings.MIDDLEWARE
    for directive in ("script-src", "style-src", "default-src"):
        assert "'unsafe-inline'" not in directives[directive] and "'unsafe-eval'" not in directives[directive]


def test_the_finder_sees_each_kind_of_inline_code():
    """The page check below would pass vacuously if the patterns found nothing."""
    html = '<script>x()</script><style>p{}</style><p style="color:red"><select onchange="f()">'
    assert len(_inline_findings(html)) == 4
    assert _inline_findings('<script src="/static/js/app.js" defer></script><p class="x">') == []


def test_main_pages_carry_the_policy_and_no_inline_code(client, org):
    decision = services.decision_register(**org.decision_kwargs())
    services.decision_start(decision=decision, actor=org.secretary)
    year = decision.catalogue_year
    pages = {
        org.clerk: [
            reverse("decisions:register"),
        ],
        org.secretary: [
            reverse("login"),
            reverse("decisions:list"),
            reverse("decisions:detail", kwargs={"pk": decision.pk}),
            reverse("decisions:overview"),
            reverse("deadlines:list"),
            reverse("deadlines:decision", kwargs={"pk": decision.pk}),
            reverse("deadlines:notifications"),
            reverse("reports:figures") + f"?year={year}",
            reverse("reports:figures-print") + f"?year={year}",
        ],
        org.reviewer: [
            reverse("reviews:queue"),
            reverse("reviews:decision", kwargs={"decision_id": decision.pk}),
        ],
    }
    checked = 0
    for user, urls in pages.items():
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            policy = response.headers["Content-Security-Policy"]
            assert "script-src 'self'" in policy and "style-src 'self'" in policy, url
            assert "unsafe-inline" not in policy, url
            assert _inline_findings(response.content.decode()) == [], url
            checked += 1
    assert checked == 12
