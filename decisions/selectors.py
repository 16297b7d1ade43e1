"""Reads of the decisions app: the querysets behind the pages, and what a user may do now.

Every read starts from what the user may see (``decisions.visibility``).
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, TypedDict

from django.db import connections
from django.db.models import (
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.http import Http404
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from decisions import extensions, gates, lifecycle, permissions
from decisions.accounts.security_log import refused_access
from decisions.choices import STATES_PAST_REVIEW, STEP_ARTICLE, RuleCode, StepKind, StepState
from decisions.errors import Refusal
from decisions.models import (
    Attachment,
    Decision,
    DecisionEvent,
    DecisionState,
    Department,
    ExecutionProblem,
    ExpertOpinion,
    ExpertSelection,
    Government,
    Meeting,
    Membership,
    PartyCommitteeReport,
    ProcedureStep,
    Role,
    WaiverApprover,
    WaiverBasis,
    WaiverRequest,
    WaiverRequestStatus,
)
from decisions.rules import rules_for
from decisions.visibility import (
    InIds,
    decisions_seen_otherwise,
    decisions_visible_to,
    has_row,
    whole_governments_of,
)

if TYPE_CHECKING:
    import datetime as dt

    from django.contrib.auth.models import User  # the project uses Django's user model

    class MeetingColumns(TypedDict):
        """The latest meeting's columns that ``with_step_marks`` annotates (None before any meeting)."""

        meeting_outcome: str | None
        meeting_held_on: dt.date | None


def _latest_meeting() -> QuerySet[Meeting]:
    return Meeting.objects.filter(decision=OuterRef("pk")).order_by("-held_on", "-id")


def with_step_marks(queryset: QuerySet[Decision]) -> QuerySet[Decision]:
    """What the five-step marks need: the three steps (prefetched), the current review round and the
    last meeting (annotated), so a page of decisions costs two queries whatever its length."""
    meeting = _latest_meeting()
    return (
        queryset.select_related("lead_sponsor", "government")
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=ProcedureStep.objects.select_related("waiver_approved_by", "waiver_request__basis").order_by(
                    "kind"
                ),
            )
        )
        .annotate(
            meeting_outcome=Subquery(meeting.values("outcome")[:1]),
            meeting_held_on=Subquery(meeting.values("held_on")[:1]),
            # The other apps' columns: the legality review's round and conclusion.
            **extensions.decision_annotations(),
        )
    )


def filter_overdue(queryset: QuerySet[Decision], *, overdue: bool) -> QuerySet[Decision]:
    """Decisions with an open, chased deadline past its due date: the clocks' app answers it
    (``decisions.extensions``); without one, nothing can be overdue."""
    apply = extensions.decision_filter("overdue")
    if apply is None:
        return queryset.none() if overdue else queryset
    return apply(queryset, overdue)


# The list's orders, by the name the page and the export pass (newest catalogue first by default).
LIST_ORDERS: dict[str, tuple[str, ...]] = {
    "": ("-catalogue_year", "-sequence"),
    "code": ("catalogue_year", "sequence"),
    "title": ("title", "catalogue_year", "sequence"),
    "sponsor": ("lead_sponsor__name", "-catalogue_year", "-sequence"),
    "state": ("state", "-catalogue_year", "-sequence"),
    "updated": ("-updated_at", "-id"),
}


def decision_list(
    user: User,
    *,
    year: int | None = None,
    state: str = "",
    department: int | None = None,
    search: str = "",
    overdue: bool = False,
    sort: str = "",
) -> QuerySet[Decision]:
    """The list page and its export: visible decisions, filtered and ordered, with what each row shows."""
    queryset = decisions_visible_to(user)
    if overdue:
        queryset = filter_overdue(queryset, overdue=True)
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
    return with_step_marks(queryset).order_by(*LIST_ORDERS.get(sort, LIST_ORDERS[""]))


