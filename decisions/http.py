"""Typing help for the views: the request of a page behind ``@login_required`` or of an API view
behind ``IsAuthenticated``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from rest_framework.request import Request

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # the project uses Django's user model


class AuthenticatedRequest(HttpRequest):
    """An ``HttpRequest`` whose user is signed in (never ``AnonymousUser``).

    For annotations only: a view behind ``@login_required`` takes an ``AuthenticatedRequest``, so
    ``request.user`` is a ``User`` to the type checker. Django never builds one of these; the
    request the view receives is an ordinary ``HttpRequest``."""

    user: User


class AuthenticatedApiRequest(Request):
    """The same for the API: a DRF ``Request`` past ``IsAuthenticated`` (the API's default
    permission), whose user is a ``User``. For annotations only, like ``AuthenticatedRequest``."""

    user: User
