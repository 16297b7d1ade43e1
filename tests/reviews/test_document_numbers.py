"""Document numbers of opinion letters: X司法审〔2026〕17号, per office per year, no gaps, no duplicates."""

import datetime as dt
import threading
import time

import pytest
from django.db import connection, transaction

from decisions.errors import DecisionError
from reviews import demo as review_demo
from reviews import services
from reviews.models import DocumentNumberSequence
from tests.factories import make_org
from tests.reviews.flow import accepted, issued, review_of


def _ready_to_issue(org):
    decision = accepted(org)
    review_demo.hear_adviser(decision, org)
    services.review_record_opinion(decision=decision, actor=org.reviewer, conclusion="lawful", reasons="合法。")
    return decision


def test_document_numbers_follow_the_offices_yearly_sequence(org, clock):
    first = issued(org)
    second = issued(org)
    clock.go(dt.date(2027, 1, 5))
    next_year = issued(org)

    short = org.government.short_name
    assert review_of(first).document_number == f"{short}司法审〔2026〕1号"
    assert review_of(second).document_number == f"{short}司法审〔2026〕2号"
    assert review_of(next_year).document_number == f"{short}司法审〔2027〕1号"


def test_each_legal_office_numbers_its_own_letters(org):
    other = make_org()

    issued(org)
    theirs = issued(other)

    assert review_of(theirs).document_number == f"{other.government.short_name}司法审〔2026〕1号"


def test_a_failed_issue_gives_its_number_back(org, monkeypatch):
    decision = _ready_to_issue(org)

    def broken(review):
        raise RuntimeError("the letter content could not be built")

    monkeypatch.setattr(services, "letter_content", broken)
    with pytest.raises(RuntimeError):
        services.review_issue_opinion(decision=decision, actor=org.legal_head)
    monkeypatch.undo()

    review = services.review_issue_opinion(decision=decision, actor=org.legal_head)
    assert review.document_number.endswith("〔2026〕1号")


def test_second_issue_of_the_same_round_is_refused(org):
    decision = issued(org)

    with pytest.raises(DecisionError):
        services.review_issue_opinion(decision=decision, actor=org.legal_head)

    assert DocumentNumberSequence.objects.get().last_number == 1


def _concurrently(work, args_list) -> tuple[list, list[BaseException]]:
    """Run ``work(arg)`` in one thread per arg, all released at once; each thread its own connection."""
    start = threading.Barrier(len(args_list))
    results: list = []
    errors: list[BaseException] = []

    def run(arg):
        try:
            start.wait()
            results.append(work(arg))
        except BaseException as exc:  # noqa: BLE001 - reported by the caller's assertions
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(arg,)) for arg in args_list]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def _number(document_number: str) -> int:
    return int(document_number.split("〕")[1].rstrip("号"))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_document_numbers_unique_and_gapless_under_10_concurrent_issues(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL")
    org = make_org()
    decisions = [_ready_to_issue(org) for _ in range(10)]
    # Rendering the letters after commit is tested elsewhere; here only the numbers matter.
    monkeypatch.setattr(services, "_enqueue_letters", lambda review_id: None)

    numbers, errors = _concurrently(
        lambda decision: services.review_issue_opinion(decision=decision, actor=org.legal_head).document_number,
        decisions,
    )

    short = org.government.short_name
    assert errors == []
    assert sorted(numbers, key=_number) == [f"{short}司法审〔2026〕{n}号" for n in range(1, 11)]
    assert DocumentNumberSequence.objects.get(office=org.legal_office, year=2026).last_number == 10


class _RolledBack(Exception):
    pass


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_document_number_sequence_has_no_gaps_when_concurrent_issues_roll_back():
    """The sequence on its own (the issue service also locks the decision, which may serialise issues
    for other reasons): 10 transactions take a number at once, every other one rolls back."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL")
    org = make_org()

    def take(index: int) -> int:
        try:
            with transaction.atomic():
                number = services._next_document_number(org.legal_office, 2026)
                time.sleep(0.02)  # hold the lock a moment, as rendering the content would
                if index % 2:
                    raise _RolledBack
                return number
        except _RolledBack:
            return 0

    numbers, errors = _concurrently(take, list(range(10)))

    assert errors == []
    assert sorted(n for n in numbers if n) == [1, 2, 3, 4, 5]
    assert DocumentNumberSequence.objects.get(office=org.legal_office, year=2026).last_number == 5
