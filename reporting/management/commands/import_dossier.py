"""Restore a decision's dossier exported by export_dossier (same keys, files checked)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from decisions.errors import DecisionError
from reporting.dossier import dossier_import


class Command(BaseCommand):
    help = "Import a decision dossier zip into this database."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the dossier zip")

    def handle(self, *args, path, **options):
        try:
            decision = dossier_import(Path(path).read_bytes())
        except (OSError, DecisionError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{decision.code} {decision.title}")
