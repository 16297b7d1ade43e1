"""Attachments: only the allowed types (by extension and by content), within the size limit, stored
with their SHA-256 checksum; anything refused leaves no row and no file behind."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from decisions import services
from decisions.errors import DecisionError, ErrorCode
from decisions.models import Attachment, DecisionState, StepKind
from tests.factories import decision_in


def package(part: str) -> bytes:
    """A zip package holding ``part``, the one that tells Word, Excel and OFD files apart."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(part, "<root/>")
    return buffer.getvalue()


CONTENT = {
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n",
    "docx": package("word/document.xml"),
    "xlsx": package("xl/workbook.xml"),
    "ofd": package("OFD.xml"),
    "doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 32,
    "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    "jpeg": b"\xff\xd8\xff\xe1\x00\x10Exif\x00",
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def decision(org):
    return decision_in(org, DecisionState.PREPARING)


def stored_files(media):
    return [p for p in media.rglob("*") if p.is_file()]


def upload(decision, actor, name, content, **kwargs):
    return services.attachment_upload(
        decision=decision, actor=actor, uploaded_file=SimpleUploadedFile(name, content), **kwargs
    )


def assert_refused_and_nothing_stored(decision, media, error: DecisionError, code: ErrorCode) -> None:
    assert error.code == code
    assert "file" in error.fields
    assert not Attachment.objects.filter(decision=decision).exists()
    assert stored_files(media) == []


@pytest.mark.parametrize("extension", sorted(CONTENT))
def test_allowed_type_stored_with_its_sha256(org, decision, media, extension):
    content = CONTENT[extension]

    attachment = upload(decision, org.clerk, f"征求意见稿.{extension}", content, kind=Attachment.Kind.DRAFT)

    attachment.refresh_from_db()
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert (attachment.extension, attachment.size, attachment.original_name, attachment.uploaded_by) == (
        extension,
        len(content),
        f"征求意见稿.{extension}",
        org.clerk,
    )
    with attachment.file.open("rb") as stored:
        assert stored.read() == content
    # Stored under its checksum, never under the name the uploader chose.
    assert attachment.sha256 in attachment.file.name
    assert "征求意见稿" not in attachment.file.name


def test_extension_is_read_case_insensitively(org, decision):
    attachment = upload(decision, org.clerk, "SCAN.PDF", CONTENT["pdf"])

    assert attachment.extension == "pdf"


def test_attachment_linked_to_its_step(org, decision):
    attachment = upload(decision, org.clerk, "评估报告.pdf", CONTENT["pdf"], step_kind=StepKind.RISK_ASSESSMENT)

    assert attachment.step == decision.steps.get(kind=StepKind.RISK_ASSESSMENT)


@pytest.mark.parametrize("name", ["payload.exe", "notes.txt", "archive.zip", "page.html", "no_extension", "pdf"])
def test_disallowed_extension_refused(org, decision, media, name):
    with pytest.raises(DecisionError) as exc:
        upload(decision, org.clerk, name, CONTENT["pdf"])

    assert_refused_and_nothing_stored(decision, media, exc.value, ErrorCode.INVALID)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("意见.pdf", b"<html>not a pdf</html>"),
        ("意见.pdf", CONTENT["png"]),
        ("说明.docx", b"plain text pretending to be a document"),
        ("说明.doc", CONTENT["docx"]),
        ("照片.jpg", CONTENT["png"]),
        ("照片.png", CONTENT["jpg"]),
        ("版式.ofd", CONTENT["pdf"]),
        ("说明.docx", CONTENT["xlsx"]),
        ("统计.xlsx", CONTENT["docx"]),
        ("版式.ofd", CONTENT["docx"]),
        ("说明.docx", b"PK\x03\x04 a zip header and nothing else"),
    ],
)
def test_content_not_matching_its_type_refused(org, decision, media, name, content):
    with pytest.raises(DecisionError) as exc:
        upload(decision, org.clerk, name, content)

    assert_refused_and_nothing_stored(decision, media, exc.value, ErrorCode.INVALID)


def test_empty_file_refused(org, decision, media):
    with pytest.raises(DecisionError) as exc:
        upload(decision, org.clerk, "空白.pdf", b"")

    assert_refused_and_nothing_stored(decision, media, exc.value, ErrorCode.INVALID)
    # Refused as empty (not merely as content that does not look like a PDF).
    assert "empty" in str(exc.value.fields["file"][0])


@override_settings(ATTACHMENT_MAX_BYTES=1024)
def test_oversize_file_refused_as_too_large(org, decision, media):
    content = CONTENT["pdf"] + b"0" * 1024

    with pytest.raises(DecisionError) as exc:
        upload(decision, org.clerk, "大文件.pdf", content)

    assert_refused_and_nothing_stored(decision, media, exc.value, ErrorCode.TOO_LARGE)
    assert exc.value.status == 413


@override_settings(ATTACHMENT_MAX_BYTES=1024)
def test_file_of_exactly_the_size_limit_accepted(org, decision):
    content = CONTENT["pdf"] + b"0" * (1024 - len(CONTENT["pdf"]))

    attachment = upload(decision, org.clerk, "刚好.pdf", content)

    assert attachment.size == 1024


def test_unknown_attachment_kind_refused(org, decision, media):
    with pytest.raises(DecisionError) as exc:
        upload(decision, org.clerk, "意见.pdf", CONTENT["pdf"], kind="secret")

    assert exc.value.code == ErrorCode.INVALID
    assert not Attachment.objects.filter(decision=decision).exists()
    assert stored_files(media) == []


def test_attachment_forbidden_to_another_sponsor_department(org, decision, media):
    with pytest.raises(DecisionError) as exc:
        upload(decision, org.other_clerk, "意见.pdf", CONTENT["pdf"])

    assert exc.value.code == ErrorCode.FORBIDDEN
    assert not Attachment.objects.filter(decision=decision).exists()
    assert stored_files(media) == []


@pytest.mark.parametrize("person", ["reviewer", "secretary"])
def test_offices_may_attach(org, decision, person):
    attachment = upload(decision, getattr(org, person), "审查意见.pdf", CONTENT["pdf"])

    assert attachment.uploaded_by == getattr(org, person)


def test_the_same_file_uploaded_again_is_one_stored_copy_with_two_records(org, decision, media):
    first = upload(decision, org.clerk, "征求意见稿.pdf", CONTENT["pdf"], kind=Attachment.Kind.DRAFT)
    again = upload(decision, org.sponsor_head, "征求意见稿（再次上传）.pdf", CONTENT["pdf"], kind=Attachment.Kind.DRAFT)

    assert (first.pk != again.pk) and (first.file.name == again.file.name)
    assert [(a.original_name, a.uploaded_by) for a in Attachment.objects.filter(decision=decision)] == [
        ("征求意见稿.pdf", org.clerk),
        ("征求意见稿（再次上传）.pdf", org.sponsor_head),
    ]
    assert len(stored_files(media)) == 1


def test_a_stored_file_that_no_longer_matches_its_checksum_is_not_reused(org, decision, media):
    first = upload(decision, org.clerk, "征求意见稿.pdf", CONTENT["pdf"])
    (media / first.file.name).write_bytes(b"%PDF-1.7 altered")

    again = upload(decision, org.clerk, "征求意见稿.pdf", CONTENT["pdf"])

    assert again.file.name != first.file.name
    with again.file.open("rb") as stored:
        assert stored.read() == CONTENT["pdf"]
