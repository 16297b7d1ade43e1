"""The review clock: working days from acceptance, supplements, extension (local rules, Art 26)."""

import datetime as dt

from decisions.models import RuleSettings
from reviews import services
from reviews.clock import add_working_days, review_clock, working_days_between
from tests.reviews.conftest import START
from tests.reviews.flow import accepted, review_of

FRIDAY = dt.date(2026, 3, 6)
MONDAY = dt.date(2026, 3, 9)


def test_working_days_do_not_count_the_starting_day(db):
    assert add_working_days(FRIDAY, 1) == MONDAY
    assert add_working_days(START, 7) == dt.date(2026, 3, 11)
    assert working_days_between(FRIDAY, MONDAY) == 1
    assert working_days_between(START, START) == 0
    assert working_days_between(MONDAY, FRIDAY) == 0
    assert working_days_between(START, dt.date(2026, 3, 11)) == 7


def test_review_deadline_is_the_maximum_in_working_days_from_acceptance(org):
    decision = accepted(org)
    review = review_of(decision)

    clock = review_clock(review, today=START)

    assert review.accepted_on == START
    assert (clock.limit_days, clock.minimum_days) == (15, 7)  # decisions.rules defaults
    assert clock.due_on == add_working_days(START, 15) == dt.date(2026, 3, 23)
    assert clock.days_left == 15
    assert review_clock(review, today=dt.date(2026, 3, 24)).overdue


def test_time_waiting_for_supplements_does_not_count(org, clock):
    decision = accepted(org)
    clock.go(dt.date(2026, 3, 4))
    services.review_request_supplement(decision=decision, actor=org.reviewer, missing="缺少听证笔录。")
    clock.go(dt.date(2026, 3, 9))  # three working days later (5, 6, 9 March)
    services.review_answer_supplement(decision=decision, actor=org.clerk, answer="已补充听证笔录。")

    clock_now = review_clock(review_of(decision), today=dt.date(2026, 3, 10))

    assert clock_now.paused_days == 3
    assert clock_now.counted_days == working_days_between(START, dt.date(2026, 3, 10)) - 3 == 3
    assert clock_now.due_on == add_working_days(START, 15 + 3)
    assert clock_now.earliest_meeting_on == add_working_days(START, 7 + 3)


def test_time_waiting_for_supplements_counts_where_the_government_says_so(org, clock):
    RuleSettings.objects.create(government=org.government, supplement_time_counts=True)
    decision = accepted(org)
    clock.go(dt.date(2026, 3, 4))
    services.review_request_supplement(decision=decision, actor=org.reviewer, missing="缺少听证笔录。")

    clock_now = review_clock(review_of(decision), today=dt.date(2026, 3, 9))

    assert clock_now.paused_days == 0
    assert not clock_now.paused_now
    assert clock_now.counted_days == 5


def test_open_supplement_request_pauses_the_clock(org, clock):
    decision = accepted(org)
    services.review_request_supplement(decision=decision, actor=org.reviewer, missing="缺少起草说明附件。")

    clock_now = review_clock(review_of(decision), today=dt.date(2026, 3, 6))

    assert clock_now.paused_now
    assert clock_now.counted_days == 0
    assert clock_now.days_left == 15


def test_extension_moves_the_deadline(org):
    decision = accepted(org)
    services.review_extend(
        decision=decision, actor=org.legal_head, working_days=10, reason="涉及多部上位法，情况复杂。"
    )

    clock_now = review_clock(review_of(decision), today=START)

    assert clock_now.limit_days == 25
    assert clock_now.due_on == add_working_days(START, 25)


def test_rules_in_force_at_acceptance_are_fixed_for_the_round(org):
    RuleSettings.objects.create(government=org.government, min_review_working_days=8, max_review_working_days=20)
    decision = accepted(org)
    RuleSettings.objects.filter(government=org.government).update(min_review_working_days=9)

    review = review_of(decision)

    assert (review.min_working_days, review.max_working_days) == (8, 20)
