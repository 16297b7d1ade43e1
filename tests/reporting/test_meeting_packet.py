"""The meeting packet (Art 29–30): one PDF of the meeting's materials, assembled from the record by
the government office before the meeting, kept with its SHA-256, each generation an event."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader
from rest_framework.test import APIClient

from decisions import services
from decisions.choices import EventType, RuleCode
from decisions.errors import DecisionError, ErrorCode
from decisions.models import DecisionEvent, DecisionState, MeetingPacket
from reporting.packet import SECTION_TITLES, TOC_TITLE, meeting_packet_generate
from tests.api.conftest import issue_keys
from tests.factories import decision_in, meeting_values, register


def _text(content: bytes) -> str:
    # Without the line breaks the layout put into long paragraphs.
    return "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


def _awaiting(org):
    decision = register(org)
    services.drafting_record_add(
        decision=decision,
        actor=org.clerk,
        kind="proposal",
        proposer="cppcc_members",
        text="市政协委员提案建议调整水价。",
    )
    decision = services.decision_start(decision=decision, actor=org.secretary)
    services.drafting_record_add(
        decision=decision, actor=org.clerk, kind="alternatives", text="拟订三档与四档两个备选方案。"
    )
    return decision_in_from(decision, org)


def decision_in_from(decision, org):
    """The rest of the shortest road to the meeting (tests.factories.decision_in, from preparing)."""
    from tests.factories import issue_opinion, settle_steps

    settle_steps(decision, org)
    decision = services.decision_submit_for_review(decision=decision, actor=org.sponsor_head)
    issue_opinion(decision, org)
    return services.decision_clear_for_meeting(decision=decision, actor=org.reviewer)


@pytest.fixture
def awaiting(org):
    return _awaiting(org)


@pytest.mark.django_db
def test_the_packet_opens_with_its_table_of_contents_and_every_section_in_chinese(org, awaiting):
    packet = meeting_packet_generate(decision=awaiting, actor=org.secretary)
    with packet.file.open("rb") as handle:
        content = handle.read()
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == packet.page_count > 2
    text = _text(content)
    assert "".join(TOC_TITLE.split()) in text
    for title in SECTION_TITLES.values():
        assert text.count(title) >= 2, title  # in the table of contents and as the section's heading
    assert "集体讨论决定材料" in text and awaiting.title in text


@pytest.mark.django_db
def test_the_table_of_contents_gives_the_page_each_section_starts_on(org, awaiting):
    packet = meeting_packet_generate(decision=awaiting, actor=org.secretary)
    with packet.file.open("rb") as handle:
        pages = ["".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(handle.read())).pages]
    contents = next(page for page in pages if page.startswith("".join(TOC_TITLE.split())))
    for title in SECTION_TITLES.values():
        number = int(re.search(re.escape(title) + r"第(\d+)页", contents).group(1))
        assert pages[number - 1].startswith(title), (title, number)


@pytest.mark.django_db
def test_the_packet_holds_the_drafting_record(org, awaiting):
    packet = meeting_packet_generate(decision=awaiting, actor=org.secretary)
    with packet.file.open("rb") as handle:
        text = _text(handle.read())
    assert "市政协委员提案建议调整水价。" in text and "拟订三档与四档两个备选方案。" in text


@pytest.mark.django_db
def test_the_packet_says_when_the_record_has_no_fair_competition_review(org, awaiting):
    packet = meeting_packet_generate(decision=awaiting, actor=org.secretary)
    with packet.file.open("rb") as handle:
        assert "未载有公平竞争审查意见" in _text(handle.read())


@pytest.mark.django_db
def test_the_packet_holds_the_fair_competition_review_in_section_seven_art_29(org):
    decision = register(org)
    decision = services.decision_start(decision=decision, actor=org.secretary)
    services.drafting_record_add(
        decision=decision,
        actor=org.clerk,
        kind="fair_competition",
        text="经公平竞争审查，未发现排除、限制竞争的内容。",
    )
    awaiting = decision_in_from(decision, org)

    packet = meeting_packet_generate(decision=awaiting, actor=org.secretary)
    with packet.file.open("rb") as handle:
        text = _text(handle.read())

    seventh = text[text.rindex(SECTION_TITLES["competition"]) :]
    assert "经公平竞争审查，未发现排除、限制竞争的内容。" in seventh
    assert "未载有公平竞争审查意见" not in text
    # Not repeated among the other drafting entries of section two.
    assert text.count("经公平竞争审查，未发现排除、限制竞争的内容。") == 1


@pytest.mark.django_db
def test_a_pdf_draft_is_bound_into_the_packet_page_by_page(org):
    decision = register(org)
    services.attachment_upload(
        decision=decision, actor=org.clerk, uploaded_file=SimpleUploadedFile("草案.pdf", _one_page_pdf()), kind="draft"
    )
    decision = decision_in_from(services.decision_start(decision=decision, actor=org.secretary), org)
    packet = meeting_packet_generate(decision=decision, actor=org.secretary)
    with packet.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    # The draft's own (blank, odd-sized) page is in the packet as it was.
    assert any(round(float(page.mediabox.width)) == 123 for page in reader.pages)


def _one_page_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=123, height=456)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_stored_checksum_is_that_of_the_served_bytes(client, org, awaiting):
    packet = meeting_packet_generate(decision=awaiting, actor=org.secretary)
    client.force_login(org.clerk)
    response = client.get(reverse("decisions:meeting_packet_download", kwargs={"pk": packet.pk}))
    served = b"".join(response.streaming_content)
    assert response.status_code == 200 and hashlib.sha256(served).hexdigest() == packet.sha256
    page = client.get(reverse("decisions:detail", kwargs={"pk": awaiting.pk})).content.decode()
    assert packet.sha256 in page
    client.force_login(org.other_clerk)  # cannot see the decision
    assert client.get(reverse("decisions:meeting_packet_download", kwargs={"pk": packet.pk})).status_code == 404


@pytest.mark.django_db
def test_only_the_government_office_generates_the_packet(org, awaiting):
    for outsider in (org.clerk, org.sponsor_head, org.reviewer, org.legal_head, org.leader):
        with pytest.raises(DecisionError) as refused:
            meeting_packet_generate(decision=awaiting, actor=outsider)
        assert refused.value.code == ErrorCode.FORBIDDEN
    assert not MeetingPacket.objects.filter(decision=awaiting).exists()


@pytest.mark.django_db
def test_the_packet_is_assembled_only_while_the_decision_awaits_the_meeting(org):
    decision = decision_in(org, DecisionState.PREPARING)
    with pytest.raises(DecisionError) as refused:
        meeting_packet_generate(decision=decision, actor=org.secretary)
    assert refused.value.rule == RuleCode.MEETING_PACKET_BEFORE_MEETING and refused.value.article == "Art 29"


@pytest.mark.django_db
def test_each_generation_is_an_event_and_a_new_row(org, awaiting):
    first = meeting_packet_generate(decision=awaiting, actor=org.secretary)
    second = meeting_packet_generate(decision=awaiting, actor=org.secretary)
    events = DecisionEvent.objects.filter(decision=awaiting, transition=EventType.MEETING_PACKET).order_by("id")
    assert [e.details["id"] for e in events] == [first.pk, second.pk]
    assert events[0].details["sha256"] == first.sha256 and events[0].actor == org.secretary
    with pytest.raises(PermissionError):
        first.delete()


@pytest.mark.django_db
def test_the_meeting_record_names_the_packet_it_was_held_on(org, awaiting):
    meeting_packet_generate(decision=awaiting, actor=org.secretary)
    newest = meeting_packet_generate(decision=awaiting, actor=org.secretary)
    decision = services.decision_record_outcome(decision=awaiting, actor=org.secretary, **meeting_values("approved"))
    assert decision.meetings.get().packet == newest


@pytest.mark.django_db
def test_the_page_offers_the_button_to_the_government_office_only(client, org, awaiting):
    url = reverse("reports:meeting-packet", kwargs={"pk": awaiting.pk})
    detail = reverse("decisions:detail", kwargs={"pk": awaiting.pk})
    client.force_login(org.clerk)
    assert url not in client.get(detail).content.decode()
    assert client.post(url).status_code == 403
    client.force_login(org.secretary)
    assert url in client.get(detail).content.decode()
    assert client.post(url).status_code == 302
    assert MeetingPacket.objects.filter(decision=awaiting, generated_by=org.secretary).count() == 1


@pytest.mark.django_db
def test_the_api_generates_lists_and_serves_packets(org, awaiting):
    keys = issue_keys(org)

    def as_(role):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {keys[role]}")
        return client

    url = f"/api/v1/decisions/{awaiting.pk}/meeting-packets/"
    assert as_("clerk").post(url).status_code == 403
    created = as_("secretary").post(url)
    assert created.status_code == 201, created.content
    body = created.json()
    listed = as_("clerk").get(url).json()
    assert [p["sha256"] for p in listed] == [body["sha256"]]
    served = as_("clerk").get(f"{url}{body['id']}/download/", HTTP_ACCEPT="application/octet-stream")
    assert served.status_code == 200
    assert hashlib.sha256(b"".join(served.streaming_content)).hexdigest() == body["sha256"]


@pytest.mark.django_db
def test_the_dossier_carries_the_packets(org, awaiting):
    from reporting.dossier import manifest

    packet = meeting_packet_generate(decision=awaiting, actor=org.secretary)
    data, files = manifest(awaiting)
    assert [row["pk"] for row in data["objects"] if row["model"] == "decisions.meetingpacket"] == [packet.pk]
    assert hashlib.sha256(files[packet.file.name]).hexdigest() == packet.sha256


@pytest.mark.django_db
def test_the_dossier_restores_the_drafting_record_the_packet_and_the_meeting_held_on_it(org, awaiting):
    from django.core.files.storage import default_storage

    from decisions.models import Decision, DraftingRecord
    from reporting.dossier import dossier_export, dossier_import
    from tests.reporting.test_dossier import empty_the_database

    packet = meeting_packet_generate(decision=awaiting, actor=org.secretary)
    decision = services.decision_record_outcome(decision=awaiting, actor=org.secretary, **meeting_values("approved"))
    drafting = sorted(DraftingRecord.objects.filter(decision=decision).values_list("pk", "text"))
    exported = dossier_export(decision, with_index=False)
    path, sha256 = packet.file.name, packet.sha256
    empty_the_database()
    default_storage.delete(path)
    assert not Decision.objects.exists()

    restored = dossier_import(exported)

    assert sorted(DraftingRecord.objects.filter(decision=restored).values_list("pk", "text")) == drafting
    again = MeetingPacket.objects.get(decision=restored)
    assert restored.meetings.get().packet == again and again.sha256 == sha256
    with again.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == sha256


def _docx(text: str) -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.django_db
def test_a_word_draft_and_explanation_are_set_out_as_text_in_the_packet(org):
    decision = register(org)
    for kind, name, text in (
        ("draft", "草案.docx", "第一条为规范城市居民生活用水价格制定本办法。"),
        ("explanation", "起草说明.docx", "本办法起草过程中广泛征求了各方意见。"),
    ):
        services.attachment_upload(
            decision=decision, actor=org.clerk, uploaded_file=SimpleUploadedFile(name, _docx(text)), kind=kind
        )
    decision = decision_in_from(services.decision_start(decision=decision, actor=org.secretary), org)
    packet = meeting_packet_generate(decision=decision, actor=org.secretary)
    with packet.file.open("rb") as handle:
        text = _text(handle.read())
    assert "第一条为规范城市居民生活用水价格制定本办法。" in text and "本办法起草过程中广泛征求了各方意见。" in text
