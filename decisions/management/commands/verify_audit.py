"""Recompute every government's audit chain (``decisions.audit``) and name the first broken link.

One line per government: its summary (events, head hash), or its first broken link (government,
event, decision code, what is wrong: content altered, link broken, missing predecessor, missing
events at the end). Exit status 1 on any broken chain, 0 otherwise.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from decisions.audit import Break, verify


class Command(BaseCommand):
    help = "Verify the audit chains of the event log (exit status 1 on a broken link)."

    def add_arguments(self, parser):
        parser.add_argument("--government", type=int, help="only the chain of this government (id)")

    def handle(self, *args, government=None, **options):
        results = verify(government)
        broken = [r for r in results if isinstance(r, Break)]
        for result in results:
            if isinstance(result, Break):
                self.stdout.write(_("BROKEN: %(link)s") % {"link": result})
            else:
                self.stdout.write(
                    _("government %(government)s: %(events)s events, head %(head)s")
                    % {"government": result.government_id, "events": result.events, "head": result.head or "—"}
                )
        if broken:
            raise CommandError(
                ngettext(
                    "%(broken)s of %(chains)s audit chain is broken.",
                    "%(broken)s of %(chains)s audit chains are broken.",
                    len(results),
                )
                % {"broken": len(broken), "chains": len(results)}
            )
        self.stdout.write(
            ngettext(
                "%(chains)s audit chain verified: every link holds.",
                "%(chains)s audit chains verified: every link holds.",
                len(results),
            )
            % {"chains": len(results)}
        )
