"""Every invariant of the record, stated once: what must hold of any decision however it was written
(DESIGN.md, "What no step skipped means"), checked over a queryset of any size.

The gates (``decisions.gates``) refuse a transition while it is closed; these checks prove afterwards
that nothing got past them by another road (a raw database write, a restored backup, an import, a
bug). They are read by ``manage.py check_integrity``, the nightly scan that tells the administrators,
the dossier import (which refuses a record that breaks one) and the property test of the lifecycle.

The rules:

- **The log replays to the record** (``events_replay``, Art 38–41): the decision's state is the
  ``to_state`` of its last decision event, each event starts where the previous one left, and each
  step's state is the replay of its own events.
- **Every event is allowed by the contract** (``transition_allowed``): a transition of
  ``decisions.lifecycle`` from one of its sources to one of its targets, a step's transition as the
  step's state machine allows it and only while the draft is being prepared, registration first,
  and every other act of the record (the review's, the clocks', an import) leaves the state as it was.
- **What a gate proved still holds** (the gate's own rule code): for every state, the gates of every
  road that leads there (``GATES_HELD``, derived from ``lifecycle.TRANSITIONS``). A gate is judged
  when its transition runs, so each one is checked here in the form it keeps afterwards (``HELD``):
  a meeting *per outcome applied*, not "a meeting more than the outcomes applied".
- **The sponsors belong to the decision's government** (``sponsors_of_government``, Art 11, 34).
- **A done expert argument has its independent experts** (``experts_independent``, Art 20): at least
  the government's minimum of signed opinions of experts without a declared interest and not
  excluded for a tie to a sponsor.
- **The other apps' invariants** (the legality review's), through ``decisions.extensions.provide_invariant``.

Why the gates hold only "since the last return to preparing": the steps and their records change only
while the draft is being prepared (``services.steps.lock_step``), and each submission opens a new
review round, so a decision sent back to ``preparing`` (returned, revised, adjusted) has to pass
every gate again and keeps nothing of what it proved before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext as _

from decisions import extensions, lifecycle
from decisions.choices import (
    SETTLED_STEP_STATES,
    STEP_ARTICLE,
    DecisionState,
    EventType,
    RuleCode,
    StepKind,
    StepState,
    WaiverRequestStatus,
)
from decisions.errors import DecisionError, ErrorCode
from decisions.models import (
    Decision,
    DecisionEvent,
    Department,
    Evaluation,
    ProcedureStep,
    independent_experts,
)
from decisions.rules import rules_for

if TYPE_CHECKING:
    from django.db.models import QuerySet


@dataclass(frozen=True)
class Finding:
    """One broken invariant of one decision: which rule, its article, and what a person reads."""

    decision_id: int
    code: str  # the decision's code, e.g. 2026-007
    rule: str
    article: str
    message: str

    def as_error(self) -> DecisionError:
        return DecisionError(
            ErrorCode.INVALID,
            _("Decision %(code)s breaks a rule of the record: %(message)s")
            % {"code": self.code, "message": self.message},
            article=self.article,
            rule=self.rule,
        )


Check = Callable[[Sequence[Decision]], Iterable[Finding]]


def finding(decision: Decision, rule: str, message: str, article: str = "") -> Finding:
    return Finding(decision.pk, decision.code, rule, article, message)


# --------------------------------------------------------------------------- the gates, per state

# States in which the record a gate relies on may change again: entering one forgets every gate.
EDITABLE_STATES = frozenset({DecisionState.PREPARING})


def _gates_held() -> dict[DecisionState, frozenset[str]]:
    """For each state, the gates every road into it passed since the decision last entered an
    editable state: the greatest fixpoint of
    ``held(s) = ∩ over transitions t into s, sources r of t: held(r) ∪ gates(t)``,
    with nothing held in the first state and in the editable ones."""
    everything: frozenset[str] = frozenset(gate for spec in lifecycle.TRANSITIONS.values() for gate in spec.gates)
    initial = {DecisionState.PROPOSED, *EDITABLE_STATES}
    held: dict[DecisionState, frozenset[str]] = {
        state: frozenset() if state in initial else everything for state in DecisionState
    }
    changed = True
    while changed:
        changed = False
        for state in DecisionState:
            if state in initial:
                continue
            roads = [
                held[source] | frozenset(spec.gates)
                for spec in lifecycle.TRANSITIONS.values()
                if state in spec.targets
                for source in spec.source
            ]
            new = frozenset.intersection(*roads) if roads else frozenset()
            if new != held[state]:
                held[state], changed = new, True
    return held


GATES_HELD: dict[DecisionState, frozenset[str]] = _gates_held()


def _steps_settled(decision: Decision) -> list[Finding]:
    steps = {step.kind: step for step in decision.steps.all()}
    out = [
        finding(
            decision,
            RuleCode.STEPS_SETTLED,
            _("%(step)s is neither done nor marked not applicable, yet the decision went past the review.")
            % {"step": step.get_kind_display()},
            STEP_ARTICLE[StepKind(step.kind)],
        )
        for step in steps.values()
        if step.state not in SETTLED_STEP_STATES
    ]
    if set(steps) != set(StepKind.values):
        out.append(
            finding(decision, RuleCode.STEPS_SETTLED, _("The decision lacks one of its preparatory steps."), "Art 25")
        )
    return out


def _risk_controllable(decision: Decision) -> list[Finding]:
    for step in decision.steps.all():
        risk = getattr(step, "risk", None) if step.kind == StepKind.RISK_ASSESSMENT else None
        if risk is not None and step.state in SETTLED_STEP_STATES and risk.controllable is False:
            return [
                finding(
                    decision,
                    RuleCode.RISK_CONTROLLABLE,
                    _("A risk judged uncontrollable is on the record of a decision past the submission."),
                    "Art 24",
                )
            ]
    return []


def _count(decision: Decision, transition: str) -> int:
    return sum(1 for event in decision.events.all() if event.transition == transition and not event.step_kind)


def _meeting_recorded(decision: Decision) -> list[Finding]:
    if len(decision.meetings.all()) < _count(decision, EventType.RECORD_OUTCOME):
        return [
            finding(
                decision, RuleCode.MEETING_RECORDED, _("A meeting outcome was applied without its record."), "Art 30"
            )
        ]
    return []


def _publication_recorded(decision: Decision) -> list[Finding]:
    if len(decision.publications.all()) < _count(decision, EventType.PUBLISH):
        return [
            finding(
                decision,
                RuleCode.PUBLICATION_RECORDED,
                _("The decision was published without a record of where and under which number."),
                "Art 32",
            )
        ]
    return []


def _party_committee_reported(decision: Decision) -> list[Finding]:
    """Art 31, in the form it keeps once published: where the government requires the report, one
    report per publication. The switch's history is not kept, so it is read as it stands now
    (``rules_for`` reads the settings ``prefetched`` joined; ``_reports_required`` loaded the
    reports)."""
    if not rules_for(decision.government).party_committee_report_required:
        return []
    if len(decision.party_committee_reports.all()) < _count(decision, EventType.PUBLISH):
        return [
            finding(
                decision,
                RuleCode.PARTY_COMMITTEE_REPORTED,
                _("The decision was published without the report to the Party committee its government requires."),
                "Art 31",
            )
        ]
    return []


def _executing_unit_named(decision: Decision) -> list[Finding]:
    if decision.executing_unit_id is None:
        return [finding(decision, RuleCode.EXECUTING_UNIT_NAMED, _("No executing unit is named."), "Art 34")]
    return []


def _progress_reported(decision: Decision) -> list[Finding]:
    archived = [event for event in decision.events.all() if event.transition == EventType.ARCHIVE]
    if archived and archived[-1].from_state == DecisionState.IMPLEMENTING and not decision.execution_reports.all():
        return [
            finding(
                decision,
                RuleCode.PROGRESS_REPORTED,
                _("The decision was archived from implementation without any progress report."),
                "Art 34",
            )
        ]
    return []


# Each gate of the core in the form it keeps once passed. The gates other apps decide (the gate
# slots of decisions.extensions) are held by the invariant the same app provides under the slot's name.
HELD: dict[str, Callable[[Decision], list[Finding]]] = {
    RuleCode.STEPS_SETTLED: _steps_settled,
    RuleCode.RISK_CONTROLLABLE: _risk_controllable,
    RuleCode.MEETING_RECORDED: _meeting_recorded,
    RuleCode.PUBLICATION_RECORDED: _publication_recorded,
    RuleCode.EXECUTING_UNIT_NAMED: _executing_unit_named,
    RuleCode.PROGRESS_REPORTED: _progress_reported,
    RuleCode.PARTY_COMMITTEE_REPORTED: _party_committee_reported,
}
assert {gate for gates in GATES_HELD.values() for gate in gates} <= set(HELD) | set(extensions.GATE_SLOTS), (
    "a gate without its held form"
)


def _reports_required(decisions: Sequence[Decision]) -> None:
    """Load the reports to the Party committee (Art 31) of the decisions past the publication whose
    government requires them: one query, and none when no government of the batch does."""
    required = [
        d
        for d in decisions
        if RuleCode.PARTY_COMMITTEE_REPORTED in GATES_HELD.get(DecisionState(d.state), frozenset())
        and rules_for(d.government).party_committee_report_required
    ]
    if required:
        prefetch_related_objects(required, "party_committee_reports")


def gates_held(decisions: Sequence[Decision]) -> Iterator[Finding]:
    """What every gate on the road to the decision's state proved still holds."""
    _reports_required(decisions)
    for decision in decisions:
        for gate in sorted(GATES_HELD.get(DecisionState(decision.state), frozenset()) & set(HELD)):
            yield from HELD[gate](decision)


