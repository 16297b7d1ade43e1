"""Check every rule of the record (``decisions.integrity``) over the decisions in the database.

Prints one line per finding (decision code, rule, article, message) and exits with status 1 when
there is any; otherwise prints one line saying how many decisions were checked, and exits with 0.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from decisions.integrity import check_integrity
from decisions.models import Decision


class Command(BaseCommand):
    help = "Check that no decision broke a rule of the record (exit status 1 on any finding)."

    def add_arguments(self, parser):
        parser.add_argument("--government", type=int, help="only the decisions of this government (id)")
        parser.add_argument("--decision", help="only the decision with this code (e.g. 2026-007)")

    def handle(self, *args, government=None, decision=None, **options):
        decisions = Decision.objects.all()
        if government is not None:
            decisions = decisions.filter(government_id=government)
        if decision:
            decisions = decisions.filter(code=decision)
        found = 0
        for finding in check_integrity(decisions):
            found += 1
            self.stdout.write(f"{finding.code}\t{finding.rule}\t{finding.article}\t{finding.message}")
        checked = decisions.count()
        if found:
            raise CommandError(
                ngettext(
                    "%(found)s finding in %(checked)s decisions checked.",
                    "%(found)s findings in %(checked)s decisions checked.",
                    found,
                )
                % {"found": found, "checked": checked},
                returncode=1,
            )
        self.stdout.write(_("No findings: %(checked)s decisions checked.") % {"checked": checked})
