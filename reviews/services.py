"""Every write of the legality review (Art 25–28).

Each service runs in one transaction, locks the decision row first (as the decisions services do,
so review work and lifecycle transitions of one decision queue up behind each other), checks the
actor's role and the review's rules, and leaves a line in the decision's append-only event log.
Lifecycle moves go through the decisions services: an unlawful opinion, a rejected waiver or a
returned submission calls ``decision_return_for_revision``; clearing is ``decision_clear_for_meeting``
whose gate includes ``reviews.gates.clearance_refusals``.

Why one module of ~800 lines: the acts are the steps of one workflow on one round, in the order
a review runs, and they share the round's lock, its checks and its event line; split, each part
would need the others' private helpers. The acts' dispatch is ``reviews.actions``.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from config.celery import enqueue_safely
from decisions import services as decision_services
from decisions.errors import DecisionError, ErrorCode, Refusal
from decisions.models import (
    Attachment,
    Decision,
    DecisionEvent,
    DecisionState,
    Department,
    Membership,
    Role,
    StepKind,
    StepState,
)
from decisions.rules import rules_for
from reviews import access, gates
from reviews.choices import ReviewEvent, ReviewRule
from reviews.letters import RENDERERS, letter_content
from reviews.models import (
    MATERIAL_ATTACHMENT_KIND,
    AdviserOpinion,
    Conclusion,
    DocumentNumberSequence,
    FinalTextKind,
    FinalTextResult,
    FinalTextReview,
    ItemResponse,
    LegalAdviser,
    LegalityReview,
    LetterFormat,
    MaterialKind,
    OpinionLetter,
    ProblemType,
    ReviewItem,
    SubmissionMaterial,
    SupplementRequest,
    WaiverCheck,
    WaiverVerdict,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # the project uses Django's user model
    from django.core.files.uploadedfile import UploadedFile


# --------------------------------------------------------------------------- shared machinery


def _invalid(message: str, **fields: str) -> DecisionError:
    return DecisionError(ErrorCode.INVALID, message, fields={k: [v] for k, v in fields.items()})


def _text(value: str | None, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise _invalid(message, **{field: message})
    return text


def _refuse(refusals: list[Refusal]) -> None:
    if refusals:
        raise refusals[0].as_error()


def _log(decision: Decision, actor: User | None, event: ReviewEvent, comment: str = "") -> None:
    """One line in the decision's event log (Art 38–41: who did what, when, and what they said).
    The decision's state does not change, so from and to are the same."""
    decision_services.record_event(
        decision,
        actor=actor,
        transition=event,
        from_state=decision.state,
        to_state=decision.state,
        comment=comment,
    )


def _forbidden(message: str) -> DecisionError:
    return DecisionError(ErrorCode.FORBIDDEN, message)


def _open_round(decision: Decision, actor: User, allowed) -> tuple[Decision, LegalityReview]:
    """Lock the decision and its current round, which must be under review; check the actor."""
    decision = decision_services.lock_decision(decision)
    if not allowed(actor, decision):
        raise _forbidden(_("Your role does not allow this action on this review."))
    if decision.state != DecisionState.LEGALITY_REVIEW:
        raise DecisionError(ErrorCode.WRONG_STATE, _("The decision is not under legality review."))
    review = LegalityReview.objects.select_for_update().filter(decision=decision).order_by("-round").first()
    if review is None:
        raise DecisionError(ErrorCode.NOT_FOUND, _("No review round is open."))
    review.decision = decision
    return decision, review


def _not_issued(review: LegalityReview) -> None:
    if review.is_issued:
        raise DecisionError(ErrorCode.WRONG_STATE, _("The opinion of this round is already issued."))


def _accepted(review: LegalityReview) -> None:
    if not review.is_accepted:
        raise DecisionError(
            ErrorCode.RULE, _("Accept the submission first."), article="Art 26", rule=ReviewRule.REVIEW_ACCEPTED
        )


def _writer(review: LegalityReview, actor: User, decision: Decision) -> None:
    """Once assigned, the round's opinion is written by its reviewer (or the office head)."""
    if review.assigned_to_id and review.assigned_to_id != actor.pk and not access.may_issue(actor, decision):
        reviewer = review.assigned_to
        assert reviewer is not None  # assigned_to_id is set
        raise _forbidden(
            _("This review is assigned to %(name)s.") % {"name": reviewer.get_full_name() or reviewer.get_username()}
        )


def _return_round(decision: Decision, review: LegalityReview, actor: User, reason: str) -> None:
    """The round ends without a clearing opinion and the decision goes back to preparing (Art 26)."""
    review.returned_at = timezone.now()
    review.return_reason = reason
    review.save(update_fields=["returned_at", "return_reason", "updated_at"])
    decision_services.decision_return_for_revision(decision=decision, actor=actor, reason=reason)
    decision.refresh_from_db(fields=["state"])


