import datetime as dt

from decisions import services
from decisions.models import DecisionState, RuleSettings
from demo import builder as demo


def _deferred(org, on: dt.date):
    decision = demo.walk(services.decision_register(**org.decision_kwargs()), DecisionState.DEFERRED, org)
    type(decision).objects.filter(pk=decision.pk).update(deferred_on=on)
    return decision


def test_decision_deferred_past_the_limit_leaves_the_catalogue(org):
    decision = _deferred(org, dt.date(2025, 1, 1))

    dropped = services.decisions_drop_long_deferred(today=dt.date(2026, 1, 1))

    decision.refresh_from_db()
    assert dropped == 1
    assert decision.in_catalogue is False
    assert decision.state == DecisionState.DEFERRED
    assert decision.events.last().transition == "leave_catalogue"


def test_decision_deferred_within_the_limit_stays_in_the_catalogue(org):
    decision = _deferred(org, dt.date(2025, 1, 2))

    assert services.decisions_drop_long_deferred(today=dt.date(2026, 1, 1)) == 0

    decision.refresh_from_db()
    assert decision.in_catalogue is True


def test_deferral_limit_is_read_from_the_government_settings(org):
    RuleSettings.objects.create(government=org.government, deferral_limit_days=30)
    decision = _deferred(org, dt.date(2025, 12, 1))

    assert services.decisions_drop_long_deferred(today=dt.date(2026, 1, 1)) == 1

    decision.refresh_from_db()
    assert decision.in_catalogue is False
