"""Each government's audit chain head at the end of a day, to be kept somewhere else (a register, a
mail to the archive): a chain rewritten from its start behind the database's guards verifies on its
own, but no longer ends in the head kept outside (``decisions.audit``).

Prints CSV (government, day, place in the chain, head hash) for ``--date`` (default: yesterday, the
last whole day), to standard output or to ``--output``.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from decisions.audit import governments, heads_at


class Command(BaseCommand):
    help = "Print each government's audit chain head at the end of a day (CSV)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day (YYYY-MM-DD); yesterday by default")
        parser.add_argument("--government", type=int, help="only this government (id)")
        parser.add_argument("--output", help="write the CSV to this file instead of standard output")

    def handle(self, *args, date=None, government=None, output=None, **options):
        if date:
            try:
                day = dt.date.fromisoformat(date)
            except ValueError:
                raise CommandError(_("Not a date: %(value)s (expected YYYY-MM-DD).") % {"value": date}) from None
        else:
            day = timezone.localdate() - dt.timedelta(days=1)
        rows = heads_at(day, governments(government))
        handle = open(output, "w", newline="", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
        try:
            writer = csv.writer(handle)
            writer.writerow(["government", "date", "seq", "head_hash"])
            for government_id, seq, head in rows:
                writer.writerow([government_id, day.isoformat(), seq, head])
        finally:
            if output:
                handle.close()