# --------------------------------------------------------------------------- submission


def open_round_on_submission(event: DecisionEvent) -> None:
    """The event hook (``decisions.extensions.on_event``) that opens a round on each submission."""
    if event.transition == "submit_for_review":
        review_open_round(decision=event.decision, submitted_by=event.actor)


def review_open_round(*, decision: Decision, submitted_by: User | None) -> LegalityReview:
    """Art 26: each submission is a new round of the decision's review, holding its materials
    checklist: the sponsor's latest draft and drafting explanation, the legal basis, and for each
    preparatory step its record (attached automatically), with a check of every waiver.
    Called through the event hook ``open_round_on_submission`` inside the submission's transaction
    (the decision row is locked)."""
    last = LegalityReview.objects.filter(decision=decision).aggregate(m=Max("round"))["m"] or 0
    review = LegalityReview.objects.create(
        decision=decision, round=last + 1, submitted_at=timezone.now(), submitted_by=submitted_by
    )
    materials = []
    for kind in (MaterialKind.DRAFT, MaterialKind.EXPLANATION):
        latest = (
            decision.attachments.filter(kind=MATERIAL_ATTACHMENT_KIND[kind], step__isnull=True)
            .order_by("-created_at", "-id")
            .first()
        )
        if latest is not None:
            materials.append(SubmissionMaterial(review=review, kind=kind, attachment=latest, automatic=True))
    if decision.legal_basis.strip():
        materials.append(
            SubmissionMaterial(review=review, kind=MaterialKind.LEGAL_BASIS, text=decision.legal_basis, automatic=True)
        )
    for attachment in decision.attachments.filter(kind=Attachment.Kind.LEGAL_BASIS):
        materials.append(
            SubmissionMaterial(review=review, kind=MaterialKind.LEGAL_BASIS, attachment=attachment, automatic=True)
        )
    checks = []
    for step in decision.steps.prefetch_related("attachments"):
        materials.append(SubmissionMaterial(review=review, kind=MaterialKind.PROCEDURE, step=step, automatic=True))
        for attachment in step.attachments.all():
            materials.append(
                SubmissionMaterial(
                    review=review, kind=MaterialKind.PROCEDURE, step=step, attachment=attachment, automatic=True
                )
            )
        if step.state == StepState.WAIVED:
            checks.append(
                WaiverCheck(
                    review=review,
                    step=step,
                    waiver_reason=step.waiver_reason,
                    waiver_article=step.waiver_article,
                    waiver_approved_by_id=step.waiver_approved_by_id,
                )
            )
    SubmissionMaterial.objects.bulk_create(materials)
    WaiverCheck.objects.bulk_create(checks)
    # No line of its own in the event log: the submit_for_review event that opens the round says it.
    return review


@transaction.atomic
def review_add_material(
    *,
    decision: Decision,
    actor: User,
    kind: str,
    text: str = "",
    uploaded_file: UploadedFile | None = None,
) -> SubmissionMaterial:
    """Art 26: the sponsor completes the submission (before acceptance, or when asked to supplement)."""
    decision, review = _open_round(decision, actor, access.may_answer)
    _not_issued(review)
    if kind not in (MaterialKind.DRAFT, MaterialKind.EXPLANATION, MaterialKind.LEGAL_BASIS, MaterialKind.OTHER):
        raise _invalid(_("Unknown kind of material."), kind=_("Unknown kind of material."))
    text = (text or "").strip()
    if uploaded_file is None and not text:
        raise _invalid(_("Attach a file or write the text."), file=_("Attach a file or write the text."))
    if uploaded_file is None and kind in (MaterialKind.DRAFT, MaterialKind.EXPLANATION):
        raise _invalid(_("The draft and the drafting explanation are files."), file=_("Attach the file."))
    attachment = None
    if uploaded_file is not None:
        attachment = decision_services.attachment_upload(
            decision=decision,
            actor=actor,
            uploaded_file=uploaded_file,
            kind=MATERIAL_ATTACHMENT_KIND[kind],
            by_service=True,
        )
    material = SubmissionMaterial.objects.create(
        review=review, kind=kind, attachment=attachment, text=text, added_by=actor
    )
    with decision_services.record_language():
        _log(decision, actor, ReviewEvent.ADD_MATERIAL, str(MaterialKind(kind).label))
    return material


@transaction.atomic
def review_request_supplement(*, decision: Decision, actor: User, missing: str) -> SupplementRequest:
    """Art 26: incomplete material may be supplemented. While the legal office waits, the review
    clock stands still unless the government's rules say otherwise."""
    decision, review = _open_round(decision, actor, access.may_write)
    _not_issued(review)
    missing = _text(missing, "missing", _("Say what is missing."))
    if review.open_supplement() is not None:
        raise DecisionError(ErrorCode.WRONG_STATE, _("A request for supplements is already open."))
    now = timezone.now()
    request = SupplementRequest.objects.create(
        review=review, missing=missing, requested_on=timezone.localdate(now), requested_at=now, requested_by=actor
    )
    _log(decision, actor, ReviewEvent.REQUEST_SUPPLEMENT, missing)
    return request


