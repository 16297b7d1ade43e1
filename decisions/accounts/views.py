"""The account pages of the site: the password change (Django's views, our templates) and the
second factor's enrolment and verification."""

from __future__ import annotations

import base64

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp import verify_token as otp_verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from decisions.accounts.second_factor import has_device
from decisions.accounts.security_log import security_event


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/change_password.html"
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        security_event("password_changed", request=self.request)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/change_password_done.html"


# --------------------------------------------------------------------------- the second factor

RECOVERY_CODES = 10


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Verification code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


@login_required
def second_factor_verify(request):
    """The second step of a login: a code from the authenticator app, or a recovery code."""
    devices = list(devices_for_user(request.user, confirmed=True))
    if not devices:
        return redirect(f"{reverse('second_factor_enrol')}?{urlencode({'next': _next_url(request)})}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].strip().replace(" ", "")
        for device in devices:
            verified = otp_verify_token(request.user, device.persistent_id, token)
            if verified is not None:
                otp_login(request, verified)
                recovery = isinstance(verified, StaticDevice)
                security_event("second_factor_verified", request=request, recovery_code=recovery)
                if recovery:
                    messages.warning(
                        request,
                        _("You used a recovery code; %(left)s are left.") % {"left": verified.token_set.count()},
                    )
                return redirect(_next_url(request))
        security_event("second_factor_failed", request=request)
        form.add_error("token", _("The code is not right, or has been used; try the current one."))
    return render(request, "registration/second_factor_verify.html", {"form": form, "next": _next_url(request)})


@login_required
def second_factor_enrol(request):
    """Enrolment: scan the QR code (drawn here as inline SVG, no outside service), type the code the
    app shows, receive the recovery codes (shown once). Someone who already has a device must
    confirm with it first, so a stolen password alone cannot replace the device."""
    if has_device(request.user) and not request.user.is_verified():
        return redirect(f"{reverse('second_factor_verify')}?{urlencode({'next': request.get_full_path()})}")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name=_("Authenticator app"), confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip().replace(" ", "")):
            codes = _confirm_enrolment(request.user, device)
            otp_login(request, device)
            security_event("second_factor_enrolled", request=request)
            return render(
                request,
                "registration/second_factor_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
        security_event("second_factor_enrol_failed", request=request)
        form.add_error("token", _("The code is not right; check the phone's clock and try the current one."))
    secret = base64.b32encode(device.bin_key).decode("ascii")
    qr_svg = mark_safe(segno.make(device.config_url, error="m").svg_inline(scale=4, title=_("QR code")))  # noqa: S308
    return render(
        request,
        "registration/second_factor_enrol.html",
        {"form": form, "qr_svg": qr_svg, "secret": secret, "next": _next_url(request)},
    )


@transaction.atomic
def _confirm_enrolment(user, device: TOTPDevice) -> list[str]:
    """The new device replaces any earlier one; fresh recovery codes replace the old ones."""
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name=_("Recovery codes"), confirmed=True)
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=code) for code in codes])
    return codes
