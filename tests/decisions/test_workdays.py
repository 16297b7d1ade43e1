"""Working days with real dates: statutory holidays, make-up working days (调休), the override table,
and the weekday fallback for years nobody has entered yet."""

import datetime as dt

import pytest

from decisions import workdays
from decisions.models import CalendarDay

D = dt.date


@pytest.fixture(autouse=True)
def _calendar_package_knows_up_to_2026(monkeypatch):
    """These tests use 2027 as "a year the package does not cover". chinesecalendar 1.11 covers
    2004-2026; a later release may add 2027, so pin what the package is taken to know."""
    monkeypatch.setattr(workdays, "package_years", lambda: range(2004, 2027))


@pytest.fixture
def calendar(db):
    return workdays.WorkCalendar()


def test_national_day_2026_and_its_make_up_saturday(calendar):
    # 1–7 October 2026 are off; Saturday 10 October is worked instead (调休).
    assert not any(calendar.is_working_day(D(2026, 10, day)) for day in range(1, 8))
    assert calendar.is_working_day(D(2026, 10, 10))
    assert not calendar.is_working_day(D(2026, 10, 11))  # an ordinary Sunday


def test_seven_working_days_from_2026_09_28_cross_national_day_and_count_the_make_up_day(calendar):
    # 29, 30 Sep; (1–7 Oct off); 8, 9, 10 (Saturday, worked), (11 Sunday off), 12, 13 Oct.
    assert calendar.add_working_days(D(2026, 9, 28), 7) == D(2026, 10, 13)
    assert calendar.working_days_between(D(2026, 9, 28), D(2026, 10, 13)) == 7


def test_spring_festival_2026(calendar):
    # Off 15–23 February 2026; Saturdays 14 and 28 February are worked.
    assert [calendar.is_working_day(D(2026, 2, day)) for day in range(14, 25)] == [
        True, False, False, False, False, False, False, False, False, False, True,
    ]  # fmt: skip
    assert calendar.is_working_day(D(2026, 2, 28))
    # Friday 13 February + 3 working days: Saturday 14 (worked), then 24 and 25 February.
    assert calendar.add_working_days(D(2026, 2, 13), 3) == D(2026, 2, 25)
    assert calendar.working_days_between(D(2026, 2, 13), D(2026, 2, 24)) == 2


def test_counting_backwards_for_reminders(calendar):
    # 3 working days before 13 October 2026: 12, 10 (make-up Saturday), 9 → 9 October.
    assert calendar.add_working_days(D(2026, 10, 13), -3) == D(2026, 10, 9)
    assert calendar.add_working_days(D(2026, 10, 8), -1) == D(2026, 9, 30)


def test_days_left_are_signed_and_between_is_never_negative(calendar):
    assert calendar.working_days_left(D(2026, 10, 13), D(2026, 9, 28)) == -7
    assert calendar.working_days_left(D(2026, 9, 28), D(2026, 10, 13)) == 7
    assert calendar.working_days_between(D(2026, 10, 13), D(2026, 9, 28)) == 0


def test_a_2027_date_falls_back_to_weekdays_and_says_so(calendar):
    # Nothing is entered for 2027 and chinesecalendar does not cover it: Monday to Friday.
    assert 2027 not in workdays.package_years()
    assert calendar.is_working_day(D(2027, 1, 1))  # a Friday; in fact New Year's Day, not known yet
    assert calendar.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 1)
    assert calendar.take_fallback_years() == [2027]
    assert calendar.years_without_schedule([2026, 2027]) == [2027]
    assert "2027" in workdays.fallback_note([2027])


def test_a_2027_date_with_overrides_uses_the_entered_schedule(calendar):
    CalendarDay.objects.create(date=D(2027, 1, 1), is_working_day=False, name="元旦")
    fresh = workdays.WorkCalendar()
    assert not fresh.is_working_day(D(2027, 1, 1))
    assert fresh.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert fresh.take_fallback_years() == []  # the year is entered: no flag
    assert fresh.years_without_schedule([2027]) == []
    assert fresh.day(D(2027, 1, 1)).source == workdays.Source.OVERRIDE


def test_an_override_wins_over_the_package(calendar):
    # Suppose the office is told 30 September 2026 is a day off locally.
    CalendarDay.objects.create(date=D(2026, 9, 30), is_working_day=False, name="地方调整")
    fresh = workdays.WorkCalendar()
    assert not fresh.is_working_day(D(2026, 9, 30))
    assert fresh.add_working_days(D(2026, 9, 28), 7) == D(2026, 10, 14)


def test_schedule_warning_for_next_year_from_october(calendar):
    assert workdays.years_needing_schedule(D(2026, 6, 1), calendar=calendar) == []
    assert workdays.years_needing_schedule(D(2026, 11, 28), calendar=calendar) == [2027]
    CalendarDay.objects.create(date=D(2027, 1, 1), is_working_day=False, name="元旦")
    assert workdays.years_needing_schedule(D(2026, 11, 28)) == []


def test_a_calendar_reads_each_year_once(calendar, django_assert_num_queries):
    with django_assert_num_queries(2):  # 2026 and 2027
        calendar.add_working_days(D(2026, 12, 20), 15)
        calendar.working_days_between(D(2026, 12, 1), D(2027, 1, 31))


def _walked(calendar, start, end):
    """The definition, day by day: working days d with start < d <= end."""
    days = (end - start).days
    return sum(calendar.is_working_day(start + dt.timedelta(days=n)) for n in range(1, days + 1))


def test_working_days_between_by_index_matches_the_day_by_day_count(calendar):
    # Across holidays, make-up days, year ends, an entered override and the 2027 weekday fallback.
    CalendarDay.objects.create(date=D(2026, 9, 30), is_working_day=False, name="地方调整")
    fresh = workdays.WorkCalendar()
    starts = [D(2024, 12, 30), D(2025, 9, 29), D(2026, 2, 13), D(2026, 9, 29), D(2026, 12, 31)]
    ends = [D(2025, 1, 2), D(2025, 10, 9), D(2026, 2, 28), D(2026, 10, 12), D(2027, 3, 1)]
    for start in starts:
        for end in ends:
            assert fresh.working_days_between(start, end) == (_walked(fresh, start, end) if end > start else 0)


def test_many_counts_on_one_calendar_read_the_table_once_per_year(calendar, django_assert_max_num_queries):
    fresh = workdays.WorkCalendar()
    with django_assert_max_num_queries(3):  # 2025, 2026 and 2027: one read each, whatever the count
        for offset in range(400):
            start = D(2025, 1, 1) + dt.timedelta(days=offset)
            fresh.working_days_between(start, start + dt.timedelta(days=300))


def test_adding_working_days_by_index_matches_the_day_by_day_walk(calendar):
    for start in (D(2025, 9, 26), D(2026, 2, 13), D(2026, 9, 30), D(2026, 12, 24)):
        for n in (1, 3, 10, 20, 40):
            day, remaining = start, n
            while remaining:
                day += dt.timedelta(days=1)
                remaining -= calendar.is_working_day(day)
            assert calendar.add_working_days(start, n) == day, (start, n)