@transaction.atomic
def review_answer_supplement(*, decision: Decision, actor: User, answer: str) -> SupplementRequest:
    """The sponsor says what was supplemented; the review clock runs again."""
    decision, review = _open_round(decision, actor, access.may_answer)
    request = review.open_supplement()
    if request is None:
        raise DecisionError(ErrorCode.WRONG_STATE, _("No request for supplements is open."))
    now = timezone.now()
    request.answer = _text(answer, "answer", _("Say what was supplemented."))
    request.answered_at = now
    request.answered_on = timezone.localdate(now)
    request.answered_by = actor
    request.save(update_fields=["answer", "answered_at", "answered_on", "answered_by", "updated_at"])
    _log(decision, actor, ReviewEvent.ANSWER_SUPPLEMENT, request.answer)
    return request


@transaction.atomic
def review_return(*, decision: Decision, actor: User, reason: str) -> LegalityReview:
    """Art 26: the legal office returns a submission (incomplete, or not ready for review) to the
    sponsor; the round ends and a resubmission opens the next one."""
    decision, review = _open_round(decision, actor, access.may_write)
    _not_issued(review)
    reason = _text(reason, "reason", _("Say why the submission is returned."))
    _return_round(decision, review, actor, reason)
    return review


# --------------------------------------------------------------------------- acceptance and the clock


@transaction.atomic
def review_accept(*, decision: Decision, actor: User) -> LegalityReview:
    """Art 26: the legal office accepts a complete submission. Acceptance fixes the start of the
    review clock and the numbers of this round (minimum, maximum, whether supplement time counts)
    from the government's rules; a reviewer who accepts an unassigned round takes it."""
    decision, review = _open_round(decision, actor, access.may_write)
    if review.is_accepted:
        raise DecisionError(ErrorCode.WRONG_STATE, _("The submission is already accepted."))
    _refuse(gates.acceptance_refusals(review))
    rules = rules_for(decision.government)
    review.accepted_on = timezone.localdate()
    review.accepted_by = actor
    review.min_working_days = rules.min_review_working_days
    review.max_working_days = rules.max_review_working_days
    review.supplement_time_counts = rules.supplement_time_counts
    fields = ["accepted_on", "accepted_by", "min_working_days", "max_working_days", "supplement_time_counts"]
    if review.assigned_to_id is None:
        review.assigned_to = actor
        fields.append("assigned_to")
    review.save(update_fields=[*fields, "updated_at"])
    _log(decision, actor, ReviewEvent.ACCEPT)
    return review


@transaction.atomic
def review_assign(*, decision: Decision, actor: User, reviewer: User) -> LegalityReview:
    """The office head assigns the round to a reviewer of the office; a reviewer may take an
    unassigned round."""
    decision, review = _open_round(decision, actor, access.may_write)
    _not_issued(review)
    is_head = access.may_issue(actor, decision)
    if not is_head and (reviewer.pk != actor.pk or review.assigned_to_id not in (None, actor.pk)):
        raise _forbidden(_("Only the office head assigns reviews to others."))
    in_office = Membership.objects.filter(
        user=reviewer,
        department__government_id=decision.government_id,
        department__kind=Department.Kind.LEGAL_OFFICE,
        role__in=[Role.LEGAL_REVIEWER, Role.LEGAL_HEAD],
    ).exists()
    if not in_office:
        raise _invalid(_("Assign the review to a reviewer of this legal office."), reviewer=_("Not in the office."))
    review.assigned_to = reviewer
    review.save(update_fields=["assigned_to", "updated_at"])
    _log(decision, actor, ReviewEvent.ASSIGN, reviewer.get_full_name() or reviewer.get_username())
    return review


@transaction.atomic
def review_extend(*, decision: Decision, actor: User, working_days: int, reason: str) -> LegalityReview:
    """Local rule: the review time may be extended once, by at most the government's extension
    (10 working days by default), with a reason, by the legal office head."""
    decision, review = _open_round(decision, actor, access.may_issue)
    _accepted(review)
    _not_issued(review)
    reason = _text(reason, "reason", _("Give the reason for the extension."))
    if review.extension_working_days:
        raise DecisionError(
            ErrorCode.RULE, _("The review time has already been extended once."), rule=ReviewRule.REVIEW_EXTENSION_ONCE
        )
    limit = rules_for(decision.government).review_extension_working_days
    if not 1 <= int(working_days) <= limit:
        raise DecisionError(
            ErrorCode.RULE,
            _("An extension is between 1 and %(limit)s working days.") % {"limit": limit},
            rule=ReviewRule.REVIEW_EXTENSION_LIMIT,
            fields={"working_days": [_("At most %(limit)s.") % {"limit": limit}]},
        )
    review.extension_working_days = int(working_days)
    review.extension_reason = reason
    review.extension_approved_by = actor
    review.save(update_fields=["extension_working_days", "extension_reason", "extension_approved_by", "updated_at"])
    _log(decision, actor, ReviewEvent.EXTEND, f"+{working_days}: {reason}")
    return review


