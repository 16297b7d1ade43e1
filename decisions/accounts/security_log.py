"""The security log (等保 2.0 level 3: 安全审计): one JSON line per event that matters to security,
saying who, what, when (UTC) and from where.

Events: logins, failed logins, lockouts, logouts, session expiries, second-factor enrolment and
verification (and their failures), password changes, deactivations, API token issue, rotation and
revocation, refused access to records that exist (403, and the 404 that hides them), exports and
downloads. They go to the ``security`` logger; settings.LOGGING formats its records with
``JsonFormatter`` so a log collector keeps them apart from the application's log (retention:
docs/security.md). Passwords, tokens and keys are never logged.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from contextvars import ContextVar
from typing import Any

logger = logging.getLogger("security")

# The request being served, so code without one (decisions.visibility) can log who and from where.
_current_request: ContextVar[Any] = ContextVar("security_current_request", default=None)


def _client_ip(request) -> str | None:
    # The same rule as the API's event log: REMOTE_ADDR only, set by the proxy.
    return (request.META.get("REMOTE_ADDR") or None) if request is not None else None


def security_event(event: str, *, request=None, user=None, username: str | None = None, **details: Any) -> None:
    """Log one security event. ``user`` defaults to the request's user; ``username`` names an account
    that has no user object (a failed login for an unknown name)."""
    if request is None:
        request = _current_request.get()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    known = user is not None and getattr(user, "is_authenticated", False)
    record: dict[str, Any] = {
        "event": event,
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "user": user.get_username() if known else username,
        "user_id": user.pk if known else None,
        "ip": _client_ip(request),
    }
    if request is not None:
        record["method"] = request.method
        record["path"] = request.path
    record.update(details)
    logger.info(event, extra={"security": record})


class JsonFormatter(logging.Formatter):
    """A security event as one JSON line; any other record as a JSON line with its message."""

    def format(self, record: logging.LogRecord) -> str:
        payload = getattr(record, "security", None)
        if payload is None:
            payload = {
                "event": "log",
                "at": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="seconds"),
                "message": record.getMessage(),
            }
        return json.dumps(payload, ensure_ascii=False, default=str, sort_keys=False)


def refused_access(kind: str, pk: Any) -> None:
    """A record that exists was asked for by someone who may not see it (answered 404 so that its
    existence does not leak, but logged here as a refusal)."""
    security_event("access_refused", kind=kind, object_id=pk, status=404)


class SecurityLogMiddleware:
    """Keeps the request at hand for ``security_event``, and logs two things written once for every
    view: refusals (any 403) and downloads and exports (any response that is a file to save, i.e.
    carries Content-Disposition: attachments, opinion letters, dossiers, workbooks)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            response = self.get_response(request)
            if response.status_code == 403:
                security_event("access_refused", request=request, status=403)
            elif response.status_code == 200 and response.get("Content-Disposition"):
                security_event(
                    "download",
                    request=request,
                    content_type=response.get("Content-Type", ""),
                    disposition=response["Content-Disposition"][:300],
                )
            return response
        finally:
            _current_request.reset(token)
