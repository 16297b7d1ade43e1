"""Reads of the decisions app: who sees which decision, and the querysets behind the pages.

Visibility (DESIGN.md, "Who uses it"): the legal office, the government office and the leaders see
every decision of their government; a sponsoring department's staff see the decisions their
department leads or co-sponsors, never another department's drafts; nobody sees another
government's decisions. Every page and download reads through ``decisions_visible_to``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    Expression,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from decisions.models import (
    SETTLED_STEP_STATES,
    STATES_PAST_REVIEW,
    Attachment,
    Decision,
    DecisionEvent,
    DecisionState,
    Department,
    Meeting,
    Membership,
    ProcedureStep,
    Role,
    StepState,
)
from reviews.models import CLEARING_CONCLUSIONS, Conclusion, LegalityReview

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    User = AbstractBaseUser

# Departments whose staff see every decision of their government.
OFFICE_KINDS = (Department.Kind.LEGAL_OFFICE, Department.Kind.GOVERNMENT_OFFICE)


def decisions_visible_to(user: User) -> QuerySet[Decision]:
    """The decisions ``user`` may see, as one query (visibility rules in the module docstring)."""
    if user is None or not user.is_authenticated:
        return Decision.objects.none()
    mine = Membership.objects.filter(user=user)
    whole_government = mine.filter(Q(department__kind__in=OFFICE_KINDS) | Q(role=Role.LEADER)).values(
        "department__government_id"
    )
    sponsor_departments = mine.filter(department__kind=Department.Kind.SPONSOR).values("department_id")
    co_sponsored = Decision.co_sponsors.through.objects.filter(department_id__in=sponsor_departments).values(
        "decision_id"
    )
    # Subqueries rather than joins: no duplicates from the co-sponsor table, so no DISTINCT.
    return Decision.objects.filter(
        Q(government_id__in=whole_government) | Q(lead_sponsor_id__in=sponsor_departments) | Q(pk__in=co_sponsored)
    )


def _latest_review() -> QuerySet[LegalityReview]:
    return LegalityReview.objects.filter(decision=OuterRef("pk")).order_by("-round")


def _latest_meeting() -> QuerySet[Meeting]:
    return Meeting.objects.filter(decision=OuterRef("pk")).order_by("-held_on", "-id")


def with_step_marks(queryset: QuerySet[Decision]) -> QuerySet[Decision]:
    """What the five-step marks need: the three steps (prefetched), the current review round and the
    last meeting (annotated), so a page of decisions costs two queries whatever its length."""
    review = _latest_review()
    meeting = _latest_meeting()
    return (
        queryset.select_related("lead_sponsor", "government")
        .prefetch_related(
            Prefetch("steps", queryset=ProcedureStep.objects.select_related("waiver_approved_by").order_by("kind"))
        )
        .annotate(
            review_round=Subquery(review.values("round")[:1]),
            review_conclusion=Subquery(review.values("conclusion")[:1]),
            review_issued_at=Subquery(review.values("issued_at")[:1]),
            review_document_number=Subquery(review.values("document_number")[:1]),
            review_changes_confirmed_at=Subquery(review.values("changes_confirmed_at")[:1]),
            meeting_outcome=Subquery(meeting.values("outcome")[:1]),
            meeting_held_on=Subquery(meeting.values("held_on")[:1]),
        )
    )


def decision_list(
    user: User,
    *,
    year: int | None = None,
    state: str = "",
    department: int | None = None,
    search: str = "",
) -> QuerySet[Decision]:
    """The list page: visible decisions, filtered, with what each row shows."""
    queryset = decisions_visible_to(user)
    if year:
        queryset = queryset.filter(catalogue_year=year)
    if state:
        queryset = queryset.filter(state=state)
    if department:
        co_sponsored = Decision.co_sponsors.through.objects.filter(department_id=department).values("decision_id")
        queryset = queryset.filter(Q(lead_sponsor_id=department) | Q(pk__in=co_sponsored))
    search = (search or "").strip()
    if search:
        queryset = queryset.filter(Q(title__icontains=search) | Q(code__icontains=search))
    return with_step_marks(queryset).order_by("-catalogue_year", "-sequence")


def list_filter_choices(user: User) -> tuple[list[int], list[Department]]:
    """The years and lead departments that occur among the decisions ``user`` sees."""
    visible = decisions_visible_to(user)
    years = catalogue_years(user)
    departments = list(
        Department.objects.filter(Q(led_decisions__in=visible) | Q(co_sponsored_decisions__in=visible))
        .distinct()
        .order_by("name")
    )
    return years, departments


def decision_detail(user: User, pk: int) -> Decision:
    """One visible decision with its whole record; 404 when it does not exist or is not visible."""
    steps = ProcedureStep.objects.select_related("waiver_approved_by", "participation", "risk").prefetch_related(
        "expert_opinions"
    )
    queryset = (
        decisions_visible_to(user)
        .select_related("lead_sponsor", "government", "executing_unit", "registered_by", "publication")
        .prefetch_related(
            "co_sponsors",
            Prefetch("steps", queryset=steps.order_by("kind")),
            Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by", "step")),
            Prefetch("meetings", queryset=Meeting.objects.select_related("recorded_by")),
            Prefetch("events", queryset=DecisionEvent.objects.select_related("actor").order_by("created_at", "id")),
            "execution_reports__reported_by",
            "evaluations__evaluator_department",
            Prefetch("reviews", queryset=LegalityReview.objects.select_related("issued_by").order_by("round")),
        )
    )
    try:
        return queryset.get(pk=pk)
    except Decision.DoesNotExist:
        raise Http404 from None


def visible_decision(user: User, pk: int) -> Decision:
    """The bare decision row, for the POST views (the services re-read it under a lock)."""
    try:
        return decisions_visible_to(user).select_related("government", "lead_sponsor").get(pk=pk)
    except Decision.DoesNotExist:
        raise Http404 from None


def visible_attachment(user: User, pk: int) -> Attachment:
    """An attachment is served only to users who can see its decision."""
    try:
        return Attachment.objects.filter(decision__in=decisions_visible_to(user)).get(pk=pk)
    except Attachment.DoesNotExist:
        raise Http404 from None


def waiver_approvers(decision: Decision) -> list[Membership]:
    """Who can approve a waiver: the lead sponsor's heads and the government's leaders
    (mirrors ``permissions.may_approve_waiver``)."""
    return list(
        Membership.objects.filter(
            Q(department_id=decision.lead_sponsor_id, role=Role.SPONSOR_HEAD)
            | Q(department__government_id=decision.government_id, role=Role.LEADER)
        )
        .select_related("user", "department")
        .order_by("role", "user__last_name", "user__username")
    )


def registrable_departments(user: User) -> QuerySet[Department]:
    """The sponsoring departments in which ``user`` may register decisions."""
    if user is None or not user.is_authenticated:
        return Department.objects.none()
    return (
        Department.objects.filter(
            kind=Department.Kind.SPONSOR,
            memberships__user=user,
            memberships__role__in=(Role.SPONSOR_CLERK, Role.SPONSOR_HEAD),
        )
        .distinct()
        .select_related("government")
    )


def co_sponsor_candidates(user: User) -> QuerySet[Department]:
    """Departments of the governments where ``user`` registers decisions (the service checks the rest)."""
    own = list(registrable_departments(user))
    candidates = Department.objects.filter(
        government_id__in={d.government_id for d in own}, kind=Department.Kind.SPONSOR
    ).order_by("name")
    if len(own) == 1:
        # A department does not co-sponsor its own decision.
        candidates = candidates.exclude(pk=own[0].pk)
    return candidates


# --------------------------------------------------------------------------- the leader overview

MEETING_STATES = frozenset(STATES_PAST_REVIEW - {DecisionState.AWAITING_DECISION})

# The gates every decision past the legality review went through (Art 25, 29–30), in the order the
# overview names them.
GATES = ("steps_settled", "review_allows", "meeting_recorded")


def _gate_annotations() -> dict[str, Expression]:
    """Each gate's record as one boolean per decision, computed by the database (never NULL).

    steps_settled: exactly the three preparatory steps, each done or not applicable (Art 25 via
    ``submit_for_review``); review_allows: the current review round has an issued opinion whose
    conclusion allows the meeting, changes confirmed where it asked for changes (Art 25, 28);
    meeting_recorded: a meeting record exists (Art 29–30)."""
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
        "gate_meeting_recorded": Exists(Meeting.objects.filter(decision=OuterRef("pk"))),
    }


# A decision lacking a gate's record: past the review, and one of the gates it passed has no record.
# Refers to the annotations of ``_gate_annotations``.
LACKS_A_GATE = Q(state__in=STATES_PAST_REVIEW) & (
    Q(gate_steps_settled=False)
    | Q(gate_review_allows=False)
    | (Q(state__in=MEETING_STATES) & Q(gate_meeting_recorded=False))
)


def _filtered(queryset: QuerySet[Decision], *, year: int | None, state: str) -> QuerySet[Decision]:
    if year:
        queryset = queryset.filter(catalogue_year=year)
    if state:
        queryset = queryset.filter(state=state)
    return queryset


def catalogue_years(user: User) -> list[int]:
    """The catalogue years that occur among the decisions ``user`` sees, newest first."""
    return list(
        decisions_visible_to(user).order_by("-catalogue_year").values_list("catalogue_year", flat=True).distinct()
    )


def overview_summary(user: User) -> dict:
    """The figures at the top of the overview, over every decision ``user`` sees, in one query:
    ``counts`` by state, ``checked`` (decisions past the legality review) and ``flagged`` (those
    of them lacking a gate's record)."""
    figures = (
        decisions_visible_to(user)
        .annotate(**_gate_annotations())
        .aggregate(
            checked=Count("pk", filter=Q(state__in=STATES_PAST_REVIEW)),
            flagged=Count("pk", filter=LACKS_A_GATE),
            **{f"state_{state}": Count("pk", filter=Q(state=state)) for state in DecisionState.values},
        )
    )
    return {
        "counts": {state: figures[f"state_{state}"] for state in DecisionState.values},
        "checked": figures["checked"],
        "flagged": figures["flagged"],
    }


def overview_decisions(
    user: User, *, year: int | None = None, state: str = "", lacking_only: bool = False
) -> QuerySet[Decision]:
    """The overview's table: visible decisions with their five-step marks and gate checks (see
    ``gate_problems``), optionally only those lacking a gate's record. Paginate it: a page costs
    two queries whatever its length."""
    queryset = with_step_marks(_filtered(decisions_visible_to(user), year=year, state=state)).annotate(
        **_gate_annotations()
    )
    if lacking_only:
        queryset = queryset.filter(LACKS_A_GATE)
    return queryset.order_by("-catalogue_year", "-sequence")


def waived_steps(user: User, *, year: int | None = None, state: str = "") -> QuerySet[ProcedureStep]:
    """Steps marked not applicable, with their decision and approver, filtered by the decision's
    catalogue year and state."""
    decisions = _filtered(decisions_visible_to(user), year=year, state=state)
    return (
        ProcedureStep.objects.filter(decision__in=decisions, state=StepState.WAIVED)
        .select_related("decision", "waiver_approved_by")
        .order_by("-decision__catalogue_year", "-decision__sequence", "kind")
    )


def gate_problems(decision: Decision) -> list[str]:
    """The gates (``GATES``) whose record a decision past the legality review lacks; an empty list
    is what the overview proves for each. Reads the annotations of ``overview_decisions``, so the
    rows and the summary's count come from the same SQL."""
    if decision.state not in STATES_PAST_REVIEW:
        return []
    problems = []
    if not decision.gate_steps_settled:
        problems.append("steps_settled")
    if not decision.gate_review_allows:
        problems.append("review_allows")
    if decision.state in MEETING_STATES and not decision.gate_meeting_recorded:
        problems.append("meeting_recorded")
    return problems