@transaction.atomic
def review_shorten_minimum(*, decision: Decision, actor: User, working_days: int, reason: str) -> LegalityReview:
    """Art 26 sets the minimum review time "in general" (一般不少于7个工作日): in an urgent case the
    legal office head may shorten it, with the reason on the record."""
    decision, review = _open_round(decision, actor, access.may_issue)
    _accepted(review)
    reason = _text(reason, "reason", _("Give the reason the review time is shortened."))
    current = review.min_working_days or 0
    if not 0 <= int(working_days) < current:
        raise _invalid(
            _("The shortened minimum is fewer than %(days)s working days.") % {"days": current},
            working_days=_("Fewer than %(days)s.") % {"days": current},
        )
    review.min_working_days = int(working_days)
    review.minimum_shortened_reason = reason
    review.minimum_shortened_by = actor
    review.save(update_fields=["min_working_days", "minimum_shortened_reason", "minimum_shortened_by", "updated_at"])
    _log(decision, actor, ReviewEvent.SHORTEN_MINIMUM, f"{current} → {working_days}: {reason}")
    return review


# --------------------------------------------------------------------------- waivers and advisers


@transaction.atomic
def review_check_waiver(
    *, decision: Decision, actor: User, step_kind: str, confirmed: bool, reason: str = ""
) -> WaiverCheck:
    """A waiver is never final on the sponsor's word alone: the reviewer confirms or rejects each step
    marked not applicable. A rejected waiver returns the decision to preparing with that step
    reopened, in this one transaction."""
    decision, review = _open_round(decision, actor, access.may_write)
    _not_issued(review)
    _writer(review, actor, decision)
    if step_kind not in StepKind.values:
        raise _invalid(_("Unknown step."), step_kind=_("Unknown step."))
    check = review.waiver_checks.select_for_update().filter(step__kind=step_kind).first()
    if check is None:
        raise DecisionError(ErrorCode.NOT_FOUND, _("That step was not marked not applicable in this submission."))
    if check.verdict != WaiverVerdict.PENDING:
        raise DecisionError(ErrorCode.WRONG_STATE, _("This waiver has already been checked."))
    reason = (reason or "").strip()
    if not confirmed and not reason:
        raise _invalid(_("Say why the waiver is rejected."), reason=_("Say why the waiver is rejected."))
    check.verdict = WaiverVerdict.CONFIRMED if confirmed else WaiverVerdict.REJECTED
    check.verdict_reason = reason
    check.checked_by = actor
    check.checked_at = timezone.now()
    check.save(update_fields=["verdict", "verdict_reason", "checked_by", "checked_at", "updated_at"])
    label = StepKind(step_kind).label
    if confirmed:
        _log(decision, actor, ReviewEvent.CONFIRM_WAIVER, str(label))
        return check
    message = _("The waiver of “%(step)s” is rejected: %(reason)s") % {"step": label, "reason": reason}
    _return_round(decision, review, actor, message)
    # decisions.services.step_reopen is the sponsor's own action (its role check is the sponsor's);
    # here the legal office reopens the step as part of returning the decision, which its role
    # ("return_for_revision") allows, through the same locked step transition.
    _decision, step = decision_services.lock_step(decision, step_kind, actor=actor, action="return_for_revision")
    decision_services.step_transition(step, "reopen", actor=actor, comment=message)
    return check


@transaction.atomic
def review_request_adviser_opinion(*, decision: Decision, actor: User, adviser: User, question: str) -> AdviserOpinion:
    """Art 28: the legal office asks a legal adviser or public lawyer for an opinion: one of the
    government's pool (``LegalAdviser``) whose term covers the day of the request."""
    decision, review = _open_round(decision, actor, access.may_write)
    _not_issued(review)
    question = _text(question, "question", _("Say what the adviser is asked."))
    if not access.is_adviser(adviser, decision):
        raise _invalid(
            _("Ask a legal adviser or public lawyer of this government's legal office."),
            adviser=_("Not an adviser of this legal office."),
        )
    if not LegalAdviser.objects.serving(decision.government_id, timezone.localdate()).filter(user=adviser).exists():
        message = _("Ask a legal adviser or public lawyer of the government's pool whose term covers today.")
        raise DecisionError(
            ErrorCode.RULE,
            message,
            article="Art 28",
            rule=ReviewRule.ADVISER_IN_POOL,
            fields={"adviser": [_("Not in the pool of advisers today.")]},
        )
    opinion = AdviserOpinion.objects.create(
        review=review, adviser=adviser, question=question, requested_by=actor, requested_at=timezone.now()
    )
    _log(decision, actor, ReviewEvent.REQUEST_ADVISER_OPINION, adviser.get_full_name() or adviser.get_username())
    return opinion


