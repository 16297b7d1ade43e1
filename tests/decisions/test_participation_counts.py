"""Art 18: every comment is answered; adopted and partly adopted comments are counted."""

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


def test_adopted_comments_cannot_exceed_comments_received(org, preparing):
    services.participation_update(decision=preparing, actor=org.clerk, comments_count=10, comments_adopted=4)

    with pytest.raises(DecisionError) as refused:
        services.participation_update(decision=preparing, actor=org.clerk, comments_partly_adopted=7)

    assert refused.value.code == ErrorCode.INVALID
    assert refused.value.rule == "comments_counted"
    assert refused.value.article == "Art 18"
    record = ParticipationRecord.objects.get(step__decision=preparing)
    assert (record.comments_count, record.comments_adopted, record.comments_partly_adopted) == (10, 4, 0)


def test_adoption_counts_within_the_comments_received_are_recorded(org, preparing):
    services.participation_update(
        decision=preparing, actor=org.clerk, comments_count=10, comments_adopted=4, comments_partly_adopted=6
    )

    record = ParticipationRecord.objects.get(step__decision=preparing)
    assert (record.comments_adopted, record.comments_partly_adopted) == (4, 6)
