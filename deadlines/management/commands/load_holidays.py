"""Load a year's holiday schedule (the State Council's notice) into the override table.

    manage.py load_holidays docs/holidays-template.csv --year 2027 --replace

The CSV has a header ``date,working,name,note``; ``working`` is 1/0 (also yes/no, true/false, 班/休).
Lines starting with ``#`` are comments. List every day off of the statutory holidays (weekend days
inside a holiday too) and every make-up working day (调休上班); ordinary weekdays and weekends need no
row. Nothing is written unless every line is valid. Open deadlines are recomputed afterwards.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from deadlines import clocks
from decisions.models import CalendarDay

TRUE = {"1", "true", "yes", "y", "班", "上班", "working", "work"}
FALSE = {"0", "false", "no", "n", "休", "放假", "休息", "off", "holiday"}


def parse(path: Path, *, year: int | None) -> list[CalendarDay]:
    errors: list[str] = []
    days: dict[dt.date, CalendarDay] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.lstrip().startswith("#")]
    reader = csv.DictReader(lines)
    missing = {"date", "working"} - set(reader.fieldnames or [])
    if missing:
        raise CommandError(
            f"The header must name the columns date,working,name,note (missing: {', '.join(sorted(missing))})."
        )
    for number, row in enumerate(reader, start=2):
        raw_date = (row.get("date") or "").strip()
        raw_working = (row.get("working") or "").strip().lower()
        try:
            date = dt.date.fromisoformat(raw_date)
        except ValueError:
            errors.append(f"row {number}: “{raw_date}” is not a date (YYYY-MM-DD)")
            continue
        if raw_working in TRUE:
            working = True
        elif raw_working in FALSE:
            working = False
        else:
            errors.append(f"row {number}: “{raw_working}” is not 1 (working day) or 0 (day off)")
            continue
        if year is not None and date.year != year:
            errors.append(f"row {number}: {date} is not in {year}")
        if date in days:
            errors.append(f"row {number}: {date} is listed twice")
        days[date] = CalendarDay(
            date=date,
            is_working_day=working,
            name=(row.get("name") or "").strip()[:50],
            note=(row.get("note") or "").strip()[:200],
        )
    if errors:
        raise CommandError("Nothing was loaded:\n  " + "\n  ".join(errors))
    if not days:
        raise CommandError("The file lists no days.")
    return sorted(days.values(), key=lambda day: day.date)


class Command(BaseCommand):
    help = "Load a year's statutory holidays and make-up working days (调休) from a CSV file."

    def add_arguments(self, parser):
        parser.add_argument("csv", type=Path)
        parser.add_argument("--year", type=int, help="Check that every day is in this year.")
        parser.add_argument(
            "--replace", action="store_true", help="First remove the days already entered for the year (needs --year)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check the file and write nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["csv"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if options["replace"] and options["year"] is None:
            raise CommandError("--replace needs --year.")
        days = parse(path, year=options["year"])
        off = sum(1 for day in days if not day.is_working_day)
        summary = f"{len(days)} days ({off} days off, {len(days) - off} make-up working days)"
        if options["dry_run"]:
            self.stdout.write(f"The file is valid: {summary}. Nothing written (--dry-run).")
            return
        with transaction.atomic():
            removed = 0
            if options["replace"]:
                removed, _ = CalendarDay.objects.filter(date__year=options["year"]).delete()
            CalendarDay.objects.bulk_create(
                days, update_conflicts=True, unique_fields=["date"], update_fields=["is_working_day", "name", "note"]
            )
        refreshed = clocks.refresh_open()
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {summary}" + (f", replacing {removed}" if removed else "") + f"; {refreshed} decisions' "
                "open deadlines recomputed."
            )
        )
