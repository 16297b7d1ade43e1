"""The province benchmark's ratios (bench/province.py ``ratios``) at a tiny scale, so they cannot
rot: each reports the rows it made and timed, its ratio is the quotient of its two timings, and the
catalogue is left as the loads expect it. No timing is asserted: that is the benchmark's job."""

import pytest
from django.db.models import Count
from django.utils import timezone

from bench import province
from deadlines.models import Deadline, Delivery, Notification, Reminder
from decisions.models import Decision, DecisionEvent
from tests.factories import make_org

pytestmark = pytest.mark.django_db


def _reminder_rows() -> tuple[int, int, int, int]:
    return (
        Deadline.objects.count(),
        Reminder.objects.count(),
        Notification.objects.filter(reminder__isnull=False).count(),
        Delivery.objects.filter(reminder__isnull=False).count(),
    )


def test_the_ratios_count_what_they_timed_and_leave_the_catalogue_as_it_was():
    template, other = make_org("模板市人民政府"), make_org("副本县人民政府")
    templates = province.walk_templates(template, ("implementing", "awaiting_decision", "proposed"))
    governments = [template.government.pk, other.government.pk]
    province.clone(templates, governments, 30)
    clocked = Decision.objects.filter(state__in=("implementing", "awaiting_decision")).count()
    assert province.assign_clocks() == clocked  # one open clock per implementing or awaiting decision
    leader = province.province_leader(template, governments)
    states = dict(Decision.objects.values_list("pk", "state"))
    last_event = DecisionEvent.objects.order_by("-pk").values_list("pk", flat=True)[0]
    rows = _reminder_rows()
    open_before = Deadline.objects.filter(status="open").count()

    results = province.ratios(template, leader, transitions=6, due_every=3)

    # Transitions: three implementing decisions of the template government suspended and resumed,
    # by the services, then by raw SQL, each run after one untimed round trip; every state restored.
    moves = results["transitions"]
    assert (moves["transitions"], moves["decisions"]) == (6, 3)
    new_events = DecisionEvent.objects.filter(pk__gt=last_event)
    assert dict(new_events.values_list("transition").annotate(n=Count("pk"))) == {
        "suspend": 8,
        "resume_implementation": 8,
    }
    assert new_events.exclude(hash="").count() == 8  # the services' events are chained, the raw ones not
    assert dict(Decision.objects.values_list("pk", "state")) == states
    assert moves["ratio"] == pytest.approx(moves["service_per_second"] / moves["raw_per_second"], rel=0.01)
    assert moves["met"] == (moves["ratio"] >= province.RATIO_TARGETS["transitions"])

    # The reminder scan: of the assigned clocks every third due; the scan and the baseline each made
    # one reminder per due clock; nothing of it is left, and the clocks stay open for the loads.
    scan = results["reminder_scan"]
    assert scan["open_deadlines"] == open_before
    assert scan["due"] >= 1
    assert scan["reminders"] == scan["scan"]["planned"] == scan["baseline_reminders"] == scan["due"]
    assert scan["notifications"] >= scan["reminders"]
    assert scan["deliveries"] == {"in_app": scan["notifications"]}  # the bell only: nothing leaves the machine
    assert scan["scan_statements"] > scan["baseline_statements"] > 0
    assert scan["ratio"] == pytest.approx(scan["scan_ms"] / scan["baseline_ms"], rel=0.01)
    assert _reminder_rows() == rows
    assert Deadline.objects.filter(anchor=province.BENCH_ANCHOR, status="open").count() == clocked

    # The annual figures: the template government's, this year, against COUNT(*) of the catalogue year.
    figures = results["annual_figures"]
    year = timezone.localdate().year
    assert (figures["government"], figures["year"]) == (template.government.name, year)
    assert figures["decisions"] == Decision.objects.filter(government=template.government).count()
    assert figures["count_rows"] == Decision.objects.filter(catalogue_year=year).count()
    assert figures["statements"] > 0 and figures["statements_no_acts"] > 0
    assert figures["ratio"] == pytest.approx(figures["ms"] / figures["count_ms"], rel=0.01)
