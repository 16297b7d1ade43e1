"""factory_boy factories, and ``Org``: a city government with its offices and one user per role."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import factory
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import CharField, DateTimeField, Q, Value
from django.db.models.functions import Cast
from django.utils import timezone

from consultations import services as consultation_services
from decisions import services
from decisions.choices import STEP_ARTICLE
from decisions.models import (
    Attachment,
    Category,
    Decision,
    DecisionState,
    Department,
    Expert,
    Government,
    Hearing,
    Membership,
    ParticipationRecord,
    ProcedureStep,
    Role,
    StepKind,
    StepState,
    WaiverBasis,
)
from reviews import demo as review_demo
from reviews import services as review_services
from reviews.gates import current_review
from reviews.models import DocumentNumberSequence, LegalityReview


class GovernmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Government

    name = factory.Sequence(lambda n: f"测试市{n}人民政府")
    level = Government.Level.CITY
    short_name = factory.Sequence(lambda n: f"测{n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    government = factory.SubFactory(GovernmentFactory)
    name = factory.Sequence(lambda n: f"测试局{n}")
    kind = Department.Kind.SPONSOR


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pass-for-tests")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)
    role = Role.SPONSOR_CLERK


@dataclass
class Org:
    government: Government
    sponsor: Department
    other_sponsor: Department
    legal_office: Department
    government_office: Department
    clerk: object
    sponsor_head: object
    other_clerk: object
    reviewer: object
    legal_head: object
    secretary: object
    leader: object
    adviser: object = None  # a legal adviser of the legal office, in the government's pool (Art 28)

    def decision_kwargs(self, **overrides) -> dict:
        values = {
            "actor": self.clerk,
            "lead_sponsor": self.sponsor,
            "title": "城市居民生活用水阶梯价格调整",
            "category": Category.PUBLIC_POLICY,
            "catalogue_year": timezone.localdate().year,
            "decision_body": self.government.name,
        }
        values.update(overrides)
        return values


def make_org(name: str | None = None) -> Org:
    government = GovernmentFactory(**({"name": name} if name else {}))

    def dept(kind, label):
        return DepartmentFactory(government=government, kind=kind, name=f"{government.name}{label}")

    sponsor = dept(Department.Kind.SPONSOR, "住房城乡建设局")
    other_sponsor = dept(Department.Kind.SPONSOR, "民政局")
    legal = dept(Department.Kind.LEGAL_OFFICE, "司法局")
    office = dept(Department.Kind.GOVERNMENT_OFFICE, "政府办公室")

    def person(department, role):
        return MembershipFactory(department=department, role=role).user

    leader = person(office, Role.LEADER)
    # Art 37: the government's head (行政首长) is its leader.
    government.head = leader
    government.save(update_fields=["head", "updated_at"])
    adviser = person(legal, Role.LEGAL_ADVISER)
    review_demo.add_to_pool(government, adviser)
    return Org(
        adviser=adviser,
        government=government,
        sponsor=sponsor,
        other_sponsor=other_sponsor,
        legal_office=legal,
        government_office=office,
        clerk=person(sponsor, Role.SPONSOR_CLERK),
        sponsor_head=person(sponsor, Role.SPONSOR_HEAD),
        other_clerk=person(other_sponsor, Role.SPONSOR_CLERK),
        reviewer=person(legal, Role.LEGAL_REVIEWER),
        legal_head=person(legal, Role.LEGAL_HEAD),
        secretary=person(office, Role.GOVERNMENT_OFFICE),
        leader=leader,
    )


# --------------------------------------------------------------------------- lifecycle helpers
# The tests' own walker through the real services (independent of demo.builder, which serves the
# demo data): each helper is one legal move with complete, valid records unless told otherwise. The
# legality review's moves go through reviews.demo, the reviews app's own walker, so these tests
# follow that app's workflow as it grows.


def other_sponsor_head(org: Org):
    """A head of the org's *other* sponsoring department (not the decision's lead sponsor)."""
    return MembershipFactory(department=org.other_sponsor, role=Role.SPONSOR_HEAD).user


def today() -> dt.date:
    return timezone.localdate()


def participation_values(*, days: int = 30, hearing: bool = False, **overrides) -> dict:
    """A complete public participation record: a ``days``-long period that ended ten days ago."""
    end = today() - dt.timedelta(days=10)
    start = end - dt.timedelta(days=days - 1)
    values = {
        "methods": [ParticipationRecord.Method.ONLINE_CALL],
        "call_published_on": start,
        "period_start": start,
        "period_end": end,
    }
    if hearing:
        values["methods"] = [ParticipationRecord.Method.ONLINE_CALL, ParticipationRecord.Method.HEARING]
    values.update(overrides)
    return values


# The adoption summary as the comment inbox writes it (consultations.services): 12 comments answered.
ADOPTION = {
    "comments_count": 12,
    "comments_adopted": 5,
    "comments_partly_adopted": 3,
    "adoption_summary": "采纳5条，部分采纳3条，未采纳4条，均已说明理由。",
}


def risk_values(**overrides) -> dict:
    values = {
        "assessor": "市社会稳定风险评估中心",
        "third_party": True,
        "risk_points": "可能引发集中投诉。",
        "measures": "加强政策解读。",
        "contingency_plan": "分级响应预案。",
        "level": "medium",
        "controllable": True,
    }
    values.update(overrides)
    return values


def expert_values(**overrides) -> dict:
    values = {
        "expert_name": "王建国",
        "organisation": "市社会科学院",
        "stance": "supports",
        "opinion": "方案必要、可行。",
        "signed_on": today(),
        "handling": "adopted",
    }
    values.update(overrides)
    return values


def register(org: Org, **overrides):
    return services.decision_register(**org.decision_kwargs(**overrides))


def start_step(decision, kind: str, org: Org) -> None:
    if decision.steps.get(kind=kind).state == StepState.PENDING:
        services.step_start(decision=decision, kind=kind, actor=org.clerk)


def hearing_day() -> dt.date:
    """The day of the tests' hearing: three days after the comment period of ``participation_values``."""
    return today() - dt.timedelta(days=7)


