"""The meeting packet (集体讨论材料, Art 29–30): one PDF the government office assembles from the
record before the meeting, in the order the members read it:

cover, table of contents, then 一 the draft and its drafting explanation (the current files: a PDF's
own pages are bound in, a Word file's text is set out, a picture is shown), 二 the drafting record
(Art 10–13), 三 the adoption summary of public participation (Art 18), 四 the experts' opinions
with how each was handled (Art 19–21), 五 the risk assessment (Art 22–24) with its reports, 六 the
legality review's issued opinion letter (Art 25–28, the reviews app's own PDF), 七 the
fair-competition review (said so when the record holds none).

The pages are rendered by WeasyPrint with the opinion letter's machinery (``reviews.letters``: the
embedded CJK fonts, checked installed); files bound in are inserted with pypdf after the page that
ends their section. The table of contents gives the page each section starts on in the final file:
a first rendering finds where each section falls, a second writes the numbers. As the opinion
letter, the packet's fixed wording is Chinese, whatever the language of the page that asked for it.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from decisions import services
from decisions.models import (
    Attachment,
    Decision,
    DraftingRecord,
    ExpertOpinion,
    MeetingPacket,
    ParticipationRecord,
    RiskAssessmentRecord,
    StepKind,
    StepState,
    current_draft,
)
from reviews.letters import PDF_FONT_FAMILY, PDF_HEADING_FONT_FAMILY, _require_pdf_font, chinese_date, render_pdf
from reviews.models import LegalityReview, LetterFormat

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # the project uses Django's user model

# The sections in the order of the packet, with their titles (Chinese: see the module's docstring).
SECTION_TITLES = {
    "draft": "一、决策草案及起草说明",
    "drafting": "二、决策草案起草情况",
    "participation": "三、公众参与意见采纳情况",
    "experts": "四、专家论证意见及采纳情况",
    "risk": "五、风险评估报告",
    "legality": "六、合法性审查意见",
    "competition": "七、公平竞争审查意见",
}
COVER_TITLE = "集体讨论决定材料"
TOC_TITLE = "目　录"
HANDLING_ZH = {"adopted": "采纳", "partly": "部分采纳", "not_adopted": "不予采纳", "": "尚未处理"}
LEVEL_ZH = {"low": "低", "medium": "中", "high": "高", "": "未评定"}
IMAGE_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png"}


@dataclass
class Block:
    """One part of a section: a heading, paragraphs, and a PDF whose pages follow the section."""

    heading: str = ""
    paragraphs: list[str] = field(default_factory=list)
    image: str = ""  # a data: URL
    pdf: bytes = b""


@dataclass
class Section:
    key: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    page: int = 0  # the page it starts on in the final file

    @property
    def inserts(self) -> list[bytes]:
        return [block.pdf for block in self.blocks if block.pdf]


def _file_block(heading: str, attachment: Attachment | None, missing: str) -> Block:
    """A file of the record in the packet: a PDF's pages bound in, a Word file's text, a picture;
    any other type named with its checksum, to be read in the original."""
    if attachment is None:
        return Block(heading, [missing])
    note = f"文件：{attachment.original_name}（SHA-256：{attachment.sha256}）"
    with attachment.file.open("rb") as handle:
        content = handle.read()
    if attachment.extension == "pdf":
        return Block(heading, [note, "原文附后。"], pdf=content)
    if attachment.extension == "docx":
        return Block(heading, [note, *_docx_paragraphs(content)])
    if attachment.extension in IMAGE_TYPES:
        data = base64.b64encode(content).decode()
        return Block(heading, [note], image=f"data:{IMAGE_TYPES[attachment.extension]};base64,{data}")
    return Block(heading, [note, "该文件格式无法编入本材料，请查阅原件。"])


def _docx_paragraphs(content: bytes) -> list[str]:
    from docx import Document  # python-docx loaded only to render (as reviews.letters)

    return [p.text for p in Document(io.BytesIO(content)).paragraphs if p.text.strip()]


def _latest(decision: Decision, kind: str) -> Attachment | None:
    found: Attachment | None = (
        decision.attachments.filter(kind=kind, step__isnull=True).order_by("-created_at", "-id").first()
    )
    return found


def _waived(decision: Decision, kind: str) -> str:
    step = decision.steps.filter(kind=kind).first()
    if step is not None and step.state == StepState.WAIVED:
        return f"本程序经批准不适用（{step.waiver_reason}）。" if step.waiver_reason else "本程序经批准不适用。"
    return ""


def _draft_section(decision: Decision) -> list[Block]:
    return [
        _file_block("决策草案", current_draft(decision), "决策记录中尚无决策草案。"),
        _file_block("起草说明", _latest(decision, Attachment.Kind.EXPLANATION), "决策记录中尚无起草说明。"),
    ]


def _entries(decision: Decision, *, competition: bool) -> list[DraftingRecord]:
    """The drafting record's entries: the fair-competition review (section seven), or the rest."""
    records = DraftingRecord.objects.filter(decision=decision).select_related("recorded_by", "attachment")
    fair = DraftingRecord.Kind.FAIR_COMPETITION
    return list(records.filter(kind=fair) if competition else records.exclude(kind=fair))