def list_filter_choices(user: User) -> tuple[list[int], list[Department]]:
    """The years and lead departments that occur among the decisions ``user`` sees."""
    years = catalogue_years(user)
    co_sponsors = Decision.co_sponsors.through.objects
    # The departments of the governments seen whole, each asked from the small tables whether it
    # leads a decision (an index probe stopping at the first) or co-sponsors one (the co-sponsor
    # table read once); never the join of every visible decision with its co-sponsors (at 100,000
    # decisions, 48 million rows aggregated down to a few hundred departments).
    leads = has_row(Decision.objects.filter(lead_sponsor_id=OuterRef("pk")).order_by("lead_sponsor_id"))
    of_whole_governments = Department.objects.filter(InIds("government_id", whole_governments_of(user))).filter(
        Q(leads) | Q(pk__in=co_sponsors.values("department_id"))
    )
    # Then those of the few decisions seen otherwise (a clerk's department's, an adviser's).
    seen = decisions_seen_otherwise(user)
    of_others = Department.objects.filter(
        Q(pk__in=seen.values("lead_sponsor_id"))
        | Q(pk__in=co_sponsors.filter(decision_id__in=seen.values("pk")).values("department_id"))
    )
    departments = list(of_whole_governments.order_by().union(of_others.order_by()).order_by("name", "pk"))
    return years, departments


def decision_detail(user: User, pk: int) -> Decision:
    """One visible decision with its whole record; 404 when it does not exist or is not visible."""
    steps = ProcedureStep.objects.select_related(
        "waiver_approved_by",
        "waiver_request__basis",
        "waiver_request__requested_by",
        "participation",
        "hearing__draft",
        "hearing__record_scan",
        "risk",
    ).prefetch_related(
        "expert_opinions",
        Prefetch("expert_selections", queryset=ExpertSelection.objects.select_related("expert", "chosen_by")),
        "hearing__participants",
    )
    queryset = (
        decisions_visible_to(user)
        .select_related("lead_sponsor", "government", "executing_unit", "registered_by", "matter_type")
        .prefetch_related(
            "co_sponsors",
            "publications",
            Prefetch("steps", queryset=steps.order_by("kind")),
            Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by", "step")),
            Prefetch(
                "meetings",
                queryset=Meeting.objects.select_related("recorded_by", "packet").prefetch_related(
                    "positions", "corrections__corrected_by"
                ),
            ),
            Prefetch("events", queryset=DecisionEvent.objects.select_related("actor").order_by("created_at", "id")),
            "execution_reports__reported_by",
            "evaluations__evaluator_department",
            "drafting_records__recorded_by",
            "drafting_records__attachment",
            "meeting_packets",
            Prefetch(
                "party_committee_reports",
                queryset=PartyCommitteeReport.objects.select_related("meeting", "reported_by", "attachment"),
            ),
            Prefetch(
                "execution_problems",
                queryset=ExecutionProblem.objects.select_related("reported_by", "answered_by").order_by(
                    F("answered_on").asc(nulls_first=True), "reported_on", "id"
                ),
            ),
        )
        .annotate(**extensions.decision_annotations())
    )
    try:
        return queryset.get(pk=pk)
    except Decision.DoesNotExist:
        if Decision.objects.filter(pk=pk).exists():
            refused_access("decision", pk)
        raise Http404 from None


def waiver_approvers(decision: Decision, *, excluding: User | None = None) -> list[Membership]:
    """Who can approve a waiver: the lead sponsor's heads (unless the government requires a leader)
    and the government's leaders (mirrors ``permissions.may_approve_waiver``); never the requester
    (``excluding``), since a waiver is two acts by two people."""
    who = Q(department__government_id=decision.government_id, role=Role.LEADER)
    if rules_for(decision.government).waiver_approver != WaiverApprover.LEADER:
        who |= Q(department_id=decision.lead_sponsor_id, role=Role.SPONSOR_HEAD)
    queryset = Membership.objects.filter(who, user__is_active=True)
    if excluding is not None and excluding.is_authenticated:
        queryset = queryset.exclude(user=excluding)
    return list(queryset.select_related("user", "department").order_by("role", "user__last_name", "user__username"))


def waiver_bases(decision: Decision, kind: str) -> list[WaiverBasis]:
    """The active legal bases a step of ``decision`` may be dispensed by: the national ones and the
    local rules of its government and the governments above it (Art 43)."""
    chain: list[int] = []
    government: Government | None = decision.government
    while government is not None and government.pk not in chain:
        chain.append(government.pk)
        government = government.parent
    bases = WaiverBasis.objects.filter(Q(government__isnull=True) | Q(government_id__in=chain), active=True)
    return [basis for basis in bases.order_by("citation", "title", "id") if basis.applies_to(kind)]


def open_waiver_requests(decision: Decision) -> dict[int, WaiverRequest]:
    """Each step's request awaiting approval, by step id (one at most per step, a constraint)."""
    requests = WaiverRequest.objects.filter(step__decision=decision, status=WaiverRequestStatus.REQUESTED)
    return {request.step_id: request for request in requests.select_related("basis", "requested_by", "approver")}


