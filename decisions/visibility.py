"""Who sees what (DESIGN.md, "Who uses it"), written once.

The legal office, the government office and the leaders see every decision of their government; a
sponsoring department's staff see the decisions their department leads or co-sponsors, never
another department's drafts; nobody sees another government's decisions. Every page, download,
API call, review, clock and figure reads through this module; what is not visible is answered as
not found (404), so its existence does not leak.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import BooleanField, ExpressionWrapper, F, Func, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from decisions import extensions
from decisions.accounts.security_log import refused_access
from decisions.choices import DepartmentKind, Role
from decisions.models import (
    Attachment,
    Catalogue,
    CatalogueEntry,
    Decision,
    DecisionState,
    Department,
    Government,
    Hearing,
    HearingParticipant,
    MeetingPacket,
    Membership,
    ParticipationRecord,
    StepState,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User  # the project uses Django's user model

# Departments whose staff see every decision of their government.
OFFICE_KINDS = (DepartmentKind.LEGAL_OFFICE, DepartmentKind.GOVERNMENT_OFFICE)
# Whose membership opens a whole government: the offices' staff, and the leaders. A legal adviser
# or public lawyer of the legal office is not its staff: they see the decisions they are asked about
# (Art 28), which the legality review tells (``extensions.provide_audience``).
WHOLE_GOVERNMENT = (Q(department__kind__in=OFFICE_KINDS) & ~Q(role=Role.LEGAL_ADVISER)) | Q(role=Role.LEADER)
# Whose membership opens what one department leads or co-sponsors: its clerks and its head. An
# expert attached to a sponsoring department gives opinions on what is put to them (Art 19–20);
# membership does not open the department's drafts to them.
SPONSOR_STAFF = (Role.SPONSOR_CLERK, Role.SPONSOR_HEAD)
OWN_DEPARTMENT = Q(department__kind=DepartmentKind.SPONSOR) & Q(role__in=SPONSOR_STAFF)


def _memberships(user: User | AnonymousUser | None) -> QuerySet[Membership]:
    if user is None or not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user_id=user.pk)


class InIds(Func):
    """``column = ANY(ARRAY(subquery))``: the subquery runs once, before the scan (an init plan),
    and its ids drive the column's index. Three of them joined by OR become one bitmap OR of three
    index scans, where three ``IN (subquery)`` would be filters evaluated on every row of a scan of
    the whole table (and estimated so badly that a whole-table plan is chosen for a clerk who sees a
    few hundred decisions)."""

    arg_joiner = " = ANY(ARRAY"
    template = "(%(expressions)s))"
    output_field = BooleanField()
    conditional = True

    def __init__(self, column: str, ids: QuerySet[Any, Any]) -> None:
        super().__init__(F(column), Subquery(ids.order_by()))

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:  # no arrays: IN (subquery)
        return self.as_sql(compiler, connection, arg_joiner=" IN ", template="(%(expressions)s)", **extra_context)


def has_row(rows: QuerySet[Any, Any]) -> Coalesce:
    """Whether ``rows`` (correlated to the outer row) holds one, looked up per outer row and
    stopping at the first. Not an EXISTS: estimating the outer rows by the thousand, PostgreSQL
    would hash the whole inner table for it (50,000 meetings at a province's scale) to answer a
    page's 25 rows. Order ``rows`` by their indexed column, or the planner may scan the table for
    the first row it expects to find early (and read all of it for an outer row that has none)."""
    return Coalesce(Subquery(rows.annotate(found=Value(True)).values("found")[:1]), Value(False))


def whole_governments_of(user: User | AnonymousUser | None) -> QuerySet[Membership, Any]:
    """The ids of the governments whose every decision ``user`` sees (``WHOLE_GOVERNMENT``)."""
    return _memberships(user).filter(WHOLE_GOVERNMENT).values("department__government_id")


def _seen_otherwise(user: User) -> Q:
    """What lets ``user`` see a decision other than a whole government: a department they staff
    leads or co-sponsors it, or another app's audience (a legal adviser asked about it)."""
    sponsor_departments = _memberships(user).filter(OWN_DEPARTMENT).values("department_id")
    co_sponsored = Decision.co_sponsors.through.objects.filter(InIds("department_id", sponsor_departments)).values(
        "decision_id"
    )
    # Id sets rather than joins: no duplicates from the co-sponsor table, so no DISTINCT.
    let_in = Q(InIds("lead_sponsor_id", sponsor_departments)) | Q(InIds("id", co_sponsored))
    for audience in extensions.audiences():
        let_in |= Q(InIds("id", audience(user)))
    return let_in


def decisions_visible_to(user: User | AnonymousUser | None) -> QuerySet[Decision]:
    """The decisions ``user`` may see, as one query."""
    if user is None or not user.is_authenticated:
        nothing: QuerySet[Decision] = Decision.objects.none()
        return nothing
    visible: QuerySet[Decision] = Decision.objects.filter(
        Q(InIds("government_id", whole_governments_of(user))) | _seen_otherwise(user)
    )
    return visible


def decisions_seen_otherwise(user: User | AnonymousUser | None) -> QuerySet[Decision]:
    """The decisions ``user`` sees other than through a whole government (``decisions_visible_to``
    without that clause): for reads that answer the whole governments from their small tables."""
    if user is None or not user.is_authenticated:
        nothing: QuerySet[Decision] = Decision.objects.none()
        return nothing
    seen: QuerySet[Decision] = Decision.objects.filter(_seen_otherwise(user))
    return seen


def may_see(user: User | AnonymousUser | None, decision: Decision) -> bool:
    """Whether ``user`` may see ``decision`` (the same rule, asked of one row)."""
    return bool(decisions_visible_to(user).filter(pk=decision.pk).exists())


def visible_decision(
    user: User | AnonymousUser | None, pk: int, *, queryset: QuerySet[Decision] | None = None
) -> Decision:
    """The decision ``pk`` from ``queryset`` (default: the bare row with its government and lead
    sponsor) if ``user`` may see it; Http404 otherwise, exactly as for one that does not exist."""
    rows = queryset if queryset is not None else Decision.objects.select_related("government", "lead_sponsor")
    try:
        decision: Decision = rows.filter(pk__in=decisions_visible_to(user).values("pk")).get(pk=pk)
    except Decision.DoesNotExist:
        if Decision.objects.filter(pk=pk).exists():
            refused_access("decision", pk)
        raise Http404 from None
    return decision


def visible_attachment(user: User | AnonymousUser | None, pk: int) -> Attachment:
    """An attachment is served only to users who can see its decision."""
    try:
        attachment: Attachment = Attachment.objects.filter(decision__in=decisions_visible_to(user)).get(pk=pk)
    except Attachment.DoesNotExist:
        if Attachment.objects.filter(pk=pk).exists():
            refused_access("attachment", pk)
        raise Http404 from None
    return attachment


def visible_meeting_packet(user: User | AnonymousUser | None, pk: int) -> MeetingPacket:
    """A meeting packet is served only to users who can see its decision, as an attachment is."""
    try:
        packet: MeetingPacket = (
            MeetingPacket.objects.select_related("decision").filter(decision__in=decisions_visible_to(user)).get(pk=pk)
        )
    except MeetingPacket.DoesNotExist:
        if MeetingPacket.objects.filter(pk=pk).exists():
            refused_access("meeting_packet", pk)
        raise Http404 from None
    return packet


# --------------------------------------------------------------------------- the public (no login)

# The files a member of the public may download: the draft and its explanation (Art 15).
PUBLIC_ATTACHMENT_KINDS = (Attachment.Kind.DRAFT, Attachment.Kind.EXPLANATION)


def public_catalogue_entries() -> QuerySet[CatalogueEntry]:
    """What the public sees of the catalogues (Art 3): the entries of published catalogues that no
    adjustment removed. A draft or an approved-but-unpublished catalogue shows nothing."""
    entries: QuerySet[CatalogueEntry] = CatalogueEntry.objects.filter(
        catalogue__state=Catalogue.State.PUBLISHED
    ).exclude(status=CatalogueEntry.Status.REMOVED)
    return entries


def public_catalogue_decisions() -> QuerySet[Decision]:
    """The decisions a published catalogue holds, as one query."""
    decisions: QuerySet[Decision] = Decision.objects.filter(
        pk__in=public_catalogue_entries().values("decision_id")
    ).exclude(state=DecisionState.WITHDRAWN)
    return decisions


# A decision the public may read as made (Art 32): published, and since then carried out.
PUBLISHED_STATES = (
    DecisionState.PUBLISHED,
    DecisionState.IMPLEMENTING,
    DecisionState.SUSPENDED,
    DecisionState.ARCHIVED,
)


def public_participation_records(today: dt.date | None = None) -> QuerySet[ParticipationRecord]:
    """The calls for comments the public sees (Art 15): published by ``today``, of a step not
    waived, of a decision not withdrawn. Open or closed, they stay public with their answers."""
    today = today or timezone.localdate()
    records: QuerySet[ParticipationRecord] = (
        ParticipationRecord.objects.filter(call_published_on__lte=today, period_start__isnull=False)
        .exclude(step__state=StepState.WAIVED)
        .exclude(step__decision__state=DecisionState.WITHDRAWN)
    )
    return records


@dataclass(frozen=True)
class PublicHearing:
    """What the public reads of a hearing (Art 16): the notice once published; the participants,
    each with the interest they represent, and how they were selected once their list is published.
    A participant's name and interest only: never a way to reach them."""

    hearing: Hearing
    participants: list[HearingParticipant]

    @property
    def participants_published(self) -> bool:
        return bool(self.participants)


def public_hearing(record: ParticipationRecord, today: dt.date | None = None) -> PublicHearing | None:
    """The hearing of a public call for comments (``public_participation_records``), if its notice
    is published by ``today``."""
    today = today or timezone.localdate()
    hearing = (
        Hearing.objects.filter(step_id=record.step_id, notice_published_on__lte=today).select_related("draft").first()
    )
    if hearing is None:
        return None
    participants: list[HearingParticipant] = []
    if hearing.participants_published_on is not None and hearing.participants_published_on <= today:
        participants = list(hearing.participants.only("id", "hearing_id", "name", "represents", "selected_how"))
    return PublicHearing(hearing=hearing, participants=participants)


def public_published_decisions() -> QuerySet[Decision]:
    """Decisions made and published (Art 32), with a publication on the record."""
    decisions: QuerySet[Decision] = Decision.objects.filter(
        state__in=PUBLISHED_STATES, publications__isnull=False
    ).distinct()
    return decisions


def public_documents_of() -> QuerySet[Decision]:
    """The decisions whose draft and explanation the public may download: a published call for
    comments, or a published decision."""
    consulted = public_participation_records().values("step__decision_id")
    published = public_published_decisions().values("pk")
    decisions: QuerySet[Decision] = Decision.objects.filter(Q(pk__in=consulted) | Q(pk__in=published))
    return decisions


def public_attachment(pk: int) -> Attachment:
    """A draft or explanation of a decision the public side shows (``public_documents_of``);
    Http404 for any other file, exactly as for one that does not exist."""
    try:
        attachment: Attachment = Attachment.objects.filter(
            decision__in=public_documents_of(), kind__in=PUBLIC_ATTACHMENT_KINDS
        ).get(pk=pk)
    except Attachment.DoesNotExist:
        raise Http404 from None
    return attachment


@dataclass
class Reach:
    """The governments ``user`` sees whole, and the departments whose own decisions they see, by
    government: what scopes a report rather than a row."""

    whole: dict[int, Government] = field(default_factory=dict)
    own: dict[int, list[Department]] = field(default_factory=dict)

    @property
    def governments(self) -> dict[int, Government]:
        return {**{gid: departments[0].government for gid, departments in self.own.items()}, **self.whole}


def reach(user: User | AnonymousUser | None) -> Reach:
    """``user``'s reach, in one query, by the same two rules as ``decisions_visible_to``."""
    memberships = (
        _memberships(user)
        .select_related("department__government")
        .annotate(
            sees_whole=ExpressionWrapper(WHOLE_GOVERNMENT, output_field=BooleanField()),
            sees_own=ExpressionWrapper(OWN_DEPARTMENT, output_field=BooleanField()),
        )
        .order_by("department_id")
    )
    result = Reach()
    for membership in memberships:
        department = membership.department
        if membership.sees_whole:
            result.whole[department.government_id] = department.government
        if membership.sees_own:
            result.own.setdefault(department.government_id, []).append(department)
    return result
