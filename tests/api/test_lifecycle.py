"""An OA system drives a decision through its whole life with tokens alone (issue 5, "Done when")."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from decisions.api.tokens import api_token_issue
from decisions.models import DecisionEvent, DecisionState
from tests.factories import SIGNED_SCAN_PDF, pool_expert


def participation_values() -> dict:
    """A complete public participation record: a 30-day period that ended ten days ago."""
    end = timezone.localdate() - dt.timedelta(days=10)
    start = end - dt.timedelta(days=29)
    return {
        "methods": ["online_call"],
        "call_published_on": start,
        "period_start": start,
        "period_end": end,
    }


def expert_values(expert: int, signed_scan: int) -> dict:
    """An opinion of the pool's expert ``expert``, signed on paper and filed with ``signed_scan``."""
    return {
        "expert": expert,
        "stance": "supports",
        "signed_scan_id": signed_scan,
        "opinion": "方案必要、可行。",
        "signed_on": timezone.localdate(),
        "handling": "adopted",
    }


def _json(values: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()}


def _docx(name: str) -> SimpleUploadedFile:
    """A file with the signature of a .docx (a zip archive)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, buffer.getvalue())


def ok(response, code=200):
    assert response.status_code == code, response.content.decode()
    return response.json()


def test_a_decision_lives_its_whole_life_through_the_api_with_tokens_alone(api):
    org = api.org
    clerk, head, reviewer, legal_head, secretary, leader = (
        api.as_(r) for r in ("clerk", "sponsor_head", "reviewer", "legal_head", "secretary", "leader")
    )
    created = ok(
        clerk.post(
            "/api/v1/decisions/",
            {
                "lead_sponsor": org.sponsor.pk,
                "title": "城市居民生活用水阶梯价格调整",
                "category": "public_policy",
                "catalogue_year": timezone.localdate().year,
                "decision_body": org.government.name,
                "co_sponsors": [org.other_sponsor.pk],
            },
            format="json",
        ),
        201,
    )
    pk = created["id"]
    base = f"/api/v1/decisions/{pk}/"
    assert created["state"] == "proposed"
    assert [s["kind"] for s in created["steps"]] == ["expert_argument", "public_participation", "risk_assessment"]

    ok(secretary.post(base + "transitions/start/", {"comment": "决定启动"}, format="json"))

    ok(clerk.post(base + "steps/public_participation/start/", {}, format="json"))
    ok(clerk.patch(base + "steps/public_participation/record/", _json(participation_values()), format="json"))
    # No comment came in: the adoption summary, generated from the (no) answers, becomes the record.
    ok(clerk.post(base + "consultation/summary/", {}, format="json"))
    ok(clerk.post(base + "steps/public_participation/complete/", {}, format="json"))

    ok(clerk.post(base + "steps/expert_argument/start/", {}, format="json"))
    expert = pool_expert(org).pk  # the pool is organisation data, kept in the admin
    ok(
        clerk.post(
            base + "steps/expert_argument/selections/", {"method": "chosen", "experts": [expert]}, format="json"
        ),
        201,
    )
    scan = ok(
        clerk.post(
            base + "attachments/",
            {
                "file": SimpleUploadedFile("专家签名意见.pdf", SIGNED_SCAN_PDF),
                "kind": "opinion",
                "step_kind": "expert_argument",
            },
        ),
        201,
    )
    ok(
        clerk.post(base + "steps/expert_argument/opinions/", _json(expert_values(expert, scan["id"])), format="json"),
        201,
    )
    ok(clerk.post(base + "steps/expert_argument/complete/", {}, format="json"))

    # Not applicable: the clerk requests it on a listed basis, the sponsor's head approves it.
    bases = ok(clerk.get(base + "steps/risk_assessment/waiver-bases/"))
    requested = ok(
        clerk.post(
            base + "steps/risk_assessment/waive/",
            {"reason": "不涉及社会稳定风险", "basis": bases[0]["id"], "approver": org.sponsor_head.pk},
            format="json",
        )
    )
    assert (requested["state"], requested["waiver_request"]["status"]) == ("pending", "requested")
    waived = ok(head.post(base + "steps/risk_assessment/waiver/approve/", {}, format="json"))
    assert waived["state"] == "waived"
    assert waived["waiver_approved_by"]["id"] == org.sponsor_head.pk

    ok(head.post(base + "transitions/submit_for_review/", {}, format="json"))

    # The legality review, every act through the API (Art 25–28).
    review = base + "review/"
    for kind in ("draft", "explanation"):
        ok(clerk.post(review + "add_material/", {"kind": kind, "file": _docx(f"{kind}.docx")}, format="multipart"))
    ok(
        clerk.post(
            review + "add_material/", {"kind": "legal_basis", "text": "《价格法》第二十三条"}, format="multipart"
        )
    )
    present = {m["kind"] for m in ok(clerk.get(review))["rounds"][-1]["materials"]}
    if "procedure" not in present:
        ok(
            clerk.post(
                review + "add_material/",
                {"kind": "procedure", "text": "已履行公众参与、专家论证程序。"},
                format="multipart",
            )
        )
    ok(reviewer.post(review + "accept/", {}, format="json"))
    ok(reviewer.post(review + "check_waiver/", {"step_kind": "risk_assessment", "confirmed": True}, format="json"))
    # Art 28: the reviewer asks an adviser of the pool (read from the API), who signs an opinion.
    pool = ok(reviewer.get("/api/v1/reviews/advisers/"))["results"]
    asked = ok(
        reviewer.post(
            review + "request_adviser_opinion/", {"adviser": pool[0]["user"], "question": "是否合法？"}, format="json"
        )
    )["rounds"][-1]["adviser_opinions"][0]
    _token, key = api_token_issue(user=org.adviser, department=org.legal_office, name="OA adviser")
    adviser = APIClient()
    adviser.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    ok(adviser.post(review + "sign_adviser_opinion/", {"opinion_id": asked["id"], "opinion": "合法。"}, format="json"))
    ok(
        reviewer.post(
            review + "add_item/",
            {
                "clause": "第五条",
                "problem_type": "content",
                "problem": "减免条件不明确",
                "legal_basis": "《价格法》第二十三条",
                "suggested_change": "明确减免对象",
            },
            format="json",
        )
    )
    ok(
        reviewer.post(
            review + "record_opinion/",
            {"conclusion": "lawful_with_changes", "reasons": "程序合法，内容需修改。"},
            format="json",
        )
    )
    ok(
        legal_head.post(
            review + "shorten_minimum/", {"working_days": 0, "reason": "紧急事项，经负责人同意。"}, format="json"
        )
    )
    issued = ok(legal_head.post(review + "issue_opinion/", {}, format="json"))["rounds"][-1]
    assert issued["document_number"] and issued["issued_at"]
    item = issued["items"][0]["id"]
    ok(clerk.post(review + "answer_item/", {"item_id": item, "response": "adopted"}, format="json"))
    ok(clerk.post(review + "hand_in_revised_draft/", {"file": _docx("revised.docx")}, format="multipart"))
    refused = reviewer.post(base + "transitions/clear_for_meeting/", {}, format="json")
    assert refused.status_code == 409 and refused.json()["article"] == "Art 28"
    ok(reviewer.post(review + "confirm_changes/", {}, format="json"))
    ok(reviewer.post(base + "transitions/clear_for_meeting/", {}, format="json"))
    decided = ok(
        secretary.post(
            base + "transitions/record_outcome/",
            {
                "outcome": "approved",
                "meeting_type": "executive",
                "held_on": timezone.localdate().isoformat(),
                "positions": [
                    {"name": "常务副市长", "position": "for"},
                    {"name": "副市长", "position": "against", "reasons": "建议先行试点。"},
                    {"user": org.leader.pk, "position": "for", "is_head": True},
                ],
                "head_final_statement": "同意。",
            },
            format="json",
        )
    )
    assert decided["state"] == "decided"
    ok(
        secretary.post(
            base + "transitions/publish/",
            {
                "published_on": timezone.localdate().isoformat(),
                "document_number": "测政发〔2026〕1号",
                "in_gazette": True,
            },
            format="json",
        )
    )
    ok(secretary.post(base + "transitions/begin_implementation/", {"executing_unit": org.sponsor.pk}, format="json"))
    ok(
        secretary.post(
            base + "execution-reports/",
            {"reported_on": timezone.localdate().isoformat(), "progress": "已落实"},
            format="json",
        ),
        201,
    )
    ok(leader.post(base + "transitions/suspend/", {"reason": "督查要求"}, format="json"))
    ok(leader.post(base + "transitions/resume_implementation/", {}, format="json"))
    archived = ok(secretary.post(base + "transitions/archive/", {}, format="json"))
    assert archived["state"] == DecisionState.ARCHIVED

    events = DecisionEvent.objects.filter(decision_id=pk)
    assert events.filter(transition="archive").exists()
    assert not events.exclude(actor__isnull=False).exclude(transition="register").exists()
    history = ok(clerk.get(base + "events/?page_size=5"))
    assert len(history["results"]) == 5 and history["next_cursor"]
