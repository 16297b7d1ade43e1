"""Per-government rule settings (DESIGN.md, "Numbers the product keeps as per-government settings").

National defaults live here and only here. A government may override any number in the admin; a
county that leaves a number blank inherits its city's, the city its province's, and the province
the national default (provinces may add detail, Art 43). Services read numbers through
``rules_for(government)``; no view or task hard-codes one.

Where the law fixes a minimum (``FLOORS``), a government may tighten it, never loosen it: the
settings' model refuses a lower number (``RuleSettings.clean``, with the article), the database
refuses it too (a check constraint per floor), and ``rules_for`` never answers below it even if a
bad row got in. The product's own numbers only keep sane bounds (``BOUNDS``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from decisions.models import Government


@dataclass(frozen=True)
class Floor:
    """The least number a government may set, why, and what a person is told when it is set lower."""

    least: int
    article: str  # the rule it rests on ("Art 15"), or "" for a bound of the product's own
    message: StrOrPromise


# The law's minimums (Order No. 713). They are also the national defaults.
FLOORS: dict[str, Floor] = {
    "min_comment_period_days": Floor(
        30,
        "Art 15",
        _(
            "Art 15 sets the public comment period at no less than %(least)s days: "
            "a government may set a longer period, never a shorter one."
        ),
    ),
    "hearing_materials_lead_days": Floor(
        7,
        "Art 16",
        _(
            "Art 16 requires the hearing materials to reach participants at least %(least)s days before "
            "the hearing: a government may ask for more days, never fewer."
        ),
    ),
    "min_review_working_days": Floor(
        7,
        "Art 26",
        _(
            "Art 26 gives the legal office at least %(least)s working days for the legality review: "
            "a government may give more, never fewer."
        ),
    ),
    # The Regulations fix no number of experts; an argument without one independent, signed
    # opinion is no argument (Art 19–20). Provinces and cities whose rules ask for three or five
    # set it, and it binds the governments below them.
    "min_independent_experts": Floor(
        1,
        "Art 20",
        _(
            "Art 20 requires at least %(least)s signed opinion from an expert without a tie to the sponsors "
            "or an interest in the matter: a government may require more experts, never fewer."
        ),
    ),
}

# The product's numbers that the law does not fix: bounds that keep them meaningful. The maximum
# review time cannot fall below the least minimum the law allows (Art 26).
BOUNDS: dict[str, Floor] = {
    "max_review_working_days": Floor(
        FLOORS["min_review_working_days"].least,
        "Art 26",
        _(
            "The maximum review time cannot be shorter than the minimum of %(least)s working days "
            "that Art 26 gives the legal office."
        ),
    ),
    "escalate_to_leader_after_working_days": Floor(1, "", _("Give at least %(least)s working day.")),
    "deferral_limit_days": Floor(1, "", _("Give at least %(least)s day.")),
    "execution_problem_answer_working_days": Floor(1, "", _("Give at least %(least)s working day.")),
    # The notice has to come before the materials, which Art 16 sends at least 7 days ahead.
    "hearing_notice_lead_days": Floor(
        FLOORS["hearing_materials_lead_days"].least,
        "Art 16",
        _(
            "The hearing notice cannot be published later than the %(least)s days before the hearing "
            "by which Art 16 sends the participants their materials."
        ),
    ),
}

# Numbers a higher government tightens for every government below it (Art 43): the law's minimums,
# and the hearing notice's lead time, which, like them, protects the public's chance to take part.
STRICTEST_BINDS: frozenset[str] = frozenset({*FLOORS, "hearing_notice_lead_days"})


@dataclass(frozen=True)
class Rules:
    # Art 15: the public comment period is in general at least 30 (calendar) days.
    min_comment_period_days: int = FLOORS["min_comment_period_days"].least
    # Art 16: hearing materials reach participants at least 7 (calendar) days before the hearing.
    hearing_materials_lead_days: int = FLOORS["hearing_materials_lead_days"].least
    # Art 20: independent experts whose signed opinions an argument needs at least (see FLOORS).
    min_independent_experts: int = FLOORS["min_independent_experts"].least
    # Art 16: the hearing notice (the draft heard, the time, the place, how to apply) is published
    # at least this many calendar days before the hearing. The Regulations set no number; 15 lets
    # the public apply, the participants be selected and their list published, and the materials
    # still reach them the 7 days ahead Art 16 requires. A province sets more (price hearings under
    # the Price Law commonly give 30), never less than the materials' 7 days.
    hearing_notice_lead_days: int = 15
    # Art 26: the legal office is given in general at least 7 working days.
    min_review_working_days: int = FLOORS["min_review_working_days"].least
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
    # Art 30, local practice: the legal office's head (and the legal advisers) attend the meeting
    # that discusses the decision, and the meeting's record says who attended for it.
    legal_office_attends_meeting: bool = False
    # Art 31: the decision is reported to the Party committee before it is published, where the
    # government's practice requires it.
    party_committee_report_required: bool = False
    # Art 35, product: a problem found in execution left unanswered this long is on the executing
    # unit's to-do list.
    execution_problem_answer_working_days: int = 10
    # Art 28: the legal office "shall" (应当) hear its legal advisers and public lawyers: an issued
    # opinion has at least one adviser's signed opinion. A government may say otherwise only where
    # no government above it requires it.
    adviser_opinion_required: bool = True


# Switches that only tighten (Art 43): a higher government's True binds the governments below it,
# whatever they set.
BINDING_SWITCHES = ("legal_office_attends_meeting", "party_committee_report_required", "adviser_opinion_required")


NATIONAL_DEFAULTS = Rules()
RULE_NAMES = tuple(f.name for f in fields(Rules))


def rules_for(government: Government | None) -> Rules:
    """The numbers in force for ``government``: its own overrides, then its parents', then national;
    never below a floor of the law (``FLOORS``) or a bound of the product (``BOUNDS``)."""
    chain = []
    node = government
    seen: set[int] = set()
    while node is not None and node.pk not in seen:
        seen.add(node.pk)
        chain.append(node)
        node = node.parent
    values: dict[str, Any] = {}
    tightened_approver = False
    binding: set[str] = set()
    for gov in reversed(chain):  # province first, so the nearest government wins
        settings_row = getattr(gov, "rule_settings", None) if gov.pk else None
        if settings_row is None:
            continue
        for name in RULE_NAMES:
            value = getattr(settings_row, name)
            if value is None or value == "":
                continue
            # A minimum of the law tightened above binds below (Art 43): the strictest one holds.
            values[name] = max(int(value), int(values[name])) if name in STRICTEST_BINDS and name in values else value
        tightened_approver = tightened_approver or settings_row.waiver_approver == "leader"
        for name in BINDING_SWITCHES:
            if getattr(settings_row, name) is True:
                binding.add(name)
    if tightened_approver:
        # Settings tighten, never loosen: below a government that requires a leader's approval of a
        # waiver, no city or county lets a unit's head approve it again.
        values["waiver_approver"] = "leader"
    for name in binding:
        values[name] = True
    if "reminder_lead_working_days" in values:
        values["reminder_lead_working_days"] = tuple(
            sorted({int(v) for v in values["reminder_lead_working_days"] if int(v) >= 1}, reverse=True)
        )
    # Never below the law, even from a row that got past the model and the database (defence in
    # depth): a number under its floor or bound counts as the floor.
    for name, floor in (FLOORS | BOUNDS).items():
        if name in values:
            values[name] = max(int(values[name]), floor.least)
    rules = Rules(**{**NATIONAL_DEFAULTS.__dict__, **values})
    if rules.max_review_working_days < rules.min_review_working_days:
        # A maximum set before a stricter minimum was inherited: the minimum is the law's, so it wins.
        rules = replace(rules, max_review_working_days=rules.min_review_working_days)
    return rules


def rules_for_each(government_ids: Iterable[int]) -> dict[int, Rules]:
    """``rules_for`` of several governments, by id, in one query per level of the hierarchy (not
    two per government and ancestor): each level's governments are read with their settings, and
    linked to their parents, so that ``rules_for`` walks the chains without a query."""
    from decisions.models import Government  # the models import this module's floors

    wanted = set(government_ids)
    loaded: dict[int, Government] = {}
    missing = wanted
    while missing:
        level = list(Government.objects.filter(pk__in=missing).select_related("rule_settings"))
        loaded.update((gov.pk, gov) for gov in level)
        missing = {gov.parent_id for gov in level if gov.parent_id is not None and gov.parent_id not in loaded}
    parent = Government._meta.get_field("parent")
    for gov in loaded.values():
        if gov.parent_id is not None:
            parent.set_cached_value(gov, loaded[gov.parent_id])
    return {pk: rules_for(loaded[pk]) for pk in wanted if pk in loaded}
