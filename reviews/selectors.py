"""Reads of the legality review: a decision's rounds for its page, and the legal office's queue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict, cast

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from decisions import extensions, lifecycle, permissions, visibility
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


# The queue's orders besides the default (by deadline, the overdue first): the key of each row.
QUEUE_ORDERS: dict[str, Callable[[QueueRow], tuple]] = {
    "code": lambda row: (row.review.decision.code,),
    "sponsor": lambda row: (row.review.decision.lead_sponsor.name, row.review.decision.code),
    "submitted": lambda row: (row.review.submitted_at,),
}


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
    lead sponsor ``department``'s, the catalogue ``year``'s, the overdue ones, when asked.
    ``governments``: the user's ``access.legal_office_governments`` when the caller has them."""
    if governments is None:
        governments = access.legal_office_governments(user)
    if not governments:
        return []
    latest_round = LegalityReview.objects.filter(decision=OuterRef("decision")).order_by("-round").values("round")[:1]
    reviews = LegalityReview.objects.filter(
        decision__government__in=governments,
        decision__state=DecisionState.LEGALITY_REVIEW,
        round=Subquery(latest_round),
        # A legal adviser's queue holds only the reviews that asked them (Art 28).
        decision__in=visibility.decisions_visible_to(user),
    )
    if department is not None:
        reviews = reviews.filter(decision__lead_sponsor_id=department)
    if year is not None:
        reviews = reviews.filter(decision__catalogue_year=year)
    reviews = reviews.select_related(
        "decision", "decision__lead_sponsor", "decision__government", "assigned_to"
    ).prefetch_related("supplements")
    calendar = WorkCalendar()
    rows = [
        QueueRow(review=r, stage=r.stage(latest=True), clock=review_clock(r, today=today, calendar=calendar))
        for r in reviews
    ]
    if overdue:
        rows = [row for row in rows if row.clock is not None and row.clock.overdue]
    rows.sort(key=QUEUE_ORDERS.get(sort, lambda row: row.sort_key))
    return rows


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
