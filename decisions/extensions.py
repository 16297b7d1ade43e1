"""The core's extension points: small explicit tables that the apps built on ``decisions`` fill in
their ``AppConfig.ready()``. The core calls them by name and never imports those apps.

- **Gate slots.** A transition's gates (``decisions.gates``) may name a check the core does not
  own: the legality review's clearance (Art 25) and its second review of the final text. An app
  provides each slot once (``provide_gate``). A slot nobody provides *refuses*: a deployment
  without the legality review cannot send a decision to the meeting.
- **Event hooks.** After every recorded event, inside the same transaction and under the same
  decision row lock, each hook sees the new ``DecisionEvent`` (``on_event``): the legality review
  opens its round on submission; the clocks follow the lifecycle. Hooks run in ``order`` (lower
  first), so readers of the whole record (the clocks) run after writers (the review round).
  A record that changes without a transition (the comment period, a progress report) calls the
  ``on_record_changed`` hooks the same way.
- **Decision filters.** Query filters of the decision lists that another app answers (``overdue``
  reads the clocks): ``provide_decision_filter``.
- **Decision annotations.** Columns other apps add to the lists of decisions (the five-step marks
  show the review's conclusion): ``provide_annotations``.
- **Vocabulary.** The names other apps write into the core's record: their event types and the
  codes of the rules that refuse their acts (``provide_vocabulary``). ``record_event`` accepts
  only a known event type; the OpenAPI schema lists every rule code.
- **The meeting's earliest day.** The first day the meeting may sit once the legality review has
  run its minimum time (Art 26) is the review's to tell (``provide_earliest_meeting_day``); the
  meeting's record is refused for a day before it. Nobody providing it sets no bound: without the
  review the gate slot ``review_allows`` refuses the meeting anyway.
- **Who else sees a decision.** Someone outside the offices and the sponsors whom another app's
  part of the record lets in to one decision (a legal adviser asked for an opinion, Art 28):
  ``provide_audience``, a subquery of decision ids ORed into ``decisions.visibility``.
- **Invariants.** What must always hold of the record in another app's part of it (the review's
  clearance still allows a decision past the meeting gate): ``provide_invariant``, read by
  ``decisions.integrity`` over batches of decisions.
- **Step outputs.** A check of a preparatory step's outputs that another app keeps: every comment
  of the public consultation answered (Art 18) is the public side's to tell
  (``provide_step_check``). Nobody providing it adds no check: the core's own checks of the step
  still hold.
- **Pages.** The mark of a statutory step the core does not keep (the legality review, step four of
  five): ``provide_mark``; a section of the decision's page (the review's summary):
  ``provide_detail_section``.
- **Tasks.** What waits on a user in another app's part of the record (the legality review's
  acceptance, opinion, answers): ``provide_tasks``, asked over the whole batch of decisions the
  to-do list reads (``decisions.todo``), with the user's roles loaded once.

Each table is filled once at start-up; a second provider for the same slot is a configuration
error, not a silent override.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models.expressions import BaseExpression
from django.utils.translation import gettext as _

from decisions.choices import RULE_ARTICLES, EventType, RuleCode
from decisions.errors import Refusal

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django_stubs_ext import StrOrPromise

    from decisions.integrity import Finding
    from decisions.models import Decision, DecisionEvent, ProcedureStep
    from decisions.permissions import Held

Check = Callable[["Decision"], list[Refusal]]
EventHook = Callable[["DecisionEvent"], None]
RecordHook = Callable[["Decision"], None]
AnnotationProvider = Callable[[], Mapping[str, BaseExpression]]
DecisionFilter = Callable[["QuerySet[Decision]", Any], "QuerySet[Decision]"]
EarliestMeetingDay = Callable[["Decision"], "dt.date | None"]
InvariantCheck = Callable[[Sequence["Decision"]], Iterable["Finding"]]
# The ids of the decisions a user is let in to, as a subquery (``values("decision_id")``).
AudienceProvider = Callable[[Any], "QuerySet[Any]"]
StepCheck = Callable[["ProcedureStep"], list[Refusal]]


# --------------------------------------------------------------------------- gate slots


@dataclass(frozen=True)
class GateSlot:
    """A gate the core requires and another app decides."""

    name: str

    @property
    def article(self) -> str:
        return RULE_ARTICLES[self.name]


# The slots the lifecycle names (decisions.gates puts them on their transitions).
REVIEW_ALLOWS = GateSlot(RuleCode.REVIEW_ALLOWS)
FINAL_TEXT_REVIEWED = GateSlot(RuleCode.FINAL_TEXT_REVIEWED)
GATE_SLOTS = {slot.name: slot for slot in (REVIEW_ALLOWS, FINAL_TEXT_REVIEWED)}

_gate_providers: dict[str, Check] = {}


def provide_gate(slot: GateSlot, check: Check) -> None:
    """Fill ``slot`` with ``check`` (from an ``AppConfig.ready()``)."""
    if slot.name not in GATE_SLOTS:
        raise ImproperlyConfigured(f"Unknown gate slot {slot.name!r}.")
    existing = _gate_providers.get(slot.name)
    if existing is not None and existing is not check:
        raise ImproperlyConfigured(f"Gate slot {slot.name!r} is provided twice.")
    _gate_providers[slot.name] = check


def slot_check(slot: GateSlot) -> Check:
    """The check that stands for ``slot`` in a transition's gates: the provider's, or a refusal."""

    def check(decision: Decision) -> list[Refusal]:
        provider = _gate_providers.get(slot.name)
        if provider is None:
            return [
                Refusal(
                    slot.name,
                    _("The check this step needs is not available in this installation."),
                    slot.article,
                )
            ]
        return provider(decision)

    check.__name__ = f"slot_{slot.name}"
    return check


# --------------------------------------------------------------------------- step outputs

_step_checks: dict[str, StepCheck] = {}


def provide_step_check(kind: str, check: StepCheck) -> None:
    """``check(step)`` lists what still keeps the step of ``kind`` from being done, in the part of
    its record another app keeps (the comments of the consultation, Art 18)."""
    existing = _step_checks.get(kind)
    if existing is not None and existing is not check:
        raise ImproperlyConfigured(f"The step check of {kind!r} is provided twice.")
    _step_checks[kind] = check


def step_check_refusals(step: ProcedureStep) -> list[Refusal]:
    """The provided check of ``step``'s kind, or nothing when no installed app provides one."""
    check = _step_checks.get(step.kind)
    return check(step) if check is not None else []


