"""Reads of the legality review: a decision's rounds for its page, and the legal office's queue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict, cast

from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from decisions import extensions, lifecycle, permissions
from decisions.models import Decision, DecisionEvent, DecisionState, Department, Government
from decisions.presentation import article_label
from reviews import access
from reviews.clock import ReviewClock, WorkCalendar, review_clock
from reviews.gates import materials_missing
from reviews.models import (
    AdviserOpinion,
    Conclusion,
    LegalAdviser,
    LegalityReview,
    MaterialKind,
    ReviewItem,
    Stage,
    SubmissionMaterial,
    SupplementRequest,
    WaiverCheck,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # the project uses Django's user model
    from django.db.models import QuerySet
    from django_stubs_ext import WithAnnotations

    class ReviewColumns(TypedDict):
        """The columns of ``decision_review_columns``. All are None for a decision without a round,
        so the text columns are read only once ``review_round`` is known to be set."""

        review_round: int | None
        review_conclusion: str
        review_issued_at: dt.datetime | None
        review_document_number: str
        review_changes_confirmed_at: dt.datetime | None


# --------------------------------------------------------------------------- on the decision's pages
# (decisions.extensions: filled in reviews.apps)


def _latest_review() -> QuerySet[LegalityReview]:
    return LegalityReview.objects.filter(decision=OuterRef("pk")).order_by("-round")


def decision_review_columns() -> dict[str, Subquery]:
    """The current round of each decision, as columns of the decision lists (one subquery each)."""
    review = _latest_review()
    return {
        f"review_{name}": Subquery(review.values(name)[:1])
        for name in ("round", "conclusion", "issued_at", "document_number", "changes_confirmed_at")
    }


def review_mark(decision: Decision) -> extensions.MarkState:
    """The legality review's mark among the five steps, from ``decision_review_columns``."""
    decision = cast("WithAnnotations[Decision, ReviewColumns]", decision)  # annotated by the decision lists
    if not decision.review_round:
        return extensions.MarkState("pending", _("Not submitted"))
    if not decision.review_issued_at:
        return extensions.MarkState("progress", _("Round %(round)s under review") % {"round": decision.review_round})
    conclusion = Conclusion(decision.review_conclusion)
    status = "bad" if conclusion == Conclusion.UNLAWFUL else "done"
    if conclusion == Conclusion.LAWFUL_WITH_CHANGES and not decision.review_changes_confirmed_at:
        status = "progress"
    return extensions.MarkState(status, str(conclusion.label), decision.review_document_number or "")


def decision_section(decision: Decision, user: User) -> extensions.DetailSection:
    """The review's summary on the decision's page: the current round and the earlier ones."""
    reviews = list(decision.reviews.select_related("issued_by").order_by("round"))
    return extensions.DetailSection(
        "reviews/_decision_section.html",
        {"reviews": reviews, "review": reviews[-1] if reviews else None, "review_article": article_label("Art 25")},
    )