def _drafting_section(decision: Decision, *, competition: bool = False) -> list[Block]:
    records = _entries(decision, competition=competition)
    if not records and not competition:
        return [Block("", ["决策记录中尚无起草情况记载。"])]
    blocks = []
    for kind, label in DraftingRecord.Kind.choices:
        entries = [r for r in records if r.kind == kind]
        if not entries:
            continue
        paragraphs = []
        for record in entries:
            when = chinese_date(timezone.localdate(record.created_at))
            who = record.recorded_by.get_full_name() or record.recorded_by.username if record.recorded_by else ""
            lead = f"（提出主体：{record.get_proposer_display()}）" if record.proposer else ""
            paragraphs.append(f"{lead}{record.text}")
            tail = f"——{when}记载" + (f"，记载人：{who}" if who else "")
            if record.attachment is not None:
                tail += f"；附件：{record.attachment.original_name}（SHA-256：{record.attachment.sha256}）"
            paragraphs.append(tail)
        blocks.append(Block(str(label), paragraphs))
    return blocks


def _participation_section(decision: Decision) -> list[Block]:
    waived = _waived(decision, StepKind.PUBLIC_PARTICIPATION)
    if waived:
        return [Block("", [waived])]
    record = ParticipationRecord.objects.filter(step__decision=decision).first()
    if record is None:
        return [Block("", ["决策记录中尚无公众参与记录。"])]
    counts = (
        f"共收到意见{record.comments_count}条，采纳{record.comments_adopted}条，"
        f"部分采纳{record.comments_partly_adopted}条。"
    )
    methods = dict(ParticipationRecord.Method.choices)
    paragraphs = [
        "征求意见方式：" + "、".join(str(methods.get(m, m)) for m in record.methods) if record.methods else "",
        f"征求意见期间：{chinese_date(record.period_start)}至{chinese_date(record.period_end)}。"
        if record.period_start and record.period_end
        else "",
        counts,
        record.adoption_summary or "尚无意见采纳情况说明。",
    ]
    return [Block("", [p for p in paragraphs if p])]


def _experts_section(decision: Decision) -> list[Block]:
    waived = _waived(decision, StepKind.EXPERT_ARGUMENT)
    if waived:
        return [Block("", [waived])]
    opinions = list(ExpertOpinion.objects.filter(step__decision=decision))
    if not opinions:
        return [Block("", ["决策记录中尚无专家论证意见。"])]
    blocks = []
    for opinion in opinions:
        who = "，".join(x for x in (opinion.expert_name, opinion.organisation, opinion.speciality) if x)
        paragraphs = [f"论证意见：{opinion.opinion}"]
        if opinion.declared_interest:
            paragraphs.append(f"利害关系声明：{opinion.interest_detail or '声明存在直接利害关系'}（不计入论证意见）。")
        paragraphs.append(f"采纳情况：{HANDLING_ZH.get(opinion.handling, opinion.handling)}")
        if opinion.handling_reason:
            paragraphs.append(f"理由：{opinion.handling_reason}")
        blocks.append(Block(who, paragraphs))
    return blocks


def _risk_section(decision: Decision) -> list[Block]:
    waived = _waived(decision, StepKind.RISK_ASSESSMENT)
    if waived:
        return [Block("", [waived])]
    record = RiskAssessmentRecord.objects.filter(step__decision=decision).first()
    if record is None:
        return [Block("", ["决策记录中尚无风险评估记录。"])]
    controllable = {True: "可控", False: "不可控", None: "未作判断"}[record.controllable]
    paragraphs = [
        f"评估主体：{record.assessor or '未载明'}" + ("（第三方）" if record.third_party else ""),
        f"风险点：{record.risk_points or '未载明'}",
        f"风险等级：{LEVEL_ZH.get(record.level, record.level)}；风险是否可控：{controllable}",
        f"防范化解措施：{record.measures or '未载明'}",
        f"处置预案：{record.contingency_plan or '未载明'}",
    ]
    blocks = [Block("", paragraphs)]
    reports = decision.attachments.filter(kind=Attachment.Kind.RISK_REPORT).order_by("created_at", "id")
    blocks += [_file_block("风险评估报告", report, "") for report in reports]
    return blocks


