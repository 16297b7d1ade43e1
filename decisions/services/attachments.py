"""Attachments: only the allowed types (by extension and by content) and sizes, each stored with its
SHA-256.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
import zlib
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
# A part that unpacks to more than this many times its packed size is a zip bomb, not a document
# (Word's XML packs about 5-20 times; deflate's ceiling is about 1,000), when it unpacks to more than
# _RATIO_FLOOR bytes: tiny parts may pack absurdly well and harm nobody.
_RATIO_FLOOR = 1024 * 1024
_PACKAGE_MAX_PARTS = 10_000


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


def _package_refusal(uploaded_file: UploadedFile[Any]) -> str | None:
    """Why a zip package (docx, xlsx, ofd) is refused as a zip bomb, or None. The sizes the package
    declares are checked first (total, ratio per part, number of parts); then every part is really
    unpacked, counting, and stopped at the limit, so a package whose headers lie is caught too
    (Python's zipfile yields at most the declared size and checks the CRC)."""
    limit = settings.ATTACHMENT_UNZIPPED_MAX_BYTES
    max_ratio = settings.ATTACHMENT_ZIP_MAX_RATIO
    too_big = _("The document unpacks to more than %(mb)s MB; it is refused as a possible zip bomb.") % {
        "mb": limit // (1024 * 1024)
    }
    uploaded_file.seek(0)
    try:
        with zipfile.ZipFile(uploaded_file) as package:
            parts = package.infolist()
            if len(parts) > _PACKAGE_MAX_PARTS:
                return _("The document holds more than %(count)s parts; it is refused as a possible zip bomb.") % {
                    "count": _PACKAGE_MAX_PARTS
                }
            if sum(part.file_size for part in parts) > limit:
                return too_big
            for part in parts:
                if part.file_size > _RATIO_FLOOR and part.file_size > max_ratio * max(part.compress_size, 1):
                    return _(
                        "A part of the document is compressed more than %(ratio)s times; "
                        "it is refused as a possible zip bomb."
                    ) % {"ratio": max_ratio}
            unpacked = 0
            for part in parts:
                with package.open(part) as stream:
                    while chunk := stream.read(1 << 16):
                        unpacked += len(chunk)
                        if unpacked > limit:
                            return too_big
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError, zlib.error):
        return _("The document's zip package is damaged or encrypted.")
    return None


# PDF names that run code or carry other files. A name may spell any of its characters as #xx, so
# names are compared after decoding those; objects packed into compressed object streams
# (/Type /ObjStm, /FlateDecode) are unpacked (bounded) and read too.
_PDF_JAVASCRIPT = {b"JavaScript", b"JS"}
_PDF_LAUNCH = {b"Launch"}
_PDF_EMBEDDED = {b"EmbeddedFile", b"EmbeddedFiles"}
_PDF_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
_PDF_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"\bobj\b((?:(?!\bobj\b).){0,4096}?)\bstream\r?\n", re.S)
# Unpacking stops here: the scan must not become the bomb it looks for.
_PDF_UNPACK_MAX_BYTES = 64 * 1024 * 1024


def _pdf_names(data: bytes) -> set[bytes]:
    return {_PDF_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), name) for name in _PDF_NAME.findall(data)}


def _pdf_split(data: bytes) -> tuple[bytes, list[bytes]]:
    """The file outside its streams (where its dictionaries are), and the unpacked contents of its
    FlateDecode object streams (at most _PDF_UNPACK_MAX_BYTES in all). Other streams (pages,
    images, fonts) are skipped: names are not read in their bytes, where three random bytes could
    spell one."""
    outside: list[bytes] = []
    unpacked: list[bytes] = []
    budget = _PDF_UNPACK_MAX_BYTES
    position = 0
    while (match := _PDF_STREAM.search(data, position)) is not None:
        outside.append(data[position : match.end()])
        start = match.end()
        end = data.find(b"endstream", start)
        end = end if end >= 0 else len(data)
        names = _pdf_names(match.group(1))
        if budget > 0 and b"ObjStm" in names and b"FlateDecode" in names:
            try:
                content = zlib.decompressobj().decompress(data[start:end], budget)
            except zlib.error:
                content = b""
            budget -= len(content)
            unpacked.append(content)
        position = end
    outside.append(data[position:])
    return b"".join(outside), unpacked


def _pdf_refusal(uploaded_file: UploadedFile[Any]) -> str | None:
    """Why a PDF is refused (it runs JavaScript, launches a program or carries embedded files), or
    None. An /OpenAction that runs JavaScript is caught by its /JS or /JavaScript name."""
    uploaded_file.seek(0)
    data = uploaded_file.read()
    outside, object_streams = _pdf_split(data)
    names = _pdf_names(outside)
    for content in object_streams:
        names |= _pdf_names(content)
    if names & _PDF_JAVASCRIPT:
        return _("The PDF contains JavaScript; it is refused. Print it to a new PDF without scripts and upload that.")
    if names & _PDF_LAUNCH:
        return _("The PDF contains an action that launches a program; it is refused.")
    if names & _PDF_EMBEDDED:
        return _("The PDF carries embedded files; it is refused. Upload each file as an attachment of its own.")
    return None


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
    if extension in _PACKAGE_PARTS:
        refusal = _package_refusal(uploaded_file)
    elif extension == "pdf":
        refusal = _pdf_refusal(uploaded_file)
    else:
        refusal = None
    if refusal:
        raise _invalid(refusal, file=refusal)
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
