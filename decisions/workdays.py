"""Chinese working days: statutory holidays and make-up working days (调休).

Three sources answer "is this date a working day", the first that knows wins:

1. the admin-maintained override table (``CalendarDay``: date, is_working_day, name), which is how
   the office enters the State Council's notice for a year the package does not know yet, or
   corrects a day;
2. the ``chinesecalendar`` package (2004 up to the year its release covers; it raises beyond);
3. Monday to Friday, for a year neither covers. Such answers are flagged: a deadline computed on
   them says "based on weekdays; the holiday schedule for 2027 is not entered yet" wherever shown.

A year counts as covered by the table as soon as it holds at least one row for that year: the
notice is entered whole (``manage.py load_holidays``), not day by day.

Counting convention (the one the legal texts use): "N working days from D" is the N-th working day
after D; D itself never counts. ``working_days_between(a, b)`` is its inverse: the number of working
days d with a < d <= b (0 when b <= a; ``reviews.clock`` relies on that). ``working_days_left`` is
the signed count shown next to a deadline.

A ``WorkCalendar`` reads each year's overrides with one query and keeps them for its own lifetime
only, so a calendar edit is seen by the next computation in every process (web, worker, beat)
without any cache to invalidate. Pass one calendar to many computations to share the reads.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import chinese_calendar
from chinese_calendar import constants as _package_data
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from decisions.models import CalendarDay


class Source:
    OVERRIDE = "override"
    PACKAGE = "package"
    WEEKDAYS = "weekdays"


SOURCE_LABELS = {
    Source.OVERRIDE: _("holiday schedule entered by the administrators"),
    Source.PACKAGE: _("State Council holiday schedule"),
    Source.WEEKDAYS: _("Monday to Friday (no holiday schedule for this year)"),
}


@dataclass(frozen=True)
class Day:
    date: dt.date
    is_working_day: bool
    name: str
    source: str


@cache
def package_years() -> range:
    """The years the installed chinesecalendar release knows (it raises for any other)."""
    known = [*_package_data.holidays, *_package_data.workdays]
    return range(min(known).year, max(known).year + 1)


@cache
def _package_cumulative(year: int) -> list[int]:
    """The running count of working days of a year the package knows and the table does not touch
    (the package's data never changes while a process runs: shared by every calendar)."""
    return _running_counts(year, chinese_calendar.is_workday)


def _running_counts(year: int, is_working_day: Callable[[dt.date], bool]) -> list[int]:
    """Working days from 1 January up to and including each day of ``year`` (index: day of year - 1)."""
    running, counts = 0, []
    date = dt.date(year, 1, 1)
    while date.year == year:
        running += is_working_day(date)
        counts.append(running)
        date += dt.timedelta(days=1)
    return counts


class WorkCalendar:
    """One consistent view of the working-day calendar (see the module docstring)."""

    def __init__(self) -> None:
        self._overrides: dict[int, dict[dt.date, tuple[bool, str]]] = {}
        # Per year, the working days from 1 January up to and including each day (index: day of the
        # year - 1): counts between two dates are then two lookups, not a walk day by day.
        self._cumulative: dict[int, list[int]] = {}
        # Each date's answer once asked: the reminder scan and the figures ask about the same few
        # hundred dates thousands of times, and the package's answer is not cheap.
        self._days: dict[dt.date, Day] = {}
        # Years answered by the Monday-to-Friday fallback since the last ``take_fallback_years()``.
        self._fallback_used: set[int] = set()

    # ------------------------------------------------------------------ data

    def _year_overrides(self, year: int) -> dict[dt.date, tuple[bool, str]]:
        if year not in self._overrides:
            rows = CalendarDay.objects.filter(date__year=year).values_list("date", "is_working_day", "name")
            self._overrides[year] = {day: (working, name) for day, working, name in rows}
        return self._overrides[year]

    def preload(self, first: int, last: int) -> None:
        """Read the overrides of several years in one query (for long ranges and bulk work)."""

        missing = [y for y in range(first, last + 1) if y not in self._overrides]
        if not missing:
            return
        for year in missing:
            self._overrides[year] = {}
        rows = CalendarDay.objects.filter(date__year__gte=missing[0], date__year__lte=missing[-1]).values_list(
            "date", "is_working_day", "name"
        )
        for day, working, name in rows:
            if day.year in self._overrides:
                self._overrides[day.year][day] = (working, name)

    def is_covered(self, year: int) -> bool:
        """True when the year's holidays and make-up days are known (table or package)."""
        return year in package_years() or bool(self._year_overrides(year))

    # ------------------------------------------------------------------ answers

    def day(self, date: dt.date) -> Day:
        known = self._days.get(date)
        if known is None:
            known = self._days[date] = self._answer(date)
        if known.source == Source.WEEKDAYS:
            # Flagged on every answer, remembered or not: a caller may have taken the flags since.
            self._fallback_used.add(date.year)
        return known

    def _answer(self, date: dt.date) -> Day:
        """The date's answer from the first source that knows it (the module docstring's order)."""
        override = self._year_overrides(date.year).get(date)
        if override is not None:
            return Day(date, override[0], override[1], Source.OVERRIDE)
        if date.year in package_years():
            name = chinese_calendar.get_holiday_detail(date)[1]
            return Day(date, chinese_calendar.is_workday(date), str(name or ""), Source.PACKAGE)
        if not self._year_overrides(date.year):
            return Day(date, date.weekday() < 5, "", Source.WEEKDAYS)
        # The year is entered in the table: a day without a row is an ordinary day of the week.
        return Day(date, date.weekday() < 5, "", Source.OVERRIDE)

    def is_working_day(self, date: dt.date) -> bool:
        return self.day(date).is_working_day

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after ``start`` (before it when n < 0); ``start`` itself never counts."""
        if n > 0:
            # The first day whose running count reaches the start's plus n: a binary search in the
            # year's index, and the next years' for a period that crosses the year end.
            wanted = self._working_days_through(start) + n
            year = start.year
            while True:
                counts = self._year_cumulative(year)
                if counts[-1] >= wanted:
                    return dt.date(year, 1, 1) + dt.timedelta(days=bisect_left(counts, wanted))
                wanted -= counts[-1]
                year += 1
        step = 1 if n >= 0 else -1
        remaining = abs(n)
        date = start
        while remaining:
            date += dt.timedelta(days=step)
            if self.is_working_day(date):
                remaining -= 1
        return date

    def _year_cumulative(self, year: int) -> list[int]:
        """The year's running count of working days (built once per calendar and year)."""
        if year not in self._cumulative:
            if year in package_years() and not self._year_overrides(year):
                self._cumulative[year] = _package_cumulative(year)
                return self._cumulative[year]
            self._cumulative[year] = _running_counts(year, self.is_working_day)
        return self._cumulative[year]

    def _working_days_through(self, date: dt.date) -> int:
        """Working days from 1 January of ``date``'s year up to and including ``date``."""
        return self._year_cumulative(date.year)[date.timetuple().tm_yday - 1]

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days d with start < d <= end (0 when ``end`` is not after ``start``): constant
        time per pair once the years involved are indexed (the figures and the review queue count
        thousands of clocks on one calendar)."""
        if end <= start:
            return 0
        if end.year - start.year > 1:
            self.preload(start.year, end.year)
        count = self._working_days_through(end) - self._working_days_through(start)
        for year in range(start.year, end.year):
            count += self._year_cumulative(year)[-1]
        return count

    def working_days_left(self, today: dt.date, due: dt.date) -> int:
        """Working days from ``today`` to ``due``: positive ahead, negative when overdue (the working
        days since the due date)."""
        if due >= today:
            return self.working_days_between(today, due)
        return -self.working_days_between(due, today)

    def next_working_day(self, date: dt.date) -> dt.date:
        """``date`` itself when it is a working day, else the first working day after it."""
        while not self.is_working_day(date):
            date += dt.timedelta(days=1)
        return date

    def take_fallback_years(self) -> list[int]:
        """The years answered by the weekday fallback since the last call (and forget them)."""
        years = sorted(self._fallback_used)
        self._fallback_used.clear()
        return years

    def years_without_schedule(self, years) -> list[int]:
        return [year for year in sorted(set(years)) if not self.is_covered(year)]


# --------------------------------------------------------------------------- module-level answers


def is_working_day(date: dt.date, *, calendar: WorkCalendar | None = None) -> bool:
    return (calendar or WorkCalendar()).is_working_day(date)


def add_working_days(start: dt.date, n: int, *, calendar: WorkCalendar | None = None) -> dt.date:
    return (calendar or WorkCalendar()).add_working_days(start, n)


def working_days_between(start: dt.date, end: dt.date, *, calendar: WorkCalendar | None = None) -> int:
    return (calendar or WorkCalendar()).working_days_between(start, end)


def working_days_left(today: dt.date, due: dt.date, *, calendar: WorkCalendar | None = None) -> int:
    return (calendar or WorkCalendar()).working_days_left(today, due)


def years_needing_schedule(today: dt.date, *, calendar: WorkCalendar | None = None) -> list[int]:
    """Years the administrators should enter now: this year, and from October on (when the State
    Council usually publishes it) next year, when neither the table nor the package covers them."""
    calendar = calendar or WorkCalendar()
    years = [today.year]
    if today.month >= 10:
        years.append(today.year + 1)
    return calendar.years_without_schedule(years)


def fallback_note(years) -> str:
    """The flag shown next to a date computed on weekdays only."""
    years = sorted(set(years))
    if not years:
        return ""
    return gettext("based on weekdays; the holiday schedule for %(years)s is not entered yet") % {
        "years": ", ".join(str(y) for y in years)
    }
