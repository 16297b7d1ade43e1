"""Deadlines, the overdue filter and the caller's notifications over the API."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone

from deadlines import clocks as deadlines
from deadlines.models import Deadline, Notification, Reminder, ReminderKind
from decisions import services
from decisions.models import DecisionState
from demo import builder as demo


def _under_review(org):
    """Submitted and accepted: the review clocks (Art 26 minimum, local maximum) run."""
    from reviews import demo as review_demo
    from reviews import services as review_services

    decision = demo.walk(services.decision_register(**org.decision_kwargs()), DecisionState.LEGALITY_REVIEW, org)
    review_demo.complete_materials(decision, org)
    review_services.review_accept(decision=decision, actor=org.reviewer)
    return decision


def test_decision_deadlines_are_listed_with_days_left(api):
    decision = _under_review(api.org)
    body = api.as_("reviewer").get(f"/api/v1/decisions/{decision.pk}/deadlines/").json()
    assert body, "a decision under review has clocks"
    assert {row["decision_code"] for row in body} == {decision.code}
    assert all("working_days_left" in row and "overdue" in row for row in body)


def test_overdue_filter_finds_the_late_decision(api):
    late = _under_review(api.org)
    on_time = services.decision_register(**api.org.decision_kwargs(title="另一项决策"))
    open_chased = Deadline.objects.filter(decision=late, status=Deadline.Status.OPEN, kind__in=deadlines.CHASED_KINDS)
    due = max(d.due_date for d in open_chased)
    later = dt.datetime.combine(due + dt.timedelta(days=10), dt.time(10), tzinfo=timezone.get_current_timezone())
    with time_machine.travel(later, tick=False):
        client = api.as_("secretary")
        overdue = [row["id"] for row in client.get("/api/v1/decisions/?overdue=true").json()["results"]]
        not_overdue = [row["id"] for row in client.get("/api/v1/decisions/?overdue=false").json()["results"]]
        late_deadlines = client.get(f"/api/v1/deadlines/?overdue=true&decision={late.pk}").json()["results"]
    assert overdue == [late.pk]
    assert on_time.pk in not_overdue and late.pk not in not_overdue
    assert late_deadlines and all(row["overdue"] for row in late_deadlines)


def test_notifications_are_the_callers_own_and_can_be_marked_read(api):
    decision = _under_review(api.org)
    Notification.objects.all().delete()  # the news of the submission (deadlines.arrivals): not what is tested
    deadline = Deadline.objects.filter(decision=decision).first()
    reminder = Reminder.objects.create(deadline=deadline, kind=ReminderKind.DUE_DAY, due_day=deadline.due_date)
    mine = Notification.objects.create(user=api.org.reviewer, reminder=reminder)
    Notification.objects.create(user=api.org.legal_head, reminder=reminder)
    client = api.as_("reviewer")
    listed = client.get("/api/v1/notifications/?unread=true").json()["results"]
    assert [n["id"] for n in listed] == [mine.pk]
    assert client.post("/api/v1/notifications/read/", {"ids": [mine.pk]}, format="json").json() == {"marked": 1}
    assert client.get("/api/v1/notifications/?unread=true").json()["results"] == []