def gate_slots_held(decisions: Sequence[Decision]) -> Iterator[Finding]:
    """The gates another app decides, by the invariant it provides under the slot's name; a slot no
    app fills is broken for every decision past it, as the gate itself refuses (fail closed)."""
    for name, slot in extensions.GATE_SLOTS.items():
        past = [d for d in decisions if name in GATES_HELD.get(DecisionState(d.state), frozenset())]
        if not past:
            continue
        check = extensions.invariant(name)
        if check is None:
            for decision in past:
                yield finding(
                    decision, name, _("The check this step needs is not available in this installation."), slot.article
                )
        else:
            yield from check(past)


# --------------------------------------------------------------------------- the event log

_REPLAY_ARTICLE = "Art 38"


def _step_moves() -> dict[str, frozenset[tuple[str, str]]]:
    """Each step transition's (source, target) pairs, read from the step's state machine."""
    moves: dict[str, set[tuple[str, str]]] = {}
    field = ProcedureStep._meta.get_field("state")
    for move in field.get_all_transitions(ProcedureStep):
        sources = [move.source] if isinstance(move.source, str) else list(move.source)
        for source in sources:
            moves.setdefault(move.name, set()).add((source, str(move.target)))
    return {name: frozenset(pairs) for name, pairs in moves.items()}


