"""Writes of the legality review (Art 25–28)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from decisions import permissions
from decisions.errors import DecisionError, ErrorCode
from decisions.models import Decision, DecisionState, Department
from reviews.models import Conclusion, DocumentNumberSequence, LegalityReview

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser as User


def review_open_round(*, decision: Decision, submitted_by: User) -> LegalityReview:
    """Each submission is a new round of the decision's review. Called by decision_submit_for_review
    inside its transaction (the decision row is already locked)."""
    last = LegalityReview.objects.filter(decision=decision).aggregate(m=Max("round"))["m"] or 0
    return LegalityReview.objects.create(
        decision=decision, round=last + 1, submitted_at=timezone.now(), submitted_by=submitted_by
    )


def _current_for_update(decision: Decision, actor: User, action: str) -> LegalityReview:
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if not permissions.may(actor, action, decision):
        raise DecisionError(ErrorCode.FORBIDDEN, _("Only the legal office can do this."))
    if decision.state != DecisionState.LEGALITY_REVIEW:
        raise DecisionError(ErrorCode.WRONG_STATE, _("The decision is not under legality review."))
    review = LegalityReview.objects.select_for_update().filter(decision=decision).order_by("-round").first()
    if review is None:
        raise DecisionError(ErrorCode.NOT_FOUND, _("No review round is open."))
    return review


@transaction.atomic
def review_record_opinion(
    *, decision: Decision, actor: User, conclusion: str, reasons: str, legal_risk: str = ""
) -> LegalityReview:
    """Art 27–28: the legal office states its conclusion with reasons and legal basis; an exploratory
    reform states its legal risk openly (Art 25)."""
    review = _current_for_update(decision, actor, "review_write")
    if review.is_issued:
        raise DecisionError(ErrorCode.WRONG_STATE, _("The opinion of this round is already issued."))
    if conclusion not in Conclusion.values:
        raise DecisionError(ErrorCode.INVALID, _("Unknown conclusion."), fields={"conclusion": [_("Unknown conclusion.")]})
    if not (reasons or "").strip():
        raise DecisionError(
            ErrorCode.INVALID, _("State the reasons and legal basis."), fields={"reasons": [_("Required.")]}
        )
    if conclusion == Conclusion.EXPLORATORY_WITH_RISK and not (legal_risk or "").strip():
        raise DecisionError(
            ErrorCode.INVALID,
            _("An exploratory reform must state its legal risk openly."),
            article="Art 25",
            rule="exploratory_states_risk",
            fields={"legal_risk": [_("Required.")]},
        )
    review.conclusion = conclusion
    review.reasons = reasons.strip()
    review.legal_risk = (legal_risk or "").strip()
    review.written_by = actor
    review.save(update_fields=["conclusion", "reasons", "legal_risk", "written_by", "updated_at"])
    return review


def _next_document_number(office: Department, year: int) -> int:
    sequence, _created = DocumentNumberSequence.objects.get_or_create(office=office, year=year)
    sequence = DocumentNumberSequence.objects.select_for_update().get(pk=sequence.pk)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number", "updated_at"])
    return sequence.last_number


@transaction.atomic
def review_issue_opinion(*, decision: Decision, actor: User) -> LegalityReview:
    """Only the legal office head signs and issues the opinion; it gets the office's next document
    number of the year, without gaps or duplicates."""
    review = _current_for_update(decision, actor, "review_issue")
    if review.is_issued:
        raise DecisionError(ErrorCode.WRONG_STATE, _("The opinion of this round is already issued."))
    if not review.conclusion:
        raise DecisionError(ErrorCode.INVALID, _("Write the opinion before issuing it."))
    office = Department.objects.get(government=review.decision.government, kind=Department.Kind.LEGAL_OFFICE)
    now = timezone.now()
    year = timezone.localdate(now).year
    number = _next_document_number(office, year)
    review.document_number = f"{review.decision.government.short_name}司法审〔{year}〕{number}号"
    review.issued_at = now
    review.issued_by = actor
    review.save(update_fields=["document_number", "issued_at", "issued_by", "updated_at"])
    return review


@transaction.atomic
def review_confirm_changes(*, decision: Decision, actor: User) -> LegalityReview:
    """Art 28: the reviewer confirms the sponsor adjusted the draft to the opinion."""
    review = _current_for_update(decision, actor, "review_write")
    if not review.is_issued or review.conclusion != Conclusion.LAWFUL_WITH_CHANGES:
        raise DecisionError(ErrorCode.WRONG_STATE, _("Only an issued opinion asking for changes needs confirming."))
    review.changes_confirmed_at = timezone.now()
    review.changes_confirmed_by = actor
    review.save(update_fields=["changes_confirmed_at", "changes_confirmed_by", "updated_at"])
    return review
