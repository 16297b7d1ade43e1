"""The opinion letter (合法性审查意见书): its content, fixed at issue, and its two renderings.

``letter_content(review)`` gathers everything the letter says into one plain dict; it is stored on
the review when the opinion is issued. Both renderings read only that dict, so the same letter
comes out for the same inputs, whatever happens later to office names or decision titles:

* PDF through WeasyPrint from ``templates/reviews/letter.html``, with the font subsets embedded
  (Noto Serif CJK SC from Debian's fonts-noto-cjk, found through fontconfig), and the document's
  dates and identifier taken from the issue, so equal inputs give equal bytes;
* Word through python-docx, with the East Asian fonts set explicitly (w:eastAsia) and the ZIP
  entries and core properties dated from the issue, so equal inputs give equal bytes too.

The fixed wording of the letter is Chinese here, not gettext msgids: the letter is an official
document in the national language, the same whatever language the reader's screen is set to, and
its bytes must not depend on the language of the request that happened to generate it.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import hashlib
import io
import shutil
import subprocess
import zipfile
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils import timezone

from decisions.models import Department

if TYPE_CHECKING:
    from reviews.models import LegalityReview

# The embedded PDF font (Debian fonts-noto-cjk, installed by `make system`).
PDF_FONT_FAMILY = "Noto Serif CJK SC"
PDF_HEADING_FONT_FAMILY = "Noto Sans CJK SC"  # GB/T 9704-2012: first-level headings in 黑体 (a sans face)
# The .docx is the copy offices edit in Word; these are the official-document faces every Chinese
# Windows installation has (GB/T 9704-2012 uses 仿宋 for the body, 黑体 for first-level headings and
# 小标宋, for which 宋体 bold stands in, for the title). Word substitutes on other systems.
DOCX_BODY_FONT = "仿宋"
DOCX_HEADING_FONT = "黑体"
DOCX_TITLE_FONT = "宋体"
DOCX_LATIN_FONT = "Times New Roman"

PROBLEM_TYPE_ZH = {"authority": "决策权限", "procedure": "决策程序", "content": "决策内容"}
CONCLUSION_ZH = {
    "lawful": "合法",
    "lawful_with_changes": "修改后合法",
    "unlawful": "不合法",
    "exploratory_with_risk": "探索性改革事项，存在法律风险",
}
CONCLUSION_SENTENCE = {
    "lawful": "经审查，该决策草案的制定主体、权限、程序和内容符合法律、法规、规章和国家有关政策的规定。",
    "lawful_with_changes": "经审查，该决策草案按照上述意见修改完善后，符合法律、法规、规章和国家有关政策的规定。",
    "unlawful": "经审查，该决策草案不符合法律、法规、规章和国家有关政策的规定，依照《重大行政决策程序暂行条例》"
    "第二十五条的规定，不得提交决策机关讨论。",
    "exploratory_with_risk": "该决策事项属于依法不得不进行探索的改革事项。经审查，存在下列法律风险，"
    "依照《重大行政决策程序暂行条例》第二十五条的规定予以明确说明，请决策机关在集体讨论时予以考虑。",
}
CLOSING = {
    "lawful": "",
    "lawful_with_changes": "请你单位对上述意见逐条研究，说明采纳情况（采纳、部分采纳或者不予采纳及其理由），"
    "并将修改后的决策草案报送{self_ref}确认后，再提请集体讨论决定。",
    "unlawful": "请你单位依照上述意见修改完善后，重新报送合法性审查。",
    "exploratory_with_risk": "请你单位在提请集体讨论决定时，一并如实报告上述法律风险。",
}
_DIGITS = "〇一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 21 -> 二十一 (item headings run to 99)."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    text = ("" if tens == 1 else _DIGITS[tens]) + "十" if tens else ""
    return text + (_DIGITS[ones] if ones else "")


def chinese_date(day: dt.date) -> str:
    # GB/T 9704-2012: the date in Arabic numerals, year in full, no leading zeros.
    return f"{day.year}年{day.month}月{day.day}日"


def _self_reference(office: str) -> str:
    """How the office calls itself: 司法局 -> 我局, 法制办 -> 我办; otherwise 本机关."""
    return f"我{office[-1]}" if office and office[-1] in "局办厅委处" else "本机关"


def letter_content(review: LegalityReview) -> dict[str, Any]:
    """Everything the letter says, as plain data (stored on the review when it is issued)."""

    decision = review.decision
    office = Department.objects.get(government_id=decision.government_id, kind=Department.Kind.LEGAL_OFFICE)
    issued_at = timezone.localtime(review.issued_at)
    self_ref = _self_reference(office.name)
    submitted_on = timezone.localdate(review.submitted_at)
    items = [
        {
            "number": item.number,
            "heading": f"（{chinese_number(item.number)}）",
            "clause": item.clause,
            "problem_type": PROBLEM_TYPE_ZH[item.problem_type],
            "problem": item.problem,
            "legal_basis": item.legal_basis,
            "suggested_change": item.suggested_change,
        }
        for item in review.items.order_by("number")
    ]
    return {
        "office": office.name,
        "government": decision.government.name,
        "document_number": review.document_number,
        "title": f"关于“{decision.title}”决策草案的合法性审查意见书",
        "addressee": decision.lead_sponsor.name,
        "opening": (
            f"你单位于{chinese_date(submitted_on)}报送的“{decision.title}”决策草案（决策编号{decision.code}，"
            f"第{review.round}次报送）及相关材料收悉。根据《重大行政决策程序暂行条例》第二十五条至第二十八条的规定，"
            f"{self_ref}对决策草案的制定主体、权限、程序和内容进行了合法性审查。现将审查意见函告如下："
        ),
        "items": items,
        "no_items": "经审查，未发现需要修改的问题。",
        "conclusion": review.conclusion,
        "conclusion_label": CONCLUSION_ZH[review.conclusion],
        "conclusion_sentence": CONCLUSION_SENTENCE[review.conclusion],
        "reasons": review.reasons,
        "legal_risk": review.legal_risk,
        "closing": CLOSING[review.conclusion].format(self_ref=self_ref),
        "date": chinese_date(issued_at.date()),
        "issued_at": issued_at.isoformat(),
        "decision_code": decision.code,
        "round": review.round,
    }


def preview(review: LegalityReview) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The letter as issuing it now would word it, for the head to read before confirming; the
    number is only taken at the issue, so a placeholder stands in for it."""
    draft = copy.copy(review)
    draft.issued_at = timezone.now()
    draft.document_number = "〔文号签发时生成〕"
    content = letter_content(draft)
    return content, _paragraphs(content)