# --------------------------------------------------------------------------- event hooks


@dataclass(frozen=True)
class _Hook:
    order: int
    name: str
    hook: Callable[[Any], None]


_event_hooks: list[_Hook] = []


def on_event(hook: EventHook, *, order: int = 50) -> None:
    """Call ``hook(event)`` after every recorded event, inside the recording transaction."""
    name = f"{hook.__module__}.{hook.__qualname__}"
    if any(existing.name == name for existing in _event_hooks):
        return  # ready() may run twice in tests that reload apps
    _event_hooks.append(_Hook(order, name, hook))
    _event_hooks.sort(key=lambda entry: entry.order)


def event_recorded(event: DecisionEvent) -> None:
    for entry in _event_hooks:
        entry.hook(event)


_record_hooks: list[_Hook] = []


def on_record_changed(hook: RecordHook, *, order: int = 50) -> None:
    """Call ``hook(decision)`` after a service changed one of the decision's records."""
    name = f"{hook.__module__}.{hook.__qualname__}"
    if any(existing.name == name for existing in _record_hooks):
        return
    _record_hooks.append(_Hook(order, name, hook))
    _record_hooks.sort(key=lambda entry: entry.order)


def record_changed(decision: Decision) -> None:
    for entry in _record_hooks:
        entry.hook(decision)


# --------------------------------------------------------------------------- the meeting's earliest day

_earliest_meeting_day: list[EarliestMeetingDay] = []