STEP_MOVES = _step_moves()
assert set(STEP_MOVES) == set(lifecycle.STEP_TRANSITIONS), "a step transition without its move"


def _events_replay(decision: Decision) -> list[Finding]:
    out: list[Finding] = []
    states: dict[str, str] = {}
    for event in decision.events.all():
        key = event.step_kind
        current = states.get(key, StepState.PENDING if key else "")
        if event.from_state != current:
            out.append(
                finding(
                    decision,
                    RuleCode.EVENTS_REPLAY,
                    _("An event of %(subject)s starts from “%(from)s”, but the log before it left “%(state)s”.")
                    % {"subject": _subject(key), "from": _state(key, event.from_state), "state": _state(key, current)},
                    _REPLAY_ARTICLE,
                )
            )
        states[key] = event.to_state
    if states.get("", "") != decision.state:
        out.append(
            finding(
                decision,
                RuleCode.EVENTS_REPLAY,
                _("The decision is “%(state)s”, but its event log leads to “%(replayed)s”.")
                % {"state": _state("", decision.state), "replayed": _state("", states.get("", ""))},
                _REPLAY_ARTICLE,
            )
        )
    steps = {step.kind: step.state for step in decision.steps.all()}
    for kind, state in steps.items():
        replayed = states.get(kind, StepState.PENDING)
        if replayed != state:
            out.append(
                finding(
                    decision,
                    RuleCode.EVENTS_REPLAY,
                    _("%(step)s is “%(state)s”, but its events lead to “%(replayed)s”.")
                    % {"step": _subject(kind), "state": _state(kind, state), "replayed": _state(kind, replayed)},
                    _REPLAY_ARTICLE,
                )
            )
    return out