def _paragraphs(content: dict[str, Any]) -> list[tuple[str, str]]:
    """The letter's body as (style, text) pairs: one order for both renderings."""
    out: list[tuple[str, str]] = [("addressee", f"{content['addressee']}："), ("body", content["opening"])]
    out.append(("heading", "一、审查意见"))
    if not content["items"]:
        out.append(("body", content["no_items"]))
    for item in content["items"]:
        out.append(("item", f"{item['heading']}{item['clause']}"))
        out.append(("body", f"问题类型：{item['problem_type']}（《重大行政决策程序暂行条例》第二十七条）"))
        out.append(("body", f"存在问题：{item['problem']}"))
        out.append(("body", f"法律依据：{item['legal_basis']}"))
        out.append(("body", f"修改建议：{item['suggested_change']}"))
    out.append(("heading", "二、审查结论"))
    out.append(("body", f"审查结论：{content['conclusion_label']}。{content['conclusion_sentence']}"))
    if content["legal_risk"]:
        out.append(("body", f"法律风险：{content['legal_risk']}"))
    out.append(("body", f"理由和依据：{content['reasons']}"))
    if content["closing"]:
        out.append(("body", content["closing"]))
    return out


# --------------------------------------------------------------------------- PDF


@functools.lru_cache(maxsize=1)
def _require_pdf_font() -> None:
    """The CJK font must be installed (Debian fonts-noto-cjk), not assumed: without it WeasyPrint
    would quietly fall back to a font without Chinese glyphs and print boxes."""
    fc_list = shutil.which("fc-list")
    for family in (PDF_FONT_FAMILY, PDF_HEADING_FONT_FAMILY):
        found = ""
        if fc_list:
            found = subprocess.run(
                [fc_list, f":family={family}", "file"], capture_output=True, text=True, check=False
            ).stdout.strip()
        if not found:
            raise ImproperlyConfigured(
                f"The font “{family}” is not installed; run `make system` (Debian package fonts-noto-cjk)."
            )


