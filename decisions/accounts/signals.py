"""What happens around a login: the session's clock starts, and the security log is told."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from decisions.accounts.lockout import lockout_minutes
from decisions.accounts.second_factor import remember_owed_step
from decisions.accounts.security_log import security_event
from decisions.accounts.sessions import end_sessions_of, mark_session_start
from decisions.api.tokens import api_tokens_revoke_for


@receiver(user_logged_in, dispatch_uid="accounts-logged-in")
def on_logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        mark_session_start(request.session)
        remember_owed_step(request, user)
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


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts-user-deactivating")
def note_deactivation(sender, instance, **kwargs):
    """Remember whether this save turns an active account inactive (read by ``on_user_saved``)."""
    instance._dt_deactivated = False
    if instance.pk and not instance.is_active:
        instance._dt_deactivated = sender.objects.filter(pk=instance.pk, is_active=True).exists()


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts-user-deactivated")
def on_user_saved(sender, instance, created, **kwargs):
    """A deactivated account is out at once: its sessions end and its API tokens are revoked, in
    the admin or anywhere the user is saved (a queryset ``update()`` sends no signal: use save())."""
    if getattr(instance, "_dt_deactivated", False):
        instance._dt_deactivated = False
        ended = end_sessions_of(instance.pk)
        revoked = api_tokens_revoke_for(instance)
        security_event("account_deactivated", user=instance, sessions_ended=ended, tokens_revoked=revoked)
