"""Per-government rule settings: national defaults, overrides, and inheritance down the hierarchy
(DESIGN.md, "Numbers the product keeps as per-government settings"; Art 43)."""

from __future__ import annotations

import pytest

from decisions.models import Government, RuleSettings
from decisions.rules import NATIONAL_DEFAULTS, rules_for
from tests.factories import GovernmentFactory


@pytest.fixture
def province(db):
    return GovernmentFactory(name="测试省人民政府", level=Government.Level.PROVINCE)


@pytest.fixture
def city(province):
    return GovernmentFactory(name="测试市人民政府", level=Government.Level.CITY, parent=province)


@pytest.fixture
def county(city):
    return GovernmentFactory(name="测试县人民政府", level=Government.Level.COUNTY, parent=city)


def fresh(government):
    # rules_for reads the settings row through the relation: read the government anew.
    return Government.objects.get(pk=government.pk)


def test_national_defaults_follow_the_regulation_and_local_practice(county):
    rules = rules_for(fresh(county))

    assert rules == NATIONAL_DEFAULTS
    assert (
        rules.min_comment_period_days,  # Art 15
        rules.hearing_materials_lead_days,  # Art 16
        rules.min_review_working_days,  # Art 26
        rules.max_review_working_days,
        rules.review_extension_working_days,
        rules.reminder_lead_working_days,
        rules.remind_on_due_day,
        rules.remind_daily_when_overdue,
        rules.deferral_limit_days,
    ) == (30, 7, 7, 15, 10, (3, 1), True, True, 365)


def test_no_government_gets_the_national_defaults():
    assert rules_for(None) == NATIONAL_DEFAULTS


def test_city_override_applies_to_the_city(city):
    RuleSettings.objects.create(government=city, min_comment_period_days=45, max_review_working_days=12)

    rules = rules_for(fresh(city))

    assert (rules.min_comment_period_days, rules.max_review_working_days) == (45, 12)
    # What the city left blank stays national.
    assert rules.hearing_materials_lead_days == NATIONAL_DEFAULTS.hearing_materials_lead_days


def test_city_override_does_not_reach_its_province(province, city):
    RuleSettings.objects.create(government=city, min_comment_period_days=45)

    assert rules_for(fresh(province)).min_comment_period_days == 30


def test_county_inherits_its_citys_override(city, county):
    RuleSettings.objects.create(government=city, min_comment_period_days=45)

    assert rules_for(fresh(county)).min_comment_period_days == 45


def test_county_inherits_from_the_province_through_a_city_without_settings(province, county):
    RuleSettings.objects.create(government=province, hearing_materials_lead_days=10)

    assert rules_for(fresh(county)).hearing_materials_lead_days == 10


def test_countys_own_override_wins_over_its_city(city, county):
    RuleSettings.objects.create(government=city, min_comment_period_days=40, deferral_limit_days=180)
    RuleSettings.objects.create(government=county, min_comment_period_days=60)

    rules = rules_for(fresh(county))

    # The county's own number wins; the number it left blank still comes from the city.
    assert (rules.min_comment_period_days, rules.deferral_limit_days) == (60, 180)


def test_blank_county_row_inherits_everything(city, county):
    RuleSettings.objects.create(government=city, min_comment_period_days=45, remind_on_due_day=False)
    RuleSettings.objects.create(government=county)

    rules = rules_for(fresh(county))

    assert (rules.min_comment_period_days, rules.remind_on_due_day) == (45, False)


def test_an_override_of_false_is_kept_not_treated_as_blank(county):
    RuleSettings.objects.create(government=county, remind_daily_when_overdue=False, supplement_time_counts=True)

    rules = rules_for(fresh(county))

    assert (rules.remind_daily_when_overdue, rules.supplement_time_counts) == (False, True)


def test_reminder_lead_times_are_read_as_a_descending_tuple(county):
    RuleSettings.objects.create(government=county, reminder_lead_working_days=[1, 5, 3, 5])

    assert rules_for(fresh(county)).reminder_lead_working_days == (5, 3, 1)


def test_an_inherited_minimum_review_time_above_a_maximum_set_below_wins(city, county):
    # Given the city gives the legal office 20 working days at least, and the county a maximum of 12
    RuleSettings.objects.create(government=city, min_review_working_days=20)
    RuleSettings.objects.create(government=county, max_review_working_days=12)

    rules = rules_for(fresh(county))

    # The minimum is the law's (Art 26, tightened): the maximum cannot cut it short.
    assert (rules.min_review_working_days, rules.max_review_working_days) == (20, 20)
