"""Migrations apply to a database holding data of the previous version.

The deadline and reminder models moved from the decisions app to the deadlines app with their tables
(decisions.0006, deadlines.0001): the rows written at the old schema are read by the new models,
nothing is lost, and permissions granted on the old models follow them.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import User as CurrentUser

from deadlines.models import Deadline, Delivery, Notification, Reminder
from decisions.models import ExpertOpinion, RuleSettings, independent_opinions
from tests import migration_state
from tests.migration_state import latest as _latest
from tests.migration_state import migrate as _migrate
from tests.migration_state import old_decision, previous_version

OLD = [("deadlines", None), ("decisions", "0005_event_details"), ("reviews", "0002_workflow")]


@pytest.fixture
def empty_database(transactional_db):
    """The previous version is built forward in a database of its own (tests/migration_state.py);
    the first test instead unapplies the test database's migrations, so reversing them is exercised
    too, down to the oldest state these tests start from."""
    with migration_state.empty_database():
        yield


@pytest.mark.django_db(transaction=True)
def test_deadlines_written_at_the_old_schema_are_read_by_the_deadlines_app():
    old = _migrate(OLD)
    User = old.get_model("auth", "User")
    Permission = old.get_model("auth", "Permission")
    ContentType = old.get_model("contenttypes", "ContentType")
    Government = old.get_model("decisions", "Government")
    Department = old.get_model("decisions", "Department")
    Decision = old.get_model("decisions", "Decision")
    OldDeadline = old.get_model("decisions", "Deadline")
    OldReminder = old.get_model("decisions", "Reminder")
    OldNotification = old.get_model("decisions", "Notification")
    OldDelivery = old.get_model("decisions", "Delivery")

    clerk = User.objects.create(username="clerk")
    city = Government.objects.create(name="示例市人民政府", level="city")
    sponsor = Department.objects.create(government=city, name="市发展改革委", kind="sponsor")
    decision = Decision.objects.create(
        government=city,
        code="2026-001",
        catalogue_year=2026,
        sequence=1,
        title="城市供水价格调整",
        category="public_policy",
        lead_sponsor=sponsor,
        decision_body="市人民政府常务会议",
    )
    deadline = OldDeadline.objects.create(
        decision=decision,
        department=sponsor,
        kind="comment_period_end",
        anchor="period:2026-03-01",
        due_date=dt.date(2026, 3, 31),
        unit="calendar_days",
        amount=30,
        article="Art 15",
    )
    reminder = OldReminder.objects.create(deadline=deadline, kind="before", due_day=dt.date(2026, 3, 26))
    notification = OldNotification.objects.create(user=clerk, reminder=reminder)
    delivery = OldDelivery.objects.create(reminder=reminder, channel="email", user=clerk, address="c@example.cn")
    # On a database made by the new version, unapplying deadlines.0001 moved its types back here.
    deadline_type, _ = ContentType.objects.get_or_create(app_label="decisions", model="deadline")
    permission, _ = Permission.objects.get_or_create(
        content_type=deadline_type, codename="view_deadline", defaults={"name": "Can view deadline"}
    )
    clerk.user_permissions.add(permission)

    _migrate(_latest())

    moved = Deadline.objects.get(pk=deadline.pk)
    assert (moved.decision_id, moved.department_id, moved.due_date, moved.article) == (
        decision.pk,
        sponsor.pk,
        dt.date(2026, 3, 31),
        "Art 15",
    )
    assert Reminder.objects.get(pk=reminder.pk).deadline_id == deadline.pk
    assert Notification.objects.get(pk=notification.pk).reminder_id == reminder.pk
    assert Delivery.objects.get(pk=delivery.pk).address == "c@example.cn"
    assert Deadline._meta.db_table == "decisions_deadline"
    # The permission granted on the old model now belongs to the deadlines app's model.
    assert CurrentUser.objects.get(pk=clerk.pk).has_perm("deadlines.view_deadline")


@pytest.mark.django_db(transaction=True)
def test_rule_settings_written_below_the_floors_are_raised_to_them(empty_database):
    # Given a government's settings written before the floors held: 1 day, 0 days, 0 working days
    old = previous_version([("decisions", "0007_publications_one_per_time"), ("deadlines", "0001_initial")])
    Government = old.get_model("decisions", "Government")
    OldRuleSettings = old.get_model("decisions", "RuleSettings")
    city = Government.objects.create(name="示例市人民政府", level="city", short_name="示")
    row = OldRuleSettings.objects.create(
        government=city,
        min_comment_period_days=1,
        hearing_materials_lead_days=0,
        min_review_working_days=0,
        max_review_working_days=5,
        deferral_limit_days=0,
        escalate_to_leader_after_working_days=0,
    )
    tightened = OldRuleSettings.objects.create(
        government=Government.objects.create(name="示例县人民政府", level="county", parent=city, short_name="县"),
        min_comment_period_days=45,
    )

    _migrate(_latest())

    # Then they read as the floors (as rules_for answers for them), and a tighter number is kept
    current = RuleSettings.objects.get(pk=row.pk)
    assert (
        current.min_comment_period_days,
        current.hearing_materials_lead_days,
        current.min_review_working_days,
        current.max_review_working_days,
        current.deferral_limit_days,
        current.escalate_to_leader_after_working_days,
    ) == (30, 7, 7, 7, 1, 1)
    assert RuleSettings.objects.get(pk=tightened.pk).min_comment_period_days == 45


@pytest.mark.django_db(transaction=True)
def test_events_recorded_before_the_audit_chain_are_chained_in_the_order_they_were_recorded(empty_database):
    from decisions import audit
    from decisions.models import DecisionEvent

    old = previous_version([("decisions", "0013_national_waiver_bases")])
    Government = old.get_model("decisions", "Government")
    Department = old.get_model("decisions", "Department")
    Decision = old.get_model("decisions", "Decision")
    OldEvent = old.get_model("decisions", "DecisionEvent")
    city = Government.objects.create(name="示例市人民政府", level="city")
    sponsor = Department.objects.create(government=city, name="市发展改革委", kind="sponsor")
    decision = Decision.objects.create(
        government=city,
        code="2026-001",
        catalogue_year=2026,
        sequence=1,
        title="城市供水价格调整",
        category="public_policy",
        lead_sponsor=sponsor,
        decision_body="市人民政府常务会议",
    )
    later = OldEvent.objects.create(decision=decision, transition="start", from_state="proposed", to_state="preparing")
    earlier = OldEvent.objects.create(decision=decision, transition="register", from_state="", to_state="proposed")
    OldEvent.objects.filter(pk=earlier.pk).update(created_at=later.created_at - dt.timedelta(minutes=1))

    _migrate(_latest())

    events = list(DecisionEvent.objects.filter(government_id=city.pk).order_by("seq"))
    assert [(e.pk, e.seq) for e in events] == [(earlier.pk, 1), (later.pk, 2)]
    assert not [r for r in audit.verify(city.pk) if isinstance(r, audit.Break)]


@pytest.mark.django_db(transaction=True)
def test_expert_opinions_written_before_the_pool_keep_their_names(empty_database):
    # Given an expert opinion recorded before the pool: the expert's name as text, no pool entry
    old = previous_version([("decisions", "0027_rule_settings_adviser_opinion_required")])
    ProcedureStep = old.get_model("decisions", "ProcedureStep")
    OldOpinion = old.get_model("decisions", "ExpertOpinion")
    decision = old_decision(old, title="城市供水价格调整")
    step = ProcedureStep.objects.create(decision=decision, kind="expert_argument")
    row = OldOpinion.objects.create(
        step=step, expert_name="王建国", organisation="市社会科学院", opinion="可行。", signed_on=dt.date(2026, 3, 2)
    )

    _migrate(_latest())

    # Then it is read as it was, outside the pool, and still counts as an independent signed opinion
    current = ExpertOpinion.objects.get(pk=row.pk)
    assert (current.expert_id, current.expert_name, current.organisation, current.stance) == (
        None,
        "王建国",
        "市社会科学院",
        "",
    )
    assert independent_opinions([current], []) == [current]
