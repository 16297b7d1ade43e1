"""The nightly comparison of each decision's gate record (``reporting.models.GateRecord``, which the
database's triggers keep) with the records it stands for: the overview counts a province's
decisions lacking a gate from those rows, so a row a trigger never wrote (a copy restored with the
triggers off) or one written by hand around the guard is a finding of the record, named with the
gates where the two disagree."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import cast

from django.db.models import Field
from django.utils.translation import gettext as _

from decisions.integrity import Finding, finding
from decisions.models import Decision
from reporting.choices import ReportingRule
from reporting.models import GateRecord
from reporting.overview import gate_annotations, missing_gates

# The gates a row holds; ``lacking`` is checked beside them.
COLUMNS = tuple(field.name for field in GateRecord._meta.get_fields() if field.name not in ("decision", "lacking"))


def _label(column: str) -> str:
    return str(cast("Field", GateRecord._meta.get_field(column)).verbose_name)  # a column, never a relation


def gate_records_current(decisions: Sequence[Decision]) -> Iterator[Finding]:
    """Each decision's gate record equals the gates computed from its records (the overview's own
    annotations, a second implementation of the triggers' rules). One query per batch."""
    annotations = gate_annotations()
    rows = {
        row["pk"]: row
        for row in Decision.objects.filter(pk__in=[decision.pk for decision in decisions])
        .annotate(**annotations)
        .values("pk", "state", "gate_record", *annotations, *(f"gate_record__{c}" for c in (*COLUMNS, "lacking")))
    }
    for decision in decisions:
        row = rows[decision.pk]
        if row["gate_record"] is None:
            yield finding(
                decision, ReportingRule.GATE_RECORD_CURRENT, _("The decision has no gate record for the overview."), ""
            )
            continue
        wrong = [column for column in COLUMNS if row[f"gate_record__{column}"] != row[f"gate_{column}"]]
        if row["gate_record__lacking"] != bool(missing_gates(row["state"], row)):
            wrong.append("lacking")
        if wrong:
            yield finding(
                decision,
                ReportingRule.GATE_RECORD_CURRENT,
                _("The overview's gate record disagrees with the record on: %(gates)s.")
                % {"gates": "、".join(_label(column) for column in wrong)},
                "",
            )
