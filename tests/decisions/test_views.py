"""The web UI: thin views over the services; a refusal is shown with its article and changes nothing."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from consultations.models import Comment
from decisions import services
from decisions.models import (
    Decision,
    DecisionEvent,
    DecisionState,
    Meeting,
    ParticipationRecord,
    StepKind,
    StepState,
)
from demo import builder as demo
from tests.factories import decision_in, make_org, national_basis

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% test file\n"


def _register(org, **overrides):
    return services.decision_register(**org.decision_kwargs(**overrides))


def _preparing(org, **overrides):
    decision = _register(org, **overrides)
    return services.decision_start(decision=decision, actor=org.secretary)


def _detail(decision):
    return reverse("decisions:detail", kwargs={"pk": decision.pk})


def _events(decision):
    return DecisionEvent.objects.filter(decision=decision).count()


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


# --------------------------------------------------------------------------- access


def test_pages_need_a_login(client, org):
    decision = _register(org)
    for url in (reverse("decisions:list"), reverse("decisions:overview"), _detail(decision)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_login_page_renders(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_another_departments_clerk_gets_404_on_the_detail_page(as_user, org):
    decision = _register(org)
    client = as_user(org.other_clerk)
    assert client.get(_detail(decision)).status_code == 404
    response = client.post(reverse("decisions:transition", kwargs={"pk": decision.pk, "name": "withdraw"}), {})
    assert response.status_code == 404


def test_another_governments_users_see_no_decision_on_any_page(as_user, org):
    decision = _register(org, title="中心城区禁止燃放烟花爆竹")
    other = make_org("邻市人民政府")
    for user in (other.leader, other.reviewer, other.clerk):
        client = as_user(user)
        listing = client.get(reverse("decisions:list"))
        assert listing.status_code == 200
        assert "中心城区禁止燃放烟花爆竹" not in listing.content.decode()
        assert "中心城区禁止燃放烟花爆竹" not in client.get(reverse("decisions:overview")).content.decode()
        assert client.get(_detail(decision)).status_code == 404


# --------------------------------------------------------------------------- register and record


def test_a_sponsor_clerk_registers_a_decision(as_user, org):
    client = as_user(org.clerk)
    assert client.get(reverse("decisions:register")).status_code == 200
    response = client.post(
        reverse("decisions:register"),
        {
            "lead_sponsor": org.sponsor.pk,
            "title": "城市居民生活用水阶梯价格调整",
            "category": "public_policy",
            "catalogue_year": 2026,
            "decision_body": org.government.name,
            "in_catalogue": "on",
            "co_sponsors": [org.other_sponsor.pk],
        },
        REMOTE_ADDR="10.1.2.3",
    )
    decision = Decision.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _detail(decision)
    assert (decision.code, decision.state, decision.registered_by) == ("2026-001", DecisionState.PROPOSED, org.clerk)
    assert list(decision.co_sponsors.all()) == [org.other_sponsor]
    event = decision.events.get()
    assert (event.transition, event.ip_address) == ("register", "10.1.2.3")
    page = client.get(_detail(decision)).content.decode()
    assert "城市居民生活用水阶梯价格调整" in page


def test_registering_is_refused_to_staff_outside_a_sponsoring_department(as_user, org):
    client = as_user(org.reviewer)
    assert client.get(reverse("decisions:register")).status_code == 403
    assert client.post(reverse("decisions:register"), {"title": "x"}).status_code == 403
    assert not Decision.objects.exists()


def test_an_invalid_registration_is_answered_400_and_registers_nothing(as_user, org):
    response = as_user(org.clerk).post(reverse("decisions:register"), {"lead_sponsor": org.sponsor.pk})
    assert response.status_code == 400
    assert not Decision.objects.exists()


def test_a_sponsor_clerk_records_a_preparatory_step(as_user, org):
    decision = _preparing(org)
    client = as_user(org.clerk)
    kind = StepKind.PUBLIC_PARTICIPATION

    response = client.post(
        reverse("decisions:step_action", kwargs={"pk": decision.pk, "kind": kind, "action": "start"}),
        {f"s-{kind}-start-comment": "征求意见稿已定稿"},
        REMOTE_ADDR="10.9.8.7",
    )
    assert response.status_code == 302
    end = timezone.localdate() - dt.timedelta(days=5)
    start = end - dt.timedelta(days=29)
    response = client.post(
        reverse("decisions:participation", kwargs={"pk": decision.pk}),
        {
            "pp-methods": ["online_call", "symposium"],
            "pp-call_published_on": start.isoformat(),
            "pp-period_start": start.isoformat(),
            "pp-period_end": end.isoformat(),
        },
    )
    assert response.status_code == 302
    # A letter entered into the comment inbox and answered: the summary is the step's record.
    inbox = reverse("consultations:inbox", kwargs={"pk": decision.pk})
    entered = {"action": "enter", "channel": "letter", "text": "来信建议增加公示期。", "article": ""}
    assert client.post(inbox, entered).status_code == 302
    letter = Comment.objects.get(consultation__record__step__decision=decision)
    answer = {"action": "answer", "comment": letter.pk, "handling": "adopted", "answer": "已延长公示期。"}
    assert client.post(inbox, answer).status_code == 302
    response = client.post(
        reverse("decisions:step_action", kwargs={"pk": decision.pk, "kind": kind, "action": "complete"}),
        {},
    )
    assert response.status_code == 302

    step = decision.steps.get(kind=kind)
    assert step.state == StepState.DONE
    record = ParticipationRecord.objects.get(step=step)
    assert (record.methods, record.comments_count, record.comments_adopted) == (["online_call", "symposium"], 1, 1)
    started = decision.events.get(step_kind=kind, transition="start")
    assert (started.actor, started.ip_address, started.comment) == (org.clerk, "10.9.8.7", "征求意见稿已定稿")


def test_a_step_is_asked_to_be_not_applicable_and_waived_once_the_approver_approves(as_user, org):
    decision = _preparing(org)
    kind = StepKind.RISK_ASSESSMENT
    prefix = f"s-{kind}-waive"
    basis = national_basis(kind)
    response = as_user(org.clerk).post(
        reverse("decisions:step_action", kwargs={"pk": decision.pk, "kind": kind, "action": "waive"}),
        {
            f"{prefix}-reason": "已有合法有效的风险评估结论覆盖",
            f"{prefix}-basis": basis.pk,
            f"{prefix}-basis_note": "2025年已作稳评",
            f"{prefix}-approver": org.leader.pk,
        },
    )
    assert response.status_code == 302
    assert decision.steps.get(kind=kind).state == StepState.PENDING

    response = as_user(org.leader).post(
        reverse("decisions:waiver_decide", kwargs={"pk": decision.pk, "kind": kind, "act": "approve"}), {}
    )

    assert response.status_code == 302
    step = decision.steps.get(kind=kind)
    assert (step.state, step.waiver_article, step.waiver_approved_by) == (StepState.WAIVED, "Art 22", org.leader)
    page = as_user(org.clerk).get(_detail(decision)).content.decode()
    assert "2025年已作稳评" in page


def test_a_waiver_approver_outside_the_allowed_people_is_not_accepted(as_user, org):
    decision = _preparing(org)
    kind = StepKind.RISK_ASSESSMENT
    prefix = f"s-{kind}-waive"
    response = as_user(org.clerk).post(
        reverse("decisions:step_action", kwargs={"pk": decision.pk, "kind": kind, "action": "waive"}),
        {
            f"{prefix}-reason": "不涉及",
            f"{prefix}-basis": national_basis(kind).pk,
            f"{prefix}-approver": org.reviewer.pk,
        },
    )
    assert response.status_code == 400
    assert decision.steps.get(kind=kind).state == StepState.PENDING


# --------------------------------------------------------------------------- refusals


def test_a_transition_posted_with_a_wrong_role_is_forbidden_and_changes_nothing(as_user, org):
    decision = _register(org)
    before = _events(decision)
    response = as_user(org.clerk).post(
        reverse("decisions:transition", kwargs={"pk": decision.pk, "name": "start"}), {"t-start-comment": "开始"}
    )
    assert response.status_code == 403
    assert "Your role does not allow this action" in response.content.decode()
    decision.refresh_from_db()
    assert decision.state == DecisionState.PROPOSED
    assert _events(decision) == before


def test_the_detail_page_offers_only_what_the_user_may_do(as_user, org):
    decision = _register(org)
    start_url = reverse("decisions:transition", kwargs={"pk": decision.pk, "name": "start"})
    assert start_url not in as_user(org.clerk).get(_detail(decision)).content.decode()
    assert start_url in as_user(org.secretary).get(_detail(decision)).content.decode()


def test_a_gated_transition_shows_its_refusal_with_the_article(as_user, org):
    decision = _preparing(org)
    page = as_user(org.sponsor_head).get(_detail(decision)).content.decode()
    assert "Submit for legality review" in page
    assert "Public participation is neither done nor marked not applicable." in page
    assert "(Art 14)" in page


def test_a_gated_transition_posted_anyway_is_refused_409_with_its_article(as_user, org):
    decision = _preparing(org)
    before = _events(decision)
    response = as_user(org.sponsor_head).post(
        reverse("decisions:transition", kwargs={"pk": decision.pk, "name": "submit_for_review"}), {}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "is neither done nor marked not applicable" in page
    assert "(Art 14)" in page
    decision.refresh_from_db()
    assert decision.state == DecisionState.PREPARING
    assert _events(decision) == before


def test_a_refused_step_completion_shows_the_rule_and_changes_nothing(as_user, org):
    decision = _preparing(org)
    kind = StepKind.RISK_ASSESSMENT
    services.step_start(decision=decision, kind=kind, actor=org.clerk)
    client = as_user(org.clerk)
    page = client.get(_detail(decision)).content.decode()
    assert "Record the risk assessment." in page
    response = client.post(
        reverse("decisions:step_action", kwargs={"pk": decision.pk, "kind": kind, "action": "complete"}), {}
    )
    assert response.status_code == 409
    assert "(Art 23)" in response.content.decode()
    assert decision.steps.get(kind=kind).state == StepState.IN_PROGRESS


def test_the_refusal_cites_the_article_in_chinese_in_the_chinese_ui(as_user, org):
    decision = _preparing(org)
    client = as_user(org.sponsor_head)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = client.post(reverse("decisions:transition", kwargs={"pk": decision.pk, "name": "submit_for_review"}))
    assert response.status_code == 409
    assert "（第十四条）" in response.content.decode()


def _meeting_form(outcome: str, rows: list[tuple[str, str, str, bool]], **fields: str) -> dict:
    """The meeting form as a browser posts it: the fields, then one row per member (blank rows
    left as the page gives them)."""
    prefix = "t-record_outcome"
    data = {
        f"{prefix}-outcome": outcome,
        f"{prefix}-meeting_type": "executive",
        f"{prefix}-held_on": timezone.localdate().isoformat(),
        f"{prefix}-head_final_statement": "同意。",
        f"{prefix}-positions-TOTAL_FORMS": "12",
        f"{prefix}-positions-INITIAL_FORMS": "0",
        f"{prefix}-positions-MIN_NUM_FORMS": "0",
        f"{prefix}-positions-MAX_NUM_FORMS": "60",
    }
    data.update({f"{prefix}-{name}": value for name, value in fields.items()})
    for index, (name, position, reasons, is_head) in enumerate(rows):
        row = f"{prefix}-positions-{index}"
        data.update({f"{row}-name": name, f"{row}-position": position, f"{row}-reasons": reasons})
        if is_head:
            data[f"{row}-is_head"] = "on"
    return data


def test_the_meeting_outcome_is_recorded_from_its_form_with_each_members_position(as_user, org):
    decision = demo.walk(_register(org), DecisionState.AWAITING_DECISION, org)
    client = as_user(org.secretary)
    page = client.get(_detail(decision)).content.decode()
    assert "Record the meeting before its outcome" not in page
    assert 'name="t-record_outcome-positions-11-position"' in page  # the rows, without a script
    response = client.post(
        reverse("decisions:transition", kwargs={"pk": decision.pk, "name": "record_outcome"}),
        _meeting_form(
            "approved",
            [
                ("常务副市长", "for", "", False),
                ("副市长", "against", "条件尚不成熟。", False),
                ("市长", "for", "", True),
            ],
        ),
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.state == DecisionState.DECIDED
    meeting = Meeting.objects.get(decision=decision)
    assert meeting.head_final_statement == "同意。"
    assert [(p.member_name, p.position, p.reasons, p.role) for p in meeting.positions.all()] == [
        ("常务副市长", "for", "", "member"),
        ("副市长", "against", "条件尚不成熟。", "member"),
        ("市长", "for", "", "head"),
    ]
    detail = client.get(_detail(decision)).content.decode()
    assert "条件尚不成熟。" in detail


def test_a_head_approving_against_most_members_without_reasons_records_no_meeting_art_30(as_user, org):
    decision = demo.walk(_register(org), DecisionState.AWAITING_DECISION, org)
    response = as_user(org.secretary).post(
        reverse("decisions:transition", kwargs={"pk": decision.pk, "name": "record_outcome"}),
        _meeting_form(
            "approved",
            [("常务副市长", "against", "", False), ("副市长", "against", "", False), ("市长", "for", "", True)],
        ),
    )
    assert response.status_code == 400
    assert "(Art 30)" in response.content.decode()
    decision.refresh_from_db()
    assert decision.state == DecisionState.AWAITING_DECISION
    assert not Meeting.objects.filter(decision=decision).exists()


def test_the_page_shows_the_positions_the_majority_and_a_correction_appended(as_user, org):
    decision = demo.walk(_register(org), DecisionState.AWAITING_DECISION, org)
    client = as_user(org.secretary)
    client.post(
        reverse("decisions:transition", kwargs={"pk": decision.pk, "name": "record_outcome"}),
        _meeting_form(
            "approved",
            [
                ("常务副市长", "against", "需先试点。", False),
                ("副市长", "against", "", False),
                ("市长", "for", "", True),
            ],
            **{"head_reasons": "事关全局，须从速推进。"},
        ),
    )
    meeting = Meeting.objects.get(decision=decision)

    response = client.post(
        reverse("decisions:meeting_correct", kwargs={"pk": decision.pk, "meeting_id": meeting.pk}),
        {
            f"mc{meeting.pk}-field": "dissent",
            f"mc{meeting.pk}-text": "副市长：保留意见。",
            f"mc{meeting.pk}-reason": "漏记。",
        },
    )

    assert response.status_code == 302
    page = client.get(_detail(decision)).content.decode()
    assert "需先试点。" in page and "事关全局，须从速推进。" in page
    assert "the head decided against the majority" in page
    assert "副市长：保留意见。" in page and "漏记。" in page
    assert Meeting.objects.get(pk=meeting.pk).dissent == ""


def test_a_correction_is_not_offered_to_who_does_not_record_meetings(as_user, org):
    decision = decision_in(org, DecisionState.DECIDED)
    meeting = Meeting.objects.get(decision=decision)
    client = as_user(org.clerk)

    assert "Append a correction" not in client.get(_detail(decision)).content.decode()
    response = client.post(
        reverse("decisions:meeting_correct", kwargs={"pk": decision.pk, "meeting_id": meeting.pk}),
        {f"mc{meeting.pk}-field": "other", f"mc{meeting.pk}-text": "改。", f"mc{meeting.pk}-reason": "改。"},
    )
    assert response.status_code == 403
    assert not meeting.corrections.exists()


# --------------------------------------------------------------------------- attachments


def test_an_attachment_is_uploaded_and_served_only_to_who_sees_the_decision(as_user, org):
    decision = _preparing(org)
    client = as_user(org.clerk)
    response = client.post(
        reverse("decisions:attachment_upload", kwargs={"pk": decision.pk}),
        {
            "att-file": SimpleUploadedFile("征求意见稿.pdf", PDF),
            "att-kind": "draft",
            "att-step": "public_participation",
        },
    )
    assert response.status_code == 302
    attachment = decision.attachments.get()
    page = client.get(_detail(decision)).content.decode()
    assert attachment.sha256[:12] in page

    url = reverse("decisions:attachment_download", kwargs={"pk": attachment.pk})
    download = as_user(org.reviewer).get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert as_user(org.other_clerk).get(url).status_code == 404
    assert as_user(make_org().leader).get(url).status_code == 404


def test_a_file_of_a_refused_type_is_answered_400(as_user, org):
    decision = _preparing(org)
    response = as_user(org.clerk).post(
        reverse("decisions:attachment_upload", kwargs={"pk": decision.pk}),
        {"att-file": SimpleUploadedFile("script.exe", b"MZ..."), "att-kind": "other"},
    )
    assert response.status_code == 400
    assert not decision.attachments.exists()


# --------------------------------------------------------------------------- list and overview


def test_the_list_page_query_count_does_not_grow_with_the_decisions(as_user, org, django_assert_max_num_queries):
    decisions = [_register(org, title=f"第{i}号决策事项") for i in range(20)]
    for decision in decisions[:8]:
        services.decision_start(decision=decision, actor=org.secretary)
    for decision in decisions[:3]:
        demo.waive(decision, StepKind.RISK_ASSESSMENT, org, reason="不涉及", article="Art 22")
    demo.walk(decisions[8], DecisionState.DECIDED, org)
    client = as_user(org.leader)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("decisions:list"))
    assert response.status_code == 200
    assert response.content.decode().count('role="listitem"') == 5 * 20


def test_the_decision_page_query_count_does_not_grow_with_its_record(as_user, org, django_assert_max_num_queries):
    # Given a decision carried out, its page read once
    decision = demo.walk(_register(org), DecisionState.IMPLEMENTING, org)
    client = as_user(org.leader)
    url = reverse("decisions:detail", kwargs={"pk": decision.pk})
    with django_assert_max_num_queries(40) as first:  # one per kind of record the page shows
        assert client.get(url).status_code == 200

    # When its record grows: three suspensions and resumptions by the head (Art 37), six more events
    for _ in range(3):
        decision = services.decision_suspend(decision=decision, actor=org.leader, reason="紧急情况暂停执行")
        decision = services.decision_resume_implementation(decision=decision, actor=org.leader)

    # Then the page costs the same statements: one per kind of record, whatever each holds
    with django_assert_max_num_queries(len(first.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count("紧急情况暂停执行") >= 3


def test_the_list_filters_by_state(as_user, org):
    _register(org, title="民用天然气价格调整")
    _preparing(org, title="中心城区通信基站布局规划")
    page = as_user(org.leader).get(reverse("decisions:list"), {"state": "preparing"}).content.decode()
    assert "中心城区通信基站布局规划" in page
    assert "民用天然气价格调整" not in page


def test_the_overview_lists_waived_steps_with_reason_article_and_approver(as_user, org):
    decision = _preparing(org)
    demo.waive(decision, StepKind.EXPERT_ARGUMENT, org, reason="不涉及专业性技术性问题", article="Art 19")
    page = as_user(org.leader).get(reverse("decisions:overview")).content.decode()
    assert "不涉及专业性技术性问题" in page
    assert "Art 19" in page
    assert org.sponsor_head.username in page


@pytest.mark.parametrize(("language", "marker"), [("en", "Art 14"), ("zh-hans", "第十四条")])
def test_the_english_and_chinese_ui_both_render(as_user, org, language, marker):
    decision = _preparing(org, title="城市居民生活用水阶梯价格调整")
    client = as_user(org.clerk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for url in (reverse("decisions:list"), reverse("decisions:overview"), reverse("decisions:register")):
        response = client.get(url)
        assert response.status_code == 200
        assert f'<html lang="{language}">' in response.content.decode()
    page = client.get(_detail(decision)).content.decode()
    assert f'<html lang="{language}">' in page
    assert "城市居民生活用水阶梯价格调整" in page
    assert marker in page


def test_a_co_sponsors_clerk_sees_the_decision_but_may_not_record_its_steps(as_user, org):
    decision = _preparing(org, co_sponsors=[org.other_sponsor])
    client = as_user(org.other_clerk)
    assert client.get(_detail(decision)).status_code == 200
    kind = StepKind.EXPERT_ARGUMENT
    response = client.post(
        reverse("decisions:step_action", kwargs={"pk": decision.pk, "kind": kind, "action": "start"}), {}
    )
    assert response.status_code == 403
    assert decision.steps.get(kind=kind).state == StepState.PENDING


def test_publication_and_implementation_are_recorded_from_their_forms(as_user, org):
    decision = demo.walk(_register(org), DecisionState.DECIDED, org)
    client = as_user(org.secretary)
    response = client.post(
        reverse("decisions:transition", kwargs={"pk": decision.pk, "name": "publish"}),
        {
            "t-publish-published_on": timezone.localdate().isoformat(),
            "t-publish-document_number": "测政发〔2026〕5号",
            "t-publish-in_gazette": "on",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("decisions:transition", kwargs={"pk": decision.pk, "name": "begin_implementation"}),
        {"t-begin_implementation-executing_unit": org.sponsor.pk},
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert (decision.state, decision.executing_unit) == (DecisionState.IMPLEMENTING, org.sponsor)
    assert decision.publication.document_number == "测政发〔2026〕5号"
    page = client.get(_detail(decision)).content.decode()
    assert "测政发〔2026〕5号" in page
    assert reverse("decisions:execution_report_add", kwargs={"pk": decision.pk}) in page


def test_a_contradiction_the_database_would_refuse_is_told_in_words(as_user, org):
    decision = _preparing(org)
    client = as_user(org.clerk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    kind = StepKind.PUBLIC_PARTICIPATION
    client.post(reverse("decisions:step_action", kwargs={"pk": decision.pk, "kind": kind, "action": "start"}), {})
    start = timezone.localdate() - dt.timedelta(days=5)

    response = client.post(
        reverse("decisions:participation", kwargs={"pk": decision.pk}),
        {
            "pp-methods": ["online_call"],
            "pp-call_published_on": start.isoformat(),
            "pp-period_start": start.isoformat(),
            "pp-period_end": (start - dt.timedelta(days=3)).isoformat(),
            "pp-comments_count": "3",
        },
    )
    page = response.content.decode()

    assert response.status_code == 400
    assert "征求意见的截止日期不能早于开始日期。" in page
    assert "participation_period_ordered" not in page
    assert not ParticipationRecord.objects.filter(step__decision=decision).exists()
