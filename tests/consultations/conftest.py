import pytest

from decisions.models import ParticipationRecord
from tests.factories import DRAFT, open_consultation  # noqa: F401  (re-exported for the tests)


@pytest.fixture
def consulted(org):
    return open_consultation(org)


def record_of(decision) -> ParticipationRecord:
    return ParticipationRecord.objects.get(step__decision=decision)
