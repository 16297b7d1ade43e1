"""Every write of the public side. A member of the public submits a comment (``comment_submit``);
the lead sponsor's staff configure the consultation, enter comments received by letter or at a
symposium, hide abusive ones with a reason, group duplicates and answer (Art 15–18). Each answer
regenerates the adoption summary, which the core keeps as the participation step's record."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations import periods, throttle
from consultations.articles import split_articles
from consultations.choices import Channel, ConsultationEvent, ConsultationRule, Handling
from consultations.models import Comment, Consultation, ExecutionFeedback
from consultations.summary import summarise
from decisions import changes, limits, services
from decisions.errors import DecisionError, ErrorCode
from decisions.models import Decision, DecisionState, Membership, ParticipationRecord, StepKind, StepState

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # the project uses Django's user model

# Unambiguous letters and digits (no 0/O, 1/I/L): read over the telephone, typed from a receipt.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _invalid(message: str, **fields: str) -> DecisionError:
    return DecisionError(ErrorCode.INVALID, message, fields={k: [v] for k, v in fields.items()})


def new_tracking_number() -> str:
    """``YJ`` and ten random characters: unguessable, so a number reveals one comment's answer only
    to whoever holds it."""
    return "YJ" + "".join(secrets.choice(_ALPHABET) for _ in range(10))


def _sponsor_step(actor: User, decision: Decision) -> Consultation:
    """The lead sponsor's staff act on the consultation while the participation step is open."""
    decision, step = services.lock_step(decision, StepKind.PUBLIC_PARTICIPATION, actor=actor)
    if step.state != StepState.IN_PROGRESS:
        raise DecisionError(
            ErrorCode.WRONG_STATE,
            _("The public participation step is not in progress: reopen it to change its comments."),
            article="Art 18",
        )
    record = ParticipationRecord.objects.filter(step=step).select_related("step__decision").first()
    if record is None:
        raise _invalid(_("Record the call for comments and its period first."))
    consultation, _created = Consultation.objects.get_or_create(record=record)
    return consultation


def _text(value: str, field: str, *, required: str, limit: int = limits.REASON_MAX_LENGTH) -> str:
    text = (value or "").strip()
    if not text:
        raise _invalid(required, **{field: required})
    if len(text) > limit:
        message = _("At most %(limit)d characters.") % {"limit": limit}
        raise _invalid(message, **{field: message})
    return text


def _line(value: str, field: str) -> str:
    text = (value or "").strip()
    if len(text) > limits.LINE_MAX_LENGTH:
        message = _("At most %(limit)d characters.") % {"limit": limits.LINE_MAX_LENGTH}
        raise _invalid(message, **{field: message})
    return text


def _optional(value: str, field: str) -> str:
    text = (value or "").strip()
    return _text(text, field, required="") if text else ""


def _check_article(consultation: Consultation, article: int | None) -> None:
    if article is not None and article not in {a.number for a in split_articles(consultation.draft_text)}:
        message = _("The draft has no such article.")
        raise _invalid(message, article=message)


@transaction.atomic
def consultation_configure(
    *,
    actor: User,
    decision: Decision,
    name_required: bool = False,
    draft_text: str = "",
    postal_address: str = "",
    email: str = "",
    symposium_note: str = "",
) -> Consultation:
    """The sponsor sets how the call takes comments: the draft's text (for comments by article),
    whether a name is required, the ways to comment besides the form (Art 15). The hearing's
    notice is the core's record (``decisions.services.hearing_update``, Art 16)."""
    consultation = _sponsor_step(actor, decision)
    consultation.name_required = bool(name_required)
    consultation.draft_text = (draft_text or "").strip()
    consultation.postal_address = _line(postal_address, "postal_address")
    consultation.email = _line(email, "email")
    consultation.symposium_note = _optional(symposium_note, "symposium_note")
    consultation.save()
    return consultation


# What the record of a staff act on a comment keeps, before and after. Never the personal data
# (name, contact, address): the decision's history is read more widely than the inbox.
COMMENT_ENTRY_FIELDS = ("tracking_number", "channel", "article")
COMMENT_ACT_FIELDS: dict[str, tuple[str, ...]] = {
    ConsultationEvent.COMMENT_ANSWER: ("handling", "answer"),
    ConsultationEvent.COMMENT_HIDE: ("hidden", "hidden_reason"),
    ConsultationEvent.COMMENT_UNHIDE: ("hidden", "hidden_reason"),
    ConsultationEvent.COMMENT_GROUP: ("group_lead",),
    ConsultationEvent.COMMENT_UNGROUP: ("group_lead",),
}


def _record_act(actor: User, comment: Comment, transition: str, before: dict[str, object]) -> None:
    """The act on the decision's append-only record, named by the comment's tracking number."""
    services.record_change(
        comment.consultation.record.step.decision,
        comment,
        before,
        actor=actor,
        transition=transition,
        comment=comment.tracking_number,
    )


