"""Session timeouts (等保 2.0 level 3: 会话超时): a session ends after SESSION_IDLE_TIMEOUT without a
request, and after SESSION_ABSOLUTE_TIMEOUT whatever happens, counted from the login.

Django's own expiry is one number (SESSION_COOKIE_AGE, set to the absolute limit as a backstop); the
idle limit needs the time of the last request, which this middleware keeps in the session. The
last-seen time is written at most once a minute, so a busy page does not write the session on every
request; the idle limit is therefore exact to the minute.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.utils.translation import gettext as _

STARTED = "_dt_session_started"
SEEN = "_dt_session_seen"
SEEN_WRITE_INTERVAL = 60


def mark_session_start(session) -> None:
    now = time.time()
    session[STARTED] = now
    session[SEEN] = now


def session_expired(session, now: float) -> str:
    """Why the session has run out ("idle" or "absolute"); empty while it is still good."""
    started = session.get(STARTED)
    seen = session.get(SEEN)
    if started is not None and now - started > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds():
        return "absolute"
    if seen is not None and now - seen > settings.SESSION_IDLE_TIMEOUT.total_seconds():
        return "idle"
    return ""


class SessionTimeoutMiddleware:
    """After AuthenticationMiddleware: logs out a session past either limit before the view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            reason = session_expired(request.session, now)
            if reason:
                return self._expired(request, reason)
            if STARTED not in request.session:
                # A session from before this middleware, or one opened without the login signal.
                mark_session_start(request.session)
            elif now - request.session.get(SEEN, 0) >= SEEN_WRITE_INTERVAL:
                request.session[SEEN] = now
        return self.get_response(request)

    def _expired(self, request, reason: str):
        from decisions.accounts.security_log import security_event

        security_event("session_expired", request=request, user=request.user, reason=reason)
        logout(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": _("Your session has ended; log in again.")}, status=401)
        if reason == "idle":
            messages.info(request, _("You were logged out after a period without activity; log in again."))
        else:
            messages.info(request, _("Your session reached its time limit; log in again."))
        return redirect_to_login(request.get_full_path())


def end_sessions_of(user_id: int) -> int:
    """Delete every live session of one user (database sessions carry no user column, so each live
    session is decoded; this runs only when an account is deactivated)."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user_id):
            session.delete()
            ended += 1
    return ended
