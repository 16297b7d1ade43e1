"""The page a locked-out account meets (django-axes calls ``lockout_response``), in the UI's language.

Axes's own response is an English sentence; ours says in Chinese what happened, for how long, and
who can lift it, on the site's login page and the admin's alike.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_response(request, original_response=None, credentials=None):
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": lockout_minutes()}
    return render(request, "registration/locked_out.html", context, status=429)
