"""Writes and checks of API tokens (issue, revoke, touch). Keys are shown once; only digests are kept."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from decisions.accounts.security_log import security_event
from decisions.errors import DecisionError, ErrorCode
from decisions.models import ApiToken, Department, Membership

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # the project uses Django's user model

KEY_PREFIX = "dt_"
# last_used_at is written at most this often per token: a busy OA system does not write on every call.
TOUCH_INTERVAL_SECONDS = 60


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def scope_problem(user: User, department: Department) -> str:
    """Why ``user`` cannot act for ``department`` through a token; empty when it can."""
    roles = Membership.objects.filter(user=user)
    return _scope_message(
        active=user.is_active,
        in_department=lambda: roles.filter(department=department).exists(),
        elsewhere=lambda: roles.exclude(department=department).exists(),
    )


def _scope_message(*, active: bool, in_department: Callable[[], bool], elsewhere: Callable[[], bool]) -> str:
    if not active:
        return _("The account is inactive.")
    if not in_department():
        return _("The account holds no role in this department.")
    if elsewhere():
        return _("The account also holds roles in other departments; a token's account acts for one department only.")
    return ""


def token_for_key(key: str) -> ApiToken | None:
    """The token of ``key`` with its account, department and the two facts of its scope, in one
    statement (every API request asks it)."""
    roles = Membership.objects.filter(user_id=OuterRef("user_id"))
    return (
        ApiToken.objects.select_related("user", "department")
        .annotate(
            role_in_department=Exists(roles.filter(department_id=OuterRef("department_id"))),
            role_elsewhere=Exists(roles.exclude(department_id=OuterRef("department_id"))),
        )
        .filter(key_digest=digest(key))
        .first()
    )


def token_scope_problem(token: ApiToken) -> str:
    """``scope_problem`` of a token from ``token_for_key``, read from its annotations."""
    return _scope_message(
        active=token.user.is_active,
        in_department=lambda: bool(token.role_in_department),  # type: ignore[attr-defined]
        elsewhere=lambda: bool(token.role_elsewhere),  # type: ignore[attr-defined]
    )


@transaction.atomic
def api_token_issue(
    *, user: User, department: Department, name: str, issued_by: User | None = None
) -> tuple[ApiToken, str]:
    """Issue a token for a department's service account; returns the token and its key (shown once)."""
    name = (name or "").strip()
    if not name:
        raise DecisionError(
            ErrorCode.INVALID, _("Name the system the token is for."), fields={"name": [_("Required.")]}
        )
    problem = scope_problem(user, department)
    if problem:
        raise DecisionError(ErrorCode.INVALID, problem, fields={"user": [problem]})
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name,
        user=user,
        department=department,
        key_prefix=key[:10],
        key_digest=digest(key),
        created_by=issued_by,
        expires_at=timezone.now() + dt.timedelta(days=settings.DT_API_TOKEN_DAYS),
    )
    security_event("api_token_issued", user=issued_by, token=token.key_prefix, account=user.get_username())
    return token, key


@transaction.atomic
def api_token_rotate(*, token: ApiToken, rotated_by: User | None = None) -> tuple[ApiToken, str]:
    """A new key for the same system, account and department, with a new expiry; the old key stops
    working at once. Returns the new token and its key (shown once)."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise DecisionError(ErrorCode.INVALID, _("A revoked token cannot be rotated; issue a new one."))
    new_token, key = api_token_issue(
        user=token.user, department=token.department, name=token.name, issued_by=rotated_by
    )
    api_token_revoke(token=token, revoked_by=rotated_by)
    security_event("api_token_rotated", user=rotated_by, token=token.key_prefix, new_token=new_token.key_prefix)
    return new_token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, revoked_by: User | None = None) -> ApiToken:
    """Revocation takes effect on the next request; the row stays as the record of who used it."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = revoked_by
        token.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
        security_event("api_token_revoked", user=revoked_by, token=token.key_prefix)
    return token


def api_tokens_revoke_for(user: User, *, revoked_by: User | None = None) -> int:
    """Revoke every live token acting as ``user`` (when the account is deactivated)."""
    tokens = list(ApiToken.objects.filter(user=user, revoked_at__isnull=True))
    for token in tokens:
        api_token_revoke(token=token, revoked_by=revoked_by)
    return len(tokens)


def api_token_touch(*, token: ApiToken, ip: str | None) -> None:
    """Record the last use (throttled to one write a minute; a conditional update, so no race)."""
    now = timezone.now()
    if token.last_used_at and (now - token.last_used_at).total_seconds() < TOUCH_INTERVAL_SECONDS:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=ip or None)
    token.last_used_at = now
    token.last_used_ip = ip or None