def hearing_notice_values(day: dt.date | None = None, **overrides) -> dict:
    """A hearing notice published 20 days ahead (the national default asks 15, Art 16)."""
    day = day or hearing_day()
    values = {
        "hearing_on": day,
        "hearing_time": dt.time(9, 30),
        "place": "市政府第一会议室",
        "how_to_apply": "登录市政府网站填写报名表，或到市发展改革委窗口报名。",
        "application_deadline": day - dt.timedelta(days=14),
        "notice_published_on": day - dt.timedelta(days=20),
    }
    values.update(overrides)
    return values


HEARING_PARTICIPANTS = (
    ("张明", "居民用户代表", "drawn"),
    ("李华", "燃气经营企业代表", "by_category"),
)


def hold_hearing(decision, org: Org, *, day: dt.date | None = None, confirm: bool = True, **overrides):
    """A complete hearing through the services: the notice, two participants with their interests,
    the list and selection method published, the materials sent ten days ahead, the record made and,
    unless ``confirm`` is false, confirmed by each participant. ``overrides`` go into the last
    update (selection, publication, materials, record)."""
    day = day or hearing_day()
    start_step(decision, StepKind.PUBLIC_PARTICIPATION, org)
    services.hearing_update(decision=decision, actor=org.clerk, **hearing_notice_values(day))
    participants = [
        services.hearing_participant_add(
            decision=decision, actor=org.clerk, name=name, represents=represents, selected_how=how
        )
        for name, represents, how in HEARING_PARTICIPANTS
    ]
    values = {
        "selection_method": "random_draw",
        "participants_published_on": day - dt.timedelta(days=12),
        "materials_sent_on": day - dt.timedelta(days=10),
        "record_text": "听证会记录，陈述人2名，意见已逐条记录。",
        **overrides,
    }
    hearing = services.hearing_update(decision=decision, actor=org.clerk, **values)
    if confirm and hearing.has_record:
        for participant in participants:
            services.hearing_participant_answer(
                decision=decision, actor=org.clerk, participant_id=participant.pk, confirmed_on=day
            )
    return hearing


