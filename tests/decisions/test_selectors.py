"""Who sees which decision (DESIGN.md, "Who uses it"), and the reads behind the pages."""

import pytest

from decisions import selectors, services, visibility
from decisions.models import DecisionState, Role
from tests.factories import MembershipFactory, make_org

pytestmark = pytest.mark.django_db


def _register(org, **overrides):
    return services.decision_register(**org.decision_kwargs(**overrides))


def test_legal_office_government_office_and_leaders_see_every_decision_of_their_government(org):
    mine = _register(org)
    theirs = _register(org, actor=org.other_clerk, lead_sponsor=org.other_sponsor, title="殡葬基本服务收费标准调整")
    for user in (org.reviewer, org.legal_head, org.secretary, org.leader):
        assert set(visibility.decisions_visible_to(user)) == {mine, theirs}


def test_sponsor_staff_see_only_the_decisions_their_department_leads(org):
    mine = _register(org)
    theirs = _register(org, actor=org.other_clerk, lead_sponsor=org.other_sponsor, title="殡葬基本服务收费标准调整")
    assert list(visibility.decisions_visible_to(org.clerk)) == [mine]
    assert list(visibility.decisions_visible_to(org.sponsor_head)) == [mine]
    assert list(visibility.decisions_visible_to(org.other_clerk)) == [theirs]


def test_a_co_sponsor_sees_the_decision_it_co_sponsors(org):
    decision = _register(org, co_sponsors=[org.other_sponsor])
    assert list(visibility.decisions_visible_to(org.other_clerk)) == [decision]


def test_another_governments_users_see_nothing(org):
    _register(org)
    other = make_org("邻市人民政府")
    for user in (other.clerk, other.reviewer, other.secretary, other.leader):
        assert not visibility.decisions_visible_to(user).exists()


def test_a_user_without_membership_sees_nothing(org):
    _register(org)
    stranger = MembershipFactory(role=Role.SPONSOR_CLERK).user  # a department of yet another government
    assert not visibility.decisions_visible_to(stranger).exists()


def test_the_list_filters_by_year_state_department_and_search(org):
    water = _register(org)
    gas = _register(org, title="民用天然气价格调整", catalogue_year=2025)
    funeral = _register(org, actor=org.other_clerk, lead_sponsor=org.other_sponsor, title="殡葬基本服务收费标准调整")
    services.decision_start(decision=gas, actor=org.secretary)
    leader = org.leader

    assert list(selectors.decision_list(leader, year=2025)) == [gas]
    assert list(selectors.decision_list(leader, state=DecisionState.PREPARING)) == [gas]
    assert set(selectors.decision_list(leader, department=org.other_sponsor.pk)) == {funeral}
    assert list(selectors.decision_list(leader, search="天然气")) == [gas]
    assert list(selectors.decision_list(leader, search=water.code)) == [water]


def test_the_department_filter_includes_co_sponsored_decisions(org):
    decision = _register(org, co_sponsors=[org.other_sponsor])
    assert list(selectors.decision_list(org.leader, department=org.other_sponsor.pk)) == [decision]


def test_waiver_approvers_are_the_lead_sponsors_heads_and_the_governments_leaders(org):
    decision = _register(org)
    approvers = {m.user for m in selectors.waiver_approvers(decision)}
    assert approvers == {org.sponsor_head, org.leader}


def test_an_expert_of_a_sponsoring_department_does_not_see_its_drafts(org):
    # Given a decision of the department, and an expert who belongs to it
    decision = _register(org)
    expert = MembershipFactory(department=org.sponsor, role=Role.EXPERT).user

    # Then the expert sees neither the decision nor, through it, its record
    assert not visibility.decisions_visible_to(expert).exists()
    assert not visibility.may_see(expert, decision)
    assert visibility.reach(expert).own == {}


def test_the_department_filter_offers_the_lead_and_co_sponsors_of_visible_decisions_only(
    org, django_assert_max_num_queries
):
    _register(org, co_sponsors=[org.other_sponsor])
    other = make_org("邻市人民政府")
    services.decision_register(**other.decision_kwargs())
    _years, offered = selectors.list_filter_choices(org.leader)
    assert set(offered) == {org.sponsor, org.other_sponsor}  # never the other government's sponsor
    _years, offered = selectors.list_filter_choices(other.clerk)
    assert offered == [other.sponsor]
    for _ in range(3):
        _register(org, co_sponsors=[org.other_sponsor])
    with django_assert_max_num_queries(2):  # the years and the departments, whatever the decisions
        _years, offered = selectors.list_filter_choices(org.other_clerk)
    assert set(offered) == {org.sponsor, org.other_sponsor}  # it sees what it co-sponsors, and who leads it


def test_the_year_filter_offers_the_years_of_visible_decisions_newest_first_with_no_gap_filled(
    org, django_assert_max_num_queries
):
    # Given decisions of 2019 and 2023 (none between), one of 2021 the clerk's department does not
    # sponsor, and one of 2018 in another government
    for year in (2019, 2023, 2023):
        _register(org, catalogue_year=year)
    _register(org, catalogue_year=2021, actor=org.other_clerk, lead_sponsor=org.other_sponsor)
    other = make_org("邻市人民政府")
    services.decision_register(**other.decision_kwargs(catalogue_year=2018))

    # Then each reader is offered the years they see, newest first, in one statement (the skip scan)
    with django_assert_max_num_queries(1):
        assert selectors.catalogue_years(org.leader) == [2023, 2021, 2019]
    assert selectors.catalogue_years(org.clerk) == [2023, 2019]
    assert selectors.catalogue_years(other.clerk) == [2018]
    assert selectors.catalogue_years(MembershipFactory(department=org.sponsor, role=Role.EXPERT).user) == []
