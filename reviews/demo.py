"""The review part of the demo walk (``demo.builder.issue_opinion``): every step a real service.

``people`` has the attributes clerk, sponsor_head, reviewer and legal_head.
"""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from decisions.models import Decision
from reviews import gates, services
from reviews.clock import review_clock
from reviews.models import (
    CONCLUSIONS_WITH_ITEMS,
    AdviserKind,
    ItemResponse,
    LegalAdviser,
    LegalityReview,
    MaterialKind,
    ProblemType,
    WaiverVerdict,
)

DEMO_ITEMS = (
    {
        "clause": "第五条第二款",
        "problem_type": ProblemType.CONTENT,
        "problem": "对低收入家庭的减免条件表述不明确，执行中易产生争议。",
        "legal_basis": "《中华人民共和国价格法》第二十三条；《政府制定价格行为规则》第十五条。",
        "suggested_change": "明确减免对象为持有最低生活保障证的家庭，并列明办理程序。",
    },
    {
        "clause": "第九条",
        "problem_type": ProblemType.AUTHORITY,
        "problem": "规定由承办单位对违反规定的行为处以罚款，超出其法定职权。",
        "legal_basis": "《中华人民共和国行政处罚法》第十八条、第十九条。",
        "suggested_change": "删除罚款规定，改为依照有关法律、法规的规定处理。",
    },
)


def _docx(title: str, body: str) -> bytes:
    from docx import Document  # python-docx loaded only when the demo builds its drafts

    document = Document()
    document.add_heading(title, level=1)
    document.add_paragraph(body)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _upload(name: str, title: str, body: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name,
        _docx(title, body),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def _current_review(decision: Decision) -> LegalityReview:
    """The decision's current round; the demo calls this only after the decision was submitted."""
    review = gates.current_review(decision)
    assert review is not None  # submitted, so a round is open
    return review


def complete_materials(decision: Decision, people) -> None:
    """The sponsor hands in whatever the checklist still lacks (Art 26)."""
    review = _current_review(decision)
    missing = gates.materials_missing(review)
    if MaterialKind.DRAFT in missing:
        services.review_add_material(
            decision=decision,
            actor=people.clerk,
            kind=MaterialKind.DRAFT,
            uploaded_file=_upload("决策草案（送审稿）.docx", decision.title, "决策草案全文（演示）。"),
        )
    if MaterialKind.EXPLANATION in missing:
        services.review_add_material(
            decision=decision,
            actor=people.clerk,
            kind=MaterialKind.EXPLANATION,
            uploaded_file=_upload(
                "起草说明.docx", f"关于{decision.title}的起草说明", "起草背景、依据和主要内容（演示）。"
            ),
        )
    if MaterialKind.LEGAL_BASIS in missing:
        services.review_add_material(
            decision=decision,
            actor=people.clerk,
            kind=MaterialKind.LEGAL_BASIS,
            text="《中华人民共和国价格法》第十八条、第二十三条；《政府制定价格行为规则》；《重大行政决策程序暂行条例》。",
        )


def take_to_opinion(decision: Decision, people, *, conclusion: str, reasons: str, legal_risk: str = "") -> None:
    """Accept, check the waivers, write the items and the opinion (the reviewer)."""

    complete_materials(decision, people)
    services.review_accept(decision=decision, actor=people.reviewer)
    hear_adviser(decision, people)
    review = _current_review(decision)
    for check in review.waiver_checks.filter(verdict=WaiverVerdict.PENDING).select_related("step"):
        services.review_check_waiver(
            decision=decision, actor=people.reviewer, step_kind=check.step.kind, confirmed=True
        )
    if conclusion in CONCLUSIONS_WITH_ITEMS and not review.items.exists():
        for item in DEMO_ITEMS:
            services.review_add_item(decision=decision, actor=people.reviewer, **item)
    services.review_record_opinion(
        decision=decision, actor=people.reviewer, conclusion=conclusion, reasons=reasons, legal_risk=legal_risk
    )


def hear_adviser(decision: Decision, people) -> None:
    """Art 28: where the government's rules require it, the reviewer asks the first adviser of the
    pool serving today, who signs an opinion (nothing when the round already holds a signed one, or
    the pool is empty: the issue then refuses, as it should)."""
    review = _current_review(decision)
    if any(opinion.signed_at for opinion in review.adviser_opinions.all()):
        return
    if not gates.adviser_opinion_required(decision):
        return
    entry = LegalAdviser.objects.serving(decision.government_id, timezone.localdate()).select_related("user").first()
    if entry is None:
        return
    request = services.review_request_adviser_opinion(
        decision=decision,
        actor=people.reviewer,
        adviser=entry.user,
        question="决策草案的合法性（制定主体、权限、程序、内容）。",
    )
    services.review_sign_adviser_opinion(
        decision=decision,
        actor=entry.user,
        opinion_id=request.pk,
        opinion="经审查，草案制定主体适格，权限和程序符合规定，内容未发现违法情形。",
    )


# A term wide enough for a walk that travels in time (demo data of past years, tests' clocks).
DEMO_TERM = (dt.date(2000, 1, 1), dt.date(2099, 12, 31))


def add_to_pool(government, user, *, kind: str = AdviserKind.LEGAL_ADVISER, **values) -> LegalAdviser:
    """An adviser in the government's pool (organisation data, as the administrators enter it)."""
    values = {
        "firm": "示范市正言律师事务所",
        "fields_of_practice": "行政法、政府法律事务",
        "term_start": DEMO_TERM[0],
        "term_end": DEMO_TERM[1],
        **values,
    }
    return LegalAdviser.objects.create(government=government, user=user, kind=kind, **values)


def answer_and_confirm(decision: Decision, people) -> None:
    """The sponsor answers every item and hands in the revised draft; the reviewer confirms."""
    review = _current_review(decision)
    for item in review.items.all():
        partly = item.problem_type == ProblemType.CONTENT and item.number > 1
        services.review_answer_item(
            decision=decision,
            actor=people.clerk,
            item_id=item.pk,
            response=ItemResponse.PARTLY if partly else ItemResponse.ADOPTED,
            reason="已部分修改，其余内容另行研究。" if partly else "",
        )
    services.review_hand_in_revised_draft(
        decision=decision,
        actor=people.clerk,
        uploaded_file=_upload(
            "决策草案（修改稿）.docx", decision.title, "按照合法性审查意见修改后的决策草案（演示）。"
        ),
    )
    services.review_confirm_changes(decision=decision, actor=people.reviewer)


def shorten_minimum_for_demo(decision: Decision, people) -> None:
    """The demo is seeded in one sitting, so the minimum review time (Art 26) cannot run out; the
    office head shortens it, as Art 26's "in general" allows, and the record says it is demo data."""
    review = _current_review(decision)
    clock = review_clock(review, today=timezone.localdate())
    if clock is not None and not clock.minimum_reached:
        services.review_shorten_minimum(
            decision=decision,
            actor=people.legal_head,
            working_days=0,
            reason="演示数据一次生成，经司法局负责人同意缩短审查时间。",
        )