@dataclass
class RoundView:
    review: LegalityReview
    stage: Stage
    clock: ReviewClock | None
    materials: dict[str, list[SubmissionMaterial]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    latest: bool = False

    @property
    def materials_complete(self) -> bool:
        return not self.missing


def decision_rounds(decision: Decision, *, today: dt.date) -> list[RoundView]:
    """Every round of the decision's review, newest first, with what each page section needs."""

    reviews = list(
        LegalityReview.objects.filter(decision=decision)
        .select_related(
            "submitted_by",
            "accepted_by",
            "assigned_to",
            "written_by",
            "issued_by",
            "changes_confirmed_by",
            "revised_draft",
            "extension_approved_by",
            "minimum_shortened_by",
        )
        .prefetch_related(
            Prefetch(
                "materials",
                queryset=SubmissionMaterial.objects.select_related("attachment", "step", "added_by"),
            ),
            Prefetch("items", queryset=ReviewItem.objects.select_related("responded_by")),
            Prefetch(
                "waiver_checks",
                queryset=WaiverCheck.objects.select_related("step", "waiver_approved_by", "checked_by"),
            ),
            "adviser_opinions__adviser",
            "supplements__requested_by",
            "supplements__answered_by",
            "letters",
        )
        .order_by("-round")
    )
    calendar = WorkCalendar()
    rounds = []
    for index, review in enumerate(reviews):
        review.decision = decision
        grouped: dict[str, list[SubmissionMaterial]] = {kind: [] for kind in MaterialKind.values}
        for material in review.materials.all():
            grouped[material.kind].append(material)
        rounds.append(
            RoundView(
                review=review,
                stage=review.stage(latest=index == 0),
                clock=review_clock(review, today=today, calendar=calendar),
                materials=grouped,
                missing=[str(MaterialKind(kind).label) for kind in materials_missing(review)],
                latest=index == 0,
            )
        )
    return rounds


def review_history(decision: Decision):
    """The review's lines of the decision's event log, oldest first."""
    return (
        DecisionEvent.objects.filter(decision=decision)
        .filter(
            Q(transition__in=["submit_for_review", "return_for_revision", "clear_for_meeting"])
            | Q(transition__startswith="review_")
        )
        .select_related("actor")
        .order_by("created_at", "id")
    )


@dataclass
class QueueRow:
    review: LegalityReview
    stage: Stage
    clock: ReviewClock | None

    @property
    def sort_key(self) -> tuple:
        # Overdue first (most overdue on top), then the running clocks by working days left, then
        # submissions waiting for acceptance (oldest first), then issued opinions (their clock has
        # stopped: waiting for the sponsor's answer or for clearing).
        if self.stage in (Stage.AWAITING_RESPONSE, Stage.ISSUED):
            return (3, 0, self.review.submitted_at)
        if self.clock is None:
            return (2, 0, self.review.submitted_at)
        return (0 if self.clock.overdue else 1, self.clock.days_left, self.review.submitted_at)


# The queue's orders besides the default (by deadline, the overdue first): columns of the rounds'
# query, so a page of them is read from the database without computing any other row's clock.
QUEUE_ORDERS: dict[str, tuple[str, ...]] = {
    "code": ("decision__code", "pk"),
    "sponsor": ("decision__lead_sponsor__name", "decision__code", "pk"),
    "submitted": ("submitted_at", "pk"),
}
QUEUE_PAGE_SIZE = 50

# What a round's stage and clock are computed from (``LegalityReview.stage``, ``review_clock``):
# the default order and the overdue filter read only these of every open round, never its texts.
_CLOCK_FIELDS = (
    "decision_id",
    "decision__state",
    "submitted_at",
    "accepted_on",
    "min_working_days",
    "max_working_days",
    "supplement_time_counts",
    "extension_working_days",
    "conclusion",
    "issued_at",
    "changes_confirmed_at",
    "returned_at",
)
_DISPLAY_RELATIONS = ("decision", "decision__lead_sponsor", "decision__government", "assigned_to")


def _open_rounds(user: User, governments: Sequence[Government], *, department: int | None, year: int | None):
    """The latest round of every decision under review in ``governments``, filtered; in a
    government whose legal office ``user`` serves only as a legal adviser, only the rounds that
    asked them (Art 28)."""
    latest_round = LegalityReview.objects.filter(decision=OuterRef("decision")).order_by("-round").values("round")[:1]
    reviews = LegalityReview.objects.filter(
        decision__government__in=governments,
        decision__state=DecisionState.LEGALITY_REVIEW,
        round=Subquery(latest_round),
    )
    reviews = reviews.filter(
        Q(decision__government_id__in=access.staffed_governments(user))
        | Q(decision__in=access.decisions_asked_of(user))
    )
    if department is not None:
        reviews = reviews.filter(decision__lead_sponsor_id=department)
    if year is not None:
        reviews = reviews.filter(decision__catalogue_year=year)
    return reviews


def _queue_rows(reviews, *, today: dt.date, calendar: WorkCalendar) -> list[QueueRow]:
    return [
        QueueRow(review=r, stage=r.stage(latest=True), clock=review_clock(r, today=today, calendar=calendar))
        for r in reviews
    ]


def _by_clock(rows: list[QueueRow], *, overdue: bool) -> list[QueueRow]:
    if overdue:
        rows = [row for row in rows if row.clock is not None and row.clock.overdue]
    return sorted(rows, key=lambda row: (*row.sort_key, row.review.pk))


def review_queue(
    user: User,
    *,
    today: dt.date,
    department: int | None = None,
    year: int | None = None,
    overdue: bool = False,
    sort: str = "",
    governments: Sequence[Government] | None = None,
) -> list[QueueRow]:
    """The open rounds of every decision under review in the governments whose legal office ``user``
    works in, sorted by deadline with the overdue ones first (or by ``QUEUE_ORDERS[sort]``); only the
    lead sponsor ``department``'s, the catalogue ``year``'s, the overdue ones, when asked. Every row
    (the export); the page reads ``review_queue_page``.
    ``governments``: the user's ``access.legal_office_governments`` when the caller has them."""
    if governments is None:
        governments = access.legal_office_governments(user)
    if not governments:
        return []
    reviews = (
        _open_rounds(user, governments, department=department, year=year)
        .select_related(*_DISPLAY_RELATIONS)
        .prefetch_related("supplements")
    )
    if sort in QUEUE_ORDERS:
        reviews = reviews.order_by(*QUEUE_ORDERS[sort])
    rows = _queue_rows(reviews, today=today, calendar=WorkCalendar())
    if sort in QUEUE_ORDERS:
        return [row for row in rows if row.clock is not None and row.clock.overdue] if overdue else rows
    return _by_clock(rows, overdue=overdue)


def review_queue_page(
    user: User,
    *,
    today: dt.date,
    number: str | int | None,
    department: int | None = None,
    year: int | None = None,
    overdue: bool = False,
    sort: str = "",
    governments: Sequence[Government] | None = None,
    per_page: int | None = None,
) -> Page:
    """One page of ``review_queue`` (same filters and orders), its ``object_list`` the page's
    ``QueueRow``s, in a number of queries that does not grow with the queue.

    An order by a column (``QUEUE_ORDERS``) pages in the database and computes the clocks of the
    page's rows only. The order by deadline and the overdue filter depend on every open round's
    clock: those read the few columns a clock is computed from for every round (one query and its
    supplements), compute the clocks on one calendar (constant time each), and read the names and
    people only for the page's rows."""
    per_page = per_page or QUEUE_PAGE_SIZE
    if governments is None:
        governments = access.legal_office_governments(user)
    if not governments:
        return Paginator([], per_page).get_page(number)
    reviews = _open_rounds(user, governments, department=department, year=year)
    calendar = WorkCalendar()
    clocked: list[QueueRow] = []
    if overdue or sort not in QUEUE_ORDERS:
        supplements = SupplementRequest.objects.only("review_id", "requested_on", "answered_on", "answered_at")
        light = (
            reviews.select_related("decision")
            .only(*_CLOCK_FIELDS)
            .prefetch_related(Prefetch("supplements", queryset=supplements))
        )
        clocked = _by_clock(_queue_rows(light, today=today, calendar=calendar), overdue=overdue)
    if sort in QUEUE_ORDERS:
        if overdue:
            reviews = reviews.filter(pk__in=[row.review.pk for row in clocked])
        ordered = reviews.select_related(*_DISPLAY_RELATIONS).prefetch_related("supplements")
        page = Paginator(ordered.order_by(*QUEUE_ORDERS[sort]), per_page).get_page(number)
        page.object_list = _queue_rows(page.object_list, today=today, calendar=calendar)
        return page
    page = Paginator(clocked, per_page).get_page(number)
    shown = LegalityReview.objects.select_related(*_DISPLAY_RELATIONS).in_bulk([row.review.pk for row in page])
    page.object_list = [QueueRow(review=shown[row.review.pk], stage=row.stage, clock=row.clock) for row in page]
    return page


def queue_filter_choices(governments: Sequence[Government]) -> tuple[list[int], QuerySet[Department]]:
    """The years and the lead sponsors the queue's filters offer in the legal office's
    ``governments``: from the small tables (the catalogue years of the decisions under review, the
    departments of those governments)."""
    years = (
        Decision.objects.filter(government__in=governments, state=DecisionState.LEGALITY_REVIEW)
        .order_by("-catalogue_year")
        .values_list("catalogue_year", flat=True)
        .distinct()
    )
    departments = Department.objects.filter(government__in=governments).order_by("government_id", "name")
    return list(years), departments


# --------------------------------------------------------------------------- the to-do list
# (decisions.extensions.provide_tasks: filled in reviews.apps)

TASK_LABELS = {
    "review_accept": _lazy("Check the submission: accept it or return it"),
    "review_answer_supplement": _lazy("Hand in the supplementary materials"),
    "review_record_opinion": _lazy("Review the draft and write the opinion"),
    "review_issue": _lazy("Issue the opinion"),
    "review_answer_item": _lazy("Answer the opinion's items"),
    "review_confirm_changes": _lazy("Confirm the sponsor's answer"),
}


def _round_task(user: User, review: LegalityReview, held: permissions.Held) -> str | None:
    """Whose turn it is in the round, by its stage, with the same role checks as the review's acts
    (``reviews.access``)."""
    decision = review.decision
    stage = review.stage(latest=True)
    if stage == Stage.SUBMITTED:
        return "review_accept" if access.may_write(user, decision, held=held) else None
    if stage == Stage.AWAITING_SUPPLEMENT:
        return "review_answer_supplement" if access.may_answer(user, decision, held=held) else None
    if stage == Stage.IN_REVIEW:
        if review.conclusion:
            return "review_issue" if access.may_issue(user, decision, held=held) else None
        # The reviewer it is assigned to; anyone of the legal office while it is assigned to nobody.
        if review.assigned_to_id:
            return "review_record_opinion" if review.assigned_to_id == user.pk else None
        return "review_record_opinion" if access.may_write(user, decision, held=held) else None
    if stage == Stage.AWAITING_RESPONSE:
        if any(not item.response for item in review.items.all()):
            return "review_answer_item" if access.may_answer(user, decision, held=held) else None
        return "review_confirm_changes" if access.may_write(user, decision, held=held) else None
    if stage == Stage.ISSUED and permissions.may(user, "clear_for_meeting", decision, held=held):
        return "clear_for_meeting"  # the lifecycle's transition, offered on the review page
    return None


def review_tasks(user: User, decisions: Sequence[Decision], held: permissions.Held) -> list[extensions.Task]:
    """The current round's task of each decision under review that waits on ``user`` (two queries
    for the whole batch: the latest rounds, their supplements and items)."""
    under_review = {d.pk: d for d in decisions if d.state == DecisionState.LEGALITY_REVIEW}
    if not under_review:
        return []
    latest_round = LegalityReview.objects.filter(decision=OuterRef("decision")).order_by("-round").values("round")[:1]
    reviews = LegalityReview.objects.filter(
        decision_id__in=under_review, round=Subquery(latest_round)
    ).prefetch_related("supplements", "items")
    tasks = []
    for review in reviews:
        review.decision = under_review[review.decision_id]
        action = _round_task(user, review, held)
        if action is None:
            continue
        label = TASK_LABELS.get(action) or lifecycle.TRANSITIONS[action].label
        url = reverse("reviews:decision", args=[review.decision_id])
        tasks.append(extensions.Task(review.decision, action, label, url))
    return tasks


# --------------------------------------------------------------------------- the pool of advisers


def adviser_pool(governments: Sequence[Government]) -> QuerySet[LegalAdviser]:
    """The pool of legal advisers and public lawyers of ``governments`` (Art 28), serving or not,
    with how many opinions each signed for that government's reviews (one query)."""
    signed_opinions = (
        AdviserOpinion.objects.filter(
            adviser=OuterRef("user"), signed_at__isnull=False, review__decision__government=OuterRef("government")
        )
        .order_by()
        .values("adviser")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        LegalAdviser.objects.filter(government__in=governments)
        .select_related("government", "user")
        .annotate(signed=Coalesce(Subquery(signed_opinions), 0))
        .order_by("government__name", "-active", "user__last_name", "user__first_name", "user__username")
    )