def adviser_signature(opinion: AdviserOpinion) -> str:
    """The checksum of what the adviser signed: who, when, and the exact text."""
    assert opinion.signed_at is not None  # only a signed opinion has a signature
    payload = f"{opinion.adviser_id}\n{opinion.signed_at.isoformat()}\n{opinion.opinion}"
    return hashlib.sha256(payload.encode()).hexdigest()


@transaction.atomic
def review_sign_adviser_opinion(*, decision: Decision, actor: User, opinion_id: int, opinion: str) -> AdviserOpinion:
    """Art 28: the adviser writes and signs their own opinion; once signed it does not change."""
    decision, review = _open_round(decision, actor, access.is_adviser)
    _not_issued(review)
    try:
        record = review.adviser_opinions.select_for_update().get(pk=opinion_id)
    except AdviserOpinion.DoesNotExist:
        raise DecisionError(ErrorCode.NOT_FOUND, _("No such request for an opinion.")) from None
    if record.adviser_id != actor.pk:
        raise _forbidden(_("Only the adviser who was asked can sign this opinion."))
    if not record.is_open:
        raise DecisionError(ErrorCode.WRONG_STATE, _("This opinion is already signed or its request withdrawn."))
    record.opinion = _text(opinion, "opinion", _("Write the opinion."))
    record.signed_at = timezone.now()
    record.signature = adviser_signature(record)
    record.save(update_fields=["opinion", "signed_at", "signature", "updated_at"])
    _log(decision, actor, ReviewEvent.SIGN_ADVISER_OPINION)
    return record


@transaction.atomic
def review_withdraw_adviser_request(*, decision: Decision, actor: User, opinion_id: int) -> AdviserOpinion:
    """The reviewer withdraws a request that has not been answered (e.g. the adviser is unavailable)."""
    decision, review = _open_round(decision, actor, access.may_write)
    _not_issued(review)
    try:
        record = review.adviser_opinions.select_for_update().get(pk=opinion_id)
    except AdviserOpinion.DoesNotExist:
        raise DecisionError(ErrorCode.NOT_FOUND, _("No such request for an opinion.")) from None
    if not record.is_open:
        raise DecisionError(ErrorCode.WRONG_STATE, _("This opinion is already signed or its request withdrawn."))
    record.withdrawn_at = timezone.now()
    record.save(update_fields=["withdrawn_at", "updated_at"])
    _log(decision, actor, ReviewEvent.WITHDRAW_ADVISER_REQUEST)
    return record


# --------------------------------------------------------------------------- the opinion


def _item_values(clause: str, problem_type: str, problem: str, legal_basis: str, suggested_change: str) -> dict:
    errors = {}
    values = {
        "clause": (clause or "").strip(),
        "problem": (problem or "").strip(),
        "legal_basis": (legal_basis or "").strip(),
        "suggested_change": (suggested_change or "").strip(),
    }
    for name, value in values.items():
        if not value:
            errors[name] = [_("Required.")]
    if problem_type not in ProblemType.values:
        errors["problem_type"] = [_("Choose authority, procedure or content (Art 27).")]
    if errors:
        raise DecisionError(
            ErrorCode.INVALID,
            _("Each item names the clause, the kind of problem, the problem, the legal basis and the change."),
            fields=errors,
        )
    if len(values["clause"]) > 200:
        raise _invalid(_("Keep the clause reference under 200 characters."), clause=_("Too long."))
    return {**values, "problem_type": problem_type}


@transaction.atomic
def review_add_item(
    *,
    decision: Decision,
    actor: User,
    clause: str,
    problem_type: str,
    problem: str,
    legal_basis: str,
    suggested_change: str,
) -> ReviewItem:
    """Art 27: an item of the opinion: the clause concerned, the problem (authority, procedure or
    content), the legal basis cited and the suggested change. Items are numbered without gaps."""
    decision, review = _open_round(decision, actor, access.may_write)
    _accepted(review)
    _not_issued(review)
    _writer(review, actor, decision)
    values = _item_values(clause, problem_type, problem, legal_basis, suggested_change)
    number = (review.items.aggregate(m=Max("number"))["m"] or 0) + 1
    return ReviewItem.objects.create(review=review, number=number, **values)