def record_participation(decision, org: Org, *, hearing: bool = False, **values) -> None:
    """The record as the sponsor types it, and the adoption summary as the comment inbox writes it
    (services.participation_record_adoption: the counts are never typed); with ``hearing``, a
    complete hearing too (``hold_hearing``)."""
    start_step(decision, StepKind.PUBLIC_PARTICIPATION, org)
    adoption = {
        **ADOPTION,
        **{name: values.pop(name) for name in ParticipationRecord.ADOPTION_FIELDS if name in values},
    }
    services.participation_update(decision=decision, actor=org.clerk, **participation_values(hearing=hearing, **values))
    services.participation_record_adoption(decision=decision, actor=org.clerk, **adoption)
    if hearing:
        hold_hearing(decision, org)


def record_risk(decision, org: Org, **values) -> None:
    start_step(decision, StepKind.RISK_ASSESSMENT, org)
    services.risk_update(decision=decision, actor=org.clerk, **risk_values(**values))


SIGNED_SCAN_PDF = b"%PDF-1.7\n% signed expert opinion\n"


def pool_expert(org: Org, name: str = "王建国", organisation: str = "市社会科学院", **fields) -> Expert:
    """An active expert of ``org``'s pool (the same one for the same name and organisation)."""
    expert, _created = Expert.objects.get_or_create(
        government=org.government,
        name=name,
        organisation=organisation,
        defaults={"field": "城市规划", "title": "研究员", **fields},
    )
    return expert


def select_experts(decision, org: Org, *experts: Expert, method: str = "chosen", **values):
    """The clerk records how ``experts`` of the pool were chosen for the argument (Art 20)."""
    start_step(decision, StepKind.EXPERT_ARGUMENT, org)
    return services.expert_select(
        decision=decision, actor=org.clerk, method=method, experts=[e.pk for e in experts], **values
    )


def signed_scan(decision, org: Org):
    """The argument's signed opinions as scanned on paper: one file per step serves every opinion."""
    step = decision.steps.get(kind=StepKind.EXPERT_ARGUMENT)
    scan = step.attachments.filter(kind=Attachment.Kind.OPINION).first()
    if scan is None:
        scan = services.attachment_upload(
            decision=decision,
            actor=org.clerk,
            uploaded_file=SimpleUploadedFile("专家签名意见.pdf", SIGNED_SCAN_PDF),
            kind=Attachment.Kind.OPINION,
            step_kind=StepKind.EXPERT_ARGUMENT,
        )
    return scan


def add_expert_opinion(decision, org: Org, **values):
    """An opinion of an expert of the pool (chosen for the argument if not yet), signed on paper and
    filed by the clerk with the signed scan; ``expert_name`` and ``organisation`` name the expert."""
    start_step(decision, StepKind.EXPERT_ARGUMENT, org)
    values = expert_values(**values)
    expert = pool_expert(org, values.pop("expert_name"), values.pop("organisation"))
    step = decision.steps.get(kind=StepKind.EXPERT_ARGUMENT)
    if not step.expert_selections.filter(expert=expert).exists():
        select_experts(decision, org, expert)
    if values.get("signed_on") is not None:
        values.setdefault("signed_scan_id", signed_scan(decision, org).pk)
    return services.expert_opinion_add(decision=decision, actor=org.clerk, expert=expert.pk, **values)


def complete(decision, kind: str, org: Org):
    return services.step_complete(decision=decision, kind=kind, actor=org.clerk)


def settle_steps(decision, org: Org) -> None:
    """All three preparatory steps done, with complete outputs."""
    record_participation(decision, org)
    complete(decision, StepKind.PUBLIC_PARTICIPATION, org)
    add_expert_opinion(decision, org)
    complete(decision, StepKind.EXPERT_ARGUMENT, org)
    record_risk(decision, org)
    complete(decision, StepKind.RISK_ASSESSMENT, org)


def national_basis(kind: str, citation: str = "") -> WaiverBasis:
    """The seeded national basis for waiving ``kind`` (its step's article unless ``citation`` says
    otherwise); a test that flushed the database gets it back."""
    citation = citation or STEP_ARTICLE[StepKind(kind)]
    basis = WaiverBasis.objects.filter(government=None, citation=citation, active=True).order_by("id").first()
    if basis is None or not basis.applies_to(kind):
        basis = WaiverBasis.objects.create(citation=citation, title=f"{citation} 可以不适用的情形", steps=[kind])
    return basis


def request_waiver(decision, kind: str, org: Org, **overrides):
    """The clerk asks for ``kind`` to be marked not applicable: a reason, a listed basis, the
    sponsor's head to approve (unless overridden)."""
    values: dict[str, Any] = {
        "reason": "本事项不涉及该程序。",
        "basis": national_basis(kind),
        "approver": org.sponsor_head,
    }
    values.update(overrides)
    return services.waiver_request(decision=decision, kind=kind, actor=org.clerk, **values)


