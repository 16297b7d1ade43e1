import pytest

from decisions import services
from decisions.models import DecisionState
from demo import builder as demo


@pytest.mark.parametrize("target", [s for s in DecisionState.values])
def test_every_state_is_reachable_through_the_services(org, target):
    decision = services.decision_register(**org.decision_kwargs())
    decision = demo.walk(decision, target, org)
    decision.refresh_from_db()
    assert decision.state == target
