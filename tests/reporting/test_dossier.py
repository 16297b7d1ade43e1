"""One file per decision (Art 33): export, then restore into an empty database, identically."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from consultations import services as public
from consultations.models import Comment
from decisions import services
from decisions.errors import DecisionError
from decisions.models import CatalogueAdjustment, Decision, DecisionEvent, DecisionState, ParticipationRecord
from demo import builder as demo
from reporting.dossier import dossier_export, dossier_import, manifest, manifest_bytes
from tests.factories import open_consultation


@pytest.fixture
def archived(org):
    return build_archived(org)


def build_archived(org) -> Decision:
    """A decision walked to the archive through the services, with an uploaded draft, a correction of
    its meeting record and an evaluation."""
    decision = services.decision_register(**org.decision_kwargs())
    decision = demo.walk(decision, DecisionState.PREPARING, org)
    services.attachment_upload(
        decision=decision,
        actor=org.clerk,
        uploaded_file=SimpleUploadedFile("征求意见稿.pdf", b"%PDF-1.4 draft for comment"),
        kind="draft",
    )
    decision = demo.walk(decision, DecisionState.ARCHIVED, org)
    services.meeting_correct(
        decision=decision,
        actor=org.secretary,
        meeting_id=decision.meetings.get().pk,
        field="head_final_statement",
        text="同意。请承办单位抓好落实。",
        reason="会议纪要核对：漏记后半句。",
    )
    services.evaluation_record(
        decision=decision,
        actor=org.secretary,
        trigger="body_request",
        evaluator="市决策评估中心",
        evaluator_department=org.other_sponsor,
        completed_on=timezone.localdate(),
        conclusion="达到预期目标。",
    )
    return Decision.objects.get(pk=decision.pk)


def empty_the_database() -> None:
    """Every table emptied, inside the test's transaction (rolled back after it)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fire the deferred foreign-key checks before TRUNCATE
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _without_time(raw: bytes) -> bytes:
    data = json.loads(raw)
    data.pop("exported_at")
    return manifest_bytes(data)


def test_dossier_holds_manifest_files_and_pdf_index(archived):
    archive = zipfile.ZipFile(io.BytesIO(dossier_export(archived)))
    names = set(archive.namelist())
    assert {"manifest.json", "index.pdf"} <= names
    assert archive.read("index.pdf").startswith(b"%PDF")
    data = json.loads(archive.read("manifest.json"))
    assert data["decision"]["code"] == archived.code
    models = {row["model"] for row in data["objects"]}
    assert {
        "decisions.decision",
        "decisions.procedurestep",
        "decisions.participationrecord",
        "decisions.expertopinion",
        "decisions.riskassessmentrecord",
        "decisions.meeting",
        "decisions.meetingposition",
        "decisions.meetingcorrection",
        "decisions.publication",
        "decisions.executionreport",
        "decisions.evaluation",
        "decisions.attachment",
        "decisions.decisionevent",
        "reviews.legalityreview",
    } <= models
    assert data["counts"]["decisions.decisionevent"] == DecisionEvent.objects.filter(decision=archived).count()
    for entry in data["files"]:
        assert f"files/{entry['path']}" in names
    attachment = archived.attachments.get(original_name="征求意见稿.pdf")
    assert any(f["sha256"] == attachment.sha256 for f in data["files"])
    users = [row for row in data["objects"] if row["model"] == "auth.user"]
    assert users and all("password" not in row["fields"] and "email" not in row["fields"] for row in users)


