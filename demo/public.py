"""The public side of the demo: the city's published catalogue of the year with one adjustment, an
open call for comments with its draft split into articles, and a closed one whose comments were
answered and summed up as the participation step's record. Idempotent, like ``seed_demo``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from consultations import services as public
from consultations.models import Comment
from decisions import services
from decisions.models import Catalogue, Category, Decision, DecisionState, ParticipationRecord, StepKind

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # the project uses Django's user model

    from decisions.models import Department, Government

ADDED_LATER = "老旧小区改造三年行动计划"
OPEN_TITLE = "电动自行车停放充电管理规定"
CLOSED_TITLE = "城市公园绿地管理办法"

OPEN_DRAFT = """电动自行车停放充电管理规定（征求意见稿）
第一条 为了加强电动自行车停放充电管理，预防火灾事故，制定本规定。
第二条 本规定适用于本市中心城区住宅小区、公共场所的电动自行车停放充电活动。
第三条 禁止在建筑物的公共门厅、疏散通道、楼梯间、安全出口停放电动自行车或者为其充电。
第四条 住宅小区应当按照规划配建集中停放充电场所。
第五条 违反本规定的，由有关部门依法处理。"""

CLOSED_DRAFT = """城市公园绿地管理办法（征求意见稿）
第一条 为了加强城市公园绿地管理，制定本办法。
第二条 公园应当免费向公众开放，特殊区域除外。
第三条 禁止在公园内从事营利性经营活动，经批准的除外。"""

OPEN_COMMENTS = [
    (3, "建议明确小区物业在劝阻楼道充电方面的责任。"),
    (None, "希望在老旧小区同步推进充电桩建设，解决居民实际困难。"),
]
# (article, text, handling, answer); handling None: grouped under the comment before it.
CLOSED_COMMENTS = [
    (2, "建议公园开放时间延长至晚上十点。", "partly", "夏季开放时间延长至晚上十点，冬季维持现行时间。"),
    (2, "公园晚上应该多开一会儿。", None, ""),
    (3, "建议允许公园内设置便民售卖点。", "adopted", "第三条增加经批准设置便民服务设施的规定。"),
    (None, "建议取消所有公园门票。", "not_adopted", "部分公园为文物保护单位，门票收入用于文物保护，依法保留。"),
]


def seed_public(city: Government, departments: dict[str, Department], users: dict[str, User]) -> None:
    office = users["bangongshi"]
    clerk = users["zhujian_clerk"]
    today = timezone.localdate()
    _catalogue(city, office, today)
    _open_consultation(city, departments["市住房城乡建设局"], clerk, office, today)
    _closed_consultation(city, departments["市住房城乡建设局"], clerk, office, today)


def _catalogue(city: Government, office: User, today: dt.date) -> None:
    if Catalogue.objects.filter(government=city, year=today.year).exists():
        return
    catalogue = services.catalogue_draft(actor=office, government=city, year=today.year)
    decisions = Decision.objects.filter(government=city, catalogue_year=today.year).exclude(
        state=DecisionState.WITHDRAWN
    )
    for decision in decisions.exclude(title=ADDED_LATER):
        services.catalogue_include(actor=office, catalogue=catalogue, decision=decision)
    approved = min(today, dt.date(today.year, 1, 15))
    services.catalogue_approve(
        actor=office, catalogue=catalogue, approved_on=approved, approval_reference=f"示委办函〔{today.year}〕3号"
    )
    services.catalogue_publish(actor=office, catalogue=catalogue, published_on=approved)
    later = decisions.filter(title=ADDED_LATER).first()
    if later is not None:
        services.catalogue_adjust(
            actor=office,
            catalogue=catalogue,
            decision=later,
            kind="add",
            reason="经市政府常务会议研究，增补列入本年度重大行政决策事项目录。",
            made_on=today,
        )


def _consultation(city: Government, sponsor: Department, clerk: User, title: str, start: dt.date) -> Decision | None:
    """A new decision of the sponsor with its call for comments running from ``start`` for 30 days;
    None when the demo already has it."""
    if Decision.objects.filter(government=city, title=title).exists():
        return None
    decision = services.decision_register(
        actor=clerk,
        lead_sponsor=sponsor,
        title=title,
        category=Category.PUBLIC_POLICY,
        catalogue_year=start.year,
        decision_body=city.name,
        summary=f"{title}：公开征求社会公众意见。",
    )
    return decision


def _start_call(decision: Decision, clerk: User, office: User, start: dt.date, draft: str) -> None:
    services.decision_start(decision=decision, actor=office)
    services.step_start(decision=decision, kind=StepKind.PUBLIC_PARTICIPATION, actor=clerk)
    services.participation_update(
        decision=decision,
        actor=clerk,
        methods=[ParticipationRecord.Method.ONLINE_CALL, ParticipationRecord.Method.SYMPOSIUM],
        call_published_on=start,
        period_start=start,
        period_end=start + dt.timedelta(days=29),
        affected_groups_heard="社区居民代表、物业服务企业",
    )
    public.consultation_configure(
        actor=clerk,
        decision=decision,
        draft_text=draft,
        postal_address="示范市人民路1号市住房城乡建设局（邮编100000）",
        email="yijian@example.gov.cn",
        symposium_note="征求意见期间将在各区分别召开居民座谈会。",
    )


def _open_consultation(city: Government, sponsor: Department, clerk: User, office: User, today: dt.date) -> None:
    start = today - dt.timedelta(days=10)
    decision = _consultation(city, sponsor, clerk, OPEN_TITLE, start)
    if decision is None:
        return
    _start_call(decision, clerk, office, start, OPEN_DRAFT)
    record = ParticipationRecord.objects.get(step__decision=decision)
    for article, text in OPEN_COMMENTS:
        public.comment_submit(record=record, text=text, article=article)


def _closed_consultation(city: Government, sponsor: Department, clerk: User, office: User, today: dt.date) -> None:
    start = today - dt.timedelta(days=45)
    decision = _consultation(city, sponsor, clerk, CLOSED_TITLE, start)
    if decision is None:
        return
    _start_call(decision, clerk, office, start, CLOSED_DRAFT)
    record = ParticipationRecord.objects.get(step__decision=decision)
    during = timezone.make_aware(dt.datetime.combine(start + dt.timedelta(days=3), dt.time(10)))
    lead: Comment | None = None
    for article, text, handling, answer in CLOSED_COMMENTS:
        comment = public.comment_submit(record=record, text=text, article=article, now=during)
        if handling is None:
            public.comment_group(actor=clerk, comment=comment, lead=lead)
            continue
        public.comment_answer(actor=clerk, comment=comment, handling=handling, answer=answer)
        lead = comment
    abusive = public.comment_submit(record=record, text="（含人身攻击内容）", now=during)
    public.comment_hide(actor=clerk, comment=abusive, reason="含人身攻击内容，依规不予公开。")
    public.summary_record(actor=clerk, decision=decision)
    services.step_complete(decision=decision, kind=StepKind.PUBLIC_PARTICIPATION, actor=clerk)