@transaction.atomic
def review_update_item(
    *,
    decision: Decision,
    actor: User,
    item_id: int,
    clause: str,
    problem_type: str,
    problem: str,
    legal_basis: str,
    suggested_change: str,
) -> ReviewItem:
    decision, review = _open_round(decision, actor, access.may_write)
    _not_issued(review)
    _writer(review, actor, decision)
    try:
        item = review.items.select_for_update().get(pk=item_id)
    except ReviewItem.DoesNotExist:
        raise DecisionError(ErrorCode.NOT_FOUND, _("No such item.")) from None
    values = _item_values(clause, problem_type, problem, legal_basis, suggested_change)
    for name, value in values.items():
        setattr(item, name, value)
    item.save(update_fields=[*values, "updated_at"])
    return item


@transaction.atomic
def review_delete_item(*, decision: Decision, actor: User, item_id: int) -> None:
    """Removing an item renumbers the ones after it, so the letter's numbering has no gaps."""
    decision, review = _open_round(decision, actor, access.may_write)
    _not_issued(review)
    _writer(review, actor, decision)
    items = list(review.items.select_for_update().order_by("number"))
    target = next((item for item in items if item.pk == int(item_id)), None)
    if target is None:
        raise DecisionError(ErrorCode.NOT_FOUND, _("No such item."))
    target.delete()
    for item in items:
        if item.number > target.number:
            item.number -= 1
            item.save(update_fields=["number", "updated_at"])


@transaction.atomic
def review_record_opinion(
    *,
    decision: Decision,
    actor: User,
    conclusion: str,
    reasons: str,
    legal_risk: str = "",
    despite_items: bool = False,
) -> LegalityReview:
    """Art 27–28: the legal office states its conclusion with reasons and legal basis; an exploratory
    reform states its legal risk openly (Art 25). A "lawful" conclusion while problem items are on
    the record contradicts them: the writer is warned and must confirm it (``despite_items``), and
    the confirmation is kept in the log."""
    decision, review = _open_round(decision, actor, access.may_write)
    _accepted(review)
    _not_issued(review)
    _writer(review, actor, decision)
    if conclusion not in Conclusion.values:
        raise DecisionError(
            ErrorCode.INVALID, _("Unknown conclusion."), fields={"conclusion": [_("Unknown conclusion.")]}
        )
    if not (reasons or "").strip():
        raise DecisionError(
            ErrorCode.INVALID, _("State the reasons and legal basis."), fields={"reasons": [_("Required.")]}
        )
    if conclusion == Conclusion.EXPLORATORY_WITH_RISK and not (legal_risk or "").strip():
        raise DecisionError(
            ErrorCode.INVALID,
            _("An exploratory reform must state its legal risk openly."),
            article="Art 25",
            rule=ReviewRule.EXPLORATORY_STATES_RISK,
            fields={"legal_risk": [_("Required.")]},
        )
    open_items = review.items.count() if conclusion == Conclusion.LAWFUL else 0
    if open_items and not despite_items:
        message = ngettext(
            "The conclusion is “lawful” but %(count)d problem item is recorded: remove it or confirm the conclusion.",
            "The conclusion is “lawful” but %(count)d problem items are recorded: remove them or confirm the "
            "conclusion.",
            open_items,
        ) % {"count": open_items}
        raise DecisionError(ErrorCode.INVALID, message, fields={"despite_items": [message]})
    review.conclusion = conclusion
    review.reasons = reasons.strip()
    review.legal_risk = (legal_risk or "").strip() if conclusion == Conclusion.EXPLORATORY_WITH_RISK else ""
    review.written_by = actor
    review.save(update_fields=["conclusion", "reasons", "legal_risk", "written_by", "updated_at"])
    with decision_services.record_language():
        comment = str(Conclusion(conclusion).label)
        if open_items:
            comment += "; " + ngettext(
                "confirmed despite %(count)d problem item", "confirmed despite %(count)d problem items", open_items
            ) % {"count": open_items}
    _log(decision, actor, ReviewEvent.RECORD_OPINION, comment)
    return review