def provide_earliest_meeting_day(provider: EarliestMeetingDay) -> None:
    """``provider(decision)`` tells the first day the decision's meeting may be held (Art 26), or
    None when it cannot tell."""
    if _earliest_meeting_day and _earliest_meeting_day[0] is not provider:
        raise ImproperlyConfigured("The earliest meeting day is provided twice.")
    _earliest_meeting_day[:] = [provider]


def earliest_meeting_day(decision: Decision) -> dt.date | None:
    """The first day the meeting may be held, or None when no installed app sets one."""
    return _earliest_meeting_day[0](decision) if _earliest_meeting_day else None


# --------------------------------------------------------------------------- who else sees a decision

_audiences: list[AudienceProvider] = []


def provide_audience(provider: AudienceProvider) -> None:
    """``provider(user)`` answers the ids of the decisions ``user`` is let in to by another app's
    part of the record, as a subquery; ``decisions.visibility`` adds them to what the user sees."""
    if provider not in _audiences:
        _audiences.append(provider)


def audiences() -> list[AudienceProvider]:
    return list(_audiences)


# --------------------------------------------------------------------------- decision filters

_decision_filters: dict[str, DecisionFilter] = {}


def provide_decision_filter(name: str, apply: DecisionFilter) -> None:
    existing = _decision_filters.get(name)
    if existing is not None and existing is not apply:
        raise ImproperlyConfigured(f"Decision filter {name!r} is provided twice.")
    _decision_filters[name] = apply


def decision_filter(name: str) -> DecisionFilter | None:
    """The filter another app provides under ``name``, or None when no installed app does."""
    return _decision_filters.get(name)


# --------------------------------------------------------------------------- decision annotations

_annotation_providers: list[AnnotationProvider] = []


def provide_annotations(provider: AnnotationProvider) -> None:
    """Add the columns ``provider()`` returns to every list of decisions with step marks."""
    if provider not in _annotation_providers:
        _annotation_providers.append(provider)


def decision_annotations() -> dict[str, BaseExpression]:
    columns: dict[str, BaseExpression] = {}
    for provider in _annotation_providers:
        columns.update(provider())
    return columns


# --------------------------------------------------------------------------- invariants

_invariants: dict[str, InvariantCheck] = {}


def provide_invariant(name: str, check: InvariantCheck) -> None:
    """``check(decisions)`` lists the findings (``decisions.integrity.Finding``) on a batch of
    decisions, prefetched by ``decisions.integrity.prefetched``: it reads what the batch holds and
    asks the database a fixed number of times per batch, never once per decision.

    Under a gate slot's name (``REVIEW_ALLOWS``, ``FINAL_TEXT_REVIEWED``) it is the form that gate
    keeps once passed: it gets only the decisions whose state that gate led to, and while no app
    provides it every one of them is a finding, as the slot's gate refuses. Under any other name it
    gets every decision."""
    existing = _invariants.get(name)
    if existing is not None and existing is not check:
        raise ImproperlyConfigured(f"Invariant {name!r} is provided twice.")
    _invariants[name] = check


def invariant(name: str) -> InvariantCheck | None:
    return _invariants.get(name)


def invariants() -> list[tuple[str, InvariantCheck]]:
    """The invariants of every decision (those not standing for a gate slot)."""
    return [(name, check) for name, check in _invariants.items() if name not in GATE_SLOTS]


# --------------------------------------------------------------------------- pages


@dataclass(frozen=True)
class MarkState:
    """What a step's mark shows: a css status (pending / progress / done / waived / bad), a text
    and a detail line."""

    status: str
    text: str
    detail: str = ""


MarkProvider = Callable[["Decision"], MarkState]
_mark_providers: dict[str, MarkProvider] = {}


def provide_mark(step: str, provider: MarkProvider) -> None:
    """``provider(decision)`` tells the mark of ``step``; it reads the decision's annotations."""
    existing = _mark_providers.get(step)
    if existing is not None and existing is not provider:
        raise ImproperlyConfigured(f"The mark of {step!r} is provided twice.")
    _mark_providers[step] = provider


