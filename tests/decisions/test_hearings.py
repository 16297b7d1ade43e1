"""The hearing of the public participation (Art 16–17), driven through the services: its notice in
time, its participants and their selection published beforehand, its materials seven days ahead,
its record confirmed by every participant (or their objection recorded); the matter types that
require one (the government's data), held at the gate and as an invariant of the record; its page,
its API, the public notice, the dossier and the migration of the hearing data kept before.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from decisions import integrity, services
from decisions.choices import RuleCode
from decisions.errors import DecisionError, ErrorCode
from decisions.models import (
    DecisionEvent,
    DecisionState,
    Government,
    Hearing,
    HearingParticipant,
    MatterType,
    ParticipationRecord,
    RuleSettings,
    StepKind,
    StepState,
)
from decisions.rules import rules_for
from tests.factories import (
    complete,
    decision_in,
    hearing_day,
    hearing_notice_values,
    hold_hearing,
    make_org,
    open_consultation,
    record_participation,
    start_step,
    today,
)
from tests.migration_state import latest, migrate, old_decision

PP = StepKind.PUBLIC_PARTICIPATION


@pytest.fixture
def preparing(org):
    return decision_in(org, DecisionState.PREPARING)


def utility_prices(government, *, required: bool = True) -> MatterType:
    return MatterType.objects.create(
        government=government,
        name="公用事业价格",
        legal_basis="《中华人民共和国价格法》第二十三条",
        hearing_required=required,
    )


def hearing_of(decision) -> Hearing | None:
    return Hearing.objects.filter(step__decision=decision).first()


def assert_refused(error: DecisionError, rule: str, article: str, code: ErrorCode = ErrorCode.INVALID) -> None:
    assert (error.code, error.rule, error.article) == (code, rule, article)


def refused_completion(decision, org) -> DecisionError:
    with pytest.raises(DecisionError) as exc:
        complete(decision, PP, org)
    assert decision.steps.get(kind=PP).state == StepState.IN_PROGRESS
    return exc.value


def noticed(decision, org, day: dt.date | None = None) -> Hearing:
    start_step(decision, PP, org)
    return services.hearing_update(decision=decision, actor=org.clerk, **hearing_notice_values(day))


# --------------------------------------------------------------------------- Art 16: the notice in time


def test_notice_must_be_published_lead_days_before(org, preparing):
    # Given the national default of 15 days: a notice 14 days ahead is refused, and nothing is kept
    day = hearing_day()
    start_step(preparing, PP, org)
    events = DecisionEvent.objects.count()

    with pytest.raises(DecisionError) as exc:
        services.hearing_update(
            decision=preparing,
            actor=org.clerk,
            **hearing_notice_values(day, notice_published_on=day - dt.timedelta(14)),
        )

    assert_refused(exc.value, RuleCode.HEARING_NOTICE_LEAD_TIME, "Art 16")
    assert "notice_published_on" in exc.value.fields
    assert hearing_of(preparing) is None
    assert DecisionEvent.objects.count() == events
    # 15 days ahead is in time
    services.hearing_update(
        decision=preparing, actor=org.clerk, **hearing_notice_values(day, notice_published_on=day - dt.timedelta(15))
    )
    assert hearing_of(preparing).notice_published_on == day - dt.timedelta(15)


def test_a_notice_never_recorded_keeps_the_hearing_from_counting(org, preparing):
    record_participation(preparing, org, hearing=True)
    Hearing.objects.filter(step__decision=preparing).update(notice_published_on=None)

    assert_refused(refused_completion(preparing, org), RuleCode.HEARING_NOTICE_LEAD_TIME, "Art 16", ErrorCode.RULE)


def test_hearing_date_participants_wait_for_the_hearings_notice_and_date(org, preparing):
    """Art 16: no participant is put on a hearing whose notice and date are not recorded."""
    start_step(preparing, PP, org)

    with pytest.raises(DecisionError) as refused:
        services.hearing_participant_add(
            decision=preparing, actor=org.clerk, name="周建平", represents="居民用户代表", selected_how="drawn"
        )

    assert_refused(refused.value, RuleCode.HEARING_DATE, "Art 16", ErrorCode.WRONG_STATE)
    assert not HearingParticipant.objects.exists()


def test_a_higher_governments_stricter_notice_lead_binds_the_governments_below(org):
    # Given the province asks 30 days' notice (as price hearings give) and the city asks 20
    province = Government.objects.create(name="示例省人民政府", level=Government.Level.PROVINCE)
    Government.objects.filter(pk=org.government.pk).update(parent=province)
    city = Government.objects.get(pk=org.government.pk)
    RuleSettings.objects.create(government=province, hearing_notice_lead_days=30)
    RuleSettings.objects.create(government=city, hearing_notice_lead_days=20)

    # Then 30 days hold for the city, and its settings cannot be saved below them
    assert rules_for(Government.objects.get(pk=city.pk)).hearing_notice_lead_days == 30
    with pytest.raises(ValidationError) as exc:
        RuleSettings.objects.get(government=city).full_clean()
    assert "hearing_notice_lead_days" in exc.value.message_dict


def test_notice_lead_cannot_be_set_below_the_materials_lead(org):
    with pytest.raises(ValidationError) as exc:
        RuleSettings(government=org.government, hearing_notice_lead_days=6).full_clean()

    assert "hearing_notice_lead_days" in exc.value.message_dict


# --------------------------------------------------------------------------- Art 16: participants published


def test_participants_published_before_hearing(org, preparing):
    day = hearing_day()
    noticed(preparing, org, day)
    # A list with nobody on it is not published
    with pytest.raises(DecisionError) as exc:
        services.hearing_update(decision=preparing, actor=org.clerk, participants_published_on=day - dt.timedelta(9))
    assert_refused(exc.value, RuleCode.HEARING_PARTICIPANTS_PUBLISHED, "Art 16")
    services.hearing_participant_add(
        decision=preparing, actor=org.clerk, name="张明", represents="居民用户代表", selected_how="drawn"
    )

    # Published on the hearing's day is too late, and nothing changes
    with pytest.raises(DecisionError) as exc:
        services.hearing_update(
            decision=preparing, actor=org.clerk, selection_method="random_draw", participants_published_on=day
        )

    assert_refused(exc.value, RuleCode.HEARING_PARTICIPANTS_PUBLISHED, "Art 16")
    assert hearing_of(preparing).participants_published_on is None
    assert hearing_of(preparing).selection_method == ""


def test_participants_never_published_keep_the_participation_open(org, preparing):
    record_participation(preparing, org, hearing=True)
    Hearing.objects.filter(step__decision=preparing).update(participants_published_on=None)

    error = refused_completion(preparing, org)

    assert_refused(error, RuleCode.HEARING_PARTICIPANTS_PUBLISHED, "Art 16", ErrorCode.RULE)


def test_a_published_list_of_participants_is_not_added_to(org, preparing):
    record_participation(preparing, org)
    hold_hearing(preparing, org, confirm=False, record_text="")

    with pytest.raises(DecisionError) as exc:
        services.hearing_participant_add(
            decision=preparing, actor=org.clerk, name="王五", represents="居民用户代表", selected_how="invited"
        )

    assert_refused(exc.value, RuleCode.HEARING_PARTICIPANTS_PUBLISHED, "Art 16")
    assert HearingParticipant.objects.filter(name="王五").count() == 0


def test_other_selection_method_is_described(org, preparing):
    day = hearing_day()
    noticed(preparing, org, day)

    with pytest.raises(DecisionError) as exc:
        services.hearing_update(decision=preparing, actor=org.clerk, selection_method="other")

    assert "selection_detail" in exc.value.fields
    assert hearing_of(preparing).selection_method == ""


# --------------------------------------------------------------------------- Art 16: materials in time


def test_materials_sent_seven_days_before(org, preparing):
    day = hearing_day()
    noticed(preparing, org, day)

    with pytest.raises(DecisionError) as exc:
        services.hearing_update(decision=preparing, actor=org.clerk, materials_sent_on=day - dt.timedelta(6))

    assert_refused(exc.value, RuleCode.HEARING_MATERIALS_LEAD_TIME, "Art 16")
    assert hearing_of(preparing).materials_sent_on is None
    services.hearing_update(decision=preparing, actor=org.clerk, materials_sent_on=day - dt.timedelta(7))
    assert hearing_of(preparing).materials_sent_on == day - dt.timedelta(7)


def test_materials_lead_time_read_from_the_governments_setting(org, preparing):
    RuleSettings.objects.create(government=org.government, hearing_materials_lead_days=10)
    day = hearing_day()
    noticed(preparing, org, day)

    with pytest.raises(DecisionError) as exc:
        services.hearing_update(decision=preparing, actor=org.clerk, materials_sent_on=day - dt.timedelta(8))

    assert_refused(exc.value, RuleCode.HEARING_MATERIALS_LEAD_TIME, "Art 16")
    assert "10" in exc.value.message


def test_a_hearing_moved_closer_than_the_lead_days_to_its_materials_is_refused(org, preparing):
    record_participation(preparing, org, hearing=True)
    before = hearing_of(preparing)

    with pytest.raises(DecisionError) as exc:
        services.hearing_update(
            decision=preparing, actor=org.clerk, hearing_on=before.materials_sent_on + dt.timedelta(days=6)
        )

    assert exc.value.rule in (RuleCode.HEARING_MATERIALS_LEAD_TIME, RuleCode.HEARING_RECORD_CONFIRMED)
    assert hearing_of(preparing).hearing_on == before.hearing_on


# --------------------------------------------------------------------------- Art 17: the record confirmed


def test_record_needs_participants_confirmation(org, preparing):
    # Given a record made, nobody has confirmed it yet
    record_participation(preparing, org)
    hearing = hold_hearing(preparing, org, confirm=False)

    assert_refused(refused_completion(preparing, org), RuleCode.HEARING_RECORD_CONFIRMED, "Art 17", ErrorCode.RULE)

    # One confirms, the other refuses with an objection: the objection on the record is enough
    first, second = hearing.participants.order_by("id")
    services.hearing_participant_answer(
        decision=preparing, actor=org.clerk, participant_id=first.pk, confirmed_on=hearing.hearing_on
    )
    assert_refused(refused_completion(preparing, org), RuleCode.HEARING_RECORD_CONFIRMED, "Art 17", ErrorCode.RULE)
    services.hearing_participant_answer(
        decision=preparing,
        actor=org.clerk,
        participant_id=second.pk,
        objected_on=hearing.hearing_on,
        objection="记录未载明本人关于成本监审的意见。",
    )
    complete(preparing, PP, org)
    assert preparing.steps.get(kind=PP).state == StepState.DONE


def test_an_answer_to_the_record_is_never_replaced(org, preparing):
    record_participation(preparing, org)
    hearing = hold_hearing(preparing, org, confirm=False)
    participant = hearing.participants.order_by("id").first()
    services.hearing_participant_answer(
        decision=preparing,
        actor=org.clerk,
        participant_id=participant.pk,
        objected_on=hearing.hearing_on,
        objection="记录遗漏本人意见。",
    )

    with pytest.raises(DecisionError) as exc:
        services.hearing_participant_answer(
            decision=preparing, actor=org.clerk, participant_id=participant.pk, confirmed_on=today()
        )

    assert_refused(exc.value, RuleCode.HEARING_RECORD_CONFIRMED, "Art 17")
    participant.refresh_from_db()
    assert (participant.confirmed_on, participant.objection) == (None, "记录遗漏本人意见。")
    # Nor is the record they answered to rewritten under them
    with pytest.raises(DecisionError) as exc:
        services.hearing_update(decision=preparing, actor=org.clerk, record_text="改写后的记录。")
    assert_refused(exc.value, RuleCode.HEARING_RECORD_CONFIRMED, "Art 17")


def test_an_objection_is_stated(org, preparing):
    record_participation(preparing, org)
    hearing = hold_hearing(preparing, org, confirm=False)
    participant = hearing.participants.first()

    with pytest.raises(DecisionError) as exc:
        services.hearing_participant_answer(
            decision=preparing, actor=org.clerk, participant_id=participant.pk, objected_on=hearing.hearing_on
        )

    assert "objection" in exc.value.fields
    participant.refresh_from_db()
    assert not participant.answered


def test_the_record_is_made_once_the_hearing_is_held(org, preparing):
    noticed(preparing, org, today() + dt.timedelta(days=20))

    with pytest.raises(DecisionError) as exc:
        services.hearing_update(decision=preparing, actor=org.clerk, record_text="听证会记录。")

    assert_refused(exc.value, RuleCode.HEARING_RECORD_SIGNED, "Art 17")
    assert hearing_of(preparing).record_text == ""


def test_the_signed_scan_counts_as_the_record(org, preparing):
    record_participation(preparing, org)
    hearing = hold_hearing(preparing, org, confirm=False, record_text="")
    assert not hearing.has_record

    services.hearing_record_scan(
        decision=preparing, actor=org.clerk, uploaded_file=SimpleUploadedFile("听证笔录.pdf", b"%PDF-1.4 signed")
    )

    hearing.refresh_from_db()
    assert hearing.has_record and hearing.record_scan.kind == "step_record"


def test_a_complete_hearing_lets_the_participation_be_done(org, preparing):
    record_participation(preparing, org, hearing=True)

    complete(preparing, PP, org)

    assert preparing.steps.get(kind=PP).state == StepState.DONE


# --------------------------------------------------------------------------- matter types requiring a hearing


def test_matter_type_requiring_hearing_blocks_participation_completion(org, preparing):
    # Given the decision is a public utility's price, which requires a hearing
    services.decision_amend(
        decision=preparing, actor=org.clerk, reason="属于公用事业价格事项。", matter_type=utility_prices(org.government)
    )
    record_participation(preparing, org)  # an online call, no hearing

    assert_refused(refused_completion(preparing, org), RuleCode.HEARING_REQUIRED, "Art 16", ErrorCode.RULE)

    # A hearing held and confirmed opens it
    hold_hearing(preparing, org)
    complete(preparing, PP, org)
    assert preparing.steps.get(kind=PP).state == StepState.DONE


def test_a_matter_type_not_requiring_a_hearing_does_not_ask_for_one(org, preparing):
    services.decision_amend(
        decision=preparing, actor=org.clerk, reason="归类。", matter_type=utility_prices(org.government, required=False)
    )
    record_participation(preparing, org)

    complete(preparing, PP, org)

    assert preparing.steps.get(kind=PP).state == StepState.DONE


def test_a_matter_type_of_another_government_is_refused_at_registration(org):
    other = make_org("另一市人民政府")

    with pytest.raises(DecisionError) as exc:
        services.decision_register(**org.decision_kwargs(matter_type=utility_prices(other.government)))

    assert exc.value.rule == RuleCode.MATTER_TYPE_OF_GOVERNMENT
    assert "matter_type" in exc.value.fields


def test_integrity_flags_completed_participation_without_required_hearing(org, preparing):
    # Given the participation was completed without a hearing, then the matter type set past the
    # services (by SQL): the record breaks the rule the gate holds
    record_participation(preparing, org)
    complete(preparing, PP, org)
    assert RuleCode.HEARING_REQUIRED not in {f.rule for f in integrity.findings_for(preparing)}
    matter = utility_prices(org.government)
    type(preparing).objects.filter(pk=preparing.pk).update(matter_type=matter)

    findings = [f for f in integrity.findings_for(preparing) if f.rule == RuleCode.HEARING_REQUIRED]

    assert len(findings) == 1 and findings[0].article == "Art 16"


def test_amend_refuses_a_required_hearing_over_a_participation_done_without_one(org, preparing):
    record_participation(preparing, org)
    complete(preparing, PP, org)

    with pytest.raises(DecisionError) as exc:
        services.decision_amend(
            decision=preparing, actor=org.clerk, reason="归类。", matter_type=utility_prices(org.government)
        )

    assert_refused(exc.value, RuleCode.HEARING_REQUIRED, "Art 16", ErrorCode.WRONG_STATE)
    preparing.refresh_from_db()
    assert preparing.matter_type is None


def test_a_matter_type_cannot_start_requiring_a_hearing_over_decisions_done_without_one(org, preparing):
    matter = utility_prices(org.government, required=False)
    services.decision_amend(decision=preparing, actor=org.clerk, reason="归类。", matter_type=matter)
    record_participation(preparing, org)
    complete(preparing, PP, org)
    matter.hearing_required = True

    with pytest.raises(ValidationError) as exc:
        matter.full_clean()

    assert "hearing_required" in exc.value.message_dict


# --------------------------------------------------------------------------- the pages and the API


def test_decision_page_shows_the_hearing_and_the_sponsors_forms(client, org, preparing):
    record_participation(preparing, org)
    hold_hearing(preparing, org, confirm=False)
    client.force_login(org.clerk)

    page = client.get(reverse("decisions:detail", args=[preparing.pk])).content.decode()

    assert "燃气经营企业代表" in page and "听证会记录" in page
    assert reverse("decisions:hearing", args=[preparing.pk]) in page
    participant = hearing_of(preparing).participants.first()
    assert reverse("decisions:hearing_answer", args=[preparing.pk, participant.pk]) in page


def test_a_participants_answer_through_the_page(client, org, preparing):
    record_participation(preparing, org)
    hearing = hold_hearing(preparing, org, confirm=False)
    participant = hearing.participants.first()
    client.force_login(org.clerk)

    response = client.post(
        reverse("decisions:hearing_answer", args=[preparing.pk, participant.pk]),
        {f"ha{participant.pk}-participant_id": participant.pk, f"ha{participant.pk}-confirmed_on": hearing.hearing_on},
    )

    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.confirmed_on == hearing.hearing_on


def test_public_page_shows_participants_without_contacts(client, org):
    decision = open_consultation(org)
    day = today() + dt.timedelta(days=20)
    services.hearing_update(
        decision=decision, actor=org.clerk, **hearing_notice_values(day, notice_published_on=today())
    )
    services.hearing_participant_add(
        decision=decision, actor=org.clerk, name="张明", represents="居民用户代表", selected_how="drawn"
    )
    url = reverse("public:consultation", args=[decision.pk])
    page = client.get(url).content.decode()
    # The notice is public; the participants are not until their list is published
    assert "市政府第一会议室" in page and "张明" not in page

    services.hearing_update(
        decision=decision, actor=org.clerk, selection_method="random_draw", participants_published_on=today()
    )

    page = client.get(url).content.decode()
    assert "张明" in page and "居民用户代表" in page
    assert response_has_no_contact(page)


def response_has_no_contact(page: str) -> bool:
    # Participants carry no contact field at all; the notice shows no e-mail or phone number.
    section = page.split('id="hearing"', 1)[1].split("</section>", 1)[0]
    return "@" not in section and not re.search(r"\d{7,}", section)


def test_an_unpublished_notice_stays_off_the_public_page(client, org):
    decision = open_consultation(org)
    day = today() + dt.timedelta(days=30)
    services.hearing_update(
        decision=decision, actor=org.clerk, **hearing_notice_values(day, notice_published_on=today() + dt.timedelta(1))
    )

    page = client.get(reverse("public:consultation", args=[decision.pk])).content.decode()

    assert "市政府第一会议室" not in page


@pytest.fixture
def api(org):
    from tests.api.conftest import Api, issue_keys

    return Api(org, issue_keys(org))


def test_the_api_writes_the_hearing_as_the_services_do(api, org, preparing):
    record_participation(preparing, org)
    client = api.as_("clerk")
    base = f"/api/v1/decisions/{preparing.pk}/steps/public_participation/hearing/"
    day = hearing_day()
    notice = {k: str(v) for k, v in hearing_notice_values(day).items()}

    too_late = client.patch(base, {**notice, "notice_published_on": str(day - dt.timedelta(3))}, format="json")
    assert too_late.status_code == 400 and too_late.json()["rule"] == RuleCode.HEARING_NOTICE_LEAD_TIME
    assert client.patch(base, notice, format="json").status_code == 200
    added = client.post(
        base + "participants/", {"name": "张明", "represents": "居民用户代表", "selected_how": "drawn"}, format="json"
    )
    assert added.status_code == 201
    published = {
        "selection_method": "random_draw",
        "participants_published_on": str(day - dt.timedelta(12)),
        "materials_sent_on": str(day - dt.timedelta(10)),
        "record_text": "听证会记录。",
    }
    assert client.patch(base, published, format="json").status_code == 200
    answered = client.post(
        base + f"participants/{added.json()['id']}/answer/", {"confirmed_on": str(day)}, format="json"
    )
    assert answered.status_code == 200

    detail = client.get(f"/api/v1/decisions/{preparing.pk}/").json()
    hearing = next(step for step in detail["steps"] if step["kind"] == PP)["hearing"]
    assert hearing["participants"][0]["confirmed_on"] == str(day)
    assert (
        client.post(
            f"/api/v1/decisions/{preparing.pk}/steps/public_participation/complete/", {}, format="json"
        ).status_code
        == 200
    )


# --------------------------------------------------------------------------- the dossier


def test_the_dossier_carries_the_hearing_and_its_participants(org, preparing):
    from reporting.dossier import dossier_export, dossier_import
    from tests.reporting.test_dossier import empty_the_database

    services.decision_amend(
        decision=preparing, actor=org.clerk, reason="属于公用事业价格事项。", matter_type=utility_prices(org.government)
    )
    record_participation(preparing, org, hearing=True)
    complete(preparing, PP, org)
    preparing.refresh_from_db()
    exported = dossier_export(preparing, with_index=False)
    models = [
        row["model"] for row in json.loads(zipfile.ZipFile(io.BytesIO(exported)).read("manifest.json"))["objects"]
    ]
    assert models.count("decisions.hearing") == 1 and models.count("decisions.hearingparticipant") == 2
    assert "decisions.mattertype" in models

    empty_the_database()
    restored = dossier_import(exported)

    hearing = Hearing.objects.get(step__decision=restored)
    assert [p.confirmed_on for p in hearing.participants.all()] == [hearing.hearing_on] * 2
    assert restored.matter_type.hearing_required


def test_the_dossier_import_refuses_a_required_hearing_removed_from_the_record(org, preparing):
    from reporting.dossier import dossier_export, dossier_import
    from tests.reporting.test_dossier import _edited, empty_the_database

    services.decision_amend(
        decision=preparing, actor=org.clerk, reason="属于公用事业价格事项。", matter_type=utility_prices(org.government)
    )
    record_participation(preparing, org, hearing=True)
    complete(preparing, PP, org)
    preparing.refresh_from_db()
    exported = dossier_export(preparing, with_index=False)

    def forge(data):
        data["objects"] = [
            row for row in data["objects"] if row["model"] not in ("decisions.hearing", "decisions.hearingparticipant")
        ]

    empty_the_database()
    with pytest.raises(DecisionError):
        dossier_import(_edited(exported, forge))
    assert not Hearing.objects.exists()


# --------------------------------------------------------------------------- the migration


@pytest.mark.django_db(transaction=True)
def test_migration_keeps_existing_hearing_data():
    old = migrate([("decisions", "0029_hearings_and_matter_types"), ("consultations", "0002_record_guards")])
    Step = old.get_model("decisions", "ProcedureStep")
    OldRecord = old.get_model("decisions", "ParticipationRecord")
    OldConsultation = old.get_model("consultations", "Consultation")
    decision = old_decision(old, title="民用天然气价格调整")
    step = Step.objects.create(decision=decision, kind="public_participation")
    record = OldRecord.objects.create(
        step=step,
        methods=["hearing"],
        hearing_date=dt.date(2026, 5, 20),
        hearing_participants_published_on=dt.date(2026, 5, 5),
        hearing_materials_sent_on=dt.date(2026, 5, 10),
        hearing_record="听证会记录，陈述人8名。",
        hearing_record_signed=True,
    )
    OldConsultation.objects.create(
        record=record,
        hearing_place="市政府第一会议室",
        hearing_time=dt.time(9, 30),
        hearing_selection="自愿报名、随机抽取。",
        hearing_participants="张某（居民代表）\n李某（经营者代表）",
    )
    untouched = Step.objects.create(decision=decision, kind="risk_assessment")

    migrate(latest())

    hearing = Hearing.objects.get(step_id=step.pk)
    assert (hearing.hearing_on, hearing.participants_published_on, hearing.materials_sent_on) == (
        dt.date(2026, 5, 20),
        dt.date(2026, 5, 5),
        dt.date(2026, 5, 10),
    )
    assert hearing.record_text.startswith("听证会记录，陈述人8名。") and "确认并签字" in hearing.record_text
    assert (hearing.place, hearing.hearing_time) == ("市政府第一会议室", dt.time(9, 30))
    assert (hearing.selection_method, hearing.selection_detail) == ("other", "自愿报名、随机抽取。")
    assert [(p.name, p.represents) for p in hearing.participants.order_by("id")] == [
        ("张某", "居民代表"),
        ("李某", "经营者代表"),
    ]
    assert not Hearing.objects.filter(step_id=untouched.pk).exists()
    assert ParticipationRecord.objects.get(pk=record.pk).methods == ["hearing"]


def test_the_database_keeps_an_answer_to_the_record(org, preparing):
    from django.db import IntegrityError, InternalError, transaction

    record_participation(preparing, org, hearing=True)
    participant = HearingParticipant.objects.filter(hearing__step__decision=preparing).first()

    for attempt in (
        lambda: HearingParticipant.objects.filter(pk=participant.pk).update(confirmed_on=None, objected_on=today()),
        lambda: HearingParticipant.objects.filter(pk=participant.pk).delete(),
    ):
        with pytest.raises((IntegrityError, InternalError)), transaction.atomic():
            attempt()

    participant.refresh_from_db()
    assert participant.confirmed_on is not None and participant.objected_on is None
