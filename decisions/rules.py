"""Per-government rule settings (DESIGN.md, "Numbers the product keeps as per-government settings").

National defaults live here and only here. A government may override any number in the admin; a
county that leaves a number blank inherits its city's, the city its province's, and the province
the national default (provinces may add detail, Art 43). Services read numbers through
``rules_for(government)``; no view or task hard-codes one.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from decisions.models import Government


@dataclass(frozen=True)
class Rules:
    # Art 15: the public comment period is in general at least 30 (calendar) days.
    min_comment_period_days: int = 30
    # Art 16: hearing materials reach participants at least 7 (calendar) days before the hearing.
    hearing_materials_lead_days: int = 7
    # Art 26: the legal office is given in general at least 7 working days.
    min_review_working_days: int = 7
    # A city rule: the review takes at most 15 working days, extendable once by 10.
    max_review_working_days: int = 15
    review_extension_working_days: int = 10
    # Product: remind 3 and 1 working days before, on the day, then daily when overdue.
    reminder_lead_working_days: tuple[int, ...] = (3, 1)
    remind_on_due_day: bool = True
    remind_daily_when_overdue: bool = True
    # Product: overdue work escalates to the leader after this many further working days.
    escalate_to_leader_after_working_days: int = 3
    # Local practice: a decision deferred this long leaves the catalogue.
    deferral_limit_days: int = 365
    # Local rule: time spent waiting for supplementary materials does not count toward the review.
    supplement_time_counts: bool = False
    # Local practice of several cities: a second review of the final text before publication.
    second_review_enabled: bool = False
    # DESIGN.md, "Lifecycle contract": a waiver is approved by the sponsoring unit's head or a leader,
    # per the government's setting; nationally either ("sponsor_head": the head, or a leader above
    # them), a government may require a leader ("leader").
    waiver_approver: str = "sponsor_head"


NATIONAL_DEFAULTS = Rules()
RULE_NAMES = tuple(f.name for f in fields(Rules))


def rules_for(government: Government | None) -> Rules:
    """The numbers in force for ``government``: its own overrides, then its parents', then national."""
    chain = []
    node = government
    seen: set[int] = set()
    while node is not None and node.pk not in seen:
        seen.add(node.pk)
        chain.append(node)
        node = node.parent
    values: dict[str, Any] = {}
    tightened_approver = False
    for gov in reversed(chain):  # province first, so the nearest government wins
        settings_row = getattr(gov, "rule_settings", None) if gov.pk else None
        if settings_row is None:
            continue
        for name in RULE_NAMES:
            value = getattr(settings_row, name)
            if value is not None and value != "":
                values[name] = value
        tightened_approver = tightened_approver or settings_row.waiver_approver == "leader"
    if tightened_approver:
        # Settings tighten, never loosen: below a government that requires a leader's approval of a
        # waiver, no city or county lets a unit's head approve it again.
        values["waiver_approver"] = "leader"
    if "reminder_lead_working_days" in values:
        values["reminder_lead_working_days"] = tuple(
            sorted({int(v) for v in values["reminder_lead_working_days"]}, reverse=True)
        )
    return Rules(**{**NATIONAL_DEFAULTS.__dict__, **values})