def test_dossier_restores_into_an_empty_database_identically(archived):
    exported = dossier_export(archived, with_index=False)
    before = zipfile.ZipFile(io.BytesIO(exported))
    times = list(DecisionEvent.objects.filter(decision=archived).order_by("pk").values_list("pk", "created_at"))
    paths = [entry["path"] for entry in json.loads(before.read("manifest.json"))["files"]]
    empty_the_database()
    for path in paths:
        default_storage.delete(path)
    assert not Decision.objects.exists()

    restored = dossier_import(exported)

    # To the microsecond: the record is the same, not merely the same to the second, but for the
    # import's own event at the end.
    restored_events = DecisionEvent.objects.filter(decision=restored).order_by("pk")
    assert list(restored_events.values_list("pk", "created_at"))[:-1] == times
    imported = restored_events.last()
    assert (imported.transition, imported.from_state, imported.to_state) == ("import", "archived", "archived")
    again, files = manifest(restored)
    again["objects"] = [
        row for row in again["objects"] if not (row["model"] == "decisions.decisionevent" and row["pk"] == imported.pk)
    ]
    again["counts"]["decisions.decisionevent"] -= 1
    assert manifest_bytes(again) == _without_time(before.read("manifest.json"))
    for path in paths:
        assert files[path] == before.read(f"files/{path}")
    # The sequences moved past the restored keys: the import's event did not collide.
    assert imported.pk > max(pk for pk, _time in times)
    call_command("check_integrity", stdout=io.StringIO())  # no finding: it would raise
    # The restored events entered this installation's audit chain: it verifies, and the import's own
    # event keeps where each stood in the exporting installation's chain.
    call_command("verify_audit", stdout=io.StringIO())  # a broken link would raise
    assert [row["event"] for row in imported.details["restored_chain"]] == [pk for pk, _time in times]


def _edited(exported: bytes, edit) -> bytes:
    """The dossier with its manifest changed by ``edit(data)``, its files as they were."""
    original = zipfile.ZipFile(io.BytesIO(exported))
    data = json.loads(original.read("manifest.json"))
    edit(data)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in original.namelist():
            archive.writestr(name, manifest_bytes(data) if name == "manifest.json" else original.read(name))
    return out.getvalue()


def _claim_state(data: dict, state: str) -> None:
    data["decision"]["state"] = state
    for row in data["objects"]:
        if row["model"] == "decisions.decision" and row["pk"] == data["decision"]["id"]:
            row["fields"]["state"] = state


def test_import_refuses_a_proposed_decision_edited_to_decided_without_its_steps_and_events(org):
    proposed = services.decision_register(**org.decision_kwargs())
    exported = dossier_export(proposed, with_index=False)
    pk = proposed.pk
    empty_the_database()

    def forge(data: dict) -> None:
        _claim_state(data, DecisionState.DECIDED)
        data["objects"] = [
            row for row in data["objects"] if row["model"] not in ("decisions.decisionevent", "decisions.procedurestep")
        ]

    with pytest.raises(DecisionError) as refused:
        dossier_import(_edited(exported, forge))

    assert refused.value.rule == "events_replay"
    assert not Decision.objects.filter(pk=pk).exists()
    assert not DecisionEvent.objects.exists()


def test_import_refuses_a_state_changed_with_its_events_left_and_stores_no_file(archived):
    exported = dossier_export(archived, with_index=False)
    paths = [
        entry["path"] for entry in json.loads(zipfile.ZipFile(io.BytesIO(exported)).read("manifest.json"))["files"]
    ]
    empty_the_database()
    for path in paths:
        default_storage.delete(path)

    with pytest.raises(DecisionError) as refused:
        dossier_import(_edited(exported, lambda data: _claim_state(data, DecisionState.IMPLEMENTING)))

    assert refused.value.rule == "events_replay"
    assert refused.value.article == "Art 38"
    assert not Decision.objects.exists()
    assert paths and not any(default_storage.exists(path) for path in paths)


def test_import_refuses_a_dossier_whose_risk_was_edited_uncontrollable(archived):
    exported = dossier_export(archived, with_index=False)
    empty_the_database()

    def forge(data: dict) -> None:
        for row in data["objects"]:
            if row["model"] == "decisions.riskassessmentrecord":
                row["fields"]["controllable"] = False
        _claim_state(data, DecisionState.IMPLEMENTING)  # archived needs no gate: claim a state that does
        # The log as it stood before the archive: the archive and what was recorded after it go.
        events = [row for row in data["objects"] if row["model"] == "decisions.decisionevent"]
        archived_at = next(row["fields"]["created_at"] for row in events if row["fields"]["transition"] == "archive")
        data["objects"] = [
            row
            for row in data["objects"]
            if not (row["model"] == "decisions.decisionevent" and row["fields"]["created_at"] >= archived_at)
        ]

    with pytest.raises(DecisionError) as refused:
        dossier_import(_edited(exported, forge))

    assert refused.value.rule == "risk_controllable"
    assert not Decision.objects.exists()