def mark(step: str, decision: Decision) -> MarkState | None:
    provider = _mark_providers.get(step)
    return provider(decision) if provider is not None else None


@dataclass(frozen=True)
class DetailSection:
    """A section of the decision's page: a template and what it reads."""

    template: str
    context: Mapping[str, Any]


SectionProvider = Callable[["Decision", Any], "DetailSection | None"]
_section_providers: list[SectionProvider] = []


def provide_detail_section(provider: SectionProvider) -> None:
    if provider not in _section_providers:
        _section_providers.append(provider)


def detail_sections(decision: Decision, user: Any) -> list[DetailSection]:
    sections = (provider(decision, user) for provider in _section_providers)
    return [section for section in sections if section is not None]


# --------------------------------------------------------------------------- vocabulary

# value -> label, kept up to date as the apps add theirs (record_event asks on every event).
_event_labels: dict[str, StrOrPromise] = dict(EventType.choices)
_rule_labels: dict[str, StrOrPromise] = dict(RuleCode.choices)
# rule code -> the article it enforces ("" for a rule of the product or of local practice).
_rule_articles: dict[str, str] = {str(code): article for code, article in RULE_ARTICLES.items()}
# The enumerations the rule codes come from, so the code that names a rule can be found (decisions.ruledoc).
_rule_choices: list[type[models.TextChoices]] = [RuleCode]


def provide_vocabulary(
    *,
    events: type[models.TextChoices] | None = None,
    rules: type[models.TextChoices] | None = None,
    articles: Mapping[str, str] | None = None,
) -> None:
    """Add an app's event types and rule codes to the record's vocabulary, each rule with the article
    it enforces (``articles``: every rule of ``rules``, "" where no article states it)."""
    missing = sorted(set(rules.values if rules else ()) - set(articles or {}))
    if missing:
        raise ImproperlyConfigured(f"Rules without their article: {missing}")
    for table, choices in ((_event_labels, events), (_rule_labels, rules)):
        if choices is None:
            continue
        clashes = {value for value, label in choices.choices if table.get(value, label) != label}
        if clashes:
            raise ImproperlyConfigured(f"Names already in the vocabulary with another meaning: {sorted(clashes)}")
        table.update(choices.choices)
    if rules is not None and rules not in _rule_choices:
        _rule_choices.append(rules)
    _rule_articles.update({str(code): article for code, article in (articles or {}).items()})


def event_labels() -> Mapping[str, StrOrPromise]:
    """Every event type the record may hold, with its label."""
    return _event_labels


def rule_labels() -> Mapping[str, StrOrPromise]:
    """Every rule code a refusal may carry, with what the rule asks."""
    return _rule_labels


def rule_articles() -> Mapping[str, str]:
    """Every rule code with the article of the Regulations it enforces ("" for none)."""
    return _rule_articles


def rule_choices() -> Sequence[type[models.TextChoices]]:
    """The enumerations of rule codes: the core's and each app's."""
    return _rule_choices


# --------------------------------------------------------------------------- tasks (the to-do list)


@dataclass(frozen=True)
class Task:
    """One thing the procedure waits on a user to do: ``action`` its machine name (the API's),
    ``label`` what the page says, ``url`` where it is done."""

    decision: Decision
    action: str
    label: StrOrPromise
    url: str


# (user, decisions, their roles) -> the tasks of the provider's part of the record. A provider reads
# the whole batch in a fixed number of queries: the to-do list's cost does not grow with it.
TaskProvider = Callable[[Any, Sequence["Decision"], "Held"], list[Task]]
_task_providers: list[TaskProvider] = []


def provide_tasks(provider: TaskProvider) -> None:
    if provider not in _task_providers:
        _task_providers.append(provider)


def tasks(user: Any, decisions: Sequence[Decision], held: Held) -> list[Task]:
    return [task for provider in _task_providers for task in provider(user, decisions, held)]
