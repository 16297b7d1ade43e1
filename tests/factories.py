"""factory_boy factories, and ``Org``: a city government with its offices and one user per role."""

from __future__ import annotations

from dataclasses import dataclass

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from decisions.models import Category, Department, Government, Membership, Role


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

    return Org(
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
        leader=person(office, Role.LEADER),
    )