def _create(consultation: Consultation, **values: object) -> Comment:
    comment = Comment(consultation=consultation, tracking_number=new_tracking_number(), **values)
    comment.save()
    return comment


@transaction.atomic
def comment_submit(
    *,
    record: ParticipationRecord,
    text: str,
    article: int | None = None,
    name: str = "",
    contact: str = "",
    ip: str | None = None,
    now: dt.datetime | None = None,
) -> Comment:
    """Art 15: a member of the public comments on the whole draft or one article while the period
    runs; the period ends exactly at the end of its last day, server time. The comment gets a
    tracking number to follow it with."""
    record = ParticipationRecord.objects.select_related("step__decision").get(pk=record.pk)
    consultation, _created = Consultation.objects.get_or_create(record=record)
    if not periods.is_open(record, now):
        raise DecisionError(
            ErrorCode.WRONG_STATE,
            _("This consultation is not taking comments: its comment period is not running."),
            article="Art 15",
            rule=ConsultationRule.CONSULTATION_OPEN,
        )
    body = _text(text, "text", required=_("Write your comment."))
    person = _line(name, "name")
    if consultation.name_required and not person:
        message = _("This consultation asks for your name.")
        raise DecisionError(
            ErrorCode.INVALID, message, rule=ConsultationRule.COMMENT_NAME_REQUIRED, fields={"name": [message]}
        )
    reach = _line(contact, "contact")
    _check_article(consultation, article)
    if not throttle.comment_allowed(ip=ip, consultation_id=consultation.pk):
        raise DecisionError(
            ErrorCode.RULE,
            _("Too many comments were sent from here in a short time. Please try again in a few minutes."),
            rule=ConsultationRule.COMMENT_RATE_LIMITED,
        )
    return _create(consultation, text=body, article=article, name=person, contact=reach, ip=ip)


@transaction.atomic
def comment_enter(
    *,
    actor: User,
    decision: Decision,
    channel: str,
    text: str,
    article: int | None = None,
    name: str = "",
    contact: str = "",
) -> Comment:
    """Art 14: comments received by letter, at a symposium or a hearing go into the same inbox,
    entered by the sponsor's staff, and are answered like the others."""
    consultation = _sponsor_step(actor, decision)
    if channel not in Channel.values or channel == Channel.ONLINE:
        message = _("Choose how the comment was received.")
        raise _invalid(message, channel=message)
    body = _text(text, "text", required=_("Write the comment as received."))
    _check_article(consultation, article)
    comment = _create(
        consultation,
        channel=channel,
        text=body,
        article=article,
        name=_line(name, "name"),
        contact=_line(contact, "contact"),
        entered_by=actor,
    )
    _record_act(actor, comment, ConsultationEvent.COMMENT_ENTER, changes.snapshot(None, COMMENT_ENTRY_FIELDS))
    _refresh_summary(consultation, actor)
    return comment


def _own_comment(actor: User, comment: Comment) -> tuple[Consultation, Comment]:
    consultation = _sponsor_step(actor, comment.consultation.record.step.decision)
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    locked.consultation = consultation
    return consultation, locked


def _before(comment: Comment, transition: str) -> dict[str, object]:
    return changes.snapshot(comment, COMMENT_ACT_FIELDS[transition])


@transaction.atomic
def comment_hide(*, actor: User, comment: Comment, reason: str) -> Comment:
    """Abusive content is hidden from the count and the answers, and kept on record with why."""
    consultation, comment = _own_comment(actor, comment)
    before = _before(comment, ConsultationEvent.COMMENT_HIDE)
    comment.hidden = True
    comment.hidden_reason = _text(reason, "hidden_reason", required=_("Give the reason for hiding it."))
    comment.save(update_fields=["hidden", "hidden_reason", "updated_at"])
    _record_act(actor, comment, ConsultationEvent.COMMENT_HIDE, before)
    _refresh_summary(consultation, actor)
    return comment


@transaction.atomic
def comment_unhide(*, actor: User, comment: Comment) -> Comment:
    consultation, comment = _own_comment(actor, comment)
    before = _before(comment, ConsultationEvent.COMMENT_UNHIDE)
    comment.hidden = False
    comment.hidden_reason = ""
    comment.save(update_fields=["hidden", "hidden_reason", "updated_at"])
    _record_act(actor, comment, ConsultationEvent.COMMENT_UNHIDE, before)
    _refresh_summary(consultation, actor)
    return comment


@transaction.atomic
def comment_group(*, actor: User, comment: Comment, lead: Comment | None) -> Comment:
    """Duplicates are grouped under one comment and share its answer; ``lead`` None ungroups."""
    consultation, comment = _own_comment(actor, comment)
    if lead is not None:
        if lead.consultation_id != consultation.pk or lead.pk == comment.pk:
            message = _("Group it under another comment of the same consultation.")
            raise _invalid(message, group_lead=message)
        if lead.group_lead_id:
            lead = lead.group_lead
        if comment.grouped.exists():
            message = _("Comments are grouped under this one: ungroup them first.")
            raise _invalid(message, group_lead=message)
    transition = ConsultationEvent.COMMENT_GROUP if lead is not None else ConsultationEvent.COMMENT_UNGROUP
    before = _before(comment, transition)
    comment.group_lead = lead
    comment.save(update_fields=["group_lead", "updated_at"])
    _record_act(actor, comment, transition, before)
    _refresh_summary(consultation, actor)
    return comment