def waive_step(decision, kind: str, org: Org, **overrides):
    """A waiver as the law has it: requested by the clerk, approved by the approver in their own name."""
    request = request_waiver(decision, kind, org, **overrides)
    return services.waiver_approve(decision=decision, kind=kind, actor=request.approver)


def write_opinion(decision, org: Org, conclusion: str = "lawful", **overrides):
    """The legal office takes the current round to a written opinion (materials completed, accepted,
    waivers checked, items written where the conclusion needs them), through the reviews app's own
    walker so these tests follow its workflow."""
    values = {"reasons": "主体、权限、程序、内容均符合规定。", "legal_risk": ""}
    if conclusion == "exploratory_with_risk":
        values["legal_risk"] = "缺乏上位法明确依据。"
    values.update(overrides)
    review_demo.take_to_opinion(decision, org, conclusion=conclusion, **values)
    return current_review(decision)


def issue_opinion(decision, org: Org, conclusion: str = "lawful", *, confirm: bool = True):
    """Write and issue the current round's opinion (the minimum review time shortened by the office
    head, as Art 26's "in general" allows) and, for changes asked for, have them answered and
    confirmed. An unlawful opinion sends the decision back to preparing (Art 25)."""
    write_opinion(decision, org, conclusion)
    if conclusion != "unlawful":
        review_demo.shorten_minimum_for_demo(decision, org)
    review_services.review_issue_opinion(decision=decision, actor=org.legal_head)
    if conclusion == "lawful_with_changes" and confirm:
        review_demo.answer_and_confirm(decision, org)
    return current_review(decision)


def answer_changes(decision, org: Org) -> None:
    """The sponsor answers every item of an opinion asking for changes and hands in the revised
    draft (Art 28); the reviewer has not confirmed yet."""
    for item in current_review(decision).items.all():
        review_services.review_answer_item(decision=decision, actor=org.clerk, item_id=item.pk, response="adopted")
    review_services.review_hand_in_revised_draft(
        decision=decision,
        actor=org.clerk,
        uploaded_file=SimpleUploadedFile(
            "决策草案（修改稿）.docx", review_demo._docx("决策草案（修改稿）", "修改稿全文。")
        ),
    )


MEMBER_NAMES = ("常务副市长", "副市长甲", "副市长乙", "副市长丙", "副市长丁", "秘书长", "市长助理", "副秘书长")


def meeting_positions(*stances: str, head: str = "for", reasons: str = "") -> list[dict]:
    """The members' positions (Art 30), one per stance in speaking order, then the mayor as head.
    Without stances: three members for."""
    stances = stances or ("for", "for", "for")
    rows = [
        {"name": name, "position": stance, "reasons": reasons, "is_head": False}
        for name, stance in zip(MEMBER_NAMES, stances, strict=False)
    ]
    return [*rows, {"name": "市长", "position": head, "reasons": "", "is_head": True}]


_MEMBERS_FOR_OUTCOME = {"rejected": "against", "revise": "against"}


def meeting_values(outcome: str = "approved", **overrides) -> dict:
    stance = _MEMBERS_FOR_OUTCOME.get(outcome, "for")
    values = {
        "outcome": outcome,
        "meeting_type": "executive",
        "held_on": today(),
        # The members agree with the outcome: nobody goes against the majority unless a test says so.
        "positions": meeting_positions(*[stance] * 3, head=stance),
        "head_final_statement": "同意。",
    }
    values.update(overrides)
    return values


def publication_values(**overrides) -> dict:
    values = {
        "published_on": today(),
        "document_number": "测政发〔2026〕1号",
        "in_gazette": True,
        "website_url": "https://www.example.gov.cn/zwgk/",
    }
    values.update(overrides)
    return values


def report_progress(decision, org: Org):
    return services.execution_report_add(
        decision=decision, actor=org.secretary, reported_on=today(), progress="已落实。"
    )


