"""Context processor for the top bar's bell: the unread count, read only when a template asks."""

from __future__ import annotations

from functools import cached_property

from django.utils import timezone

from deadlines import notifications
from decisions import workdays


class Bell:
    def __init__(self, user) -> None:
        self.user = user

    @cached_property
    def unread(self) -> int:
        return notifications.unread_count(self.user)

    @cached_property
    def missing_schedule_years(self) -> list[int]:
        """For administrators: years whose holiday schedule must be entered (the dashboard warning)."""
        if not self.user.is_staff:
            return []
        return workdays.years_needing_schedule(timezone.localdate())


def bell(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"bell": Bell(user)}