def _next_document_number(office: Department, year: int) -> int:
    """The office's next number of the year. The sequence row is locked until the issuing
    transaction ends, so numbers are unique, and a rolled-back issue gives its number back: no gaps."""
    DocumentNumberSequence.objects.get_or_create(office=office, year=year)
    sequence = DocumentNumberSequence.objects.select_for_update().get(office=office, year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number", "updated_at"])
    return sequence.last_number


@transaction.atomic
def review_issue_opinion(*, decision: Decision, actor: User) -> LegalityReview:
    """Only the legal office head signs and issues the opinion, with the office's next document
    number of the year (X司法审〔2026〕17号), without gaps or duplicates. An unlawful opinion sends the
    decision back to preparing (Art 25). The letter (PDF and Word) is generated after commit."""
    decision, review = _open_round(decision, actor, access.may_issue)
    _not_issued(review)
    _refuse(gates.issue_refusals(review))
    office = Department.objects.get(government_id=decision.government_id, kind=Department.Kind.LEGAL_OFFICE)
    now = timezone.now()
    year = timezone.localdate(now).year
    number = _next_document_number(office, year)
    review.document_number = f"{decision.government.short_name}司法审〔{year}〕{number}号"
    review.issued_at = now
    review.issued_by = actor
    review.letter_content = letter_content(review)
    review.save(update_fields=["document_number", "issued_at", "issued_by", "letter_content", "updated_at"])
    _log(decision, actor, ReviewEvent.ISSUE, f"{review.document_number} · {Conclusion(review.conclusion).label}")
    if review.conclusion == Conclusion.UNLAWFUL:
        _return_round(
            decision,
            review,
            actor,
            _("The legality review found the draft unlawful (%(number)s).") % {"number": review.document_number},
        )
    review_id = review.pk
    transaction.on_commit(lambda: _enqueue_letters(review_id))
    return review


def _enqueue_letters(review_id: int) -> None:
    # With the broker down the opinion is still issued; its letters are rendered by the scan of
    # letters missing (reviews.tasks.render_missing_letters, Celery beat) or on first download,
    # whichever comes first, from the content fixed at issue: a failed publish is only logged.
    from reviews.tasks import generate_opinion_letters  # the tasks module imports this one

    enqueue_safely(generate_opinion_letters, review_id)


# --------------------------------------------------------------------------- the sponsor's answer


@transaction.atomic
def review_answer_item(*, decision: Decision, actor: User, item_id: int, response: str, reason: str = "") -> ReviewItem:
    """Art 28: the sponsor answers each item of an opinion asking for changes: adopted, partly
    adopted or not adopted, with the reason when not fully adopted."""
    decision, review = _open_round(decision, actor, access.may_answer)
    _awaiting_answer(review)
    if response not in ItemResponse.values:
        raise _invalid(_("Answer adopted, partly adopted or not adopted."), response=_("Unknown answer."))
    reason = (reason or "").strip()
    if response != ItemResponse.ADOPTED and not reason:
        raise _invalid(_("Give the reason an item is not fully adopted."), reason=_("Required."))
    try:
        item = review.items.select_for_update().get(pk=item_id)
    except ReviewItem.DoesNotExist:
        raise DecisionError(ErrorCode.NOT_FOUND, _("No such item.")) from None
    item.response = response
    item.response_reason = reason
    item.responded_by = actor
    item.responded_at = timezone.now()
    item.save(update_fields=["response", "response_reason", "responded_by", "responded_at", "updated_at"])
    _log(decision, actor, ReviewEvent.ANSWER_ITEM, f"{item.number}: {ItemResponse(response).label}")
    return item


def _awaiting_answer(review: LegalityReview) -> None:
    if not review.is_issued or review.conclusion != Conclusion.LAWFUL_WITH_CHANGES:
        raise DecisionError(ErrorCode.WRONG_STATE, _("Only an issued opinion asking for changes is answered."))
    if review.changes_confirmed_at is not None:
        raise DecisionError(ErrorCode.WRONG_STATE, _("The answer has already been confirmed."))


@transaction.atomic
def review_hand_in_revised_draft(*, decision: Decision, actor: User, uploaded_file: UploadedFile) -> Attachment:
    """Art 28: the sponsor adjusts the draft to the opinion and hands in the revised draft."""

    decision, review = _open_round(decision, actor, access.may_answer)
    _awaiting_answer(review)
    attachment = decision_services.attachment_upload(
        decision=decision, actor=actor, uploaded_file=uploaded_file, kind=Attachment.Kind.DRAFT, by_service=True
    )
    review.revised_draft = attachment
    review.save(update_fields=["revised_draft", "updated_at"])
    _log(decision, actor, ReviewEvent.HAND_IN_REVISED_DRAFT, attachment.original_name)
    return attachment


@transaction.atomic
def review_confirm_changes(*, decision: Decision, actor: User) -> LegalityReview:
    """Art 28: the reviewer confirms the sponsor answered every item and adjusted the draft; only
    then can the decision be cleared for the meeting."""
    decision, review = _open_round(decision, actor, access.may_write)
    _awaiting_answer(review)
    _refuse(gates.response_refusals(review))
    review.changes_confirmed_at = timezone.now()
    review.changes_confirmed_by = actor
    review.save(update_fields=["changes_confirmed_at", "changes_confirmed_by", "updated_at"])
    _log(decision, actor, ReviewEvent.CONFIRM_CHANGES)
    return review


# --------------------------------------------------------------------------- the letter


@transaction.atomic
def review_generate_letters(*, review: LegalityReview) -> list[OpinionLetter]:
    """Render the issued opinion letter as PDF and Word and store each with its checksum. Idempotent:
    a stored letter whose file is intact is kept as it is; a missing one is rendered again from the
    content fixed at issue, which gives the same bytes."""
    review = LegalityReview.objects.select_for_update().get(pk=review.pk)
    if not review.is_issued or not review.letter_content:
        raise DecisionError(ErrorCode.WRONG_STATE, _("Only an issued opinion has a letter."))
    letters = []
    existing = {letter.format: letter for letter in review.letters.all()}
    for fmt in LetterFormat.values:
        letter = existing.get(fmt)
        if letter is not None and _file_intact(letter):
            letters.append(letter)
            continue
        data = RENDERERS[fmt](review.letter_content)
        digest = hashlib.sha256(data).hexdigest()
        if letter is None:
            letter = OpinionLetter(review=review, format=fmt)
        letter.sha256 = digest
        letter.size = len(data)
        letter.file.save(f"{digest}.{fmt}", ContentFile(data), save=False)
        letter.save()
        letters.append(letter)
    return letters


def review_render_missing_letters() -> int:
    """Every issued opinion has its letter in each format: those a broker outage at issue time left
    unrendered are rendered now (each in its own transaction, so one failure stops no other)."""
    missing = (
        LegalityReview.objects.filter(issued_at__isnull=False)
        .annotate(stored=Count("letters"))
        .filter(stored__lt=len(LetterFormat.values))
        .values_list("pk", flat=True)
    )
    done = 0
    for review_id in list(missing):
        with transaction.atomic():
            review_generate_letters(review=LegalityReview(pk=review_id))
        done += 1
    return done


def _file_intact(letter: OpinionLetter) -> bool:
    try:
        with letter.file.open("rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest() == letter.sha256
    except (FileNotFoundError, ValueError):
        return False


# --------------------------------------------------------------------------- second review of the final text


@transaction.atomic
def review_send_final_text(
    *, decision: Decision, actor: User, text_kind: str, uploaded_file: UploadedFile
) -> FinalTextReview:
    """Second review (二次审查, where the government's rules ask for it): after the meeting, the text to
    be issued goes back to the legal office for wording and consistency before publication."""

    decision = decision_services.lock_decision(decision)
    if not access.may_send_final_text(actor, decision):
        raise _forbidden(_("The final text is sent by the sponsor or the government office."))
    if not rules_for(decision.government).second_review_enabled:
        raise DecisionError(
            ErrorCode.RULE, _("This government does not use a second review."), rule=ReviewRule.SECOND_REVIEW_ENABLED
        )
    if decision.state != DecisionState.DECIDED:
        raise DecisionError(
            ErrorCode.WRONG_STATE, _("The final text is checked after the meeting, before publication.")
        )
    if text_kind not in FinalTextKind.values:
        raise _invalid(_("Unknown kind of text."), text_kind=_("Unknown kind of text."))
    if decision.final_text_reviews.filter(result="").exists():
        raise DecisionError(ErrorCode.WRONG_STATE, _("A final text is already waiting for its check."))
    attachment = decision_services.attachment_upload(
        decision=decision,
        actor=actor,
        uploaded_file=uploaded_file,
        kind=Attachment.Kind.MINUTES if text_kind == FinalTextKind.MINUTES else Attachment.Kind.OTHER,
        by_service=True,
    )
    record = FinalTextReview.objects.create(
        decision=decision, text_kind=text_kind, attachment=attachment, requested_by=actor
    )
    with decision_services.record_language():
        _log(decision, actor, ReviewEvent.SEND_FINAL_TEXT, str(FinalTextKind(text_kind).label))
    return record


@transaction.atomic
def review_check_final_text(
    *, decision: Decision, actor: User, final_text_id: int, result: str, notes: str = ""
) -> FinalTextReview:
    """The legal office records the second review: consistent, or the changes needed (with notes)."""
    decision = decision_services.lock_decision(decision)
    if not access.may_write(actor, decision):
        raise _forbidden(_("Your role does not allow this action on this review."))
    if decision.state != DecisionState.DECIDED:
        raise DecisionError(
            ErrorCode.WRONG_STATE, _("The final text is checked after the meeting, before publication.")
        )
    try:
        record = decision.final_text_reviews.select_for_update().get(pk=final_text_id)
    except FinalTextReview.DoesNotExist:
        raise DecisionError(ErrorCode.NOT_FOUND, _("No such final text.")) from None
    if record.result:
        raise DecisionError(ErrorCode.WRONG_STATE, _("This text has already been checked."))
    if result not in FinalTextResult.values:
        raise _invalid(_("Unknown result."), result=_("Unknown result."))
    notes = (notes or "").strip()
    if result == FinalTextResult.CHANGES_NEEDED and not notes:
        raise _invalid(_("Say which changes are needed."), notes=_("Required."))
    record.result = result
    record.notes = notes
    record.reviewed_by = actor
    record.reviewed_at = timezone.now()
    record.save(update_fields=["result", "notes", "reviewed_by", "reviewed_at", "updated_at"])
    with decision_services.record_language():
        _log(decision, actor, ReviewEvent.CHECK_FINAL_TEXT, str(FinalTextResult(result).label))
    return record