def _subject(step_kind: str) -> str:
    return str(StepKind(step_kind).label) if step_kind in StepKind.values else str(_("the decision"))


def _state(step_kind: str, value: str) -> str:
    """A state as a person reads it (a value no state has is shown as it is, a missing one as a dash)."""
    labels = dict(StepState.choices) if step_kind else dict(DecisionState.choices)
    return str(labels.get(value, value or "—"))


def _transitions_allowed(decision: Decision) -> list[Finding]:
    out: list[Finding] = []
    known = extensions.event_labels()
    state = ""  # the decision's state as the log has it so far
    for index, event in enumerate(decision.events.all()):
        move = (event.from_state, event.to_state)
        if event.step_kind and event.transition in STEP_MOVES:
            allowed = move in STEP_MOVES[event.transition] and state == DecisionState.PREPARING
        elif event.transition == EventType.REGISTER:
            allowed = index == 0 and move == ("", DecisionState.PROPOSED)
        elif event.transition in lifecycle.TRANSITIONS:
            spec = lifecycle.TRANSITIONS[event.transition]
            allowed = event.from_state in spec.source and event.to_state in spec.targets
        else:
            # The record's other acts (a change to a record, an upload, the review's, the clocks',
            # an import) change no state, the decision's or its step's.
            allowed = event.transition in known and event.from_state == event.to_state
        if not allowed:
            out.append(
                finding(
                    decision,
                    RuleCode.TRANSITION_ALLOWED,
                    _(
                        "The log records “%(transition)s” of %(subject)s from “%(from)s” to “%(to)s”, "
                        "which the lifecycle does not allow."
                    )
                    % {
                        "transition": known.get(event.transition, event.transition),
                        "subject": _subject(event.step_kind),
                        "from": _state(event.step_kind, event.from_state),
                        "to": _state(event.step_kind, event.to_state),
                    },
                    _REPLAY_ARTICLE,
                )
            )
        if not event.step_kind:
            state = event.to_state
    if state == "" and not out:
        out.append(
            finding(
                decision, RuleCode.TRANSITION_ALLOWED, _("The decision has no registration event."), _REPLAY_ARTICLE
            )
        )
    return out


def events_replay(decisions: Sequence[Decision]) -> Iterator[Finding]:
    for decision in decisions:
        yield from _events_replay(decision)


def transitions_allowed(decisions: Sequence[Decision]) -> Iterator[Finding]:
    for decision in decisions:
        yield from _transitions_allowed(decision)


# --------------------------------------------------------------------------- the organisation


