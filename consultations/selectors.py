"""The public side's reads. What the public may see comes from ``decisions.visibility`` (the
published catalogues, the published calls for comments, the published decisions); what of a
comment the public may see is the tracking number's status and answer, nothing personal."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from consultations import gates, periods
from consultations.articles import Article, split_articles
from consultations.models import Comment, Consultation, ExecutionFeedback
from decisions import permissions
from decisions.extensions import DetailSection
from decisions.models import (
    Attachment,
    Catalogue,
    CatalogueAdjustment,
    CatalogueEntry,
    Decision,
    DecisionState,
    Membership,
    ParticipationRecord,
    StepState,
)
from decisions.rules import rules_for
from decisions.visibility import (
    PUBLIC_ATTACHMENT_KINDS,
    PublicHearing,
    public_catalogue_entries,
    public_hearing,
    public_participation_records,
    public_published_decisions,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # the project uses Django's user model


def published_catalogues() -> QuerySet[Catalogue]:
    return Catalogue.objects.filter(state=Catalogue.State.PUBLISHED).select_related("government")


@dataclass
class CataloguePage:
    catalogue: Catalogue
    entries: list[CatalogueEntry]
    adjustments: list[CatalogueAdjustment]


def catalogue_page(government_id: int, year: int) -> CataloguePage:
    """A published catalogue with what it holds and every adjustment; 404 for anything else."""
    catalogue = published_catalogues().filter(government_id=government_id, year=year).first()
    if catalogue is None:
        raise Http404
    entries = list(public_catalogue_entries().filter(catalogue=catalogue).select_related("decision__lead_sponsor"))
    adjustments = list(catalogue.adjustments.select_related("decision").order_by("made_on", "id"))
    return CataloguePage(catalogue, entries, adjustments)


def open_records(now: dt.datetime | None = None) -> QuerySet[ParticipationRecord]:
    """Calls for comments taking comments now (Art 15)."""
    today = timezone.localdate(now or timezone.now())
    records: QuerySet[ParticipationRecord] = (
        public_participation_records(today)
        .filter(
            period_start__lte=today,
            period_end__gte=today,
            step__state=StepState.IN_PROGRESS,
            step__decision__state=DecisionState.PREPARING,
        )
        .select_related("step__decision__government", "step__decision__lead_sponsor")
        .order_by("period_end", "pk")
    )
    return records


@dataclass
class ConsultationPage:
    decision: Decision
    record: ParticipationRecord
    consultation: Consultation
    articles: list[Article]
    documents: list[Attachment]
    is_open: bool
    days_left: int
    closes_at: dt.datetime | None
    shortened: bool
    answered: list[Comment]
    hearing: PublicHearing | None = None


def consultation_page(decision_id: int, now: dt.datetime | None = None) -> ConsultationPage:
    record = (
        public_participation_records()
        .select_related("step__decision__government", "step__decision__lead_sponsor")
        .filter(step__decision_id=decision_id)
        .first()
    )
    if record is None:
        raise Http404
    decision = record.step.decision
    consultation = Consultation.objects.filter(record=record).first() or Consultation(record=record)
    minimum = rules_for(decision.government).min_comment_period_days
    answered: list[Comment] = []
    if consultation.pk:
        # Posted answers (regulations.gov posts comments; here the answers): text and answer only.
        answered = list(
            consultation.comments.filter(hidden=False, group_lead__isnull=True)
            .exclude(handling="")
            .only("tracking_number", "article", "text", "handling", "answer", "created_at", "consultation_id")
        )
    return ConsultationPage(
        decision=decision,
        record=record,
        consultation=consultation,
        articles=split_articles(consultation.draft_text),
        documents=public_documents(decision),
        is_open=periods.is_open(record, now),
        days_left=periods.days_left(record, now),
        closes_at=periods.closes_at(record),
        shortened=(record.period_days or 0) < minimum,
        answered=answered,
        hearing=public_hearing(record),
    )


def public_documents(decision: Decision) -> list[Attachment]:
    return list(decision.attachments.filter(kind__in=PUBLIC_ATTACHMENT_KINDS).order_by("kind", "-created_at"))


def published_decisions() -> QuerySet[Decision]:
    """Published decisions, newest first, with their publications and participation record."""
    decisions: QuerySet[Decision] = (
        Decision.objects.filter(pk__in=public_published_decisions().values("pk"))
        .select_related("government", "lead_sponsor")
        .prefetch_related("publications")
        .order_by("-updated_at", "-pk")
    )
    return decisions


def published_decision(pk: int) -> tuple[Decision, ParticipationRecord | None]:
    decision = published_decisions().filter(pk=pk).first()
    if decision is None:
        raise Http404
    record = ParticipationRecord.objects.filter(step__decision=decision).first()
    return decision, record


def tracked_comment(number: str) -> Comment | None:
    """The comment a tracking number names, with what the public may read of it."""
    number = (number or "").strip().upper()
    if not number:
        return None
    return (
        Comment.objects.select_related("consultation__record__step__decision", "group_lead")
        .filter(tracking_number=number)
        .first()
    )


def inbox(consultation: Consultation) -> list[Comment]:
    """Every comment of a consultation, with its group's members, for the sponsor's inbox."""
    return list(
        consultation.comments.select_related("group_lead", "entered_by", "answered_by").prefetch_related(
            Prefetch("grouped", queryset=Comment.objects.only("pk", "tracking_number", "group_lead_id"))
        )
    )


def decision_section(decision: Decision, user: object) -> DetailSection | None:
    """On the decision's page: the way to the comment inbox (the lead sponsor's staff only) and to
    the public page of the call, once it is published."""
    record = ParticipationRecord.objects.filter(step__decision=decision).first()
    if record is None:
        return None
    may_answer = permissions.may(user, "step", decision)  # type: ignore[arg-type]  # the page's logged-in user
    waiting = gates.unanswered(Comment.objects.filter(consultation__record=record)).count() if may_answer else 0
    is_public = public_participation_records().filter(pk=record.pk).exists()
    if not (may_answer or is_public):
        return None
    return DetailSection(
        "consultations/_decision_section.html",
        {"may_answer": may_answer, "waiting": waiting, "is_public": is_public},
    )


def tracked_feedback(number: str) -> ExecutionFeedback | None:
    number = (number or "").strip().upper()
    return (
        ExecutionFeedback.objects.select_related("decision").filter(tracking_number=number).first() if number else None
    )


def feedback_inbox(user: User) -> QuerySet[ExecutionFeedback]:
    """Feedback on the decisions whose executing unit the user works in (Art 35)."""
    departments = Membership.objects.filter(user_id=user.pk).values("department_id")
    feedback: QuerySet[ExecutionFeedback] = ExecutionFeedback.objects.filter(
        decision__executing_unit_id__in=departments
    ).select_related("decision", "replied_by")
    return feedback