def decision_in(org: Org, state: str, **overrides):
    """A decision of ``org`` brought to ``state`` by the real services, along the shortest path."""
    decision = register(org, **overrides)
    if state == DecisionState.PROPOSED:
        return decision
    decision = services.decision_start(decision=decision, actor=org.secretary)
    if state == DecisionState.PREPARING:
        return decision
    if state == DecisionState.WITHDRAWN:
        return services.decision_withdraw(decision=decision, actor=org.leader, reason="情况变化。")
    settle_steps(decision, org)
    decision = services.decision_submit_for_review(decision=decision, actor=org.sponsor_head)
    if state == DecisionState.LEGALITY_REVIEW:
        return decision
    issue_opinion(decision, org)
    decision = services.decision_clear_for_meeting(decision=decision, actor=org.reviewer)
    if state == DecisionState.AWAITING_DECISION:
        return decision
    outcome = {DecisionState.DEFERRED: "deferred", DecisionState.REJECTED: "rejected"}.get(state, "approved")
    decision = services.decision_record_outcome(decision=decision, actor=org.secretary, **meeting_values(outcome))
    if state in (DecisionState.DEFERRED, DecisionState.REJECTED, DecisionState.DECIDED):
        return decision
    decision = services.decision_publish(decision=decision, actor=org.secretary, **publication_values())
    if state == DecisionState.PUBLISHED:
        return decision
    decision = services.decision_begin_implementation(
        decision=decision, actor=org.secretary, executing_unit=org.sponsor
    )
    if state == DecisionState.IMPLEMENTING:
        return decision
    if state == DecisionState.SUSPENDED:
        return services.decision_suspend(decision=decision, actor=org.leader, reason="上级督查要求暂停。")
    if state == DecisionState.ARCHIVED:
        report_progress(decision, org)
        return services.decision_archive(decision=decision, actor=org.secretary)
    raise ValueError(f"decision_in() does not know {state}")


# The contract (DESIGN.md): where each transition may start and where it goes. Written out here,
# not read from the models, so a changed model fails the tests.
TRANSITION_SOURCES = {
    "start": {"proposed"},
    "submit_for_review": {"preparing"},
    "return_for_revision": {"legality_review"},
    "clear_for_meeting": {"legality_review"},
    "record_outcome": {"awaiting_decision"},
    "resume": {"deferred"},
    "publish": {"decided"},
    "begin_implementation": {"published"},
    "suspend": {"implementing"},
    "resume_implementation": {"suspended"},
    "adjust": {"implementing"},
    "withdraw": {"proposed", "preparing", "legality_review", "awaiting_decision", "deferred"},
    "archive": {"implementing", "rejected", "withdrawn"},
}
TRANSITION_TARGET = {
    "start": "preparing",
    "submit_for_review": "legality_review",
    "return_for_revision": "preparing",
    "clear_for_meeting": "awaiting_decision",
    "record_outcome": "decided",  # with the outcome "approved"
    "resume": "awaiting_decision",
    "publish": "published",
    "begin_implementation": "implementing",
    "suspend": "suspended",
    "resume_implementation": "implementing",
    "adjust": "preparing",
    "withdraw": "withdrawn",
    "archive": "archived",
}
ALL_STATES = (
    "proposed",
    "preparing",
    "legality_review",
    "awaiting_decision",
    "deferred",
    "decided",
    "rejected",
    "published",
    "implementing",
    "suspended",
    "withdrawn",
    "archived",
)


def transition_payload(org: Org, name: str) -> dict:
    """The right actor and a valid payload for transition ``name`` (without ``decision``)."""
    payloads = {
        "start": {"actor": org.secretary},
        "submit_for_review": {"actor": org.sponsor_head},
        "return_for_revision": {"actor": org.reviewer, "reason": "材料不齐全。"},
        "clear_for_meeting": {"actor": org.reviewer},
        "record_outcome": {"actor": org.secretary, **meeting_values("approved")},
        "resume": {"actor": org.secretary},
        "publish": {"actor": org.secretary, **publication_values()},
        "begin_implementation": {"actor": org.secretary, "executing_unit": org.sponsor},
        "suspend": {"actor": org.leader, "reason": "上级督查要求暂停。"},
        "resume_implementation": {"actor": org.leader},
        "adjust": {"actor": org.leader, "reason": "重大调整。"},
        "withdraw": {"actor": org.leader, "reason": "情况变化。"},
        "archive": {"actor": org.secretary},
    }
    return payloads[name]


