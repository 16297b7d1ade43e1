"""Export one decision's dossier (一事一档, Art 33) as a zip: manifest, files, PDF index."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from decisions.models import Decision
from reporting.dossier import dossier_export


class Command(BaseCommand):
    help = "Export a decision's whole record as a zip (manifest.json, files/, index.pdf)."

    def add_arguments(self, parser):
        parser.add_argument("decision", help="the decision's id, or its code with --government")
        parser.add_argument("--government", type=int, help="government id, when giving a code")
        parser.add_argument("-o", "--output", help="zip file to write (default: dossier-<code>.zip)")
        parser.add_argument("--no-index", action="store_true", help="leave out the PDF index")

    def handle(self, *args, decision, government, output, no_index, **options):
        queryset = Decision.objects.select_related("government", "lead_sponsor")
        if government is not None:
            found = queryset.filter(government_id=government, code=decision).first()
        else:
            found = queryset.filter(pk=int(decision)).first() if decision.isdigit() else None
        if found is None:
            raise CommandError("No such decision.")
        path = Path(output or f"dossier-{found.government_id}-{found.code}.zip")
        path.write_bytes(dossier_export(found, with_index=not no_index))
        self.stdout.write(str(path))
