"""The scan's set-based statements (deadlines.batches) on whichever engine the suite runs on: the
rows and shared values land as given, a row breaking a unique key is skipped, a batch larger than
SQLite's limit of bound values is split, and a list of ids picks exactly those rows."""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.utils import timezone

from deadlines.batches import AmongIds, insert_values
from deadlines.models import Deadline, Reminder, ReminderKind
from tests.deadlines.test_reminders import hearing_clock

START = dt.date(2026, 1, 1)


def test_insert_values_writes_rows_with_their_shared_values_and_skips_a_duplicate(org):
    clock = hearing_clock(org)
    now = timezone.now()
    Reminder.objects.create(deadline=clock, kind=ReminderKind.OVERDUE, due_day=START, status=Reminder.Status.SENT)
    # 700 rows of 4 values: more than SQLite's 999 bound values in one statement.
    rows = [(clock.pk, ReminderKind.OVERDUE.value, START + dt.timedelta(days=n), "pending") for n in range(700)]

    inserted = insert_values(
        Reminder,
        ["deadline", "kind", "due_day", "status"],
        rows,
        {"sent_at": None, "created_at": now, "updated_at": now},
    )

    assert inserted == 699  # the first day was there already, and stays as it was
    made = Reminder.objects.filter(deadline=clock, kind=ReminderKind.OVERDUE)
    assert made.count() == 700
    assert made.get(due_day=START).status == Reminder.Status.SENT
    last = made.get(due_day=START + dt.timedelta(days=699))
    assert (last.status, last.sent_at, last.created_at) == (Reminder.Status.PENDING, None, now)


def test_among_ids_picks_exactly_the_ids_given(org):
    clocks = [hearing_clock(org) for _ in range(3)]
    wanted = [clocks[0].pk, clocks[2].pk]

    assert set(Deadline.objects.filter(AmongIds(F("pk"), wanted)).values_list("pk", flat=True)) == set(wanted)
    assert list(Deadline.objects.exclude(AmongIds(F("pk"), wanted)).filter(pk__in=[c.pk for c in clocks])) == [
        clocks[1]
    ]
    assert not Deadline.objects.filter(AmongIds(F("pk"), [])).exists()
