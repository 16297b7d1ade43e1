"""How the draft was made (Art 10–13) and the meeting's packet (Art 29): the drafting record's
entries, written by the lead sponsor while the draft is prepared, and the row of each packet the
government office assembles before the meeting (the PDF itself is rendered by the reporting app,
which reads the whole record; the core keeps the row, the file and the event).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from decisions.choices import DecisionState, EventType, RuleCode
from decisions.constraints import integrity_message
from decisions.errors import DecisionError, ErrorCode
from decisions.models import Attachment, Decision, DraftingRecord, MeetingPacket
from decisions.services.attachments import attachment_upload
from decisions.services.base import _invalid, _require, _validate, lock_decision, record_event

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # the project uses Django's user model
    from django.core.files.uploadedfile import UploadedFile

# Art 10–13 precede the legality review (Art 25): the record of how the draft was made is written
# while it is made, not once it was submitted.
DRAFTING_STATES = frozenset({DecisionState.PROPOSED, DecisionState.PREPARING})
# Art 29: the packet is assembled for the meeting the decision waits for.
PACKET_STATES = frozenset({DecisionState.AWAITING_DECISION})


@transaction.atomic
def drafting_record_add(
    *,
    decision: Decision,
    actor: User,
    kind: str,
    text: str,
    proposer: str = "",
    uploaded_file: UploadedFile[Any] | None = None,
    ip: str | None = None,
) -> DraftingRecord:
    """Add an entry to the drafting record (Art 10–13), with its file if one is given (stored as an
    attachment of the decision, with its checksum and its own event). Entries are final: a later
    entry adds to or corrects an earlier one."""
    decision = lock_decision(decision)
    _require(actor, "drafting", decision)
    if decision.state not in DRAFTING_STATES:
        message = _("The drafting record is written while the draft is prepared, before it is submitted for review.")
        raise DecisionError(ErrorCode.WRONG_STATE, message, article="Art 12", rule=RuleCode.DRAFTING_WHILE_PREPARED)
    if kind not in DraftingRecord.Kind.values:
        raise _invalid(_("Unknown kind of drafting record."), kind=_("Unknown kind of drafting record."))
    text = (text or "").strip()
    if not text:
        raise _invalid(_("A drafting record states what was done."), text=_("A drafting record states what was done."))
    if kind == DraftingRecord.Kind.PROPOSAL and proposer not in DraftingRecord.Proposer.values:
        message = _("A proposal names who proposed the decision.")
        raise DecisionError(ErrorCode.INVALID, message, article="Art 10", fields={"proposer": [message]})
    if kind != DraftingRecord.Kind.PROPOSAL:
        proposer = ""
    record = DraftingRecord(decision=decision, kind=kind, proposer=proposer, text=text, recorded_by=actor)
    _validate(record, exclude=["decision", "attachment"])
    if uploaded_file is not None:
        record.attachment = attachment_upload(
            decision=decision, actor=actor, uploaded_file=uploaded_file, kind=Attachment.Kind.OTHER
        )
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as exc:
        raise _invalid(integrity_message(exc)) from exc
    record_event(
        decision,
        actor=actor,
        transition=EventType.DRAFTING_RECORD,
        from_state=decision.state,
        to_state=decision.state,
        comment=record.get_kind_display(),
        ip=ip,
        details={"id": record.pk, "kind": kind, "attachment": record.attachment_id},
    )
    return record


def packet_refusal(decision: Decision) -> DecisionError | None:
    """Why no packet may be assembled for the decision now (its state), or None."""
    if decision.state in PACKET_STATES:
        return None
    return DecisionError(
        ErrorCode.WRONG_STATE,
        _("The meeting packet is assembled while the decision awaits the collective discussion."),
        article="Art 29",
        rule=RuleCode.MEETING_PACKET_BEFORE_MEETING,
    )


def meeting_packet_check(*, decision: Decision, actor: User) -> None:
    """Refuse before any rendering: the government office, while the decision awaits the meeting."""
    _require(actor, "meeting_packet", decision)
    refusal = packet_refusal(decision)
    if refusal is not None:
        raise refusal


@transaction.atomic
def meeting_packet_record(
    *, decision: Decision, actor: User, content: bytes, page_count: int, ip: str | None = None
) -> MeetingPacket:
    """Keep a generated packet (Art 29): its file under its SHA-256, its page count, who made it;
    one event per generation. Its renderer (``reporting.packet``) reads the record and calls this."""
    decision = lock_decision(decision)
    meeting_packet_check(decision=decision, actor=actor)
    digest = hashlib.sha256(content).hexdigest()
    packet = MeetingPacket(
        decision=decision, size=len(content), sha256=digest, page_count=page_count, generated_by=actor
    )
    packet.file.save(f"{digest}.pdf", ContentFile(content), save=False)
    try:
        with transaction.atomic():
            packet.save()
    except IntegrityError as exc:
        raise _invalid(integrity_message(exc)) from exc
    record_event(
        decision,
        actor=actor,
        transition=EventType.MEETING_PACKET,
        from_state=decision.state,
        to_state=decision.state,
        ip=ip,
        details={"id": packet.pk, "sha256": digest, "size": len(content), "pages": page_count},
    )
    return packet