def render_pdf(content: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # heavy: loaded by the processes that render letters, not by every import

    _require_pdf_font()
    html = render_to_string(
        "reviews/letter.html",
        {
            "letter": content,
            "paragraphs": _paragraphs(content),
            "font_family": PDF_FONT_FAMILY,
            "heading_font_family": PDF_HEADING_FONT_FAMILY,
        },
    )
    identifier = hashlib.md5(content["document_number"].encode(), usedforsecurity=False).hexdigest().encode()
    return HTML(string=html).write_pdf(pdf_identifier=identifier)


# --------------------------------------------------------------------------- Word


def _fonts(run, east_asian: str, size_pt: float, *, bold: bool = False, color: str | None = None) -> None:
    from docx.oxml.ns import qn  # python-docx loaded only to render (as weasyprint above)
    from docx.shared import Pt, RGBColor

    run.font.name = DOCX_LATIN_FONT
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    if color:
        run.font.color.rgb = RGBColor.from_string(color)
    # python-docx's font.name sets only the Latin faces; Chinese text takes w:eastAsia.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asian)


def render_docx(content: dict[str, Any]) -> bytes:
    from docx import Document  # python-docx loaded only to render (as weasyprint above)
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Mm, Pt

    issued_at = dt.datetime.fromisoformat(content["issued_at"])
    document = Document()
    section = document.sections[0]
    # GB/T 9704-2012 page: A4, margins 37 / 26 / 35 / 28 mm.
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.right_margin, section.bottom_margin, section.left_margin = (
        Mm(37),
        Mm(26),
        Mm(35),
        Mm(28),
    )
    normal = document.styles["Normal"]
    normal.font.name = DOCX_LATIN_FONT
    normal.font.size = Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia", DOCX_BODY_FONT
    )

    def paragraph(
        text: str,
        *,
        font: str = DOCX_BODY_FONT,
        size: float = 16,
        bold: bool = False,
        align=None,
        indent: bool = False,
        color: str | None = None,
        space_after: float = 0,
    ):
        p = document.add_paragraph()
        fmt = p.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(28 if size <= 16 else size * 1.5)
        fmt.space_after = Pt(space_after)
        if indent:
            fmt.first_line_indent = Pt(size * 2)
        if align is not None:
            p.alignment = align
        _fonts(p.add_run(text), font, size, bold=bold, color=color)
        return p

    paragraph(
        content["office"],
        font=DOCX_TITLE_FONT,
        size=26,
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        color="C00000",
        space_after=12,
    )
    paragraph(content["document_number"], align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    paragraph(
        content["title"], font=DOCX_TITLE_FONT, size=22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=16
    )
    for style, text in _paragraphs(content):
        if style == "addressee":
            paragraph(text)
        elif style == "heading":
            paragraph(text, font=DOCX_HEADING_FONT, indent=True)
        elif style == "item":
            paragraph(text, bold=True, indent=True)
        else:
            paragraph(text, indent=True)
    paragraph("", space_after=16)
    paragraph(content["office"], align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(content["date"], align=WD_ALIGN_PARAGRAPH.RIGHT)

    props = document.core_properties
    props.title = content["title"]
    props.author = content["office"]
    props.last_modified_by = content["office"]
    props.identifier = content["document_number"]
    props.revision = 1
    naive = issued_at.astimezone(dt.UTC).replace(tzinfo=None)
    props.created = naive
    props.modified = naive
    props.last_printed = naive
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip_dates(buffer.getvalue(), issued_at)


def _fixed_zip_dates(data: bytes, when: dt.datetime) -> bytes:
    """Rewrite the .docx ZIP with every entry dated ``when``: python-docx stamps the time of saving."""
    stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


RENDERERS = {"pdf": render_pdf, "docx": render_docx}