def test_import_refuses_a_decision_that_is_already_there(archived):
    with pytest.raises(DecisionError) as refused:
        dossier_import(dossier_export(archived, with_index=False))
    assert refused.value.code == "conflict"


def test_import_refuses_a_file_that_does_not_match_its_checksum(archived):
    original = zipfile.ZipFile(io.BytesIO(dossier_export(archived, with_index=False)))
    tampered = io.BytesIO()
    with zipfile.ZipFile(tampered, "w") as out:
        for name in original.namelist():
            content = original.read(name)
            out.writestr(name, content + b"x" if name.startswith("files/") else content)
    with pytest.raises(DecisionError) as refused:
        dossier_import(tampered.getvalue())
    assert refused.value.code == "invalid"


def test_commands_export_and_import(archived, tmp_path):
    target = tmp_path / "dossier.zip"
    call_command("export_dossier", str(archived.pk), "-o", str(target), "--no-index", verbosity=0)
    assert zipfile.ZipFile(target).read("manifest.json")
    with pytest.raises(Exception, match="already"):
        call_command("import_dossier", str(target))


def test_the_decision_page_offers_the_dossier_to_whoever_sees_the_decision(client, org):
    decision = services.decision_register(**org.decision_kwargs())
    client.force_login(org.clerk)
    page = client.get(reverse("decisions:detail", args=[decision.pk])).content.decode()
    url = reverse("reports:dossier", args=[decision.pk])
    assert f'href="{url}"' in page
    response = client.get(url)
    assert response.status_code == 200
    assert f'filename="dossier-{decision.government_id}-{decision.code}.zip"' in response["Content-Disposition"]
    assert "manifest.json" in zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    client.force_login(org.other_clerk)  # another department's draft: not even its existence
    assert client.get(url).status_code == 404


def test_dossier_carries_the_consultation_and_the_catalogue_without_personal_data(org):
    decision = open_consultation(org)
    record = ParticipationRecord.objects.get(step__decision=decision)
    comment = public.comment_submit(record=record, text="建议增加投放点。", name="张三", contact="13600000000")
    public.comment_answer(actor=org.clerk, comment=comment, handling="partly", answer="部分点位已增加。")
    catalogue = services.catalogue_draft(actor=org.secretary, government=org.government, year=decision.catalogue_year)
    services.catalogue_include(actor=org.secretary, catalogue=catalogue, decision=decision)
    # Another decision of the same catalogue is not part of this decision's record.
    neighbour = services.decision_register(**org.decision_kwargs(title="同一目录的另一事项"))
    services.catalogue_include(actor=org.secretary, catalogue=catalogue, decision=neighbour)
    services.catalogue_approve(
        actor=org.secretary, catalogue=catalogue, approved_on=timezone.localdate(), approval_reference="常委会纪要"
    )
    services.catalogue_publish(actor=org.secretary, catalogue=catalogue)
    services.catalogue_adjust(
        actor=org.secretary, catalogue=catalogue, decision=decision, kind="defer", reason="暂缓。"
    )

    exported = dossier_export(Decision.objects.get(pk=decision.pk), with_index=False)
    data = json.loads(zipfile.ZipFile(io.BytesIO(exported)).read("manifest.json"))
    models = {row["model"] for row in data["objects"]}
    assert {
        "consultations.consultation",
        "consultations.comment",
        "decisions.catalogue",
        "decisions.catalogueentry",
        "decisions.catalogueadjustment",
    } <= models
    assert "张三" not in json.dumps(data, ensure_ascii=False) and "13600000000" not in json.dumps(data)
    assert [row["pk"] for row in data["objects"] if row["model"] == "decisions.decision"] == [decision.pk]
    assert [row["fields"]["decision"] for row in data["objects"] if row["model"] == "decisions.catalogueentry"] == [
        decision.pk
    ]

    empty_the_database()
    dossier_import(exported)

    restored = Comment.objects.get(tracking_number=comment.tracking_number)
    assert (restored.handling, restored.answer, restored.name) == ("partly", "部分点位已增加。", "")
    assert CatalogueAdjustment.objects.get(decision_id=decision.pk).reason == "暂缓。"
