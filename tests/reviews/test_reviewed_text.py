"""The reviewed text is frozen (Art 25): submission binds the draft by its SHA-256; from then on the
draft changes only through the review's own actions, and the meeting is reached only with the text
the issued opinion covers. Files are added to a decision only as its state allows, each upload an
event."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from decisions import services
from decisions.choices import EventType
from decisions.errors import DecisionError, ErrorCode
from decisions.models import Attachment, DecisionState, StepKind, current_draft
from reviews import services as review_services
from reviews.choices import ReviewRule
from reviews.gates import reviewed_draft
from tests.factories import answer_changes, decision_in, issue_opinion, meeting_values, settle_steps, snapshot
from tests.reviews.flow import review_of

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pdf(name: str = "草案.pdf", extra: bytes = b"") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF + extra, content_type="application/pdf")


def _draft_behind_the_services(decision, org, content: bytes) -> Attachment:
    """A draft row written past the services (as a crafted import or a raw write would)."""
    digest = hashlib.sha256(content).hexdigest()
    attachment = Attachment(
        decision=decision,
        kind=Attachment.Kind.DRAFT,
        original_name="换过的草案.pdf",
        extension="pdf",
        size=len(content),
        sha256=digest,
        uploaded_by=org.clerk,
    )
    attachment.file.save("x.pdf", ContentFile(content), save=False)
    attachment.save()
    return attachment


def test_the_submission_binds_the_draft_by_its_checksum(org):
    decision = decision_in(org, DecisionState.PREPARING)
    draft = services.attachment_upload(decision=decision, actor=org.clerk, uploaded_file=pdf(), kind="draft")
    settle_steps(decision, org)

    services.decision_submit_for_review(decision=decision, actor=org.sponsor_head)

    event = decision.events.get(transition=EventType.SUBMIT_FOR_REVIEW)
    assert event.details["draft"] == {"id": draft.pk, "name": "草案.pdf", "sha256": draft.sha256}


def test_the_clerk_cannot_upload_a_new_draft_after_clearance(org):
    # The attack: in awaiting_decision the clerk uploads another draft for the meeting.
    decision = decision_in(org, DecisionState.AWAITING_DECISION)
    before = snapshot(decision)

    with pytest.raises(DecisionError) as refused:
        services.attachment_upload(decision=decision, actor=org.clerk, uploaded_file=pdf(extra=b"v2"), kind="draft")

    assert refused.value.code == ErrorCode.WRONG_STATE
    assert snapshot(decision) == before


def test_no_draft_is_uploaded_by_the_attachment_form_during_the_review(org):
    decision = decision_in(org, DecisionState.LEGALITY_REVIEW)
    before = snapshot(decision)
    with pytest.raises(DecisionError):
        services.attachment_upload(decision=decision, actor=org.clerk, uploaded_file=pdf(), kind="draft")
    assert snapshot(decision) == before


@pytest.mark.parametrize(
    "state",
    [DecisionState.PUBLISHED, DecisionState.IMPLEMENTING, DecisionState.ARCHIVED, DecisionState.WITHDRAWN],
)
def test_no_file_is_added_to_a_published_or_closed_decision(org, state):
    decision = decision_in(org, state)
    before = snapshot(decision)

    with pytest.raises(DecisionError) as refused:
        services.attachment_upload(decision=decision, actor=org.secretary, uploaded_file=pdf(), kind="other")

    assert refused.value.code == ErrorCode.WRONG_STATE
    assert snapshot(decision) == before


def test_the_page_offers_only_the_kinds_the_state_allows_and_refuses_a_draft(org, client):
    decision = decision_in(org, DecisionState.AWAITING_DECISION)
    client.force_login(org.clerk)
    page = client.get(reverse("decisions:detail", args=[decision.pk]))
    form = page.context["attachment_form"]
    assert [value for value, _label in form.fields["kind"].choices] == ["minutes", "other"]

    response = client.post(
        reverse("decisions:attachment_upload", args=[decision.pk]), {"att-file": pdf(), "att-kind": "draft"}
    )

    assert response.status_code == 400
    assert not decision.attachments.filter(kind="draft").exclude(pk__in=[a.pk for a in decision.attachments.all()])
    assert decision.attachments.filter(kind="draft").count() == 1  # the reviewed draft only


def test_every_upload_is_an_event_with_the_checksum(org):
    decision = decision_in(org, DecisionState.PREPARING)

    attachment = services.attachment_upload(
        decision=decision,
        actor=org.clerk,
        uploaded_file=pdf("风险报告.pdf"),
        kind="risk_report",
        step_kind="risk_assessment",
    )

    event = decision.events.get(transition=EventType.ATTACH)
    assert (event.actor, event.comment, event.step_kind) == (org.clerk, "风险报告.pdf", StepKind.RISK_ASSESSMENT)
    assert event.details == {"id": attachment.pk, "kind": "risk_report", "sha256": attachment.sha256, "size": len(PDF)}


def test_a_draft_changed_behind_the_review_blocks_the_clearance(org):
    decision = decision_in(org, DecisionState.LEGALITY_REVIEW)
    issue_opinion(decision, org)
    reviewed = reviewed_draft(review_of(decision))
    assert reviewed is not None and reviewed == current_draft(decision)
    _draft_behind_the_services(decision, org, PDF + b"changed")
    before = snapshot(decision)

    with pytest.raises(DecisionError) as refused:
        services.decision_clear_for_meeting(decision=decision, actor=org.reviewer)

    assert (refused.value.rule, refused.value.article) == (ReviewRule.REVIEWED_TEXT, "Art 25")
    assert snapshot(decision) == before


def test_a_draft_changed_after_clearance_blocks_the_outcome(org):
    decision = decision_in(org, DecisionState.AWAITING_DECISION)
    _draft_behind_the_services(decision, org, PDF + b"changed")
    before = snapshot(decision)

    with pytest.raises(DecisionError) as refused:
        services.decision_record_outcome(decision=decision, actor=org.secretary, **meeting_values())

    assert refused.value.rule == ReviewRule.REVIEWED_TEXT
    assert snapshot(decision) == before


def test_the_revised_draft_answering_the_opinion_is_the_reviewed_text(org):
    decision = decision_in(org, DecisionState.LEGALITY_REVIEW)
    issue_opinion(decision, org, "lawful_with_changes", confirm=False)
    answer_changes(decision, org)
    review_services.review_confirm_changes(decision=decision, actor=org.reviewer)
    review = review_of(decision)

    assert reviewed_draft(review) == review.revised_draft == current_draft(decision)
    services.decision_clear_for_meeting(decision=decision, actor=org.reviewer)
    decision.refresh_from_db()
    assert decision.state == DecisionState.AWAITING_DECISION


def test_after_publication_a_document_comes_only_with_its_record(org):
    decision = decision_in(org, DecisionState.IMPLEMENTING)
    last = decision.events.order_by("pk").last().pk

    services.execution_report_add(
        decision=decision,
        actor=org.clerk,
        reported_on=decision.created_at.date(),
        progress="已完成第一阶段。",
        uploaded_file=pdf("执行情况报告.pdf"),
    )

    attachment = decision.attachments.get(original_name="执行情况报告.pdf")
    assert attachment.kind == Attachment.Kind.OTHER
    kinds = list(decision.events.filter(pk__gt=last).order_by("pk").values_list("transition", flat=True))
    assert kinds == [EventType.RECORD_CHANGE, EventType.ATTACH]