def latest_waiver_requests(decision: Decision) -> dict[int, WaiverRequest]:
    """Each step's latest request, whatever its status, by step id (what the step panel shows)."""
    latest: dict[int, WaiverRequest] = {}
    requests = WaiverRequest.objects.filter(step__decision=decision).select_related("basis", "requested_by", "approver")
    for request in requests.order_by("created_at", "id"):
        latest[request.step_id] = request
    return latest


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


def filter_by_year_state(queryset: QuerySet[Decision], *, year: int | None, state: str) -> QuerySet[Decision]:
    if year:
        queryset = queryset.filter(catalogue_year=year)
    if state:
        queryset = queryset.filter(state=state)
    return queryset


def waived_steps_of(decisions: QuerySet[Decision]) -> QuerySet[ProcedureStep]:
    """The steps of ``decisions`` marked not applicable, with the basis relied on, the requester and
    the approver (a request still awaiting approval waives nothing, so it is not here): the one
    reading behind the overview's list and the annual figures' count, which differ only in the
    decisions they ask about."""
    steps: QuerySet[ProcedureStep] = (
        ProcedureStep.objects.filter(decision__in=decisions, state=StepState.WAIVED)
        .select_related("decision", "waiver_approved_by", "waiver_request__basis", "waiver_request__requested_by")
        .order_by("-decision__catalogue_year", "-decision__sequence", "kind")
    )
    return steps


def catalogue_years(user: User) -> list[int]:
    """The catalogue years that occur among the decisions ``user`` sees, newest first.

    A skip scan: each year is the greatest visible one below the last, read backwards from the
    catalogue-order index, so ten years cost ten short index reads where ``DISTINCT`` would read
    every decision seen (a province's 100,000)."""
    visible = decisions_visible_to(user).order_by().values("catalogue_year")
    sql, params = visible.query.get_compiler(using=visible.db).as_sql()
    with connections[visible.db].cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE year (value) AS (
                SELECT max(catalogue_year) FROM ({sql}) first_year
                UNION ALL
                SELECT (SELECT max(catalogue_year) FROM ({sql}) earlier WHERE earlier.catalogue_year < year.value)
                FROM year WHERE year.value IS NOT NULL
            )
            SELECT value FROM year WHERE value IS NOT NULL
            """,
            [*params, *params],
        )
        return [value for (value,) in cursor.fetchall()]


# --------------------------------------------------------------------------- what the user may do now
# One answer for the page and the API: the same three checks the services make, in their order:
# the role (decisions.permissions), the state (the state machine), the gates (decisions.gates).


class TransitionOption:
    """One transition of the lifecycle as ``user`` meets it on ``decision`` now. The role and the
    gates are checked only when asked (the gates only when the state allows the transition): a page
    that shows a transition the user's role does not allow only names who may do it."""

    def __init__(
        self, spec: lifecycle.TransitionSpec, decision: Decision, user: User, *, held: permissions.Held | None = None
    ) -> None:
        self.spec = spec
        self.decision = decision
        self.user = user
        self.held = held
        self.state_ok: bool = can_proceed(getattr(decision, spec.name), check_conditions=False)

    @cached_property
    def role_ok(self) -> bool:
        """Asked only when needed: the page asks it of the transitions the state allows."""
        return permissions.may(self.user, self.spec.name, self.decision, held=self.held)

    @cached_property
    def head_refusal(self) -> Refusal | None:
        """Art 37: why a leader who holds the role is still refused a transition of the government's
        head (None when the role is lacking altogether, or the user is the head)."""
        if self.role_ok or not self.spec.by_head:
            return None
        if not permissions.may(self.user, self.spec.name, self.decision, held=self.held, ignore_head=True):
            return None
        return permissions.head_refusal(self.user, self.spec.name, self.decision)

    @property
    def name(self) -> str:
        return self.spec.name

    @cached_property
    def refusals(self) -> list[Refusal]:
        """The gates closed now, leaving out those the transition's own input satisfies."""
        if not self.state_ok:
            return []
        closed = gates.refusals(self.spec.name, self.decision)
        return [refusal for refusal in closed if refusal.rule not in self.spec.supplied_by_input]

    @property
    def allowed(self) -> bool:
        return self.role_ok and self.state_ok and not self.refusals


def available_transitions(
    user: User, decision: Decision, *, held: permissions.Held | None = None
) -> list[TransitionOption]:
    """Every transition as ``user`` meets it on ``decision`` (``held``: their roles, loaded once for
    a batch of decisions)."""
    return [TransitionOption(spec, decision, user, held=held) for spec in lifecycle.TRANSITIONS.values()]