def sponsors_of_government(decisions: Sequence[Decision]) -> Iterator[Finding]:
    """Art 11 and 34: the lead sponsor, the co-sponsors and the executing unit are departments of the
    decision's own government."""
    for decision in decisions:
        departments = [decision.lead_sponsor, *decision.co_sponsors.all()]
        if decision.executing_unit is not None:
            departments.append(decision.executing_unit)
        for department in departments:
            if department.government_id != decision.government_id:
                yield finding(
                    decision,
                    RuleCode.SPONSORS_OF_GOVERNMENT,
                    _("%(department)s is not a department of the decision's government.")
                    % {"department": department.name},
                    "Art 11",
                )


def waivers_approved(decisions: Sequence[Decision]) -> Iterator[Finding]:
    """Art 14, 19, 22: a step is not applicable only on a request its named approver approved in
    their own login; the approver on the step is that person, and not the one who asked."""
    for decision in decisions:
        for step in decision.steps.all():
            if step.state != StepState.WAIVED:
                continue
            request = step.waiver_request
            if (
                request is None
                or request.status != WaiverRequestStatus.APPROVED
                or request.approver_id != step.waiver_approved_by_id
                or request.approver_id == request.requested_by_id
            ):
                yield finding(
                    decision,
                    RuleCode.WAIVER_APPROVED,
                    _("%(step)s is marked not applicable without a waiver its approver approved.")
                    % {"step": StepKind(step.kind).label},
                    STEP_ARTICLE[StepKind(step.kind)],
                )


def evaluators_independent(decisions: Sequence[Decision]) -> Iterator[Finding]:
    """Art 36: no evaluation by whoever did the main argument or assessment work before the
    decision (the rule the service applies, ``Evaluation.independence_problem``)."""
    for decision in decisions:
        evaluations = decision.evaluations.all()
        if not evaluations:
            continue
        steps = decision.steps.all()
        assessors = Evaluation.assessors(
            decision.lead_sponsor.name,
            [risk.assessor for step in steps if (risk := getattr(step, "risk", None)) is not None],
            [opinion.organisation for step in steps for opinion in step.expert_opinions.all()],
        )
        for evaluation in evaluations:
            problem = evaluation.independence_problem(assessors, decision.lead_sponsor_id)
            if problem is not None:
                yield finding(decision, RuleCode.EVALUATOR_INDEPENDENT, problem[1], "Art 36")


def experts_independent(decisions: Sequence[Decision]) -> Iterator[Finding]:
    """Art 20: a done expert argument has at least the government's minimum of signed opinions of
    independent experts (``independent_opinions``: no declared interest, not excluded for a tie to a
    sponsor), however its rows were written."""
    least: dict[int, int] = {}  # per government, read once per batch
    for decision in decisions:
        for step in decision.steps.all():
            if step.kind != StepKind.EXPERT_ARGUMENT or step.state != StepState.DONE:
                continue
            if decision.government_id not in least:
                least[decision.government_id] = rules_for(decision.government).min_independent_experts
            count = independent_experts(step.expert_opinions.all(), step.expert_selections.all())
            if count < least[decision.government_id]:
                yield finding(
                    decision,
                    RuleCode.EXPERT_MINIMUM_INDEPENDENT,
                    _(
                        "The expert argument is done with %(count)s signed opinions of independent experts; "
                        "at least %(least)s are needed."
                    )
                    % {"count": count, "least": least[decision.government_id]},
                    "Art 20",
                )


def hearings_held(decisions: Sequence[Decision]) -> Iterator[Finding]:
    """Art 16–17: a decision whose matter type requires a hearing has its public participation done
    only with a hearing held: its record made, and every participant's confirmation or objection
    recorded (what the participation gate checks, kept once the step is done)."""
    for decision in decisions:
        matter = decision.matter_type
        if matter is None or not matter.hearing_required:
            continue
        for step in decision.steps.all():
            if step.kind != StepKind.PUBLIC_PARTICIPATION or step.state != StepState.DONE:
                continue
            hearing = getattr(step, "hearing", None)
            participants = list(hearing.participants.all()) if hearing is not None else []
            if (
                hearing is None
                or not hearing.has_record
                or not participants
                or not all(p.answered for p in participants)
            ):
                yield finding(
                    decision,
                    RuleCode.HEARING_REQUIRED,
                    _(
                        "A matter of the type “%(type)s” requires a hearing, and the public participation "
                        "is done without one held with its record confirmed."
                    )
                    % {"type": matter.name},
                    "Art 16",
                )


