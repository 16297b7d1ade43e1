"""The API's one error shape, mapped once: ``{"code", "detail", "article"?, "rule"?, "fields"?}``.

Domain errors (``decisions.errors.DecisionError``) keep their code and status (STATUS_FOR_CODE);
DRF's own exceptions (parsing, authentication, throttling, unknown routes) are translated into the
same shape here so a client handles one format whatever went wrong.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from decisions.constraints import integrity_message
from decisions.errors import DecisionError
from decisions.presentation import article_label

logger = logging.getLogger(__name__)

# DRF's exception classes -> our codes (the status stays DRF's).
DRF_CODES: list[tuple[type[exceptions.APIException], str]] = [
    (exceptions.NotAuthenticated, "unauthenticated"),
    (exceptions.AuthenticationFailed, "unauthenticated"),
    (exceptions.PermissionDenied, "forbidden"),
    (exceptions.NotFound, "not_found"),
    (exceptions.MethodNotAllowed, "method_not_allowed"),
    (exceptions.NotAcceptable, "not_acceptable"),
    (exceptions.UnsupportedMediaType, "unsupported_media_type"),
    (exceptions.Throttled, "throttled"),
    (exceptions.ParseError, "invalid"),
    (exceptions.ValidationError, "invalid"),
]


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as ``{"field.sub": ["message", ...]}``."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == "non_field_errors":
                name = prefix or "non_field_errors"
            for field, messages in _flatten(value, name).items():
                out.setdefault(field, []).extend(messages)
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                for field, messages in _flatten(value, f"{prefix}.{index}" if prefix else str(index)).items():
                    out.setdefault(field, []).extend(messages)
            else:
                out.setdefault(prefix or "non_field_errors", []).append(str(value))
    else:
        out.setdefault(prefix or "non_field_errors", []).append(str(detail))
    return out


def error_body(code: str, detail: str, *, fields: dict | None = None, article: str = "", rule: str = "") -> dict:
    body: dict = {"code": code, "detail": str(detail)}
    if rule:
        body["rule"] = rule
    if article:
        body["article"] = article
        body["article_label"] = article_label(article)
    if fields:
        body["fields"] = fields
    return body


def exception_handler(exc, context):
    if isinstance(exc, DecisionError):
        set_rollback()
        body = exc.as_dict()
        if exc.article:  # the machine field stays; people read the label (第二十六条 / Art 26)
            body["article_label"] = article_label(exc.article)
        return Response(body, status=exc.status)
    if isinstance(exc, Http404 | ObjectDoesNotExist):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        set_rollback()
        return Response(
            error_body("too_large", _("The request is too large.")), status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
        )
    elif isinstance(exc, IntegrityError):
        # A write the database refused past validation (two requests at once): its constraint's
        # message, never its raw name.
        set_rollback()
        return Response(error_body("conflict", integrity_message(exc)), status=status.HTTP_409_CONFLICT)
    elif isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError(_("The request could not be read."))
    elif isinstance(exc, DjangoValidationError):
        fields = (
            {name: [str(m) for m in msgs] for name, msgs in exc.message_dict.items()}
            if hasattr(exc, "error_dict")
            else {"non_field_errors": [str(m) for m in exc.messages]}
        )
        exc = exceptions.ValidationError(fields)

    if not isinstance(exc, exceptions.APIException):
        return None  # a real server error: Django's 500 handling and logging

    code = next((c for cls, c in DRF_CODES if isinstance(exc, cls)), "error")
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, exceptions.ValidationError):
        body = error_body(code, _("Some fields are not valid."), fields=_flatten(exc.detail))
    else:
        body = error_body(code, exc.detail if not isinstance(exc.detail, dict | list) else exc.default_detail)
    set_rollback()
    return Response(body, status=exc.status_code, headers=headers)


@csrf_exempt  # answers nothing but 404: no session state to protect
def not_found_view(request, *args, **kwargs) -> JsonResponse:
    """Unknown paths under /api/v1/ answer in the API's shape, not with an HTML page."""
    return JsonResponse(error_body("not_found", _("Not found.")), status=404)
