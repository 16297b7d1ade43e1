"""What every page of the decisions app shares: the client's address for the event log, and how a
refusal is shown (its message and article, answered with the error's status).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms as django_forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from decisions.errors import DecisionError
from decisions.presentation import (
    Reason,
    refusal_text,
)

if TYPE_CHECKING:
    pass


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: a forwarded-for header is whatever the client says unless a trusted proxy
    # sets it, and the event log is evidence.
    return request.META.get("REMOTE_ADDR") or None


def error_page(request: HttpRequest, err: DecisionError) -> HttpResponse:
    return render(
        request,
        "decisions/error.html",
        {"error": Reason(str(err.message), err.article)},
        status=err.status,
    )


def add_error(form: django_forms.BaseForm, err: DecisionError) -> None:
    """The service's refusal on the form: its field messages where the form has the field, and the
    message with its article above the form."""
    form.add_error(None, refusal_text(err))
    for name, field_messages in err.fields.items():
        for message in field_messages:
            # A message about a field the form does not have (or about the whole record) goes on top.
            form.add_error(name if name in form.fields else None, message)