@transaction.atomic
def comment_answer(*, actor: User, comment: Comment, handling: str, answer: str) -> Comment:
    """Art 18: each comment (or group of duplicates) is answered: adopted, partly adopted or not
    adopted, with the reason. The adoption summary follows at once."""
    consultation, comment = _own_comment(actor, comment)
    if comment.group_lead_id:
        message = _("This comment is answered with its group.")
        raise _invalid(message, handling=message)
    if handling not in Handling.values:
        message = _("Choose adopted, partly adopted or not adopted.")
        raise DecisionError(
            ErrorCode.INVALID,
            message,
            article="Art 18",
            rule=ConsultationRule.COMMENT_ANSWERED,
            fields={"handling": [message]},
        )
    before = _before(comment, ConsultationEvent.COMMENT_ANSWER)
    comment.answer = _text(answer, "answer", required=_("Give the reason for how it was taken up."))
    comment.handling = handling
    comment.answered_at = timezone.now()
    comment.answered_by = actor
    comment.save(update_fields=["handling", "answer", "answered_at", "answered_by", "updated_at"])
    _record_act(actor, comment, ConsultationEvent.COMMENT_ANSWER, before)
    _refresh_summary(consultation, actor)
    return comment


@transaction.atomic
def summary_record(*, actor: User, decision: Decision) -> ParticipationRecord:
    """Write the adoption summary as the step's record now (a consultation that received no
    comment has one too)."""
    consultation = _sponsor_step(actor, decision)
    return _refresh_summary(consultation, actor)


def _refresh_summary(consultation: Consultation, actor: User) -> ParticipationRecord:
    summary = summarise(consultation.comments.select_related("group_lead"))
    return services.participation_record_adoption(
        decision=consultation.record.step.decision,
        actor=actor,
        comments_count=summary.received,
        comments_adopted=summary.adopted,
        comments_partly_adopted=summary.partly,
        adoption_summary=summary.text(),
    )


# --------------------------------------------------------------------------- feedback on the execution (Art 35)


@transaction.atomic
def feedback_submit(
    *, decision: Decision, text: str, name: str = "", contact: str = "", ip: str | None = None
) -> ExecutionFeedback:
    """Art 35: while a decision is carried out, the public tells how it goes; the feedback reaches
    the executing unit's inbox."""
    if decision.state != DecisionState.IMPLEMENTING:
        raise DecisionError(
            ErrorCode.WRONG_STATE,
            _("Feedback is taken while the decision is being carried out."),
            article="Art 35",
            rule=ConsultationRule.FEEDBACK_OPEN,
        )
    body = _text(text, "text", required=_("Write your feedback."))
    person, reach = _line(name, "name"), _line(contact, "contact")
    if not throttle.comment_allowed(ip=ip, consultation_id=-decision.pk):
        raise DecisionError(
            ErrorCode.RULE,
            _("Too many comments were sent from here in a short time. Please try again in a few minutes."),
            rule=ConsultationRule.COMMENT_RATE_LIMITED,
        )
    return ExecutionFeedback.objects.create(
        decision=decision,
        tracking_number="FK" + new_tracking_number()[2:],
        text=body,
        name=person,
        contact=reach,
        ip=ip,
    )


@transaction.atomic
def feedback_reply(*, actor: User, feedback: ExecutionFeedback, reply: str) -> ExecutionFeedback:
    """The executing unit answers a piece of feedback (Art 35)."""
    locked = ExecutionFeedback.objects.select_for_update().select_related("decision").get(pk=feedback.pk)
    if not executing_staff(actor, locked.decision):
        raise DecisionError(ErrorCode.FORBIDDEN, _("Only the executing unit answers this feedback."))
    before = changes.snapshot(locked, ["reply"])
    locked.reply = _text(reply, "reply", required=_("Write the reply."))
    locked.replied_at = timezone.now()
    locked.replied_by = actor
    locked.save(update_fields=["reply", "replied_at", "replied_by", "updated_at"])
    services.record_change(
        locked.decision,
        locked,
        before,
        actor=actor,
        transition=ConsultationEvent.FEEDBACK_REPLY,
        comment=locked.tracking_number,
    )
    return locked


def executing_staff(user: User, decision: Decision) -> bool:
    """The staff of the decision's executing unit (Art 34) read and answer its feedback."""
    return bool(
        decision.executing_unit_id
        and Membership.objects.filter(user_id=user.pk, department_id=decision.executing_unit_id).exists()
    )
