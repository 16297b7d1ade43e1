"""The opinion letter (合法性审查意见书) as PDF and Word: content, fonts, storage, reproducibility."""

import hashlib
import io

import docx
import pypdf
import pytest
from docx.oxml.ns import qn

from decisions.models import Department
from reviews import letters, services, tasks
from reviews.models import Conclusion, OpinionLetter
from tests.reviews.flow import issued, review_of


def _squash(text: str) -> str:
    # PDF text extraction breaks lines where the page does; compare without whitespace.
    return "".join(text.split())


def pdf_text(data: bytes) -> str:
    return _squash("".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages))


def docx_text(data: bytes) -> str:
    return _squash("".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs))


@pytest.fixture
def with_changes(org):
    decision = issued(org, Conclusion.LAWFUL_WITH_CHANGES)
    return review_of(decision)


def _expected_fragments(review) -> list[str]:
    fragments = [
        review.document_number,
        "司法局",  # the issuing office
        review.decision.lead_sponsor.name + "：",  # the addressee
        "审查结论：修改后合法",
        review.reasons,
        "2026年3月2日",
    ]
    for item in review.items.all():
        fragments += [item.clause, item.problem, item.legal_basis, item.suggested_change]
    fragments += ["（一）", "（二）", "问题类型：决策内容", "问题类型：决策权限"]
    return [_squash(f) for f in fragments]


def test_letter_pdf_holds_the_number_the_conclusion_and_every_item(with_changes):
    text = pdf_text(letters.render_pdf(with_changes.letter_content))

    for fragment in _expected_fragments(with_changes):
        assert fragment in text


def test_letter_docx_holds_the_number_the_conclusion_and_every_item(with_changes):
    text = docx_text(letters.render_docx(with_changes.letter_content))

    for fragment in _expected_fragments(with_changes):
        assert fragment in text


def test_letter_pdf_embeds_the_cjk_font(with_changes):
    reader = pypdf.PdfReader(io.BytesIO(letters.render_pdf(with_changes.letter_content)))

    fonts = [font.get_object() for page in reader.pages for font in page["/Resources"]["/Font"].values()]
    embedded = set()
    for font in fonts:
        for descendant in font.get("/DescendantFonts", [font]):
            descriptor = descendant.get_object().get("/FontDescriptor")
            if descriptor and any(key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                embedded.add(str(font["/BaseFont"]).split("+")[-1])
    assert "Noto-Serif-CJK-SC" in embedded


def test_letter_docx_sets_the_east_asian_font(with_changes):
    document = docx.Document(io.BytesIO(letters.render_docx(with_changes.letter_content)))

    runs = [run for paragraph in document.paragraphs for run in paragraph.runs if run.text]
    assert runs
    assert all(run._element.rPr.rFonts.get(qn("w:eastAsia")) for run in runs)
    assert {run._element.rPr.rFonts.get(qn("w:eastAsia")) for run in runs} <= {"仿宋", "黑体", "宋体"}


def test_letters_regenerate_byte_identical_for_the_same_inputs(with_changes, clock):
    import datetime as dt

    first = {fmt: render(with_changes.letter_content) for fmt, render in letters.RENDERERS.items()}
    clock.go(dt.date(2026, 4, 1))  # later, in another "now"
    again = {fmt: render(with_changes.letter_content) for fmt, render in letters.RENDERERS.items()}

    assert first["pdf"] == again["pdf"]
    assert first["docx"] == again["docx"]


def test_letters_are_generated_by_the_service_and_stored_with_their_checksums(with_changes):
    stored = services.review_generate_letters(review=with_changes)

    assert sorted(letter.format for letter in stored) == ["docx", "pdf"]
    for letter in stored:
        data = letter.file.read()
        assert hashlib.sha256(data).hexdigest() == letter.sha256
        assert letter.size == len(data)
        assert letter.file.name.endswith(f"{letter.sha256}.{letter.format}")


def test_regenerating_keeps_intact_letters_and_restores_lost_ones(with_changes):
    pdf, word = sorted(services.review_generate_letters(review=with_changes), key=lambda letter: letter.format)[::-1]
    word.file.storage.delete(word.file.name)

    again = {letter.format: letter for letter in services.review_generate_letters(review=with_changes)}

    assert OpinionLetter.objects.filter(review=with_changes).count() == 2
    assert again["pdf"].pk == pdf.pk and again["pdf"].file.name == pdf.file.name
    assert again["docx"].sha256 == word.sha256  # rendered again: the same bytes
    assert again["docx"].file.storage.exists(again["docx"].file.name)


def test_letter_is_fixed_at_issue_even_if_names_change_later(with_changes):
    before = letters.render_pdf(with_changes.letter_content)
    Department.objects.filter(pk=with_changes.decision.lead_sponsor_id).update(name="改名后的局")
    with_changes.refresh_from_db()

    assert letters.render_pdf(with_changes.letter_content) == before


def test_issuing_renders_the_letters_after_commit(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        decision = issued(org, Conclusion.LAWFUL)

    assert OpinionLetter.objects.filter(review=review_of(decision)).count() == 2


def test_exploratory_letter_states_the_legal_risk(org):
    review = review_of(issued(org, Conclusion.EXPLORATORY_WITH_RISK))

    text = docx_text(letters.render_docx(review.letter_content))

    assert "审查结论：探索性改革事项，存在法律风险" in text
    assert _squash("法律风险：" + review.legal_risk) in text


def test_lawful_letter_says_no_change_is_needed(org):
    review = review_of(issued(org, Conclusion.LAWFUL))

    text = pdf_text(letters.render_pdf(review.letter_content))

    assert "经审查，未发现需要修改的问题。" in text
    assert "审查结论：合法" in text


def test_chinese_item_numbers():
    assert [letters.chinese_number(n) for n in (1, 9, 10, 11, 20, 21, 99)] == [
        "一",
        "九",
        "十",
        "十一",
        "二十",
        "二十一",
        "九十九",
    ]


def test_letters_a_broker_outage_left_unrendered_are_rendered_by_the_scan(
    org, monkeypatch, django_capture_on_commit_callbacks
):
    # Given an opinion issued while the rendering task could not be published
    monkeypatch.setattr(services, "_enqueue_letters", lambda review_id: None)
    with django_capture_on_commit_callbacks(execute=True):
        decision = issued(org, Conclusion.LAWFUL)
    review = review_of(decision)
    assert not OpinionLetter.objects.filter(review=review).exists()

    # When the beat's scan runs
    rendered = tasks.render_missing_letters()

    # Then both letters exist, and a second scan has nothing left to do
    assert rendered == 1
    assert set(OpinionLetter.objects.filter(review=review).values_list("format", flat=True)) == {"pdf", "docx"}
    assert tasks.render_missing_letters() == 0
