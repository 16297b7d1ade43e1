"""Art 18: every comment is answered; adopted and partly adopted comments are counted. The counts
are written from the answers (services.participation_record_adoption), never typed."""

import pytest

from decisions import services
from decisions.errors import DecisionError, ErrorCode
from decisions.models import ParticipationRecord, StepKind


@pytest.fixture
def preparing(org):
    decision = services.decision_register(**org.decision_kwargs())
    decision = services.decision_start(decision=decision, actor=org.secretary)
    services.step_start(decision=decision, kind=StepKind.PUBLIC_PARTICIPATION, actor=org.clerk)
    return decision


def _adoption(decision, actor, **counts):
    values = {"comments_count": 0, "comments_adopted": 0, "comments_partly_adopted": 0, "adoption_summary": "汇总"}
    return services.participation_record_adoption(decision=decision, actor=actor, **{**values, **counts})


def test_adopted_comments_cannot_exceed_comments_received(org, preparing):
    _adoption(preparing, org.clerk, comments_count=10, comments_adopted=4)

    with pytest.raises(DecisionError) as refused:
        _adoption(preparing, org.clerk, comments_count=10, comments_adopted=4, comments_partly_adopted=7)

    assert refused.value.code == ErrorCode.INVALID
    assert refused.value.rule == "comments_counted"
    assert refused.value.article == "Art 18"
    record = ParticipationRecord.objects.get(step__decision=preparing)
    assert (record.comments_count, record.comments_adopted, record.comments_partly_adopted) == (10, 4, 0)


def test_adoption_counts_within_the_comments_received_are_recorded(org, preparing):
    _adoption(preparing, org.clerk, comments_count=10, comments_adopted=4, comments_partly_adopted=6)

    record = ParticipationRecord.objects.get(step__decision=preparing)
    assert (record.comments_adopted, record.comments_partly_adopted) == (4, 6)


def test_counts_are_not_typed_into_the_participation_record(org, preparing):
    with pytest.raises(DecisionError) as refused:
        services.participation_update(decision=preparing, actor=org.clerk, comments_count=10)

    assert set(refused.value.fields) == {"comments_count"}
    assert not ParticipationRecord.objects.filter(step__decision=preparing).exists()