# --------------------------------------------------------------------------- running them

CHECKS: tuple[tuple[str, Check], ...] = (
    (RuleCode.EVENTS_REPLAY, events_replay),
    (RuleCode.TRANSITION_ALLOWED, transitions_allowed),
    ("gates_held", gates_held),
    ("gate_slots_held", gate_slots_held),
    (RuleCode.SPONSORS_OF_GOVERNMENT, sponsors_of_government),
    (RuleCode.WAIVER_APPROVED, waivers_approved),
    (RuleCode.EVALUATOR_INDEPENDENT, evaluators_independent),
    (RuleCode.EXPERT_MINIMUM_INDEPENDENT, experts_independent),
    (RuleCode.HEARING_REQUIRED, hearings_held),
)

# Decisions per batch: a batch costs a fixed number of queries (the decisions, then one per
# prefetched relation, then the other apps' few), whatever its size.
CHUNK_SIZE = 500


def prefetched(queryset: QuerySet[Decision]) -> QuerySet[Decision]:
    """The decisions with everything the checks read, fetched per batch."""
    return queryset.select_related(
        "government__rule_settings",
        "government__parent__rule_settings",
        "government__parent__parent__rule_settings",
        "lead_sponsor",
        "executing_unit",
        "matter_type",
    ).prefetch_related(
        Prefetch("events", queryset=DecisionEvent.objects.order_by("created_at", "id")),
        Prefetch("steps", queryset=ProcedureStep.objects.select_related("risk", "waiver_request", "hearing")),
        "steps__expert_opinions",
        "steps__expert_selections",
        "steps__hearing__participants",
        Prefetch("evaluations", queryset=Evaluation.objects.select_related("evaluator_department")),
        Prefetch("co_sponsors", queryset=Department.objects.only("id", "name", "government_id")),
        "meetings",
        "publications",
        "execution_reports",
    )


def check_decisions(decisions: Sequence[Decision]) -> list[Finding]:
    """Every finding on ``decisions``, which are ``prefetched``: the core's checks, then the other
    apps' invariants."""
    out: list[Finding] = []
    for _name, check in CHECKS:
        out.extend(check(decisions))
    for _name, check in extensions.invariants():
        out.extend(check(decisions))
    return out


def batches(queryset: QuerySet[Decision], size: int = CHUNK_SIZE) -> Iterator[list[Decision]]:
    """The decisions of ``queryset`` in batches of ``size`` by primary key (keyset paging: each batch
    costs the same however far in), each batch ``prefetched``."""
    ids = queryset.order_by("pk").values_list("pk", flat=True)
    last = 0
    while True:
        chunk = list(ids.filter(pk__gt=last)[:size])
        if not chunk:
            return
        last = chunk[-1]
        yield list(prefetched(Decision.objects.filter(pk__in=chunk)).order_by("pk"))


def check_integrity(queryset: QuerySet[Decision] | None = None, *, size: int = CHUNK_SIZE) -> Iterator[Finding]:
    """Every finding on the decisions of ``queryset`` (all of them by default), batch by batch."""
    for chunk in batches(queryset if queryset is not None else Decision.objects.all(), size):
        yield from check_decisions(chunk)


def findings_for(decision: Decision) -> list[Finding]:
    """Every finding on one decision."""
    return list(check_integrity(Decision.objects.filter(pk=decision.pk)))
