"""What every page of the decisions app shares: the client's address for the event log, and how a
refusal is shown (its message and article, answered with the error's status).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms as django_forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

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


def saved_or_refused(
    request: HttpRequest, form: django_forms.BaseForm, call: Callable[[dict[str, Any]], object], redirect_to: str
) -> HttpResponse | None:
    """A page's POST of one form and one service call: on success "Saved." and a redirect to
    ``redirect_to``; None when the form or the service refused (the refusal is on the form, and the
    form keeps what was typed)."""
    if not form.is_valid():
        return None
    try:
        call(form.cleaned_data)
    except DecisionError as err:
        add_error(form, err)
        return None
    messages.success(request, _("Saved."))
    return redirect(redirect_to)
