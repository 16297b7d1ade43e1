"""Concurrent changes to one decision fail cleanly, never half-apply (issue 2: "a concurrent change
to the same decision fails cleanly").

Real threads against the real PostgreSQL server: the services lock the decision row, so the second
writer waits, then finds the state moved and is refused. SQLite serialises writers at the file level
and has no row locks, so these tests are skipped there.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from decisions import services
from decisions.errors import DecisionError, ErrorCode
from decisions.models import Decision, DecisionEvent, DecisionState
from tests.factories import decision_in, issue_opinion, make_org, register, report_progress, settle_steps, today

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 3  # a few races per test: the barrier lines the threads up, the scheduler decides the rest


def race(*calls):
    """Run each call in its own thread, released together; return ("ok", value) or ("refused", error)."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = ("ok", call())
        except DecisionError as exc:
            results[index] = ("refused", exc)
        except Exception as exc:  # anything else is a failure of the test, reported below
            results[index] = ("crashed", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung (deadlock?)"
    assert not [r for r in results if r[0] == "crashed"], results
    return results


@pytest.mark.parametrize("attempt", range(ROUNDS))
def test_clear_for_meeting_and_return_for_revision_at_once_one_wins(attempt):
    # Given a decision under review with an issued lawful opinion: both transitions are open
    org = make_org()
    decision = decision_in(org, DecisionState.LEGALITY_REVIEW)
    issue_opinion(decision, org)
    pair = ("clear_for_meeting", "return_for_revision")
    before = DecisionEvent.objects.filter(decision=decision, transition__in=pair).count()

    # When the reviewer clears it while the office head returns it
    results = race(
        lambda: services.decision_clear_for_meeting(decision=decision, actor=org.reviewer),
        lambda: services.decision_return_for_revision(decision=decision, actor=org.legal_head, reason="补充材料。"),
    )

    # Then exactly one went through, the other was refused cleanly, and the log holds one of them
    outcomes = [kind for kind, _value in results]
    assert sorted(outcomes) == ["ok", "refused"]
    refused = next(value for kind, value in results if kind == "refused")
    assert refused.code in (ErrorCode.CONFLICT, ErrorCode.WRONG_STATE)
    events = DecisionEvent.objects.filter(decision=decision, transition__in=pair)
    assert events.count() == before + 1
    winner = pair[outcomes.index("ok")]
    expected = {"clear_for_meeting": DecisionState.AWAITING_DECISION, "return_for_revision": DecisionState.PREPARING}
    assert Decision.objects.get(pk=decision.pk).state == expected[winner]
    assert events.get().transition == winner


@pytest.mark.parametrize("attempt", range(ROUNDS))
def test_suspend_and_archive_at_once_one_wins(attempt):
    org = make_org()
    decision = decision_in(org, DecisionState.IMPLEMENTING)
    report_progress(decision, org)
    pair = ("suspend", "archive")

    results = race(
        lambda: services.decision_suspend(decision=decision, actor=org.leader, reason="督查要求暂停。"),
        lambda: services.decision_archive(decision=decision, actor=org.secretary),
    )

    outcomes = [kind for kind, _value in results]
    assert sorted(outcomes) == ["ok", "refused"]
    assert next(v for k, v in results if k == "refused").code in (ErrorCode.CONFLICT, ErrorCode.WRONG_STATE)
    assert DecisionEvent.objects.filter(decision=decision, transition__in=pair).count() == 1
    winner = pair[outcomes.index("ok")]
    expected = {"suspend": DecisionState.SUSPENDED, "archive": DecisionState.ARCHIVED}
    assert Decision.objects.get(pk=decision.pk).state == expected[winner]


@pytest.mark.parametrize("attempt", range(ROUNDS))
def test_the_same_submission_twice_at_once_opens_one_review_round(attempt):
    org = make_org()
    decision = decision_in(org, DecisionState.PREPARING)
    settle_steps(decision, org)

    results = race(
        lambda: services.decision_submit_for_review(decision=decision, actor=org.sponsor_head),
        lambda: services.decision_submit_for_review(decision=decision, actor=org.sponsor_head),
    )

    assert sorted(kind for kind, _value in results) == ["ok", "refused"]
    assert next(v for k, v in results if k == "refused").code in (ErrorCode.CONFLICT, ErrorCode.WRONG_STATE)
    assert DecisionEvent.objects.filter(decision=decision, transition="submit_for_review").count() == 1
    assert decision.reviews.count() == 1


@pytest.mark.parametrize("attempt", range(ROUNDS))
def test_two_registrations_at_once_get_distinct_sequential_codes(attempt):
    org = make_org()
    register(org)  # 001 exists already

    results = race(lambda: register(org, title="甲事项"), lambda: register(org, title="乙事项"))

    assert [kind for kind, _value in results] == ["ok", "ok"]
    year = today().year
    assert sorted(value.code for _kind, value in results) == [f"{year}-002", f"{year}-003"]
    assert sorted(Decision.objects.filter(government=org.government).values_list("sequence", flat=True)) == [1, 2, 3]


@pytest.mark.parametrize("attempt", range(ROUNDS))
def test_events_of_two_decisions_of_one_government_at_once_never_fork_its_audit_chain(attempt):
    # Given two decisions of one government, each locked by its own writer
    from decisions import audit

    org = make_org()
    first = decision_in(org, DecisionState.PROPOSED)
    second = register(org, title="乙事项")

    # When both start at once (two transactions, two decision locks, one chain head)
    results = race(
        lambda: services.decision_start(decision=first, actor=org.secretary),
        lambda: services.decision_start(decision=second, actor=org.secretary),
    )

    # Then both went through, one after the other on the head: no two events share a place
    assert [kind for kind, _value in results] == ["ok", "ok"]
    events = list(DecisionEvent.objects.filter(government=org.government).order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    for before, event in zip(events, events[1:], strict=False):
        assert event.prev_hash == before.hash
    assert not [r for r in audit.verify(org.government.pk) if isinstance(r, audit.Break)]
