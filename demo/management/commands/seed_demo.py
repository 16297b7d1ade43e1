"""Demo data: a city government with its departments, one user per role, and decisions in every
state of the lifecycle, each reached through the real services so its history is real.

Idempotent: what exists is left alone, so a second run changes nothing."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from decisions import services
from decisions.models import (
    Category,
    Decision,
    DecisionState,
    Department,
    Government,
    MatterType,
    Membership,
    RiskAssessmentRecord,
    Role,
    RuleSettings,
    StepKind,
)
from demo import builder as demo
from demo.public import seed_public
from reviews import demo as review_demo
from reviews.models import AdviserKind, Conclusion, LegalAdviser

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # the project uses Django's user model

DEMO_PASSWORD = "demo-2026"

PROVINCE = "示范省人民政府"
CITY = "示范市人民政府"
COUNTY = "示范市临江区人民政府"

DEPARTMENTS = [
    ("市司法局", Department.Kind.LEGAL_OFFICE),
    ("市人民政府办公室", Department.Kind.GOVERNMENT_OFFICE),
    ("市发展改革委", Department.Kind.SPONSOR),
    ("市住房城乡建设局", Department.Kind.SPONSOR),
    ("市民政局", Department.Kind.SPONSOR),
    ("市生态环境局", Department.Kind.SPONSOR),
    ("市公安局", Department.Kind.SPONSOR),
    ("市交通运输局", Department.Kind.SPONSOR),
]

# username, full name, department, role
USERS = [
    ("zhujian_clerk", "刘洋（住建局经办人）", "市住房城乡建设局", Role.SPONSOR_CLERK),
    ("zhujian_head", "孙伟（住建局局长）", "市住房城乡建设局", Role.SPONSOR_HEAD),
    ("fagai_clerk", "周敏（发展改革委经办人）", "市发展改革委", Role.SPONSOR_CLERK),
    ("fagai_head", "吴刚（发展改革委主任）", "市发展改革委", Role.SPONSOR_HEAD),
    ("minzheng_clerk", "郑丽（民政局经办人）", "市民政局", Role.SPONSOR_CLERK),
    ("minzheng_head", "冯涛（民政局局长）", "市民政局", Role.SPONSOR_HEAD),
    ("shengtai_clerk", "陈静（生态环境局经办人）", "市生态环境局", Role.SPONSOR_CLERK),
    ("shengtai_head", "杨帆（生态环境局局长）", "市生态环境局", Role.SPONSOR_HEAD),
    ("gongan_clerk", "何军（公安局经办人）", "市公安局", Role.SPONSOR_CLERK),
    ("gongan_head", "韩冰（公安局局长）", "市公安局", Role.SPONSOR_HEAD),
    ("jiaotong_clerk", "许诺（交通运输局经办人）", "市交通运输局", Role.SPONSOR_CLERK),
    ("jiaotong_head", "邓超（交通运输局局长）", "市交通运输局", Role.SPONSOR_HEAD),
    ("expert", "王建国（论证专家）", "市发展改革委", Role.EXPERT),
    ("sifa_reviewer", "林芳（司法局审查人员）", "市司法局", Role.LEGAL_REVIEWER),
    ("sifa_head", "赵明（司法局局长）", "市司法局", Role.LEGAL_HEAD),
    ("lawyer", "黄磊（法律顾问）", "市司法局", Role.LEGAL_ADVISER),
    ("public_lawyer", "周敏（公职律师）", "市司法局", Role.LEGAL_ADVISER),
    ("lawyer_former", "吴昊（法律顾问）", "市司法局", Role.LEGAL_ADVISER),
    ("bangongshi", "钱红（政府办公室会议秘书）", "市人民政府办公室", Role.GOVERNMENT_OFFICE),
    ("leader", "李强（市长）", "市人民政府办公室", Role.LEADER),
]

# The heads of the province and the county (Art 37), each the leader in its government's office.
OTHER_HEADS = (
    (PROVINCE, "shengzhang", "周正（省长）"),
    (COUNTY, "quzhang", "吴刚（区长）"),
)

SPONSOR_USERS = {
    "市住房城乡建设局": ("zhujian_clerk", "zhujian_head"),
    "市发展改革委": ("fagai_clerk", "fagai_head"),
    "市民政局": ("minzheng_clerk", "minzheng_head"),
    "市生态环境局": ("shengtai_clerk", "shengtai_head"),
    "市公安局": ("gongan_clerk", "gongan_head"),
    "市交通运输局": ("jiaotong_clerk", "jiaotong_head"),
}

# title, lead sponsor, category, target state, variation
DECISIONS = [
    ("殡葬基本服务收费标准调整", "市民政局", Category.PUBLIC_POLICY, DecisionState.PUBLISHED, "hearing"),
    ("民用天然气价格调整", "市发展改革委", Category.PUBLIC_POLICY, DecisionState.IMPLEMENTING, "hearing"),
    ("中心城区通信基站布局规划", "市住房城乡建设局", Category.DEVELOPMENT_PLAN, DecisionState.LEGALITY_REVIEW, ""),
    ("中心城区禁止燃放烟花爆竹", "市公安局", Category.PUBLIC_POLICY, DecisionState.AWAITING_DECISION, "changes"),
    ("城市居民生活用水阶梯价格调整", "市发展改革委", Category.PUBLIC_POLICY, DecisionState.DECIDED, "hearing"),
    ("老旧小区改造三年行动计划", "市住房城乡建设局", Category.DEVELOPMENT_PLAN, DecisionState.PROPOSED, ""),
    ("生活垃圾分类管理实施方案", "市生态环境局", Category.PUBLIC_POLICY, DecisionState.PREPARING, "partial"),
    ("城市排水防涝专项规划", "市住房城乡建设局", Category.DEVELOPMENT_PLAN, DecisionState.PREPARING, "waiver"),
    ("城市公共停车收费标准调整", "市发展改革委", Category.PUBLIC_POLICY, DecisionState.DEFERRED, ""),
    ("中心城区出租汽车运力调控方案", "市交通运输局", Category.PUBLIC_POLICY, DecisionState.REJECTED, ""),
    ("互联网租赁电动自行车投放管理", "市交通运输局", Category.PUBLIC_POLICY, DecisionState.SUSPENDED, ""),
    ("中心城区机动车尾号限行措施", "市公安局", Category.PUBLIC_POLICY, DecisionState.WITHDRAWN, ""),
    ("饮用水水源保护区划定调整", "市生态环境局", Category.RESOURCES, DecisionState.AWAITING_DECISION, "exploratory"),
    ("城市养老服务设施布局规划", "市民政局", Category.DEVELOPMENT_PLAN, DecisionState.ARCHIVED, "waiver"),
]


@dataclass
class People:
    clerk: User
    sponsor_head: User
    reviewer: User
    legal_head: User
    secretary: User
    leader: User


class Command(BaseCommand):
    help = "Load the demo government, users and decisions (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--list-logins", action="store_true", help="Only print the demo logins.")

    def handle(self, *args, list_logins: bool = False, **options):
        if list_logins:
            self.stdout.write(f"  Demo logins (password for all: {DEMO_PASSWORD}):")
            for username, name, _dept, _role in USERS:
                self.stdout.write(f"    {username:<16} {name}")
            for _government, username, name in OTHER_HEADS:
                self.stdout.write(f"    {username:<16} {name}")
            self.stdout.write("    admin            系统管理员 (Django admin)")
            return
        with transaction.atomic():
            created = self.seed()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} decisions created)."))

    def seed(self) -> int:
        province, _ = Government.objects.get_or_create(
            name=PROVINCE, parent=None, defaults={"level": Government.Level.PROVINCE, "short_name": "示省"}
        )
        city, _ = Government.objects.get_or_create(
            name=CITY, parent=province, defaults={"level": Government.Level.CITY, "short_name": "示"}
        )
        county, _ = Government.objects.get_or_create(
            name=COUNTY, parent=city, defaults={"level": Government.Level.COUNTY, "short_name": "临"}
        )
        departments = {
            name: Department.objects.get_or_create(government=city, name=name, defaults={"kind": kind})[0]
            for name, kind in DEPARTMENTS
        }
        users = {}
        User = get_user_model()
        for username, full_name, dept, role in USERS:
            user, made = User.objects.get_or_create(username=username, defaults={"first_name": full_name})
            if made:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            Membership.objects.get_or_create(user=user, department=departments[dept], role=role)
            users[username] = user
        # Art 37: the city's head is its mayor; Art 30: the city's practice has the legal office
        # attend the meetings that decide.
        if city.head_id is None:
            city.head = users["leader"]
            city.save(update_fields=["head", "updated_at"])
        for government, username, full_name in OTHER_HEADS:
            self.name_head(province if government == PROVINCE else county, username, full_name)
        RuleSettings.objects.update_or_create(government=city, defaults={"legal_office_attends_meeting": True})
        self.fill_adviser_pool(city, users)
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", "admin@example.gov.cn", DEMO_PASSWORD, first_name="系统管理员")

        # Prices of public utilities and services are set after a hearing (Price Law Art 23).
        utility_prices, _ = MatterType.objects.get_or_create(
            government=city,
            name="公用事业价格",
            defaults={
                "legal_basis": "《中华人民共和国价格法》第二十三条；《政府制定价格听证办法》。",
                "hearing_required": True,
            },
        )
        created = 0
        self.packet_made = False
        year = timezone.localdate().year
        for title, sponsor, category, target, variation in DECISIONS:
            if Decision.objects.filter(government=city, title=title).exists():
                continue
            clerk, head = SPONSOR_USERS[sponsor]
            people = People(
                clerk=users[clerk],
                sponsor_head=users[head],
                reviewer=users["sifa_reviewer"],
                legal_head=users["sifa_head"],
                secretary=users["bangongshi"],
                leader=users["leader"],
            )
            decision = services.decision_register(
                actor=people.clerk,
                lead_sponsor=departments[sponsor],
                title=title,
                category=category,
                catalogue_year=year,
                decision_body=CITY,
                summary=f"{title}：按照《重大行政决策程序暂行条例》履行公众参与、专家论证、风险评估、合法性审查和集体讨论决定程序。",
                legal_basis="《重大行政决策程序暂行条例》；《中华人民共和国价格法》等相关法律法规。",
                matter_type=utility_prices if variation == "hearing" else None,
            )
            self.walk(decision, target, variation, people, departments)
            created += 1
        # The public side: the year's catalogue, an open and a closed call for comments.
        seed_public(city, departments, users)
        return created

    def name_head(self, government, username: str, full_name: str) -> None:
        """Art 37: a government's head is one of its leaders, in its office."""
        if government.head_id is not None:
            return
        office, _ = Department.objects.get_or_create(
            government=government,
            kind=Department.Kind.GOVERNMENT_OFFICE,
            defaults={"name": f"{government.name}办公室"},
        )
        user, made = get_user_model().objects.get_or_create(username=username, defaults={"first_name": full_name})
        if made:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(user=user, department=office, role=Role.LEADER)
        government.head = user
        government.save(update_fields=["head", "updated_at"])

    def fill_adviser_pool(self, city, users) -> None:
        """Art 28: the city's pool of legal advisers and public lawyers; the walk asks the first one
        serving today for a signed opinion on every reviewed decision (reviews.demo.hear_adviser)."""
        year = timezone.localdate().year
        serving = (dt.date(year - 1, 1, 1), dt.date(year + 2, 12, 31))
        for username, kind, firm, fields, (start, end) in (
            ("lawyer", AdviserKind.LEGAL_ADVISER, "示范市正言律师事务所", "行政法、政府合同", serving),
            ("public_lawyer", AdviserKind.PUBLIC_LAWYER, "市司法局公职律师办公室", "行政复议、行政诉讼", serving),
            (
                "lawyer_former",
                AdviserKind.LEGAL_ADVISER,
                "示范市明理律师事务所",
                "城乡规划、土地管理",
                (dt.date(year - 4, 1, 1), dt.date(year - 1, 12, 31)),
            ),
        ):
            LegalAdviser.objects.get_or_create(
                government=city,
                user=users[username],
                defaults={
                    "kind": kind,
                    "firm": firm,
                    "fields_of_practice": fields,
                    "term_start": start,
                    "term_end": end,
                },
            )

    def walk(self, decision, target, variation, people, departments):
        if target == DecisionState.PROPOSED:
            return
        decision = services.decision_start(decision=decision, actor=people.secretary)
        if target not in (DecisionState.PREPARING, DecisionState.WITHDRAWN):
            demo.record_drafting(decision, people)
        if variation == "partial":
            demo.complete_participation(decision, people)
            services.step_start(decision=decision, kind=StepKind.EXPERT_ARGUMENT, actor=people.clerk)
            return
        if variation == "waiver":
            demo.complete_participation(decision, people)
            demo.waive(
                decision,
                StepKind.EXPERT_ARGUMENT,
                people,
                reason="事项专业技术性不强，已有成熟标准可循，经负责人批准不组织专家论证。",
                article="Art 19",
                note="已有国家标准《室外排水设计标准》可循。",
            )
            if target == DecisionState.PREPARING:
                # A request still with its approver: the step stays open until the leader decides.
                services.waiver_request(
                    decision=decision,
                    kind=StepKind.RISK_ASSESSMENT,
                    actor=people.clerk,
                    reason="规划修编不改变既有设施布局，实施不涉及社会稳定、公共安全风险。",
                    basis=demo.waiver_basis(decision, StepKind.RISK_ASSESSMENT, "Art 22"),
                    approver=people.leader,
                )
                return
            demo.complete_risk_assessment(decision, people, level=RiskAssessmentRecord.Level.LOW)
        elif variation == "hearing":
            demo.complete_participation(decision, people, hearing=True)
            demo.complete_expert_argument(decision, people)
            demo.complete_risk_assessment(decision, people, level=RiskAssessmentRecord.Level.HIGH)
        else:
            demo.settle_steps(decision, people)
        if target == DecisionState.PREPARING:
            return
        decision = services.decision_submit_for_review(decision=decision, actor=people.sponsor_head)
        if target == DecisionState.LEGALITY_REVIEW:
            # Submitted with the whole checklist: the demo reviewer can accept it and go on.
            review_demo.complete_materials(decision, people)
            return
        conclusion = {
            "changes": Conclusion.LAWFUL_WITH_CHANGES,
            "exploratory": Conclusion.EXPLORATORY_WITH_RISK,
        }.get(variation, Conclusion.LAWFUL)
        demo.issue_opinion(decision, people, conclusion=conclusion)
        decision = services.decision_clear_for_meeting(decision=decision, actor=people.reviewer)
        if not self.packet_made:
            # One packet only (rendering is the slow part of the seed): the first decision to reach
            # the meeting is discussed on it. Through the reporting app's command: demo and
            # reporting are siblings of the top layer and import nothing of each other.
            call_command("meeting_packet", decision.pk, "--as", people.secretary.username, stdout=io.StringIO())
            self.packet_made = True
        decision = demo.walk(decision, target, people)
        if target == DecisionState.DECIDED:
            demo.correct_meeting(decision, people)
        if target == DecisionState.IMPLEMENTING and variation == "hearing":
            demo.execution_problem(decision, people)