class StepActionOption:
    """One action on one preparatory step as ``user`` meets it now."""

    def __init__(
        self, step: ProcedureStep, name: str, *, role_ok: bool, preparing: bool, request_open: bool = False
    ) -> None:
        self.step = step
        self.name = name
        self.role_ok = role_ok
        self.preparing = preparing  # steps change only while the draft is being prepared
        self.request_open = request_open  # a waiver request awaits its approver
        self.state_ok: bool = can_proceed(getattr(step, name), check_conditions=False)

    @cached_property
    def refusals(self) -> list[Refusal]:
        """ "complete" is gated by the step's outputs; "waive" (a request) by its own input, checked
        on the call. While a request awaits its approver, neither is open."""
        if not self.state_ok or self.name not in ("complete", "waive"):
            return []
        if self.request_open:
            return [
                Refusal(
                    RuleCode.WAIVER_REQUEST_OPEN,
                    _("A request to mark this step not applicable awaits approval."),
                    STEP_ARTICLE[StepKind(self.step.kind)],
                )
            ]
        if self.name == "waive":
            return []
        return gates.step_refusals(self.name, self.step)

    @property
    def allowed(self) -> bool:
        return self.role_ok and self.preparing and self.state_ok and not self.refusals


def open_waiver_steps(decisions: list[Decision]) -> set[int]:
    """The steps of ``decisions`` whose waiver request awaits its approver (one query)."""
    requests = WaiverRequest.objects.filter(step__decision__in=decisions, status=WaiverRequestStatus.REQUESTED)
    return set(requests.values_list("step_id", flat=True))


def available_step_actions(
    user: User, decision: Decision, *, held: permissions.Held | None = None, open_steps: set[int] | None = None
) -> list[StepActionOption]:
    """Every step action as ``user`` meets it on ``decision``. For a batch of decisions the caller
    loads the user's roles (``held``) and the open waiver requests (``open_steps``) once."""
    role_ok = permissions.may(user, "step", decision, held=held)
    preparing = decision.state == DecisionState.PREPARING
    if open_steps is None:
        open_steps = open_waiver_steps([decision]) if preparing else set()
    return [
        StepActionOption(step, name, role_ok=role_ok, preparing=preparing, request_open=step.pk in open_steps)
        for step in decision.steps.all()
        for name in lifecycle.STEP_TRANSITIONS
    ]


def unanswered_execution_problems(decisions: list[Decision]) -> QuerySet[ExecutionProblem]:
    """The problems found in the execution of ``decisions`` still without an answer (Art 35), oldest
    first (one query)."""
    return ExecutionProblem.objects.filter(decision__in=decisions, answer="").order_by("reported_on", "id")


def waiver_requests_awaiting(user: User, decisions: list[Decision]) -> list[WaiverRequest]:
    """The open waiver requests of ``decisions`` that name ``user`` as their approver: only the
    approver named decides a request (``services.waivers``), so only theirs waits on them."""
    if not user.is_authenticated:
        return []
    requests = WaiverRequest.objects.filter(
        step__decision__in=decisions, status=WaiverRequestStatus.REQUESTED, approver=user
    )
    return list(requests.select_related("step", "requested_by").order_by("created_at", "id"))


def arguments_asked_of(user: User) -> list[ExpertSelection]:
    """Art 19–20: the arguments ``user`` is asked for as an expert of a pool (chosen and not
    excluded), newest first, each with the opinion they signed in it if any. An expert sees these
    and nothing else of the government's decisions."""
    rows = list(
        ExpertSelection.objects.filter(expert__user_id=user.pk, excluded=False)
        .select_related("expert", "step__decision__government", "step__decision__lead_sponsor")
        .order_by("-created_at", "-id")
    )
    signed = {
        o.step_id: o
        for o in ExpertOpinion.objects.filter(expert__user_id=user.pk, step_id__in=[r.step_id for r in rows])
    }
    for row in rows:
        row.signed_opinion = signed.get(row.step_id)  # type: ignore[attr-defined]
    return rows


def argument_asked_of(user: User, decision_pk: int) -> ExpertSelection:
    """The argument of decision ``decision_pk`` asked of ``user``; 404 for any other decision, as for
    one that does not exist."""
    for row in arguments_asked_of(user):
        if row.step.decision_id == decision_pk:
            return row
    raise Http404
