"""Deadlines are rows that the services open, move and close as the lifecycle moves, computed from the
government's rule settings in Chinese working days, and recomputed when a setting or the calendar
changes. Real dates: time is moved with time-machine."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from deadlines import clocks as deadlines
from deadlines.models import Deadline, DeadlineKind
from decisions import services, workdays
from decisions.errors import DecisionError, ErrorCode
from decisions.models import CalendarDay, DecisionState, MeetingOutcome, RuleSettings, StepKind
from demo import builder as demo
from reviews import services as review_services
from reviews.demo import complete_materials, hear_adviser

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = dt.date
Status = Deadline.Status


@pytest.fixture(autouse=True)
def _calendar_package_knows_up_to_2026(monkeypatch):
    """These tests use 2027 as "a year the package does not cover". chinesecalendar 1.11 covers
    2004-2026; a later release may add 2027, so pin what the package is taken to know."""
    monkeypatch.setattr(workdays, "package_years", lambda: range(2004, 2027))


def at(day: dt.date, hour: int = 10):
    """Travel to ``day`` at ``hour`` in Beijing time (the clock does not tick)."""
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI), tick=False)


def open_clock(decision, kind) -> Deadline:
    return Deadline.objects.get(decision=decision, kind=kind, status=Status.OPEN)


def started(org):
    decision = services.decision_register(**org.decision_kwargs())
    return services.decision_start(decision=decision, actor=org.secretary)


def under_accepted_review(org, day: dt.date):
    """A decision submitted and accepted by the legal office on ``day``."""
    with at(day):
        decision = started(org)
        demo.settle_steps(decision, org)
        decision = services.decision_submit_for_review(decision=decision, actor=org.sponsor_head)
        complete_materials(decision, org)
        review_services.review_accept(decision=decision, actor=org.reviewer)
    return decision


# --------------------------------------------------------------------------- public participation


def test_comment_period_end_is_a_calendar_day_clock_of_the_lead_sponsor(org):
    with at(D(2026, 9, 1)):
        decision = started(org)
        services.participation_update(
            decision=decision, actor=org.clerk, period_start=D(2026, 9, 2), period_end=D(2026, 10, 1)
        )
    clock = open_clock(decision, DeadlineKind.COMMENT_PERIOD_END)
    assert clock.due_date == D(2026, 10, 1)
    assert (clock.unit, clock.amount, clock.setting, clock.article) == (
        "calendar_days",
        30,
        "min_comment_period_days",
        "Art 15",
    )
    assert clock.department == org.sponsor


def test_a_comment_period_without_an_end_runs_the_minimum_from_the_settings(org):
    RuleSettings.objects.create(government=org.government, min_comment_period_days=45)
    with at(D(2026, 9, 1)):
        decision = started(org)
        services.participation_update(decision=decision, actor=org.clerk, period_start=D(2026, 9, 2))
    assert open_clock(decision, DeadlineKind.COMMENT_PERIOD_END).due_date == D(2026, 10, 16)


def test_changing_the_comment_period_replaces_its_clock(org):
    with at(D(2026, 9, 1)):
        decision = started(org)
        services.participation_update(
            decision=decision, actor=org.clerk, period_start=D(2026, 9, 2), period_end=D(2026, 10, 1)
        )
        services.participation_update(decision=decision, actor=org.clerk, period_end=D(2026, 10, 15))
    assert open_clock(decision, DeadlineKind.COMMENT_PERIOD_END).due_date == D(2026, 10, 15)
    old = Deadline.objects.get(decision=decision, kind=DeadlineKind.COMMENT_PERIOD_END, due_date=D(2026, 10, 1))
    assert old.status == Status.CANCELLED


def test_the_comment_period_end_closes_by_itself_when_its_day_has_passed(org):
    with at(D(2026, 9, 1)):
        decision = started(org)
        services.participation_update(
            decision=decision, actor=org.clerk, period_start=D(2026, 9, 2), period_end=D(2026, 10, 1)
        )
    with at(D(2026, 10, 2)):
        assert deadlines.close_elapsed() == 1
    clock = Deadline.objects.get(decision=decision, kind=DeadlineKind.COMMENT_PERIOD_END)
    assert clock.status == Status.MET
    with at(D(2026, 10, 3)):  # a later sync does not start the same clock again
        deadlines.sync_for_decision(decision)
    assert Deadline.objects.filter(decision=decision, kind=DeadlineKind.COMMENT_PERIOD_END).count() == 1


def test_hearing_materials_are_due_seven_calendar_days_before_the_hearing_art_16(org):
    with at(D(2026, 9, 1)):
        decision = started(org)
        services.hearing_update(decision=decision, actor=org.clerk, hearing_on=D(2026, 9, 30))
        clock = open_clock(decision, DeadlineKind.HEARING_MATERIALS_DUE)
        assert (clock.due_date, clock.setting, clock.article) == (
            D(2026, 9, 23),
            "hearing_materials_lead_days",
            "Art 16",
        )
        services.hearing_update(decision=decision, actor=org.clerk, materials_sent_on=D(2026, 9, 20))
    clock.refresh_from_db()
    assert clock.status == Status.MET


def test_hearing_materials_sent_late_are_refused_and_their_clock_stays_open(org):
    # Art 16: materials 5 days before the hearing contradict the law; the service refuses the date
    # (decisions.services.hearing_update), so the clock keeps chasing until the hearing is
    # moved or the materials go out in time.
    with at(D(2026, 9, 1)):
        decision = started(org)
        services.hearing_update(decision=decision, actor=org.clerk, hearing_on=D(2026, 9, 30))
    with at(D(2026, 9, 25)), pytest.raises(DecisionError) as exc:
        services.hearing_update(decision=decision, actor=org.clerk, materials_sent_on=D(2026, 9, 25))
    assert (exc.value.rule, exc.value.article) == ("hearing_materials_lead_time", "Art 16")
    clock = Deadline.objects.get(decision=decision, kind=DeadlineKind.HEARING_MATERIALS_DUE)
    assert clock.status == Status.OPEN


def test_waiving_public_participation_cancels_its_clocks(org):
    with at(D(2026, 9, 1)):
        decision = started(org)
        services.participation_update(decision=decision, actor=org.clerk, period_start=D(2026, 9, 2))
        services.hearing_update(decision=decision, actor=org.clerk, hearing_on=D(2026, 9, 30))
        demo.waive(decision, StepKind.PUBLIC_PARTICIPATION, org, reason="依法不予公开的事项。", article="Art 14")
    statuses = set(Deadline.objects.filter(decision=decision).values_list("status", flat=True))
    assert statuses == {Status.CANCELLED}


# --------------------------------------------------------------------------- legality review


def test_review_clocks_count_working_days_from_acceptance_across_national_day(org):
    # Accepted Monday 2026-09-28: the 7 working days of Art 26 end on 13 October (National Day and
    # the make-up Saturday 10 October counted as they fall); the 15 of the local maximum on 23 October.
    decision = under_accepted_review(org, D(2026, 9, 28))
    minimum = open_clock(decision, DeadlineKind.REVIEW_MINIMUM)
    maximum = open_clock(decision, DeadlineKind.REVIEW_MAXIMUM)
    assert (minimum.due_date, minimum.amount, minimum.article) == (D(2026, 10, 13), 7, "Art 26")
    assert (maximum.due_date, maximum.amount, maximum.setting) == (D(2026, 10, 23), 15, "max_review_working_days")
    assert maximum.department == org.legal_office
    assert maximum.fallback_years == []


def test_an_extension_replaces_the_maximum_with_the_extended_clock(org):
    decision = under_accepted_review(org, D(2026, 9, 28))
    with at(D(2026, 10, 20)):
        review_services.review_extend(
            decision=decision, actor=org.legal_head, working_days=10, reason="涉及多部上位法，需征求法律顾问意见。"
        )
    extension = open_clock(decision, DeadlineKind.REVIEW_EXTENSION)
    assert extension.due_date == D(2026, 11, 6)
    assert Deadline.objects.get(decision=decision, kind=DeadlineKind.REVIEW_MAXIMUM).closed_note == "extended"


def test_a_review_clock_waiting_for_supplements_is_paused(org):
    decision = under_accepted_review(org, D(2026, 9, 28))
    with at(D(2026, 9, 29)):
        review_services.review_request_supplement(
            decision=decision, actor=org.reviewer, missing="社会稳定风险评估报告原件"
        )
    clock = open_clock(decision, DeadlineKind.REVIEW_MAXIMUM)
    assert clock.paused and clock.next_reminder_on is None
    with at(D(2026, 10, 9)):  # two working days waited (30 Sep, 8 Oct... and 9 Oct, the answer day)
        review_services.review_answer_supplement(decision=decision, actor=org.clerk, answer="已补充报告原件。")
    clock.refresh_from_db()
    assert not clock.paused
    assert clock.due_date > D(2026, 10, 23)


def test_issuing_the_opinion_in_time_meets_the_review_clocks(org):
    decision = under_accepted_review(org, D(2026, 9, 28))
    with at(D(2026, 10, 14)):
        hear_adviser(decision, org)
        review_services.review_record_opinion(
            decision=decision, actor=org.reviewer, conclusion="lawful", reasons="合法。"
        )
        review_services.review_issue_opinion(decision=decision, actor=org.legal_head)
    closed = dict(Deadline.objects.filter(decision=decision).values_list("kind", "status"))
    assert closed == {DeadlineKind.REVIEW_MINIMUM: Status.MET, DeadlineKind.REVIEW_MAXIMUM: Status.MET}


def test_a_2027_review_clock_is_flagged_until_the_2027_schedule_is_loaded(
    org, tmp_path, django_capture_on_commit_callbacks
):
    # Accepted 2026-12-28: the 15 working days run into 2027, which chinesecalendar does not cover.
    decision = under_accepted_review(org, D(2026, 12, 28))
    clock = open_clock(decision, DeadlineKind.REVIEW_MAXIMUM)
    assert clock.fallback_years == [2027]
    assert clock.due_date == D(2027, 1, 18)  # weekdays only: 1 January counted as a working day
    csv = tmp_path / "2027.csv"
    csv.write_text(
        "date,working,name,note\n2027-01-01,0,元旦,\n2027-01-02,0,元旦,\n2027-01-03,0,元旦,\n", encoding="utf-8"
    )
    with at(D(2026, 12, 29)), django_capture_on_commit_callbacks(execute=True):
        call_command("load_holidays", str(csv), "--year", "2027")
    clock.refresh_from_db()
    assert clock.fallback_years == []
    assert clock.due_date == D(2027, 1, 19)


# --------------------------------------------------------------------------- after the review


def test_a_deferral_runs_the_deferral_limit_and_a_settings_change_recomputes_it(
    org, django_capture_on_commit_callbacks
):
    decision = demo.walk(services.decision_register(**org.decision_kwargs()), DecisionState.DEFERRED, org)
    clock = open_clock(decision, DeadlineKind.DEFERRAL_LIMIT)
    assert clock.due_date == decision.deferred_on + dt.timedelta(days=365)
    with django_capture_on_commit_callbacks(execute=True):
        RuleSettings.objects.create(government=org.government, deferral_limit_days=90)
    clock.refresh_from_db()
    assert clock.due_date == decision.deferred_on + dt.timedelta(days=90)
    services.decision_resume(decision=decision, actor=org.secretary)
    clock.refresh_from_db()
    assert clock.status == Status.MET


def test_the_government_office_assigns_a_meeting_date_and_the_meeting_meets_it(org):
    decision = demo.walk(services.decision_register(**org.decision_kwargs()), DecisionState.AWAITING_DECISION, org)
    today = timezone.localdate()
    clock = deadlines.deadline_assign(
        decision=decision, actor=org.secretary, kind=DeadlineKind.MEETING, due_date=today + dt.timedelta(days=14)
    )
    assert (clock.unit, clock.assigned_by, clock.department) == ("assigned", org.secretary, org.government_office)
    assert decision.events.filter(transition="assign_deadline").exists()
    demo.hold_meeting(decision, org, MeetingOutcome.APPROVED)
    clock.refresh_from_db()
    assert clock.status == Status.MET


def test_a_sponsor_cannot_assign_deadlines(org):
    decision = demo.walk(services.decision_register(**org.decision_kwargs()), DecisionState.AWAITING_DECISION, org)
    with pytest.raises(DecisionError) as caught:
        deadlines.deadline_assign(
            decision=decision,
            actor=org.clerk,
            kind=DeadlineKind.MEETING,
            due_date=timezone.localdate() + dt.timedelta(days=3),
        )
    assert caught.value.code == ErrorCode.FORBIDDEN
    assert not Deadline.objects.filter(decision=decision, kind=DeadlineKind.MEETING).exists()


def test_withdrawing_a_decision_cancels_its_open_deadlines(org):
    with at(D(2026, 9, 1)):
        decision = started(org)
        services.participation_update(decision=decision, actor=org.clerk, period_start=D(2026, 9, 2))
        services.hearing_update(decision=decision, actor=org.clerk, hearing_on=D(2026, 9, 30))
        services.decision_withdraw(decision=decision, actor=org.leader, reason="情况变化，不再推进。")
    assert not Deadline.objects.filter(decision=decision, status=Status.OPEN).exists()
    assert set(Deadline.objects.filter(decision=decision).values_list("closed_note", flat=True)) == {
        "the decision was withdrawn"
    }


def test_overdue_decisions_are_those_with_a_chased_clock_past_due(org):
    with at(D(2026, 9, 1)):
        decision = started(org)
        services.participation_update(decision=decision, actor=org.clerk, period_start=D(2026, 9, 2))
        services.hearing_update(decision=decision, actor=org.clerk, hearing_on=D(2026, 9, 15))
    assert list(deadlines.overdue_decision_ids(today=D(2026, 9, 8)).values_list("decision_id", flat=True)) == []
    # The hearing materials were due on 8 September; the comment period end is a milestone, never overdue.
    assert list(deadlines.overdue_decision_ids(today=D(2026, 9, 9)).values_list("decision_id", flat=True)) == [
        decision.pk
    ]


# --------------------------------------------------------------------------- load_holidays


def test_load_holidays_refuses_a_file_with_any_bad_row_and_writes_nothing(db, tmp_path):
    csv = tmp_path / "bad.csv"
    csv.write_text("date,working,name\n2027-01-01,0,元旦\n2027-02-30,0,春节\n2027-02-06,maybe,春节\n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("load_holidays", str(csv), "--year", "2027")
    assert "row 3" in str(caught.value) and "row 4" in str(caught.value)
    assert not CalendarDay.objects.exists()


def test_load_holidays_replaces_a_year(db, tmp_path):
    CalendarDay.objects.create(date=dt.date(2027, 5, 6), is_working_day=False, name="typo")
    csv = tmp_path / "2027.csv"
    csv.write_text(
        "# comment\ndate,working,name,note\n2027-05-01,0,劳动节,\n2027-05-08,班,劳动节调休上班,\n", encoding="utf-8"
    )
    call_command("load_holidays", str(csv), "--year", "2027", "--replace")
    assert list(CalendarDay.objects.values_list("date", "is_working_day")) == [
        (dt.date(2027, 5, 1), False),
        (dt.date(2027, 5, 8), True),
    ]


def test_the_shipped_template_loads(db, settings):
    call_command(
        "load_holidays", str(settings.BASE_DIR / "docs" / "holidays-template.csv"), "--year", "2026", "--dry-run"
    )


# --------------------------------------------------------------------------- the pages


def test_the_deadlines_page_shows_working_days_left_basis_and_the_weekday_flag(
    org, client, django_assert_max_num_queries
):
    decision = under_accepted_review(org, D(2026, 12, 28))
    with at(D(2026, 12, 29)):
        client.force_login(org.reviewer)
        with django_assert_max_num_queries(12):
            page = client.get(reverse("deadlines:list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert decision.code in text
    assert "14 working days left" in text  # to 18 January 2027, on weekdays
    assert "holiday schedule for 2027 is not entered yet" in text
    assert "maximum legality review time" in text


def test_a_sponsor_of_another_department_sees_none_of_these_deadlines(org, client):
    under_accepted_review(org, D(2026, 9, 28))
    with at(D(2026, 9, 29)):
        client.force_login(org.other_clerk)
        page = client.get(reverse("deadlines:list"))
    assert page.status_code == 200
    assert "2026-10-23" not in page.content.decode()


def test_a_review_returned_to_the_sponsor_closes_its_clocks_as_acted_on_that_day(org):
    decision = under_accepted_review(org, D(2026, 9, 28))
    with at(D(2026, 10, 26)):
        services.decision_return_for_revision(decision=decision, actor=org.reviewer, reason="材料不全，退回补正。")
    closed = dict(Deadline.objects.filter(decision=decision).values_list("kind", "status"))
    # Returned on 26 October: after the 15 working days that ended on 23 October.
    assert closed == {DeadlineKind.REVIEW_MINIMUM: Status.MET, DeadlineKind.REVIEW_MAXIMUM: Status.MISSED}
