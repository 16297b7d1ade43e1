"""The leader overview (DESIGN.md, "What no step skipped means"): for every decision past the
legality review, the record of each gate it went through. The rows of a page are proved from the
records themselves (``gate_annotations``); the counts over every visible decision read the gate
record the database keeps for each (``reporting.models.GateRecord``), which the nightly check
compares with the records (``reporting.gate_records``).

It reads the core (``decisions``) and the legality review (``reviews``) directly: reporting sits on
top of both, and nothing imports it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, TypedDict, cast

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from decisions.choices import STATES_PAST_REVIEW, RuleCode
from decisions.integrity import GATES_HELD, Finding, check_decisions, prefetched
from decisions.models import (
    SETTLED_STEP_STATES,
    Decision,
    DecisionState,
    Meeting,
    ProcedureStep,
    Publication,
    RiskAssessmentRecord,
    StepKind,
)
from decisions.selectors import filter_by_year_state, waived_steps_of, with_step_marks
from decisions.visibility import decisions_visible_to, has_row
from reviews.models import CLEARING_CONCLUSIONS, Conclusion, LegalityReview

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # the project uses Django's user model
    from django.db.models.expressions import BaseExpression
    from django_stubs_ext import WithAnnotations

    class GateColumns(TypedDict):
        """The columns of ``gate_annotations`` (never NULL)."""

        gate_steps_settled: bool
        gate_risk_controllable: bool
        gate_review_allows: bool
        gate_meeting_recorded: bool
        gate_publication_recorded: bool
        gate_executing_unit_named: bool


def _latest_review() -> QuerySet[LegalityReview]:
    return LegalityReview.objects.filter(decision=OuterRef("pk")).order_by("-round")


# The gates a decision past the legality review went through, in the order the overview names them,
# each with the states whose every road passed it (decisions.integrity.GATES_HELD, read from the
# lifecycle): the steps (Art 25) and the risk (Art 24) and the clearance (Art 25) for all of them, the
# meeting (Art 30) once it was held, the publication (Art 32) and the executing unit (Art 34) after.
# The second review of the final text is a per-government switch the database cannot read in one
# query; ``decisions.integrity`` checks it (the rows of the page show its findings).
GATES = (
    RuleCode.STEPS_SETTLED,
    RuleCode.RISK_CONTROLLABLE,
    RuleCode.REVIEW_ALLOWS,
    RuleCode.MEETING_RECORDED,
    RuleCode.PUBLICATION_RECORDED,
    RuleCode.EXECUTING_UNIT_NAMED,
)
GATE_STATES: dict[str, tuple[str, ...]] = {
    gate: tuple(sorted(state for state in STATES_PAST_REVIEW if gate in GATES_HELD[state])) for gate in GATES
}


def gate_annotations() -> dict[str, BaseExpression]:
    """Each gate's record as one boolean per decision, computed by the database (never NULL).

    steps_settled: exactly the three preparatory steps, each done or not applicable (Art 25 via
    ``submit_for_review``); risk_controllable: no risk judged uncontrollable on a settled risk
    assessment (Art 24); review_allows: the current review round has an issued opinion whose
    conclusion allows the meeting, changes confirmed where it asked for changes (Art 25, 28);
    meeting_recorded: a meeting record exists (Art 29–30); publication_recorded: a publication
    exists (Art 32); executing_unit_named: the decision names one (Art 34)."""
    steps = (
        ProcedureStep.objects.filter(decision=OuterRef("pk"))
        .order_by()
        .values("decision")
        .annotate(n=Count("pk"), settled=Count("pk", filter=Q(state__in=SETTLED_STEP_STATES)))
        .annotate(ok=ExpressionWrapper(Q(n=3) & Q(settled=3), output_field=BooleanField()))
        .values("ok")
    )
    review = _latest_review().annotate(
        ok=ExpressionWrapper(
            Q(issued_at__isnull=False)
            & Q(conclusion__in=CLEARING_CONCLUSIONS)
            & (~Q(conclusion=Conclusion.LAWFUL_WITH_CHANGES) | Q(changes_confirmed_at__isnull=False)),
            output_field=BooleanField(),
        )
    )
    return {
        "gate_steps_settled": Coalesce(Subquery(steps), Value(False)),
        "gate_review_allows": Coalesce(Subquery(review.values("ok")[:1]), Value(False)),
        "gate_risk_controllable": ~Exists(
            RiskAssessmentRecord.objects.filter(
                step__decision=OuterRef("pk"),
                step__kind=StepKind.RISK_ASSESSMENT,
                step__state__in=SETTLED_STEP_STATES,
                controllable=False,
            )
        ),
        "gate_meeting_recorded": has_row(Meeting.objects.filter(decision=OuterRef("pk"))),
        "gate_publication_recorded": has_row(Publication.objects.filter(decision=OuterRef("pk"))),
        "gate_executing_unit_named": ExpressionWrapper(Q(executing_unit__isnull=False), output_field=BooleanField()),
    }


def lacking_a_gate() -> Q:
    """A decision lacking a gate's record: past the review, and one of the gates its state required
    has no record (``gate_problems`` of a row). Read from the gate record the database keeps for each
    decision (``reporting.models.GateRecord``), through its partial index of the decisions lacking
    one: counting a province costs what it lacks, not what it holds (the annotations, fine for a
    page of rows, would read every record of its 100,000 decisions)."""
    return Q(gate_record__lacking=True)


def overview_summary(user: User) -> dict:
    """The figures at the top of the overview, over every decision ``user`` sees: ``counts`` by
    state, ``checked`` (decisions past the legality review) and ``flagged`` (those of them lacking
    a gate's record). Two queries: the counts by state, grouped on the indexed column (an index-only
    read), then the decisions whose gate record says they lack a gate."""
    visible = decisions_visible_to(user)
    counts = dict.fromkeys(DecisionState.values, 0)
    counts.update(visible.order_by().values_list("state").annotate(n=Count("pk")))
    checked = sum(counts[state] for state in STATES_PAST_REVIEW)
    flagged = 0
    if checked:
        flagged = visible.filter(lacking_a_gate()).count()
    return {"counts": counts, "checked": checked, "flagged": flagged}


def overview_decisions(
    user: User, *, year: int | None = None, state: str = "", lacking_only: bool = False
) -> QuerySet[Decision]:
    """The overview's table: visible decisions with their five-step marks and gate checks (see
    ``gate_problems``), optionally only those lacking a gate's record. Paginate it: a page costs
    two queries whatever its length."""
    queryset = filter_by_year_state(decisions_visible_to(user), year=year, state=state)
    if lacking_only:
        queryset = queryset.filter(lacking_a_gate())
    queryset = with_step_marks(queryset).annotate(**gate_annotations())
    return queryset.order_by("-catalogue_year", "-sequence")


def integrity_findings(decisions: Iterable[Decision]) -> dict[int, list[Finding]]:
    """Every rule of the record (``decisions.integrity``) the given decisions break, by decision: for
    the rows of one page, at a fixed number of queries whatever the page holds. It goes beyond the
    gates the SQL proves: the log's replay, the events' contract, the sponsors, the second review."""
    ids = [decision.pk for decision in decisions]
    out: dict[int, list[Finding]] = {}
    if ids:
        for finding in check_decisions(list(prefetched(Decision.objects.filter(pk__in=ids)))):
            out.setdefault(finding.decision_id, []).append(finding)
    return out


def waived_steps(user: User, *, year: int | None = None, state: str = "") -> QuerySet[ProcedureStep]:
    """Steps marked not applicable (``selectors.waived_steps_of``) of the visible decisions,
    filtered by the decision's catalogue year and state."""
    return waived_steps_of(filter_by_year_state(decisions_visible_to(user), year=year, state=state))


def missing_gates(state: str, columns: Mapping[str, object]) -> list[str]:
    """The gates (``GATES``) a decision in ``state`` must hold and lacks, read from ``columns``
    (``gate_<gate>`` → whether its record is there, as ``gate_annotations`` computes them)."""
    if state not in STATES_PAST_REVIEW:
        return []
    return [gate for gate in GATES if state in GATE_STATES[gate] and not columns[f"gate_{gate}"]]


def gate_problems(decision: Decision) -> list[str]:
    """The gates whose record a decision past the legality review lacks; an empty list is what the
    overview proves for each. Reads the annotations of ``overview_decisions``: the records
    themselves, where the summary's count reads the gate records (the two agree while the triggers
    keep them; the nightly check reports a row where they do not)."""
    decision = cast("WithAnnotations[Decision, GateColumns]", decision)  # annotated by overview_decisions
    return missing_gates(decision.state, vars(decision))
