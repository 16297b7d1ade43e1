"""The lifecycle contract (DESIGN.md, "Lifecycle contract"): one declarative spec per transition.

Everything else is derived from ``TRANSITIONS``: the state machine's sources and targets
(``decisions.models``), the gates each transition must pass (``decisions.gates``), who may do it
(``decisions.permissions``), the service that runs it (``decisions.services.decision_<name>``), the
input it takes (a form on the page, a serializer in the API: one per input shape), the label of its
button and history line, and whether the page warns before it. A new transition is one entry here,
one model method and one service.

The names are part of the API: keep them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from decisions.choices import (
    OUTCOME_TARGET,
    STATES_BEFORE_DECISION,
    DecisionState,
    DepartmentKind,
    EventType,
    Role,
    RuleCode,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Which department must hold the role: the decision's lead sponsor, or an office of its government.
LEAD_SPONSOR = "lead_sponsor"
LEGAL_OFFICE = DepartmentKind.LEGAL_OFFICE
GOVERNMENT_OFFICE = DepartmentKind.GOVERNMENT_OFFICE
# Any department involved in the decision: the lead sponsor, a co-sponsor or one of the offices.
ANY_INVOLVED = ""
# The decision's executing unit (Art 34–35).
EXECUTING_UNIT = "executing_unit"

SPONSOR_ROLES = frozenset({Role.SPONSOR_CLERK, Role.SPONSOR_HEAD})
LEGAL_ROLES = frozenset({Role.LEGAL_REVIEWER, Role.LEGAL_HEAD})
OFFICE_OR_LEADER = frozenset({Role.GOVERNMENT_OFFICE, Role.LEADER})
SECRETARY = frozenset({Role.GOVERNMENT_OFFICE})
LEADER = frozenset({Role.LEADER})


class Inputs:
    """The input shapes of the transitions; ``decisions.forms`` and ``decisions.api.serializers``
    each have one class per shape."""

    COMMENT = "comment"  # an optional comment
    REASON = "reason"  # a required reason
    RECORD_OUTCOME = "record_outcome"  # the meeting record (Art 29–30)
    PUBLISH = "publish"  # where and under which number (Art 32)
    BEGIN_IMPLEMENTATION = "begin_implementation"  # the executing unit (Art 34)

    ALL = (COMMENT, REASON, RECORD_OUTCOME, PUBLISH, BEGIN_IMPLEMENTATION)


@dataclass(frozen=True)
class TransitionSpec:
    name: str
    source: tuple[DecisionState, ...]
    # None: the target depends on the input (the meeting's outcome, ``choices.OUTCOME_TARGET``).
    target: DecisionState | None
    roles: frozenset[Role]
    holder: str
    # The checks of ``decisions.gates.CHECKS``, all of which must pass.
    gates: tuple[RuleCode, ...] = ()
    inputs: str = Inputs.COMMENT
    # Gates the transition's own input satisfies (the service records the meeting, then moves the
    # decision): not shown as reasons before the call, since no other act could lift them.
    supplied_by_input: frozenset[RuleCode] = frozenset()
    # Shown as a warning on the page: hard to undo, or stopping someone else's work.
    grave: bool = False
    # The states in which the procedure waits for this transition, so that it is on its doers' to-do
    # list (``decisions.todo``); None: its sources, unless it is grave (a choice, never a task).
    awaited_in: tuple[DecisionState, ...] | None = None
    # Art 37: besides the role, only the government's head (``Government.head``) may do it.
    by_head: bool = False

    @property
    def awaits(self) -> tuple[DecisionState, ...]:
        if self.awaited_in is not None:
            return self.awaited_in
        return () if self.grave else self.source

    @property
    def label(self) -> StrOrPromise:
        """The button's and the history's label: the event type's (``choices.EventType``), lazy so it
        is translated when shown."""
        return EventType(self.name).label

    @property
    def targets(self) -> tuple[DecisionState, ...]:
        return (self.target,) if self.target is not None else tuple(dict.fromkeys(OUTCOME_TARGET.values()))


_PREPARED = (RuleCode.STEPS_SETTLED, RuleCode.RISK_CONTROLLABLE)

TRANSITIONS: dict[str, TransitionSpec] = {
    spec.name: spec
    for spec in (
        # Art 10–11: the decision body starts the procedure and names the lead sponsor.
        TransitionSpec(
            "start",
            (DecisionState.PROPOSED,),
            DecisionState.PREPARING,
            OFFICE_OR_LEADER,
            GOVERNMENT_OFFICE,
        ),
        # Art 25–26: only with the three preparatory steps settled and no uncontrollable risk.
        TransitionSpec(
            "submit_for_review",
            (DecisionState.PREPARING,),
            DecisionState.LEGALITY_REVIEW,
            frozenset({Role.SPONSOR_HEAD}),
            LEAD_SPONSOR,
            gates=_PREPARED,
        ),
        # Art 26: incomplete material or an unlawful draft goes back to the sponsor.
        TransitionSpec(
            "return_for_revision",
            (DecisionState.LEGALITY_REVIEW,),
            DecisionState.PREPARING,
            LEGAL_ROLES,
            LEGAL_OFFICE,
            inputs=Inputs.REASON,
            grave=True,
        ),
        # Art 25: no draft reaches the meeting without an issued review that allows it.
        TransitionSpec(
            "clear_for_meeting",
            (DecisionState.LEGALITY_REVIEW,),
            DecisionState.AWAITING_DECISION,
            LEGAL_ROLES,
            LEGAL_OFFICE,
            gates=(*_PREPARED, RuleCode.REVIEW_ALLOWS),
            # On the to-do list once the opinion is issued: the review's stages say when (reviews.todo).
            awaited_in=(),
        ),
        # Art 29–30: the collective discussion's outcome, from the meeting's record.
        TransitionSpec(
            "record_outcome",
            (DecisionState.AWAITING_DECISION,),
            None,
            SECRETARY,
            GOVERNMENT_OFFICE,
            gates=(RuleCode.STEPS_SETTLED, RuleCode.REVIEW_ALLOWS, RuleCode.MEETING_RECORDED),
            inputs=Inputs.RECORD_OUTCOME,
            supplied_by_input=frozenset({RuleCode.MEETING_RECORDED}),
        ),
        # A deferred decision goes back on the meeting agenda.
        TransitionSpec(
            "resume",
            (DecisionState.DEFERRED,),
            DecisionState.AWAITING_DECISION,
            SECRETARY,
            GOVERNMENT_OFFICE,
        ),
        # Art 32: publication through the gazette and the website (and, where a government requires
        # it, after the legal office's second review of the final text and, Art 31, after the report
        # to the Party committee).
        TransitionSpec(
            "publish",
            (DecisionState.DECIDED,),
            DecisionState.PUBLISHED,
            SECRETARY,
            GOVERNMENT_OFFICE,
            gates=(RuleCode.PUBLICATION_RECORDED, RuleCode.FINAL_TEXT_REVIEWED, RuleCode.PARTY_COMMITTEE_REPORTED),
            inputs=Inputs.PUBLISH,
            supplied_by_input=frozenset({RuleCode.PUBLICATION_RECORDED}),
        ),
        # Art 34: an executing unit is named.
        TransitionSpec(
            "begin_implementation",
            (DecisionState.PUBLISHED,),
            DecisionState.IMPLEMENTING,
            SECRETARY,
            GOVERNMENT_OFFICE,
            gates=(RuleCode.EXECUTING_UNIT_NAMED,),
            inputs=Inputs.BEGIN_IMPLEMENTATION,
            supplied_by_input=frozenset({RuleCode.EXECUTING_UNIT_NAMED}),
        ),
        # Art 37: urgent suspension, and what follows it, is the head's call: a leader who is the
        # government's head, not any leader.
        TransitionSpec(
            "suspend",
            (DecisionState.IMPLEMENTING,),
            DecisionState.SUSPENDED,
            LEADER,
            GOVERNMENT_OFFICE,
            inputs=Inputs.REASON,
            grave=True,
            by_head=True,
        ),
        TransitionSpec(
            "resume_implementation",
            (DecisionState.SUSPENDED,),
            DecisionState.IMPLEMENTING,
            LEADER,
            GOVERNMENT_OFFICE,
            by_head=True,
        ),
        # Art 37: a major adjustment repeats the procedure.
        TransitionSpec(
            "adjust",
            (DecisionState.IMPLEMENTING,),
            DecisionState.PREPARING,
            LEADER,
            GOVERNMENT_OFFICE,
            inputs=Inputs.REASON,
            grave=True,
        ),
        # Stopped before a decision.
        TransitionSpec(
            "withdraw",
            STATES_BEFORE_DECISION,
            DecisionState.WITHDRAWN,
            OFFICE_OR_LEADER,
            GOVERNMENT_OFFICE,
            inputs=Inputs.REASON,
            grave=True,
        ),
        # Art 33: the one-file-per-decision record is closed.
        TransitionSpec(
            "archive",
            (DecisionState.IMPLEMENTING, DecisionState.REJECTED, DecisionState.WITHDRAWN),
            DecisionState.ARCHIVED,
            SECRETARY,
            GOVERNMENT_OFFICE,
            gates=(RuleCode.PROGRESS_REPORTED,),
            # A decision being carried out is archived when its execution ends, not as soon as it can be.
            awaited_in=(DecisionState.REJECTED, DecisionState.WITHDRAWN),
        ),
    )
}
TRANSITION_NAMES: tuple[str, ...] = tuple(TRANSITIONS)


def state_pairs() -> frozenset[tuple[str, str]]:
    """Every (from, to) of the decision's state a transition makes: what the database lets a raw
    UPDATE of ``decisions_decision.state`` do (migration 0016 reads this when it runs)."""
    return frozenset(
        (str(source), str(target)) for spec in TRANSITIONS.values() for source in spec.source for target in spec.targets
    )


# The preparatory steps' own transitions (pending -> in_progress -> done | waived, reopen).
STEP_TRANSITIONS = ("start", "complete", "waive", "reopen")
STEP_ACTION_LABELS = {
    "start": _("Start"),
    "complete": _("Mark done"),
    # A request: the step is waived only when the approver approves (decisions.services.waivers).
    "waive": _("Request not applicable"),
    "reopen": _("Reopen"),
}
