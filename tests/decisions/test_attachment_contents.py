"""Office documents and PDFs are read before they are stored: a zip package (docx, xlsx, ofd) that
unpacks to more than ATTACHMENT_UNZIPPED_MAX_BYTES or whose parts are compressed absurdly (a zip
bomb), and a PDF that runs JavaScript, launches a program or carries embedded files, are refused
with a clear error, and nothing is stored. Every file here is built in memory."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from django.test import override_settings

from decisions.errors import DecisionError, ErrorCode
from decisions.models import Attachment, DecisionState
from tests.decisions.test_attachments import assert_refused_and_nothing_stored, upload
from tests.factories import decision_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def decision(org):
    return decision_in(org, DecisionState.PREPARING)


def docx(**extra_parts: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document><w:body><w:p>征求意见稿</w:p></w:body></w:document>")
        for name, content in extra_parts.items():
            archive.writestr(name.replace("__", "/"), content)
    return buffer.getvalue()


def refused(decision, actor, name: str, content: bytes) -> DecisionError:
    with pytest.raises(DecisionError) as caught:
        upload(decision, actor, name, content)
    return caught.value


# --------------------------------------------------------------------------- zip packages


def test_a_zip_bomb_saved_as_docx_is_refused_and_nothing_stored(org, decision, media):
    # 20 MB of zeros packs into about 20 KB: a ratio of about 1,000.
    bomb = docx(word__media__image1=b"\0" * (20 * 1024 * 1024))
    assert len(bomb) < 100_000
    error = refused(decision, org.clerk, "说明.docx", bomb)
    assert_refused_and_nothing_stored(decision, media, error, ErrorCode.INVALID)
    assert "zip bomb" in error.message and "compressed more than 100 times" in error.message


@override_settings(ATTACHMENT_UNZIPPED_MAX_BYTES=1024 * 1024)
def test_a_package_unpacking_past_the_limit_is_refused(org, decision, media):
    # Incompressible bytes: the ratio is ordinary, only the total is too large.
    noise = bytes((i * 7919 + (i >> 8) * 31) % 251 for i in range(1_200_000))
    error = refused(decision, org.clerk, "统计.xlsx", docx(**{"xl__workbook.xml": b"<workbook/>", "xl__data": noise}))
    assert_refused_and_nothing_stored(decision, media, error, ErrorCode.INVALID)
    assert "unpacks to more than 1 MB" in error.message


def _understate_sizes(package: bytes, name: str, declared: int) -> bytes:
    """The package with ``name``'s uncompressed size declared as ``declared`` in both its local
    and its central header: a bomb whose headers lie."""
    data = bytearray(package)
    encoded = name.encode()
    local = data.find(b"PK\x03\x04")
    while local >= 0:
        name_length = struct.unpack_from("<H", data, local + 26)[0]
        if bytes(data[local + 30 : local + 30 + name_length]) == encoded:
            struct.pack_into("<I", data, local + 22, declared)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46 : central + 46 + name_length]) == encoded:
            struct.pack_into("<I", data, central + 24, declared)
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def test_a_package_whose_headers_understate_a_part_is_refused(org, decision, media):
    """The declared sizes pass; unpacking the part does not (its CRC fails at the declared size)."""
    lying = _understate_sizes(docx(word__media__image1=b"\0" * (5 * 1024 * 1024)), "word/media/image1", 1000)
    with zipfile.ZipFile(io.BytesIO(lying)) as archive:
        assert max(info.file_size for info in archive.infolist()) == 1000
    error = refused(decision, org.clerk, "说明.docx", lying)
    assert_refused_and_nothing_stored(decision, media, error, ErrorCode.INVALID)


def test_an_ordinary_document_with_images_is_accepted(org, decision):
    picture = bytes((i * 131 + 17) % 256 for i in range(300_000))
    text = ("<w:p>第一条 为了规范重大行政决策程序。</w:p>" * 2000).encode()
    attachment = upload(decision, org.clerk, "说明.docx", docx(word__media__image1=picture, word__document2=text))
    assert Attachment.objects.filter(pk=attachment.pk).exists()


# --------------------------------------------------------------------------- PDFs


def pdf(*objects: bytes) -> bytes:
    body = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    for number, content in enumerate(objects, start=1):
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    return body + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [] /Count 0 >>"


def object_stream(*objects: bytes) -> bytes:
    """An object stream (/Type /ObjStm) packing ``objects``, FlateDecode-compressed."""
    offsets, body = [], b""
    for number, content in enumerate(objects, start=10):
        offsets.append(b"%d %d" % (number, len(body)))
        body += content + b"\n"
    header = b" ".join(offsets) + b"\n"
    packed = zlib.compress(header + body)
    return (
        b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(objects), len(header), len(packed))
        + packed
        + b"\nendstream"
    )


@pytest.mark.parametrize(
    "objects",
    [
        pytest.param(
            (b"<< /Type /Catalog /OpenAction 3 0 R >>", PAGES, b"<< /S /JavaScript /JS (app.alert(1)) >>"),
            id="openaction-js",
        ),
        pytest.param(
            (b"<< /Type /Catalog /Names << /JavaScript 3 0 R >> >>", PAGES, b"<< /Names [] >>"), id="names-javascript"
        ),
        pytest.param((CATALOG, PAGES, b"<< /S /J#61vaScript /J#53 (x) >>"), id="hex-escaped-names"),
        pytest.param(
            (CATALOG, PAGES, object_stream(b"<< /S /JavaScript /JS (app.alert(1)) >>")), id="in-object-stream"
        ),
    ],
)
def test_a_pdf_running_javascript_is_refused_and_nothing_stored(org, decision, media, objects):
    error = refused(decision, org.clerk, "附件.pdf", pdf(*objects))
    assert_refused_and_nothing_stored(decision, media, error, ErrorCode.INVALID)
    assert "JavaScript" in error.message


def test_a_pdf_launching_a_program_is_refused(org, decision, media):
    launch = b"<< /S /Launch /F (cmd.exe) >>"
    error = refused(decision, org.clerk, "附件.pdf", pdf(b"<< /Type /Catalog /OpenAction 3 0 R >>", PAGES, launch))
    assert_refused_and_nothing_stored(decision, media, error, ErrorCode.INVALID)
    assert "launches a program" in error.message


@pytest.mark.parametrize(
    "carrier",
    [
        b"<< /Type /EmbeddedFile /Length 5 >>\nstream\nhello\nendstream",
        object_stream(b"<< /Type /Catalog /Names << /EmbeddedFiles 4 0 R >> >>"),
    ],
)
def test_a_pdf_carrying_embedded_files_is_refused(org, decision, media, carrier):
    error = refused(decision, org.clerk, "附件.pdf", pdf(CATALOG, PAGES, carrier))
    assert_refused_and_nothing_stored(decision, media, error, ErrorCode.INVALID)
    assert "embedded files" in error.message


def test_an_ordinary_pdf_with_a_go_to_opening_and_stray_bytes_in_its_streams_is_accepted(org, decision):
    """An /OpenAction that only opens a page is ordinary; bytes spelling /JS inside a page's or an
    image's stream are data, not names."""
    content = b"BT /F1 12 Tf (/JS /Launch) Tj ET"
    image = zlib.compress(b"\x00/JS \x00/JavaScript\x00" * 100)
    clean = pdf(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] >>",
        PAGES,
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Filter /FlateDecode /Length %d >>\nstream\n" % len(image) + image + b"\nendstream",
        object_stream(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"),
    )
    attachment = upload(decision, org.clerk, "附件.pdf", clean)
    assert Attachment.objects.filter(pk=attachment.pk).exists()
