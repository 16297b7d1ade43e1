"""The second factor (等保 2.0 level 3: 双因素认证 for administrators): a TOTP authenticator app
(django-otp), with one-time recovery codes for a lost phone.

Required for superusers, staff (who reach the admin) and legal-office heads (who sign the
legality opinion, Art 25); optional for everyone else, but once someone has enrolled, their logins
ask for it too. The middleware sends a user who must give it and has not, on any page (the admin
included), to enrolment (no device yet) or to verification; the API answers 403. API tokens are
not concerned: they are issued to service accounts by an administrator and never pass here.

DT_SECOND_FACTOR_REQUIRED turns the requirement off (the demo's settings, docs/security.md); the
pages stay open to anyone who wants to enrol.
"""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import devices_for_user

from decisions.choices import Role
from decisions.models import Membership

# What a user who still owes the second factor may reach: the second factor's pages, logging out,
# the language switch, and static files.
OPEN_PREFIXES = ("/accounts/second-factor/", "/accounts/logout/", "/accounts/login/", "/i18n/", "/static/")


def second_factor_required(user) -> bool:
    """Whether ``user``'s role obliges them to use a second factor."""
    if user.is_superuser or user.is_staff:
        return True
    return Membership.objects.filter(user_id=user.pk, role=Role.LEGAL_HEAD).exists()


def has_device(user) -> bool:
    return any(True for _device in devices_for_user(user, confirmed=True))


def owed_step(user) -> str:
    """What the logged-in, not yet verified ``user`` must do: "verify", "enrol", or "" (nothing)."""
    if has_device(user):
        return "verify"
    if settings.DT_SECOND_FACTOR_REQUIRED and second_factor_required(user):
        return "enrol"
    return ""


# What the session owes, worked out once at login (``remember_owed_step``), so pages do not query the
# devices and roles on every request.
OWED_KEY = "_dt_second_factor_owed"


def remember_owed_step(request, user) -> None:
    request.session[OWED_KEY] = owed_step(user)


class SecondFactorMiddleware:
    """After django-otp's OTPMiddleware (which gives ``request.user.is_verified()``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            step = request.session.get(OWED_KEY)
            if step is None:
                step = owed_step(user)
                request.session[OWED_KEY] = step
            if step:
                from decisions.accounts.security_log import security_event

                security_event("second_factor_demanded", request=request, step=step)
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"detail": _("Confirm your login with the second factor on the site first.")}, status=403
                    )
                target = reverse("second_factor_verify" if step == "verify" else "second_factor_enrol")
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
