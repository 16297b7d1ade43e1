"""How the draft was made (Art 10–13): the drafting record, written by the lead sponsor while the
draft is prepared, append-only, each entry an event, on every road."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from decisions import services
from decisions.choices import EventType, RuleCode
from decisions.errors import DecisionError, ErrorCode
from decisions.models import DecisionEvent, DecisionState, DraftingRecord
from reporting.dossier import dossier_export, manifest
from tests.api.conftest import issue_keys
from tests.factories import decision_in, register


def _add(decision, actor, **values):
    values = {"kind": "research", "text": "赴三个区县开展实地调研，召开座谈会两场。", **values}
    return services.drafting_record_add(decision=decision, actor=actor, **values)


@pytest.mark.django_db
def test_the_lead_sponsor_records_how_the_draft_was_made_each_entry_an_event(org):
    decision = register(org)
    proposal = _add(decision, org.clerk, kind="proposal", proposer="deputies", text="市人大代表联名提出建议。")
    decision = services.decision_start(decision=decision, actor=org.secretary)
    research = _add(decision, org.sponsor_head)
    assert [r.kind for r in decision.drafting_records.all()] == ["proposal", "research"]
    assert proposal.proposer == "deputies" and proposal.recorded_by == org.clerk
    events = DecisionEvent.objects.filter(decision=decision, transition=EventType.DRAFTING_RECORD)
    assert [e.details["id"] for e in events.order_by("id")] == [proposal.pk, research.pk]
    assert all(e.from_state == e.to_state for e in events)


@pytest.mark.django_db
def test_a_drafting_record_may_carry_a_file_stored_as_an_attachment(org):
    decision = decision_in(org, DecisionState.PREPARING)
    record = _add(
        decision,
        org.clerk,
        kind="cost_benefit",
        text="成本效益分析报告。",
        uploaded_file=SimpleUploadedFile("成本效益分析.pdf", b"%PDF-1.4 analysis"),
    )
    assert record.attachment.decision == decision and record.attachment.original_name == "成本效益分析.pdf"
    assert DecisionEvent.objects.filter(decision=decision, transition=EventType.ATTACH).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("state", [DecisionState.LEGALITY_REVIEW, DecisionState.AWAITING_DECISION])
def test_the_drafting_record_is_closed_once_the_draft_is_submitted(org, state):
    decision = decision_in(org, state)
    before = DecisionEvent.objects.filter(decision=decision).count()
    with pytest.raises(DecisionError) as refused:
        _add(decision, org.clerk)
    assert refused.value.code == ErrorCode.WRONG_STATE
    assert refused.value.rule == RuleCode.DRAFTING_WHILE_PREPARED and refused.value.article == "Art 12"
    assert not DraftingRecord.objects.filter(decision=decision).exists()
    assert DecisionEvent.objects.filter(decision=decision).count() == before


@pytest.mark.django_db
def test_only_the_lead_sponsors_staff_write_the_drafting_record(org):
    decision = decision_in(org, DecisionState.PREPARING)
    for outsider in (org.other_clerk, org.secretary, org.reviewer):
        with pytest.raises(DecisionError) as refused:
            _add(decision, outsider)
        assert refused.value.code == ErrorCode.FORBIDDEN
    assert not DraftingRecord.objects.filter(decision=decision).exists()


@pytest.mark.django_db
def test_a_proposal_names_its_proposer_and_an_entry_states_what_was_done(org):
    decision = decision_in(org, DecisionState.PREPARING)
    with pytest.raises(DecisionError) as refused:
        _add(decision, org.clerk, kind="proposal", proposer="")
    assert refused.value.article == "Art 10" and "proposer" in refused.value.fields
    with pytest.raises(DecisionError) as refused:
        _add(decision, org.clerk, text="   ")
    assert "text" in refused.value.fields
    with pytest.raises(DecisionError):
        _add(decision, org.clerk, kind="gossip")
    assert not DraftingRecord.objects.filter(decision=decision).exists()
    # Another kind of entry names no proposer, whatever is sent.
    assert _add(decision, org.clerk, kind="alternatives", proposer="public").proposer == ""


@pytest.mark.django_db
def test_drafting_records_are_append_only_in_the_orm_and_the_database(org):
    decision = decision_in(org, DecisionState.PREPARING)
    record = _add(decision, org.clerk)
    record.text = "改写"
    with pytest.raises(PermissionError):
        record.save()
    with pytest.raises(PermissionError):
        DraftingRecord.objects.filter(pk=record.pk).update(text="改写")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE decisions_draftingrecord SET text = 'x' WHERE id = %s", [record.pk])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM decisions_draftingrecord WHERE id = %s", [record.pk])


@pytest.mark.django_db
def test_the_admin_shows_drafting_records_read_only(org, admin_user):
    request = RequestFactory().get("/")
    request.user = admin_user
    model_admin = site._registry[DraftingRecord]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


@pytest.mark.django_db
def test_the_decision_page_shows_the_drafting_record_and_its_form_to_the_sponsor(client, org):
    decision = decision_in(org, DecisionState.PREPARING)
    client.force_login(org.clerk)
    url = reverse("decisions:drafting_record_add", kwargs={"pk": decision.pk})
    response = client.post(url, {"dr-kind": "consultation", "dr-text": "书面征求市发展改革委、市财政局意见。"})
    assert response.status_code == 302
    page = client.get(reverse("decisions:detail", kwargs={"pk": decision.pk})).content.decode()
    assert "书面征求市发展改革委、市财政局意见。" in page and 'id="drafting"' in page and url in page
    client.force_login(org.secretary)
    page = client.get(reverse("decisions:detail", kwargs={"pk": decision.pk})).content.decode()
    assert "书面征求市发展改革委、市财政局意见。" in page and url not in page


@pytest.mark.django_db
def test_the_api_reads_and_writes_the_drafting_record(org):
    decision = decision_in(org, DecisionState.PREPARING)
    keys = issue_keys(org)
    url = f"/api/v1/decisions/{decision.pk}/drafting-records/"

    def as_(role):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {keys[role]}")
        return client

    created = as_("clerk").post(url, {"kind": "disagreement", "text": "与市财政局就补贴来源协商不成。"}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["kind"] == "disagreement"
    refused = as_("secretary").post(url, {"kind": "research", "text": "调研"}, format="json")
    assert refused.status_code == 403
    listed = as_("secretary").get(url)
    assert listed.status_code == 200 and [r["text"] for r in listed.json()] == ["与市财政局就补贴来源协商不成。"]
    upload = as_("clerk").post(
        url,
        {"kind": "research", "text": "调研报告", "file": SimpleUploadedFile("调研报告.pdf", b"%PDF-1.4 r")},
        format="multipart",
    )
    assert upload.status_code == 201 and upload.json()["attachment"]


@pytest.mark.django_db
def test_the_dossier_carries_the_drafting_record(org):
    decision = decision_in(org, DecisionState.PREPARING)
    record = _add(decision, org.clerk)
    data, _files = manifest(decision)
    rows = [row for row in data["objects"] if row["model"] == "decisions.draftingrecord"]
    assert [row["pk"] for row in rows] == [record.pk]
    assert dossier_export(decision, with_index=False)
