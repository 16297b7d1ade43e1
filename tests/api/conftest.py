"""API test helpers: one token per role of the ``org`` fixture, and a client that acts as a role."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from decisions.api.tokens import api_token_issue

ROLES = ("clerk", "sponsor_head", "other_clerk", "reviewer", "legal_head", "secretary", "leader")

ROLE_DEPARTMENT = {
    "clerk": "sponsor",
    "sponsor_head": "sponsor",
    "other_clerk": "other_sponsor",
    "reviewer": "legal_office",
    "legal_head": "legal_office",
    "secretary": "government_office",
    "leader": "government_office",
}


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()
    yield
    cache.clear()


class Api:
    """``api.as_("clerk").post(...)``: a DRF test client authenticated with that role's token."""

    def __init__(self, org, keys: dict[str, str]):
        self.org = org
        self.keys = keys

    def as_(self, role: str | None) -> APIClient:
        client = APIClient()
        if role is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token {self.keys[role]}")
        return client


def issue_keys(org) -> dict[str, str]:
    keys = {}
    for role in ROLES:
        _token, key = api_token_issue(
            user=getattr(org, role), department=getattr(org, ROLE_DEPARTMENT[role]), name=f"OA {role}"
        )
        keys[role] = key
    return keys


@pytest.fixture
def api(org) -> Api:
    return Api(org, issue_keys(org))
