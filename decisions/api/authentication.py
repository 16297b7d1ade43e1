"""Token authentication for systems: ``Authorization: Token <key>`` (or ``Bearer <key>``)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .tokens import api_token_touch, token_for_key, token_scope_problem


def client_ip(request) -> str | None:
    """The address the event log records. Behind a proxy, the proxy must set REMOTE_ADDR (we do not
    trust X-Forwarded-For, which any client can write)."""
    return request.META.get("REMOTE_ADDR") or None


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keywords = ("token", "bearer")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode(errors="replace") not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Give the token after the word Token, with no spaces in it."))
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("The token is not valid.")) from None
        token = token_for_key(key)
        if token is None or token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("The token is not valid or has been revoked."))
        if token.is_expired:
            raise exceptions.AuthenticationFailed(_("The token has expired; ask an administrator to rotate it."))
        problem = token_scope_problem(token)
        if problem:
            raise exceptions.AuthenticationFailed(problem)
        api_token_touch(token=token, ip=client_ip(request))
        return token.user, token

    def authenticate_header(self, request):
        return "Token"


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "decisions.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "An API token issued by an administrator, sent as `Token <key>`.",
        }