def make_ready(decision, org: Org, name: str) -> None:
    """Open the gates of ``name`` for a decision already in one of its source states."""
    if name == "submit_for_review":
        settle_steps(decision, org)
    elif name == "clear_for_meeting":
        issue_opinion(decision, org)
    elif name == "archive" and decision.state == "implementing":
        report_progress(decision, org)


def _paths_to_decision() -> list[tuple[type, list[str]]]:
    """Every model of the decisions and reviews apps that belongs to one decision, with the lookup
    from it to the decision (directly, or through its step or its review round). Read from the
    models, so records added by later issues are covered without touching the tests."""
    parents = {Decision: "", ProcedureStep: "__decision", LegalityReview: "__decision", Hearing: "__step__decision"}
    out = []
    for label in ("decisions", "reviews"):
        for model in apps.get_app_config(label).get_models():
            if model is Decision:
                continue
            links = [
                f"{field.name}{parents[field.related_model]}"
                for field in model._meta.concrete_fields
                if field.is_relation and field.related_model in parents
            ]
            if links:
                out.append((model, links))
    return out


def snapshot(decision) -> dict:
    """Everything a refused call must leave as it was, read fresh from the database: the decision,
    its steps and review rounds in full, and every other record belonging to it by id and last
    change (one query for all of them)."""
    d = Decision.objects.get(pk=decision.pk)

    def full(qs):
        return [tuple(sorted(row.items())) for row in qs.order_by("pk").values()]

    parts = []
    for model, paths in _paths_to_decision():
        stamp = "updated_at" if any(f.name == "updated_at" for f in model._meta.fields) else "created_at"
        belongs = Q()
        for path in paths:  # e.g. a review material hangs on its round, or on a step, or both
            belongs |= Q(**{path: d.pk})
        parts.append(
            model.objects.filter(belongs)
            .order_by()
            .annotate(
                record=Value(model._meta.label, output_field=CharField()),
                key=Cast("pk", output_field=CharField()),
                stamp=Cast(stamp, output_field=DateTimeField()),
            )
            .values_list("record", "key", "stamp")
        )
    records = sorted(parts[0].union(*parts[1:], all=True)) if parts else []
    office = Department.objects.filter(government_id=d.government_id, kind=Department.Kind.LEGAL_OFFICE)
    return {
        "decision": full(Decision.objects.filter(pk=d.pk)),
        "steps": full(d.steps.all()),
        "reviews": full(d.reviews.all()),
        "events": list(d.events.order_by("pk").values_list("pk", "step_kind", "transition")),
        "records": records,
        "doc_numbers": list(DocumentNumberSequence.objects.filter(office__in=office).values_list("pk", "last_number")),
    }


def replayed_states(decision) -> dict[str, str]:
    """Replay the event log: the decision's state ("") and each step's, checking every event's
    ``from`` is the state the previous one left."""
    states: dict[str, str] = {"": ""}
    for event in decision.events.order_by("created_at", "id"):
        key = event.step_kind
        current = states.get(key, "pending" if key else "")
        if event.from_state != current:
            raise AssertionError(
                f"event {event.pk} {key or 'decision'}.{event.transition} starts from "
                f"{event.from_state!r}, but the log was at {current!r}"
            )
        states[key] = event.to_state
    return states


# --------------------------------------------------------------------------- the public side

DRAFT = "某市生活垃圾分类管理办法（征求意见稿）\n第一条 为了推进生活垃圾分类，制定本办法。\n第二条 本办法适用于本市行政区域。\n第十条 违反本办法的，依法处理。"


def open_consultation(org, *, days_before: int = 5, days_after: int = 25, **settings):
    """A preparing decision whose call for comments runs today (published, period around today)."""
    decision = decision_in(org, DecisionState.PREPARING)
    start_step(decision, StepKind.PUBLIC_PARTICIPATION, org)
    today = timezone.localdate()
    services.participation_update(
        decision=decision,
        actor=org.clerk,
        methods=[ParticipationRecord.Method.ONLINE_CALL],
        call_published_on=today - dt.timedelta(days=days_before),
        period_start=today - dt.timedelta(days=days_before),
        period_end=today + dt.timedelta(days=days_after),
    )
    consultation_services.consultation_configure(actor=org.clerk, decision=decision, draft_text=DRAFT, **settings)
    return decision
