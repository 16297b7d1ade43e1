"""The hearing of the public participation step (Art 16–17): its notice, its participants and how
they were selected, the materials sent to them, its record, and each participant's confirmation of
the record or objection to it. Each write keeps the dates the law orders (``Hearing.date_refusals``)
and is an event with its before and after; the gate (``decisions.gates.hearing_refusals``) judges
the whole hearing when the step is completed.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from decisions import extensions
from decisions.changes import snapshot
from decisions.choices import RuleCode
from decisions.errors import DecisionError, ErrorCode
from decisions.models import Attachment, Decision, Hearing, HearingParticipant, ProcedureStep, StepKind
from decisions.rules import rules_for
from decisions.services.attachments import attachment_upload
from decisions.services.base import _invalid, _validate, record_change
from decisions.services.records import _update_record
from decisions.services.steps import _editable, lock_step

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # the project uses Django's user model
    from django.core.files.uploadedfile import UploadedFile


# What the sponsor writes on the hearing; the signed scan is filed by ``hearing_record_scan``.
HEARING_FIELDS = frozenset(
    {
        "draft",
        "hearing_on",
        "hearing_time",
        "place",
        "how_to_apply",
        "application_deadline",
        "notice_published_on",
        "selection_method",
        "selection_detail",
        "participants_published_on",
        "materials_sent_on",
        "record_text",
    }
)
PARTICIPANT_FIELDS = ("name", "represents", "selected_how", "confirmed_on", "objected_on", "objection")
# Once a participant confirmed the record or objected to it, what they answered to stays as it was.
RECORD_FIELDS = frozenset({"record_text", "hearing_on"})


def _step(decision: Decision, actor: User) -> tuple[Decision, ProcedureStep]:
    decision, step = lock_step(decision, StepKind.PUBLIC_PARTICIPATION, actor=actor)
    _editable(step)
    return decision, step


def _hearing(step: ProcedureStep) -> Hearing:
    hearing = Hearing.objects.select_for_update().filter(step=step).first()
    if hearing is None:
        raise DecisionError(
            ErrorCode.WRONG_STATE,
            _("Record the hearing's notice first."),
            article="Art 16",
            rule=RuleCode.HEARING_DATE,
        )
    return hearing


def _refused(rule: str, message: str, article: str, field: str = "") -> DecisionError:
    fields = {field: [message]} if field else {}
    return DecisionError(ErrorCode.INVALID, message, article=article, rule=rule, fields=fields)


@transaction.atomic
def hearing_update(*, decision: Decision, actor: User, **values: Any) -> Hearing:
    """Art 16: the hearing's notice (the draft heard, the time, the place, how and by when to
    apply) published at least the government's ``hearing_notice_lead_days`` before it; the
    participants and how they were selected published before it; the materials sent at least
    ``hearing_materials_lead_days`` before it. Art 17: the record, made once the hearing is held,
    and unchanged once a participant answered to it."""
    decision, step = _step(decision, actor)
    existing = Hearing.objects.select_for_update().filter(step=step).first()
    draft = values.get("draft")
    if draft is not None and (
        not isinstance(draft, Attachment) or draft.decision_id != decision.pk or draft.kind != Attachment.Kind.DRAFT
    ):
        message = _("Choose a draft of this decision.")
        raise _invalid(message, draft=message)
    participants = list(existing.participants.all()) if existing is not None else []
    if values.get("participants_published_on") and not participants:
        raise _refused(
            RuleCode.HEARING_PARTICIPANTS_PUBLISHED,
            _("Add the participants before publishing them."),
            "Art 16",
            "participants_published_on",
        )
    if any(p.answered for p in participants):
        frozen = sorted(name for name in RECORD_FIELDS & set(values) if values[name] != getattr(existing, name))
        if frozen:
            raise _refused(
                RuleCode.HEARING_RECORD_CONFIRMED,
                _("Participants have answered to the hearing record: it is kept as they read it."),
                "Art 17",
                frozen[0],
            )
    today = timezone.localdate()
    if (values.get("record_text") or "").strip():
        day = values.get("hearing_on", existing.hearing_on if existing is not None else None)
        if not isinstance(day, dt.date) or day > today:
            raise _refused(
                RuleCode.HEARING_RECORD_SIGNED,
                _("The hearing record is made once the hearing has been held."),
                "Art 17",
                "record_text",
            )
    rules = rules_for(decision.government)
    hearing = _update_record(
        Hearing,
        step,
        HEARING_FIELDS,
        values,
        actor=actor,
        check=lambda hearing: hearing.date_refusals(
            notice_lead_days=rules.hearing_notice_lead_days,
            materials_lead_days=rules.hearing_materials_lead_days,
        ),
    )
    extensions.record_changed(decision)  # the hearing's materials are a clock
    return hearing


@transaction.atomic
def hearing_record_scan(*, decision: Decision, actor: User, uploaded_file: UploadedFile[Any]) -> Hearing:
    """Art 17: the signed record, scanned, filed with the hearing once it has been held."""
    decision, step = _step(decision, actor)
    hearing = _hearing(step)
    if hearing.hearing_on is None or hearing.hearing_on > timezone.localdate():
        raise _refused(
            RuleCode.HEARING_RECORD_SIGNED,
            _("The hearing record is made once the hearing has been held."),
            "Art 17",
            "file",
        )
    if any(p.answered for p in hearing.participants.all()):
        raise _refused(
            RuleCode.HEARING_RECORD_CONFIRMED,
            _("Participants have answered to the hearing record: it is kept as they read it."),
            "Art 17",
            "file",
        )
    attachment = attachment_upload(
        decision=decision,
        actor=actor,
        uploaded_file=uploaded_file,
        kind=Attachment.Kind.STEP_RECORD,
        step_kind=StepKind.PUBLIC_PARTICIPATION,
    )
    before = snapshot(hearing, ["record_scan"])
    hearing.record_scan = attachment
    hearing.save(update_fields=["record_scan", "updated_at"])
    record_change(decision, hearing, before, actor=actor, state=step.state, step_kind=step.kind)
    return hearing


@transaction.atomic
def hearing_participant_add(
    *, decision: Decision, actor: User, name: str, represents: str, selected_how: str
) -> HearingParticipant:
    """Art 16: a participant, the interest or group they represent and how they were selected;
    the list is complete when it is published, and a published list is not added to."""
    decision, step = _step(decision, actor)
    hearing = _hearing(step)
    if hearing.participants_published_on is not None:
        raise _refused(
            RuleCode.HEARING_PARTICIPANTS_PUBLISHED,
            _("The participants' list has been published: it is not added to."),
            "Art 16",
            "name",
        )
    participant = HearingParticipant(
        hearing=hearing,
        name=(name or "").strip(),
        represents=(represents or "").strip(),
        selected_how=selected_how,
    )
    _validate(participant, exclude=["hearing"])
    participant.save()
    record_change(
        decision, participant, snapshot(None, PARTICIPANT_FIELDS), actor=actor, state=step.state, step_kind=step.kind
    )
    return participant


@transaction.atomic
def hearing_participant_answer(
    *,
    decision: Decision,
    actor: User,
    participant_id: int,
    confirmed_on: dt.date | None = None,
    objected_on: dt.date | None = None,
    objection: str = "",
) -> HearingParticipant:
    """Art 17: a participant confirms the hearing record, or refuses to, with their objection. The
    answer is recorded once and kept: neither a confirmation nor an objection is ever replaced."""
    decision, step = _step(decision, actor)
    hearing = _hearing(step)
    try:
        participant = hearing.participants.select_for_update().get(pk=participant_id)
    except HearingParticipant.DoesNotExist:
        raise DecisionError(ErrorCode.NOT_FOUND, _("No such hearing participant.")) from None
    if participant.answered:
        raise _refused(
            RuleCode.HEARING_RECORD_CONFIRMED,
            _("This participant's answer to the record is already recorded and is kept as it was."),
            "Art 17",
            "confirmed_on",
        )
    if not hearing.has_record:
        raise _refused(
            RuleCode.HEARING_RECORD_SIGNED,
            _("Make the hearing record before the participants confirm it."),
            "Art 17",
            "confirmed_on",
        )
    objection = (objection or "").strip()
    if (confirmed_on is None) == (objected_on is None):
        message = _("Record either the participant's confirmation or their objection, with its date.")
        raise _invalid(message, confirmed_on=message)
    if objected_on is not None and not objection:
        message = _("State the participant's objection to the record.")
        raise _invalid(message, objection=message)
    day = confirmed_on or objected_on
    assert day is not None
    if hearing.hearing_on is None or day < hearing.hearing_on or day > timezone.localdate():
        message = _("The answer is dated on or after the hearing, and not in the future.")
        field = "confirmed_on" if confirmed_on is not None else "objected_on"
        raise _refused(RuleCode.HEARING_RECORD_CONFIRMED, message, "Art 17", field)
    before = snapshot(participant, PARTICIPANT_FIELDS)
    participant.confirmed_on = confirmed_on
    participant.objected_on = objected_on
    participant.objection = objection if objected_on is not None else ""
    _validate(participant, exclude=["hearing"])
    participant.save(update_fields=["confirmed_on", "objected_on", "objection", "updated_at"])
    record_change(decision, participant, before, actor=actor, state=step.state, step_kind=step.kind)
    return participant
