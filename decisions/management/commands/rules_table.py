"""Print, check or write the table "article → rule → where enforced → tests" (``decisions.ruledoc``).

Without options it prints the table; ``--write`` puts it into docs/lifecycle.md between the
markers; ``--check`` exits with status 1 when the file's table is not the code's.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from decisions import ruledoc


class Command(BaseCommand):
    help = "The table of the rules with their articles, where each is enforced and its tests (a developer's tool)."

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--write", action="store_true", help="write the table into docs/lifecycle.md")
        action.add_argument("--check", action="store_true", help="exit 1 when docs/lifecycle.md's table is stale")

    def handle(self, *args, write=False, check=False, **options):
        generated = ruledoc.table()
        if not (write or check):
            self.stdout.write(generated)
            return
        path = Path(settings.BASE_DIR) / ruledoc.DOCUMENT
        text = path.read_text(encoding="utf-8")
        wanted = ruledoc.document_with_table(text, generated)
        if check:
            if wanted != text:
                raise CommandError(f"{ruledoc.DOCUMENT} is stale: run `manage.py rules_table --write`.")
            return
        path.write_text(wanted, encoding="utf-8")
        self.stdout.write(f"{ruledoc.DOCUMENT} written.")
