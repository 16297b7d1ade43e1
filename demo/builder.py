"""Walking a decision through its lifecycle with the real services (demo data and tests).

``people`` is any object with the attributes clerk, sponsor_head, reviewer, legal_head,
secretary and leader: the users who act at each step.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from decisions import selectors, services
from decisions.choices import STATES_BEFORE_DECISION, STEP_ARTICLE
from decisions.models import (
    Attachment,
    Decision,
    DecisionState,
    Department,
    Expert,
    HearingParticipant,
    MeetingOutcome,
    ParticipationRecord,
    RiskAssessmentRecord,
    StepKind,
    StepState,
    WaiverBasis,
    current_draft,
)
from reviews import demo as review_demo
from reviews import services as review_services
from reviews.models import Conclusion


def complete_participation(decision: Decision, people, *, hearing: bool = False, days: int = 30) -> None:
    today = timezone.localdate()
    start = today - dt.timedelta(days=days + 10)
    values: dict[str, Any] = {
        "methods": [ParticipationRecord.Method.ONLINE_CALL, ParticipationRecord.Method.SYMPOSIUM],
        "call_published_on": start,
        "period_start": start,
        "period_end": start + dt.timedelta(days=days - 1),
        "affected_groups_heard": "社区居民代表、相关企业、行业协会",
    }
    if days < 30:
        values["shortened_period_reason"] = "涉及防汛安全，情况紧急，征求意见期限缩短，理由已随公告一并公布。"
    if hearing:
        values["methods"] = [*values["methods"], ParticipationRecord.Method.HEARING]
    _start(decision, StepKind.PUBLIC_PARTICIPATION, people)
    services.participation_update(decision=decision, actor=people.clerk, **values)
    # The comments of these walked decisions came in before the product kept them one by one: the
    # summary is written as the comment inbox would (the seeded consultations show the real road).
    services.participation_record_adoption(
        decision=decision,
        actor=people.clerk,
        comments_count=128,
        comments_adopted=41,
        comments_partly_adopted=23,
        adoption_summary="共收到意见128条，采纳41条，部分采纳23条，未采纳64条（均已说明理由）。",
    )
    if hearing:
        hold_hearing(decision, people, day=start + dt.timedelta(days=days + 3))
    services.step_complete(decision=decision, kind=StepKind.PUBLIC_PARTICIPATION, actor=people.clerk)


# The government's expert pool (Art 19–20): six experts, one of them tied to the lead sponsor.
EXPERT_POOL = (
    ("王建国", "市社会科学院", "公共政策", "研究员"),
    ("李晓梅", "省财经大学", "财政经济", "教授"),
    ("陈志强", "市价格协会", "价格管理", "高级经济师"),
    ("刘芳", "省水利水电勘测设计院", "水利工程", "正高级工程师"),
    ("孙立平", "市律师协会", "行政法", "律师"),
    ("赵永刚", "市城建设计研究院", "城市规划", "高级工程师"),
)
TIED_EXPERT = "赵永刚"  # works for a design institute under the lead sponsor: excluded, with the reason
# The three experts the draw gave (kept the same from one seeding to the next, so the demo's figures
# are stable), their stances and how the sponsor handled each opinion (Art 21): one dissents.
DRAWN = (
    ("王建国", "supports", "adopted", "方案必要、可行，建议进一步细化配套措施。", ""),
    (
        "李晓梅",
        "dissents",
        "partly",
        "不赞成一次调整到位，建议分两年逐步实施，并增加低收入家庭减免。",
        "低收入家庭减免已采纳；分步实施经成本监审论证后未采纳。",
    ),
    ("陈志强", "supports_with_changes", "adopted", "原则同意，建议明确阶梯水量的年度核定办法。", ""),
)
SIGNED_SCAN = b"%PDF-1.7\n% demo: the experts' signed opinions\n"


def expert_pool(decision: Decision) -> list[Expert]:
    experts = []
    for name, organisation, field, title in EXPERT_POOL:
        expert, _created = Expert.objects.get_or_create(
            government=decision.government,
            name=name,
            organisation=organisation,
            defaults={"field": field, "title": title},
        )
        if name == TIED_EXPERT:
            expert.related_departments.add(decision.lead_sponsor)
        experts.append(expert)
    return experts


# Who a price hearing hears (Price Law Art 23): consumers, operators, experts, each for their side.
HEARING_PARTICIPANTS = (
    ("周建平", "居民用户代表", HearingParticipant.SelectedHow.DRAWN),
    ("吴丽娟", "居民用户代表", HearingParticipant.SelectedHow.DRAWN),
    ("郑国强", "经营者代表", HearingParticipant.SelectedHow.BY_CATEGORY),
    ("孙晓东", "消费者组织代表", HearingParticipant.SelectedHow.BY_CATEGORY),
    ("刘文博", "专家学者", HearingParticipant.SelectedHow.INVITED),
)


def hold_hearing(decision: Decision, people, *, day: dt.date) -> None:
    """A hearing held as Art 16–17 ask: the notice 30 days ahead (as price hearings give), the
    participants with the interests they represent, their list and selection published, the
    materials ten days ahead, the record made and confirmed by every participant."""
    _start(decision, StepKind.PUBLIC_PARTICIPATION, people)
    services.hearing_update(
        decision=decision,
        actor=people.clerk,
        draft=current_draft(decision),
        hearing_on=day,
        hearing_time=dt.time(9, 30),
        place="市政府第一会议室",
        how_to_apply="通过市政府门户网站“听证报名”栏目或到承办单位窗口报名，注明所代表的利益方。",
        application_deadline=day - dt.timedelta(days=20),
        notice_published_on=day - dt.timedelta(days=30),
    )
    participants = [
        services.hearing_participant_add(
            decision=decision, actor=people.clerk, name=name, represents=represents, selected_how=how
        )
        for name, represents, how in HEARING_PARTICIPANTS
    ]
    services.hearing_update(
        decision=decision,
        actor=people.clerk,
        selection_method="random_draw",
        selection_detail="",
        participants_published_on=day - dt.timedelta(days=15),
        materials_sent_on=day - dt.timedelta(days=10),
        record_text="听证会记录：听证参加人5名逐一陈述意见，主持人归纳争议焦点，意见已逐条记录。",
    )
    for participant in participants:
        services.hearing_participant_answer(
            decision=decision, actor=people.clerk, participant_id=participant.pk, confirmed_on=day
        )


def complete_expert_argument(decision: Decision, people) -> None:
    """Three experts drawn at random from the pool (the draw's result recorded), one tied to the
    sponsor chosen and excluded with the reason, each drawn expert's opinion signed on paper and
    filed with the scan; one dissents."""
    _start(decision, StepKind.EXPERT_ARGUMENT, people)
    step = decision.steps.get(kind=StepKind.EXPERT_ARGUMENT)
    if not step.expert_selections.exists():
        pool = {e.name: e for e in expert_pool(decision)}
        services.expert_select(
            decision=decision, actor=people.clerk, method="random", experts=[pool[name] for name, *_rest in DRAWN]
        )
        services.expert_select(decision=decision, actor=people.clerk, method="chosen", experts=[pool[TIED_EXPERT]])
    answered = set(step.expert_opinions.values_list("expert__name", flat=True))
    remaining = [row for row in DRAWN if row[0] not in answered]  # a reopened step keeps its opinions
    if not remaining:
        services.step_complete(decision=decision, kind=StepKind.EXPERT_ARGUMENT, actor=people.clerk)
        return
    scan = services.attachment_upload(
        decision=decision,
        actor=people.clerk,
        uploaded_file=SimpleUploadedFile("专家论证签名意见.pdf", SIGNED_SCAN),
        kind=Attachment.Kind.OPINION,
        step_kind=StepKind.EXPERT_ARGUMENT,
    )
    signed = timezone.localdate()  # Art 20: not before the decision was registered (today, for the demo)
    experts = {s.expert.name: s.expert for s in step.expert_selections.select_related("expert")}
    for name, stance, handling, opinion, reason in remaining:
        services.expert_opinion_add(
            decision=decision,
            actor=people.clerk,
            expert=experts[name],
            stance=stance,
            opinion=opinion,
            signed_on=signed,
            signed_scan_id=scan.pk,
            handling=handling,
            handling_reason=reason,
        )
    services.step_complete(decision=decision, kind=StepKind.EXPERT_ARGUMENT, actor=people.clerk)


def complete_risk_assessment(decision: Decision, people, *, level: str = RiskAssessmentRecord.Level.MEDIUM) -> None:
    _start(decision, StepKind.RISK_ASSESSMENT, people)
    services.risk_update(
        decision=decision,
        actor=people.clerk,
        assessor="市社会稳定风险评估中心",
        third_party=True,
        risk_points="部分群体对价格调整存在顾虑，可能引发集中投诉。",
        measures="分档减免、加强政策解读、设立咨询热线。",
        contingency_plan="成立应急工作组，按预案分级响应。",
        level=level,
        controllable=True,
    )
    services.step_complete(decision=decision, kind=StepKind.RISK_ASSESSMENT, actor=people.clerk)


def waiver_basis(decision: Decision, kind: str, citation: str = "") -> WaiverBasis:
    """A listed legal basis for waiving ``kind``: the one ``citation`` names, else the first. The
    national ones are seeded by a migration; a database emptied since (a test that flushes it) gets
    the step's own article back, so the walk still goes through a listed basis."""
    bases = selectors.waiver_bases(decision, kind)
    if not bases:
        basis, _created = WaiverBasis.objects.get_or_create(
            government=None,
            citation=STEP_ARTICLE[StepKind(kind)],
            title=str(StepKind(kind).label),
            defaults={"steps": [kind], "active": True},
        )
        bases = [basis]
    chosen = next((b for b in bases if b.citation == citation), None) if citation else bases[0]
    if chosen is None:
        raise ValueError(f"No listed basis {citation!r} applies to {kind}.")
    return chosen


def waive(
    decision: Decision, kind: str, people, *, reason: str, article: str = "", note: str = "", approver=None
) -> None:
    """Not applicable, as a waiver is made: the clerk requests it on a listed basis (``article`` its
    citation) naming the approver, the sponsor's head unless told, who approves it in their own name."""
    approver = approver or people.sponsor_head
    services.waiver_request(
        decision=decision,
        kind=kind,
        actor=people.clerk,
        reason=reason,
        basis=waiver_basis(decision, kind, article),
        basis_note=note,
        approver=approver,
    )
    services.waiver_approve(decision=decision, kind=kind, actor=approver)


def _start(decision: Decision, kind: str, people) -> None:
    if decision.steps.get(kind=kind).state == StepState.PENDING:
        services.step_start(decision=decision, kind=kind, actor=people.clerk)


def settle_steps(decision: Decision, people) -> None:
    """All three preparatory steps done, with real outputs."""
    complete_participation(decision, people)
    complete_expert_argument(decision, people)
    complete_risk_assessment(decision, people)


def issue_opinion(decision: Decision, people, *, conclusion: str = Conclusion.LAWFUL) -> None:
    """The current review round from submission to an issued opinion: materials completed, accepted,
    waivers checked, items and opinion written, minimum time shortened for the demo, issued; an
    opinion asking for changes is answered by the sponsor and confirmed by the reviewer."""

    review_demo.take_to_opinion(
        decision,
        people,
        conclusion=conclusion,
        reasons="决策主体、权限、程序符合规定，内容不违反法律、法规和国家政策。",
        legal_risk="改革措施缺乏上位法明确依据，存在一定法律风险。"
        if conclusion == Conclusion.EXPLORATORY_WITH_RISK
        else "",
    )
    if conclusion != Conclusion.UNLAWFUL:
        review_demo.shorten_minimum_for_demo(decision, people)
    review_services.review_issue_opinion(decision=decision, actor=people.legal_head)
    if conclusion == Conclusion.LAWFUL_WITH_CHANGES:
        review_demo.answer_and_confirm(decision, people)


# Art 30: what the members said, by outcome; the head (the government's leader) speaks last.
MEETING_POSITIONS: dict[str, list[tuple[str, str, str]]] = {  # keyed by MeetingOutcome
    MeetingOutcome.APPROVED: [
        ("常务副市长", "for", "方案经过充分论证，群众意见已吸收，同意提交决定。"),
        ("分管副市长", "for", "配套资金已落实，建议明确时间节点。"),
        ("副市长", "against", "部分区域实施条件尚不成熟，建议先行试点。"),
        ("秘书长", "for", ""),
    ],
    MeetingOutcome.REJECTED: [
        ("常务副市长", "against", "财政承受能力评估不足。"),
        ("分管副市长", "against", "与上位规划衔接不够，需重新论证。"),
        ("副市长", "for", "事项紧迫，可边实施边完善。"),
        ("秘书长", "against", ""),
    ],
    MeetingOutcome.DEFERRED: [
        ("常务副市长", "for", ""),
        ("分管副市长", "against", "需等待上级政策明确后再议。"),
        ("副市长", "abstain", ""),
        ("秘书长", "for", ""),
    ],
}


HEAD_STATEMENTS: dict[str, str] = {
    MeetingOutcome.APPROVED: "同意。请承办单位抓好落实，对试点意见一并研究。",
    MeetingOutcome.REJECTED: "不予通过。请承办单位重新论证后再行报送。",
}


def meeting_positions(people, outcome: str) -> list[dict[str, Any]]:
    rows = MEETING_POSITIONS.get(outcome, MEETING_POSITIONS[MeetingOutcome.APPROVED])
    members = [{"name": name, "position": stance, "reasons": reasons} for name, stance, reasons in rows]
    head_stance = {"approved": "for", "rejected": "against"}.get(outcome, "abstain")
    head = {"user": people.leader.pk, "position": head_stance, "is_head": True}
    return [*members, head]


def hold_meeting(decision: Decision, people, outcome: str = MeetingOutcome.APPROVED) -> Decision:
    return services.decision_record_outcome(
        decision=decision,
        actor=people.secretary,
        outcome=outcome,
        meeting_type="executive",
        held_on=timezone.localdate(),
        positions=meeting_positions(people, outcome),
        attendees="承办单位主要负责人（汇报）",
        # Art 30: where the government's practice has the legal office attend (the demo city does).
        legal_office_attendee=people.legal_head.get_full_name() or people.legal_head.get_username(),
        legal_advisers_present="黄磊（法律顾问）",
        head_final_statement=HEAD_STATEMENTS.get(outcome, "暂缓决定，待上级政策明确后再议。"),
    )


def execution_problem(decision: Decision, people) -> None:
    """Art 35: a problem the public raised during execution, put on the record by the executing
    unit and answered by its head."""
    problem = services.execution_problem_report(
        decision=decision,
        actor=people.clerk,
        source="public_feedback",
        source_reference="市民热线 12345-2026-0815",
        description="部分老旧小区燃气表具未及时更换，居民反映按新价格计费存在误差。",
        reported_on=timezone.localdate(),
    )
    services.execution_problem_answer(
        decision=decision,
        actor=people.sponsor_head,
        problem_id=problem.pk,
        answer="measures_taken",
        answer_text="已责成燃气企业在两个月内完成表具更换，并对误差部分予以退补。",
    )


def correct_meeting(decision: Decision, people) -> None:
    """A meeting record is final (Art 30): what the minutes show differently is appended beside it."""
    meeting = decision.meetings.order_by("-held_on", "-id").first()
    if meeting is None:
        return
    services.meeting_correct(
        decision=decision,
        actor=people.secretary,
        meeting_id=meeting.pk,
        field="positions",
        text="副市长补充：试点区域应优先选择老城区。",
        reason="核对会议纪要，发言记录有遗漏。",
    )


DRAFTING_ENTRIES: list[tuple[str, str, str]] = [
    ("proposal", "deputies", "市人大代表在市人代会期间联名提出建议，请市政府研究该事项。"),
    ("research", "", "承办单位赴三个区开展实地调研，召开企业和居民座谈会各一场，收集意见建议四十余条。"),
    ("cost_benefit", "", "测算实施成本约一千二百万元，预计年受益群众约三十万人次，社会效益明显。"),
    ("alternatives", "", "拟订两个备选方案：方案一分三档实施，方案二分两档实施；经比较推荐方案一。"),
    ("consultation", "", "书面征求市发展改革委、市财政局、市市场监管局意见，共收到修改意见六条，均已采纳。"),
]


def record_drafting(decision: Decision, people) -> None:
    """How the draft was made (Art 10–13): the sponsor's drafting record, entry by entry."""
    for kind, proposer, text in DRAFTING_ENTRIES:
        services.drafting_record_add(decision=decision, actor=people.clerk, kind=kind, proposer=proposer, text=text)


# The main path: each state reached from the previous one.
def walk(decision: Decision, target: str, people, *, executing_unit: Department | None = None) -> Decision:
    """Move ``decision`` along the main path until it is in ``target`` (every call a real service)."""
    side: dict[str, str] = {
        DecisionState.DEFERRED: DecisionState.AWAITING_DECISION,
        DecisionState.REJECTED: DecisionState.AWAITING_DECISION,
        DecisionState.SUSPENDED: DecisionState.IMPLEMENTING,
        DecisionState.ARCHIVED: DecisionState.IMPLEMENTING,
        DecisionState.WITHDRAWN: DecisionState.PREPARING,
    }
    main_target = side.get(target, target)
    if target == DecisionState.WITHDRAWN and decision.state in STATES_BEFORE_DECISION:
        main_target = decision.state  # withdrawn from wherever it is before the decision
    while decision.state != main_target:
        state = decision.state
        if state == DecisionState.PROPOSED:
            decision = services.decision_start(decision=decision, actor=people.secretary)
        elif state == DecisionState.PREPARING:
            if any(not s.is_settled for s in decision.steps.all()):
                settle_steps(decision, people)
            decision = services.decision_submit_for_review(decision=decision, actor=people.sponsor_head)
        elif state == DecisionState.LEGALITY_REVIEW:
            issue_opinion(decision, people)
            decision = services.decision_clear_for_meeting(decision=decision, actor=people.reviewer)
        elif state == DecisionState.AWAITING_DECISION:
            decision = hold_meeting(decision, people)
        elif state == DecisionState.DECIDED:
            # Art 31: reported to the Party committee before publication (once per approving meeting: a
            # walk refused at publication and taken again does not report twice).
            approving = decision.meetings.filter(outcome=MeetingOutcome.APPROVED).order_by("-held_on", "-id").first()
            if not decision.party_committee_reports.filter(meeting=approving).exists():
                services.party_committee_report_record(
                    decision=decision,
                    actor=people.secretary,
                    reported_on=timezone.localdate(),
                    document_number=f"{decision.government.short_name}府请〔{timezone.localdate().year}〕{decision.sequence}号",
                )
            decision = services.decision_publish(
                decision=decision,
                actor=people.secretary,
                published_on=timezone.localdate(),
                document_number=f"{decision.government.short_name}政发〔{timezone.localdate().year}〕{decision.sequence}号",
                in_gazette=True,
                website_url="https://www.example.gov.cn/zwgk/",
            )
        elif state == DecisionState.PUBLISHED:
            decision = services.decision_begin_implementation(
                decision=decision, actor=people.secretary, executing_unit=executing_unit or decision.lead_sponsor
            )
        else:
            raise ValueError(f"walk() cannot leave {state}")
    if target == DecisionState.DEFERRED:
        decision = hold_meeting(decision, people, MeetingOutcome.DEFERRED)
    elif target == DecisionState.REJECTED:
        decision = hold_meeting(decision, people, MeetingOutcome.REJECTED)
    elif target == DecisionState.SUSPENDED:
        decision = services.decision_suspend(
            decision=decision, actor=people.leader, reason="上级督查要求暂停执行，待评估。"
        )
    elif target == DecisionState.ARCHIVED:
        services.execution_report_add(
            decision=decision, actor=people.secretary, reported_on=timezone.localdate(), progress="已全面落实。"
        )
        decision = services.decision_archive(decision=decision, actor=people.secretary)
    elif target == DecisionState.WITHDRAWN:
        decision = services.decision_withdraw(decision=decision, actor=people.leader, reason="情况变化，不再推进。")
    return decision
