"""What happens around a login: the session's clock starts, and the security log is told."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from decisions.accounts.lockout import lockout_minutes
from decisions.accounts.security_log import security_event
from decisions.accounts.sessions import mark_session_start


@receiver(user_logged_in, dispatch_uid="accounts-logged-in")
def on_logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        mark_session_start(request.session)
    security_event("login", request=request, user=user)


@receiver(user_logged_out, dispatch_uid="accounts-logged-out")
def on_logged_out(sender, request, user, **kwargs):
    security_event("logout", request=request, user=user)


@receiver(user_login_failed, dispatch_uid="accounts-login-failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in ``credentials``; only the name is logged.
    locked = bool(getattr(request, "axes_locked_out", False))
    security_event(
        "login_refused_locked" if locked else "login_failed",
        request=request,
        username=str(credentials.get("username", ""))[:150],
    )


@receiver(user_locked_out, dispatch_uid="accounts-locked-out")
def on_locked_out(sender, request, username, ip_address, **kwargs):
    security_event("lockout", request=request, username=username, minutes=lockout_minutes())
