"""Attachments: only the allowed types (by extension and by content) and sizes, each stored with its
SHA-256.
"""

from __future__ import annotations

import hashlib
import zipfile
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.storage import Storage
from django.db import transaction
from django.utils.translation import gettext as _

from decisions.choices import EventType
from decisions.errors import DecisionError, ErrorCode
from decisions.models import (
    Attachment,
    Decision,
    DecisionState,
    StepKind,
    attachment_path,
)
from decisions.services.base import (
    _invalid,
    _require,
    lock_decision,
    record_event,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # the project uses Django's user model
    from django.core.files.uploadedfile import UploadedFile


# --------------------------------------------------------------------------- files, execution, evaluation

# The first bytes each allowed type starts with; the extension alone is not trusted.
_SIGNATURES = {
    "pdf": (b"%PDF",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "ofd": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}


# Word, Excel and OFD files are zip packages; each has a part the others do not.
_PACKAGE_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "ofd": "OFD.xml"}


def _package_matches(uploaded_file: UploadedFile[Any], extension: str) -> bool:
    part = _PACKAGE_PARTS.get(extension)
    if part is None:
        return True
    uploaded_file.seek(0)
    try:
        with zipfile.ZipFile(uploaded_file) as package:
            return part in package.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


_K = Attachment.Kind
# The kinds of file the attachment form and the API accept in each state of the decision. The draft
# (and its drafting explanation) change only while it is prepared: from submission on, only the
# legality review's own actions hand in a draft (the materials of a round before its opinion, the
# revised draft answering it; they pass ``by_service``), so the meeting discusses the text the legal
# office saw. A decided decision takes its minutes; after publication files come only with the
# records of the later steps (an execution report, an evaluation), through their services.
UPLOADS_BY_STATE: dict[str, frozenset[str]] = {
    DecisionState.PROPOSED: frozenset({_K.DRAFT, _K.EXPLANATION, _K.LEGAL_BASIS, _K.OTHER}),
    DecisionState.PREPARING: frozenset(set(_K.values) - {_K.MINUTES}),
    DecisionState.LEGALITY_REVIEW: frozenset({_K.LEGAL_BASIS, _K.OTHER}),
    DecisionState.AWAITING_DECISION: frozenset({_K.MINUTES, _K.OTHER}),
    DecisionState.DEFERRED: frozenset({_K.MINUTES, _K.OTHER}),
    DecisionState.DECIDED: frozenset({_K.MINUTES, _K.OTHER}),
}


def upload_kinds(decision: Decision) -> frozenset[str]:
    """The kinds of file the attachment form offers now."""
    return UPLOADS_BY_STATE.get(decision.state, frozenset())


def _upload_allowed(decision: Decision, kind: str, step_kind: str | None) -> None:
    allowed = upload_kinds(decision)
    if kind in allowed and (not step_kind or decision.state == DecisionState.PREPARING):
        return
    if not allowed:
        message = _("No file can be added to a decision that is “%(state)s”.") % {"state": decision.get_state_display()}
    elif kind in (_K.DRAFT, _K.EXPLANATION):
        message = _(
            "The draft under legality review or reviewed changes only through the review "
            "(the submission's materials, or the revised draft answering the opinion)."
        )
    else:
        message = _("A file of kind “%(kind)s” cannot be added while the decision is “%(state)s”.") % {
            "kind": _K(kind).label,
            "state": decision.get_state_display(),
        }
    raise DecisionError(ErrorCode.WRONG_STATE, message, fields={"kind": [message]})


@transaction.atomic
def attachment_upload(
    *,
    decision: Decision,
    actor: User,
    uploaded_file: UploadedFile[Any],
    kind: str = Attachment.Kind.OTHER,
    step_kind: str | None = None,
    by_service: bool = False,
) -> Attachment:
    """Store a file with its SHA-256 checksum; only the allowed types and sizes, and the kinds the
    decision's state allows (``UPLOADS_BY_STATE``), are accepted. Every upload is an event.
    ``by_service`` is for the services that file a document as part of their own act and check
    their own state (the legality review's materials and revised draft, the second review's
    final text, an execution report's or an evaluation's document)."""
    decision = lock_decision(decision)
    _require(actor, "attach", decision)
    if kind not in Attachment.Kind.values:
        raise _invalid(_("Unknown attachment kind."), kind=_("Unknown attachment kind."))
    if not by_service:
        _upload_allowed(decision, kind, step_kind)
    name = uploaded_file.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = settings.ATTACHMENT_EXTENSIONS
    if extension not in allowed:
        message = _("Files of type “%(ext)s” are not accepted; allowed: %(allowed)s.") % {
            "ext": extension or "?",
            "allowed": ", ".join(allowed),
        }
        raise _invalid(message, file=message)
    size = uploaded_file.size or 0
    if size > settings.ATTACHMENT_MAX_BYTES:
        raise DecisionError(
            ErrorCode.TOO_LARGE,
            _("The file is larger than %(mb)s MB.") % {"mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)},
            fields={"file": [_("File too large.")]},
        )
    if size == 0:
        raise _invalid(_("The file is empty."), file=_("The file is empty."))
    digest = hashlib.sha256()
    head = b""
    for chunk in uploaded_file.chunks():
        if len(head) < 16:
            head += chunk[:16]
        digest.update(chunk)
    if not head.startswith(_SIGNATURES[extension]) or not _package_matches(uploaded_file, extension):
        message = _("The file's content does not match its type “%(ext)s”.") % {"ext": extension}
        raise _invalid(message, file=message)
    step = None
    if step_kind:
        if step_kind not in StepKind.values:
            raise _invalid(_("Unknown step."), step=_("Unknown step."))
        step = decision.steps.get(kind=step_kind)
    attachment = Attachment(
        decision=decision,
        step=step,
        kind=kind,
        original_name=name[-255:],
        extension=extension,
        size=size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    uploaded_file.seek(0)
    # Stored under its checksum: the same bytes uploaded again (or after a rolled-back upload) are
    # one file with one more row, never another copy; a row never lacks its file.
    path = attachment_path(attachment, name)
    storage = attachment.file.storage
    if storage.exists(path) and _stored_digest(storage, path) == attachment.sha256:
        attachment.file.name = path
    else:
        attachment.file.save(name, uploaded_file, save=False)
    attachment.save()
    record_event(
        decision,
        actor=actor,
        transition=EventType.ATTACH,
        from_state=step.state if step else decision.state,
        to_state=step.state if step else decision.state,
        comment=attachment.original_name,
        step_kind=step.kind if step else "",
        details={
            "id": attachment.pk,
            "kind": attachment.kind,
            "sha256": attachment.sha256,
            "size": attachment.size,
        },
    )
    return attachment


def _stored_digest(storage: Storage, path: str) -> str:
    digest = hashlib.sha256()
    with storage.open(path, "rb") as stored:
        for chunk in iter(lambda: stored.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()
