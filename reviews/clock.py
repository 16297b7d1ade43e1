"""The review clock: working days from acceptance, the minimum before the meeting (Art 26), the
maximum with its extension, and the time spent waiting for supplements (local rule).

Day arithmetic, in the Chinese sense of a period: the day an event happens is not counted.
``add_working_days(day, n)`` is the n-th working day after ``day``; ``working_days_between(a, b)``
counts the working days d with a < d <= b (0 when b <= a).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

if TYPE_CHECKING:
    from reviews.models import LegalityReview

try:
    # The Chinese calendar (statutory holidays, make-up working days and the admin's override table)
    # is being written in decisions.workdays at the same time as this app. Once it is there it is
    # used here without further change; until then weekdays stand in for working days.
    from decisions.workdays import WorkCalendar
except ImportError:

    class WorkCalendar:  # type: ignore[no-redef]
        """Weekdays only (the stand-in described above); same counting as decisions.workdays."""

        def add_working_days(self, start: dt.date, n: int) -> dt.date:
            current, remaining = start, n
            while remaining > 0:
                current += dt.timedelta(days=1)
                if current.weekday() < 5:
                    remaining -= 1
            return current

        def working_days_between(self, start: dt.date, end: dt.date) -> int:
            if end <= start:
                return 0
            full_weeks, rest = divmod((end - start).days, 7)
            return full_weeks * 5 + sum(
                1 for offset in range(1, rest + 1) if (start + dt.timedelta(days=offset)).weekday() < 5
            )


def add_working_days(day: dt.date, n: int, *, calendar: WorkCalendar | None = None) -> dt.date:
    """The ``n``-th working day after ``day``."""
    return (calendar or WorkCalendar()).add_working_days(day, n)


def working_days_between(start: dt.date, end: dt.date, *, calendar: WorkCalendar | None = None) -> int:
    """Working days d with start < d <= end (0 when end <= start)."""
    return (calendar or WorkCalendar()).working_days_between(start, end)


__all__ = ["ReviewClock", "WorkCalendar", "add_working_days", "review_clock", "working_days_between"]


@dataclass(frozen=True)
class ReviewClock:
    started_on: dt.date
    minimum_days: int
    limit_days: int  # the maximum plus any extension
    counted_days: int  # working days of review so far (up to issue, or today)
    # Kept apart from counted_days: the minimum is measured up to the meeting, not up to the issue.
    counted_until_today: int
    paused_days: int  # working days waiting for supplements that do not count
    paused_now: bool
    earliest_meeting_on: dt.date  # the minimum review time is over on this day (Art 26)
    due_on: dt.date
    days_left: int  # negative when overdue
    stopped: bool  # the opinion is issued: the clock no longer runs

    @property
    def minimum_reached(self) -> bool:
        return self.counted_until_today >= self.minimum_days

    @property
    def overdue(self) -> bool:
        return not self.stopped and self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return max(-self.days_left, 0)


def _paused_days(review: LegalityReview, start: dt.date, until: dt.date, calendar: WorkCalendar) -> tuple[int, bool]:
    """Working days in (start, until] spent waiting for supplements, and whether a wait is open."""
    if review.supplement_time_counts:
        return 0, False
    total = 0
    open_now = False
    for request in review.supplements.all():
        begin = max(request.requested_on, start)
        end = request.answered_on or until
        if request.answered_on is None:
            open_now = True
        end = min(end, until)
        total += calendar.working_days_between(begin, end)
    return total, open_now


def review_clock(review: LegalityReview, *, today: dt.date, calendar: WorkCalendar | None = None) -> ReviewClock | None:
    """The clock of an accepted round as of ``today`` (None before acceptance). Pass one calendar
    to many rounds (the queue) so the holiday table is read once."""

    if review.accepted_on is None:
        return None
    calendar = calendar or WorkCalendar()
    start = review.accepted_on
    stopped = review.issued_at is not None
    stop_day = timezone.localdate(review.issued_at) if stopped else today
    paused_to_stop, _ = _paused_days(review, start, stop_day, calendar)
    paused_to_today, paused_now = _paused_days(review, start, today, calendar)
    counted = max(calendar.working_days_between(start, stop_day) - paused_to_stop, 0)
    counted_today = max(calendar.working_days_between(start, today) - paused_to_today, 0)
    minimum = review.min_working_days or 0
    limit = (review.max_working_days or 0) + review.extension_working_days
    return ReviewClock(
        started_on=start,
        minimum_days=minimum,
        limit_days=limit,
        counted_days=counted,
        paused_days=paused_to_stop,
        paused_now=paused_now and not stopped,
        earliest_meeting_on=calendar.add_working_days(start, minimum + paused_to_today),
        due_on=calendar.add_working_days(start, limit + paused_to_stop),
        days_left=limit - counted,
        stopped=stopped,
        counted_until_today=counted_today,
    )