def _legality_section(decision: Decision) -> list[Block]:
    review = (
        LegalityReview.objects.filter(decision=decision, issued_at__isnull=False, letter_content__isnull=False)
        .order_by("-round")
        .first()
    )
    if review is None:
        return [Block("", ["决策记录中尚无已签发的合法性审查意见。"])]
    content_of_letter: dict[str, Any] = review.letter_content or {}
    letter = review.letters.filter(format=LetterFormat.PDF).first()
    if letter is not None:
        with letter.file.open("rb") as handle:
            content = handle.read()
    else:  # not stored yet (rendered after the commit): the same bytes from the same content
        content = render_pdf(content_of_letter)
    return [
        Block(
            "",
            [
                f"合法性审查意见书：{review.document_number}（第{review.round}次报送），审查结论："
                f"{content_of_letter.get('conclusion_label', '')}。",
                "意见书原文附后。",
            ],
            pdf=content,
        )
    ]


def _competition_section(decision: Decision) -> list[Block]:
    """Art 29 (1): the fair-competition review the sponsor recorded in the drafting record, with its
    files bound in; where there is none the packet says so, never keeps silent."""
    blocks = _drafting_section(decision, competition=True)
    reviews = DraftingRecord.objects.filter(
        decision=decision, kind=DraftingRecord.Kind.FAIR_COMPETITION, attachment__isnull=False
    ).select_related("attachment")
    blocks += [_file_block("公平竞争审查材料", review.attachment, "") for review in reviews]
    if blocks:
        return blocks
    return [
        Block(
            "",
            ["决策记录中未载有公平竞争审查意见。涉及市场主体经济活动的，应当依照公平竞争审查制度的有关规定进行审查。"],
        )
    ]


BUILDERS = {
    "draft": _draft_section,
    "drafting": _drafting_section,
    "participation": _participation_section,
    "experts": _experts_section,
    "risk": _risk_section,
    "legality": _legality_section,
    "competition": _competition_section,
}


def packet_sections(decision: Decision) -> list[Section]:
    return [Section(key, title, BUILDERS[key](decision)) for key, title in SECTION_TITLES.items()]


def _html(decision: Decision, sections: list[Section], generated_on: str) -> str:
    return render_to_string(
        "reports/meeting_packet.html",
        {
            "decision": decision,
            "sections": sections,
            "cover_title": COVER_TITLE,
            "toc_title": TOC_TITLE,
            "generated_on": generated_on,
            "font_family": PDF_FONT_FAMILY,
            "heading_font_family": PDF_HEADING_FONT_FAMILY,
        },
    )


def render_packet(decision: Decision) -> tuple[bytes, int]:
    """The packet's PDF and its number of pages."""
    from pypdf import PdfReader, PdfWriter  # loaded only by the processes that render packets
    from weasyprint import HTML  # heavy: as reviews.letters

    _require_pdf_font()
    with translation.override(settings.DT_RECORD_LANGUAGE):
        sections = packet_sections(decision)
        generated_on = chinese_date(timezone.localdate())
        inserts = [[PdfReader(io.BytesIO(content)) for content in section.inserts] for section in sections]
        # First rendering: where each section starts and ends among the rendered pages.
        document = HTML(string=_html(decision, sections, generated_on)).render()
        starts, ends = _anchor_pages(document, len(sections))
        added = 0
        for index, section in enumerate(sections):
            section.page = starts[index] + added + 1
            added += sum(len(reader.pages) for reader in inserts[index])
        # Second rendering with the page numbers in the table of contents (same layout otherwise).
        rendered = HTML(string=_html(decision, sections, generated_on)).write_pdf()
    base = PdfReader(io.BytesIO(rendered))
    writer = PdfWriter()
    after = {ends[index]: readers for index, readers in enumerate(inserts)}
    for number, page in enumerate(base.pages):
        writer.add_page(page)
        for reader in after.get(number, []):
            for inserted in reader.pages:
                writer.add_page(inserted)
    writer.add_metadata({"/Title": f"{decision.title}{COVER_TITLE}", "/Subject": decision.code})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)


def _anchor_pages(document: Any, count: int) -> tuple[list[int], list[int]]:
    starts, ends = [0] * count, [0] * count
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            kind, _sep, index = anchor.partition("-")
            if kind == "section" and index.isdigit():
                starts[int(index)] = number
            elif kind == "end" and index.isdigit():
                ends[int(index)] = number
    return starts, ends


def meeting_packet_generate(*, decision: Decision, actor: User, ip: str | None = None) -> MeetingPacket:
    """Assemble the packet from the record and keep it (``services.meeting_packet_record``: the
    government office, while the decision awaits the meeting; one event per generation). Refused
    before any rendering when the actor or the state may not."""
    services.meeting_packet_check(decision=decision, actor=actor)
    content, pages = render_packet(decision)
    return services.meeting_packet_record(decision=decision, actor=actor, content=content, page_count=pages, ip=ip)
