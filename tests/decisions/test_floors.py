"""Statutory floors of the rule settings (DESIGN.md: "Per-government settings may tighten the
national minimums, never loosen them"): Art 15 comment period, Art 16 hearing materials, Art 26
minimum review time. Every road is closed: the admin's forms (the settings' own page and the
government's inline), a queryset update, raw SQL; and ``rules_for`` answers no lower even from a
row that got in before the floors held.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from decisions.errors import DecisionError
from decisions.models import Government, RuleSettings, StepKind, StepState
from decisions.rules import FLOORS, NATIONAL_DEFAULTS, rules_for
from tests.factories import complete, decision_in, record_participation

pytestmark = pytest.mark.django_db

PP = StepKind.PUBLIC_PARTICIPATION

# The attack: one day of comments, materials on the hearing's day, no review time at all.
BELOW_THE_LAW = {"min_comment_period_days": 1, "hearing_materials_lead_days": 0, "min_review_working_days": 0}
ART_15 = "Art 15 sets the public comment period at no less than 30 days"
ART_16 = "Art 16 requires the hearing materials to reach participants at least 7 days"
ART_26 = "Art 26 gives the legal office at least 7 working days"


def settings_form(government: Government, prefix: str = "", **values) -> dict:
    """The fields of the rule settings' admin form, blank (inherit) unless given."""
    names = [
        "min_comment_period_days",
        "hearing_materials_lead_days",
        "min_review_working_days",
        "max_review_working_days",
        "review_extension_working_days",
        "reminder_lead_working_days",
        "remind_on_due_day",
        "remind_daily_when_overdue",
        "escalate_to_leader_after_working_days",
        "deferral_limit_days",
        "supplement_time_counts",
        "second_review_enabled",
    ]
    data = {f"{prefix}{name}": values.get(name, "") for name in names}
    if not prefix:
        data["government"] = government.pk
    return data


def government_form(government: Government, settings_row: RuleSettings | None, **values) -> dict:
    """The government's admin page with its rule settings inline."""
    data = {
        "name": government.name,
        "level": government.level,
        "parent": government.parent_id or "",
        "short_name": government.short_name,
        "rule_settings-TOTAL_FORMS": "1",
        "rule_settings-INITIAL_FORMS": "1" if settings_row else "0",
        "rule_settings-MIN_NUM_FORMS": "0",
        "rule_settings-MAX_NUM_FORMS": "1",
        "rule_settings-0-government": government.pk,
        "rule_settings-0-id": settings_row.pk if settings_row else "",
    }
    data.update(settings_form(government, prefix="rule_settings-0-", **values))
    return data


def stored(row: RuleSettings) -> tuple:
    row.refresh_from_db()
    return (row.min_comment_period_days, row.hearing_materials_lead_days, row.min_review_working_days)


def assert_refused_naming_the_articles(response) -> None:
    assert response.status_code == 200  # the form again, with its errors; nothing saved
    page = response.content.decode()
    for message in (ART_15, ART_16, ART_26):
        assert message in page


# --------------------------------------------------------------------------- the admin, over HTTP


def test_settings_below_the_law_refused_on_the_rule_settings_add_page(org, admin_client):
    response = admin_client.post(
        reverse("admin:decisions_rulesettings_add"), settings_form(org.government, **BELOW_THE_LAW)
    )

    assert_refused_naming_the_articles(response)
    assert not RuleSettings.objects.filter(government=org.government).exists()


def test_settings_below_the_law_refused_on_the_rule_settings_change_page(org, admin_client):
    row = RuleSettings.objects.create(
        government=org.government, min_comment_period_days=40, hearing_materials_lead_days=10
    )

    response = admin_client.post(
        reverse("admin:decisions_rulesettings_change", args=[row.pk]), settings_form(org.government, **BELOW_THE_LAW)
    )

    assert_refused_naming_the_articles(response)
    assert stored(row) == (40, 10, None)


def test_settings_below_the_law_refused_in_the_government_inline(org, admin_client):
    row = RuleSettings.objects.create(government=org.government, min_comment_period_days=40)

    response = admin_client.post(
        reverse("admin:decisions_government_change", args=[org.government.pk]),
        government_form(org.government, row, **BELOW_THE_LAW),
    )

    assert_refused_naming_the_articles(response)
    assert stored(row) == (40, None, None)


def test_settings_below_the_law_refused_when_the_government_inline_adds_them(org, admin_client):
    response = admin_client.post(
        reverse("admin:decisions_government_change", args=[org.government.pk]),
        government_form(org.government, None, **BELOW_THE_LAW),
    )

    assert_refused_naming_the_articles(response)
    assert not RuleSettings.objects.filter(government=org.government).exists()


def test_settings_at_exactly_the_floors_are_accepted_in_the_admin(org, admin_client):
    response = admin_client.post(
        reverse("admin:decisions_rulesettings_add"),
        settings_form(
            org.government, min_comment_period_days=30, hearing_materials_lead_days=7, min_review_working_days=7
        ),
    )

    assert response.status_code == 302
    assert stored(RuleSettings.objects.get(government=org.government)) == (30, 7, 7)


