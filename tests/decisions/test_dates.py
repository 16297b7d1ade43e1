"""Dates that contradict the record are refused, each refusal naming its rule, article and field,
and the record is left as it was: the call for comments before its period (Art 15), hearing
materials in time (Art 16), an expert opinion signed on a real day (Art 20), a meeting held, after
its clearance (Art 25) and after the minimum review time (Art 26, on the meeting's own date).
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from decisions import services
from decisions.errors import DecisionError, ErrorCode
from decisions.models import (
    CalendarDay,
    Decision,
    DecisionEvent,
    DecisionState,
    ExpertOpinion,
    Meeting,
    ParticipationRecord,
    StepKind,
    StepState,
)
from reviews import services as review_services
from tests.factories import (
    complete,
    decision_in,
    expert_values,
    meeting_values,
    participation_values,
    record_participation,
    start_step,
    today,
    write_opinion,
)

pytestmark = pytest.mark.django_db

PP, EA = StepKind.PUBLIC_PARTICIPATION, StepKind.EXPERT_ARGUMENT


@pytest.fixture
def preparing(org):
    return decision_in(org, DecisionState.PREPARING)


def assert_refused(error: DecisionError, rule: str, article: str, field: str) -> None:
    assert (error.code, error.rule, error.article) == (ErrorCode.INVALID, rule, article)
    assert field in error.fields


def participation(decision) -> ParticipationRecord | None:
    return ParticipationRecord.objects.filter(step__decision=decision).first()


# --------------------------------------------------------------------------- Art 15: the call before its period


@pytest.mark.parametrize(
    "call_on",
    [
        pytest.param(lambda start, end: end, id="on the period's last day"),
        pytest.param(lambda start, end: end + dt.timedelta(days=1), id="after the period ended"),
        pytest.param(lambda start, end: start + dt.timedelta(days=1), id="a day after the period began"),
    ],
)
def test_call_for_comments_published_after_its_period_began_is_refused(org, preparing, call_on):
    start_step(preparing, PP, org)
    values = participation_values()
    values["call_published_on"] = call_on(values["period_start"], values["period_end"])

    with pytest.raises(DecisionError) as exc:
        services.participation_update(decision=preparing, actor=org.clerk, **values)

    assert_refused(exc.value, "call_before_period", "Art 15", "call_published_on")
    assert participation(preparing) is None  # no new row


def test_call_for_comments_moved_after_its_period_began_leaves_the_record_as_it_was(org, preparing):
    record_participation(preparing, org)
    before = participation(preparing)

    with pytest.raises(DecisionError) as exc:
        services.participation_update(
            decision=preparing, actor=org.clerk, call_published_on=before.period_start + dt.timedelta(days=3)
        )

    assert_refused(exc.value, "call_before_period", "Art 15", "call_published_on")
    assert participation(preparing).call_published_on == before.call_published_on


def test_call_for_comments_published_on_the_periods_first_day_is_accepted(org, preparing):
    record_participation(preparing, org)

    assert participation(preparing).call_published_on == participation(preparing).period_start


def test_call_for_comments_after_its_period_began_is_refused_by_the_database(org, preparing):
    record_participation(preparing, org)
    record = participation(preparing)

    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipationRecord.objects.filter(pk=record.pk).update(call_published_on=record.period_end)

    assert participation(preparing).call_published_on == record.call_published_on


def test_call_for_comments_after_its_period_began_is_refused_in_the_admin(org, preparing, admin_client):
    record_participation(preparing, org)
    record = participation(preparing)
    data = {
        "methods": '["online_call"]',
        "call_published_on": record.period_end.isoformat(),
        "period_start": record.period_start.isoformat(),
        "period_end": record.period_end.isoformat(),
        "comments_count": "12",
        "comments_adopted": "0",
        "comments_partly_adopted": "0",
        "adoption_summary": record.adoption_summary,
    }

    response = admin_client.post(reverse("admin:decisions_participationrecord_change", args=[record.pk]), data)

    # The admin changes no part of the record; the model's own validation refuses the date too.
    assert response.status_code == 403
    assert participation(preparing).call_published_on == record.call_published_on
    record.call_published_on = record.period_end
    with pytest.raises(ValidationError) as refused:
        record.full_clean()
    assert "published no later than the first day of the comment period" in str(refused.value)


def test_participation_gate_refuses_a_call_published_after_its_period_began(org, preparing):
    # Given a record written before the database held the rule (the constraint set aside for it)
    record_participation(preparing, org)
    record = participation(preparing)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            f"ALTER TABLE {ParticipationRecord._meta.db_table} DROP CONSTRAINT participation_call_before_period"
        )
    ParticipationRecord.objects.filter(pk=record.pk).update(call_published_on=record.period_end)

    with pytest.raises(DecisionError) as exc:
        complete(preparing, PP, org)

    assert (exc.value.rule, exc.value.article) == ("call_before_period", "Art 15")
    assert preparing.steps.get(kind=PP).state == StepState.IN_PROGRESS


# --------------------------------------------------------------------------- Art 16: hearing materials in time
# The hearing's own record and its dates: tests/decisions/test_hearings.py.


# --------------------------------------------------------------------------- Art 20: an expert opinion's signature


def test_expert_opinion_signed_on_a_day_to_come_is_refused(org, preparing):
    start_step(preparing, EA, org)

    with pytest.raises(DecisionError) as exc:
        services.expert_opinion_add(
            decision=preparing, actor=org.clerk, **expert_values(signed_on=today() + dt.timedelta(days=1))
        )

    assert_refused(exc.value, "expert_opinion_date", "Art 19", "signed_on")
    assert not ExpertOpinion.objects.filter(step__decision=preparing).exists()


def test_expert_opinion_signed_before_the_decision_was_registered_is_refused(org, preparing):
    start_step(preparing, EA, org)

    with pytest.raises(DecisionError) as exc:
        services.expert_opinion_add(
            decision=preparing, actor=org.clerk, **expert_values(signed_on=today() - dt.timedelta(days=1))
        )

    assert_refused(exc.value, "expert_opinion_date", "Art 19", "signed_on")
    assert not ExpertOpinion.objects.filter(step__decision=preparing).exists()


def test_expert_opinion_signed_before_registration_is_refused_in_the_admin(org, preparing, admin_client):
    start_step(preparing, EA, org)
    opinion = services.expert_opinion_add(decision=preparing, actor=org.clerk, **expert_values())
    data = {
        "expert_name": opinion.expert_name,
        "opinion": opinion.opinion,
        "signed_on": (today() - dt.timedelta(days=30)).isoformat(),
        "handling": opinion.handling,
    }

    response = admin_client.post(reverse("admin:decisions_expertopinion_change", args=[opinion.pk]), data)

    # The admin changes no part of the record; the model's own validation refuses the date too.
    assert response.status_code == 403
    opinion.refresh_from_db()
    assert opinion.signed_on == today()
    opinion.signed_on = today() - dt.timedelta(days=30)
    with pytest.raises(ValidationError) as refused:
        opinion.full_clean()
    assert "cannot be signed before the decision was registered" in str(refused.value)


# --------------------------------------------------------------------------- the meeting's date


def assert_meeting_refused(decision, org, held_on, rule: str, article: str) -> None:
    events = DecisionEvent.objects.filter(decision=decision).count()

    with pytest.raises(DecisionError) as exc:
        services.decision_record_outcome(decision=decision, actor=org.secretary, **meeting_values(held_on=held_on))

    assert_refused(exc.value, rule, article, "held_on")
    assert not Meeting.objects.filter(decision=decision).exists()
    assert DecisionEvent.objects.filter(decision=decision).count() == events
    assert Decision.objects.get(pk=decision.pk).state == DecisionState.AWAITING_DECISION


def test_meeting_held_on_a_day_to_come_is_refused(org):
    decision = decision_in(org, DecisionState.AWAITING_DECISION)

    assert_meeting_refused(decision, org, today() + dt.timedelta(days=1), "meeting_held", "Art 30")


def test_meeting_held_before_its_clearance_is_refused(org):
    # Given the draft was cleared for the meeting today
    decision = decision_in(org, DecisionState.AWAITING_DECISION)

    assert_meeting_refused(decision, org, today() - dt.timedelta(days=1), "meeting_after_clearance", "Art 25")


def test_meeting_held_before_the_minimum_review_time_is_refused(org):
    # Given a submission accepted today and an opinion issued without shortening the minimum (7
    # working days), cleared a month later
    decision = decision_in(org, DecisionState.LEGALITY_REVIEW)
    write_opinion(decision, org, "lawful")
    review_services.review_issue_opinion(decision=decision, actor=org.legal_head)
    accepted_on = today()
    later = dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=30)
    with time_machine.travel(later):
        services.decision_clear_for_meeting(decision=decision, actor=org.reviewer)
        cleared_on = today()
        # and then the holiday schedule for those weeks was entered: they were days off, so the
        # legal office has not yet had its 7 working days on the day the meeting says it sat
        CalendarDay.objects.bulk_create(
            CalendarDay(date=accepted_on + dt.timedelta(days=n), is_working_day=False, name="休息日")
            for n in range(1, (cleared_on - accepted_on).days + 1)
        )

        assert_meeting_refused(decision, org, cleared_on, "meeting_after_minimum_review", "Art 26")


def test_meeting_held_on_the_day_of_its_clearance_is_recorded(org):
    decision = decision_in(org, DecisionState.AWAITING_DECISION)

    services.decision_record_outcome(decision=decision, actor=org.secretary, **meeting_values(held_on=today()))

    assert Decision.objects.get(pk=decision.pk).state == DecisionState.DECIDED