def test_a_tightened_comment_period_set_in_the_admin_is_used_by_the_gate(org, admin_client):
    # Given the city tightens Art 15 to 45 days through its government's page
    response = admin_client.post(
        reverse("admin:decisions_government_change", args=[org.government.pk]),
        government_form(org.government, None, min_comment_period_days=45),
    )
    assert response.status_code == 302
    decision = decision_in(org, "preparing")
    record_participation(decision, org, days=40)

    # Then a 40-day period without a published reason no longer passes
    with pytest.raises(DecisionError) as exc:
        complete(decision, PP, org)

    assert (exc.value.rule, exc.value.article) == ("comment_period_minimum", "Art 15")
    assert "45" in exc.value.message
    assert decision.steps.get(kind=PP).state == StepState.IN_PROGRESS


def test_a_maximum_review_time_below_the_art_26_minimum_is_refused_in_the_admin(org, admin_client):
    response = admin_client.post(
        reverse("admin:decisions_rulesettings_add"), settings_form(org.government, max_review_working_days=5)
    )

    assert response.status_code == 200
    assert "cannot be shorter than the minimum of 7 working days" in response.content.decode()
    assert not RuleSettings.objects.filter(government=org.government).exists()


@pytest.mark.parametrize("name", ["escalate_to_leader_after_working_days", "deferral_limit_days"])
def test_product_numbers_keep_a_sane_lower_bound(org, admin_client, name):
    response = admin_client.post(
        reverse("admin:decisions_rulesettings_add"), settings_form(org.government, **{name: 0})
    )

    assert response.status_code == 200
    assert "Give at least 1" in response.content.decode()
    assert not RuleSettings.objects.filter(government=org.government).exists()


# --------------------------------------------------------------------------- the database


@pytest.mark.parametrize(("name", "value"), list(BELOW_THE_LAW.items()))
def test_a_queryset_update_below_the_floor_is_refused_by_the_database(org, name, value):
    row = RuleSettings.objects.create(government=org.government)

    with pytest.raises(IntegrityError), transaction.atomic():
        RuleSettings.objects.filter(pk=row.pk).update(**{name: value})

    row.refresh_from_db()
    assert getattr(row, name) is None


def test_a_raw_sql_update_below_the_floor_is_refused_by_the_database(org):
    row = RuleSettings.objects.create(government=org.government, min_comment_period_days=45)

    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {RuleSettings._meta.db_table} SET min_comment_period_days = 1 WHERE id = %s",  # noqa: S608
            [row.pk],
        )

    row.refresh_from_db()
    assert row.min_comment_period_days == 45


def test_tightening_is_accepted_by_the_database(org):
    RuleSettings.objects.create(government=org.government)

    RuleSettings.objects.filter(government=org.government).update(
        min_comment_period_days=45, hearing_materials_lead_days=10, min_review_working_days=9
    )

    rules = rules_for(Government.objects.get(pk=org.government.pk))
    assert (rules.min_comment_period_days, rules.hearing_materials_lead_days, rules.min_review_working_days) == (
        45,
        10,
        9,
    )


# --------------------------------------------------------------------------- rules_for, defence in depth


def test_rules_for_never_answers_below_a_floor_even_from_a_bad_row(org):
    # Given a row that got in below the floors (the constraints dropped for the moment, as a row
    # written before they existed would be)
    with connection.cursor() as cursor:
        for name in FLOORS:
            cursor.execute(f"ALTER TABLE {RuleSettings._meta.db_table} DROP CONSTRAINT rule_settings_{name}_floor")
    row = RuleSettings.objects.create(government=org.government)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {RuleSettings._meta.db_table} SET min_comment_period_days = 1, "  # noqa: S608
            "hearing_materials_lead_days = 0, min_review_working_days = 0 WHERE id = %s",
            [row.pk],
        )

    rules = rules_for(Government.objects.get(pk=org.government.pk))

    assert (rules.min_comment_period_days, rules.hearing_materials_lead_days, rules.min_review_working_days) == (
        NATIONAL_DEFAULTS.min_comment_period_days,
        NATIONAL_DEFAULTS.hearing_materials_lead_days,
        NATIONAL_DEFAULTS.min_review_working_days,
    )


def test_the_floors_are_the_national_defaults_and_cite_their_articles():
    assert {name: (floor.least, floor.article) for name, floor in FLOORS.items()} == {
        "min_comment_period_days": (30, "Art 15"),
        "hearing_materials_lead_days": (7, "Art 16"),
        "min_review_working_days": (7, "Art 26"),
        # The Regulations fix no number of experts: one independent signed opinion at least.
        "min_independent_experts": (1, "Art 20"),
    }
    assert all(getattr(NATIONAL_DEFAULTS, name) == floor.least for name, floor in FLOORS.items())


def test_a_county_cannot_loosen_what_its_city_tightened(org):
    # Art 43: the city set 45 days; its county may ask for more, never fewer.
    RuleSettings.objects.create(government=org.government, min_comment_period_days=45)
    county = Government.objects.create(name="示例县人民政府", level="county", parent=org.government, short_name="县")
    loose = RuleSettings(government=county, min_comment_period_days=35)

    with pytest.raises(ValidationError) as refused:
        loose.full_clean()

    assert "min_comment_period_days" in refused.value.message_dict
    # And a row that got past the model still reads as the city's number.
    loose.save()
    assert rules_for(county).min_comment_period_days == 45
    RuleSettings.objects.filter(pk=loose.pk).update(min_comment_period_days=60)
    county.refresh_from_db()
    assert rules_for(Government.objects.get(pk=county.pk)).min_comment_period_days == 60
