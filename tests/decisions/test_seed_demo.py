"""The demo data: every lifecycle state, reached through the services, and idempotent."""

import io

import pytest
from django.core.management import call_command
from django.db.models import F

from decisions.models import Decision, DecisionEvent, DecisionState, Membership, ProcedureStep
from reviews import gates as review_gates
from tests.shared_data import rolled_back_after


@pytest.fixture(scope="module")
def _demo_data(django_db_setup, django_db_blocker):
    """Seeded once for the module (tens of seconds); the tests read it, and the one that seeds
    again does so inside its own rolled-back transaction."""
    with rolled_back_after(django_db_blocker):
        with django_db_blocker.unblock():
            call_command("seed_demo", verbosity=0)
        yield


@pytest.fixture
def seeded(_demo_data, db):
    pass


def _counts() -> dict:
    return {
        "decisions": Decision.objects.count(),
        "events": DecisionEvent.objects.count(),
        "steps": ProcedureStep.objects.count(),
        "memberships": Membership.objects.count(),
    }


def test_demo_has_a_decision_in_every_state_of_the_lifecycle(seeded):
    assert set(Decision.objects.values_list("state", flat=True)) == set(DecisionState.values)


def test_demo_decisions_have_a_real_history_that_replays_to_their_state(seeded):
    for decision in Decision.objects.all():
        # Acts without a state change (review acts, leaving the catalogue) have from == to.
        moves = decision.events.filter(step_kind="").exclude(from_state=F("to_state")).order_by("created_at", "id")
        states = [(e.from_state, e.to_state) for e in moves]
        assert states[0] == ("", DecisionState.PROPOSED), decision.code
        for (_before, after), (following, _next) in zip(states, states[1:], strict=False):
            assert after == following, decision.code
        assert states[-1][1] == decision.state, decision.code


def test_running_seed_demo_twice_changes_nothing(seeded):
    before = _counts()

    call_command("seed_demo", verbosity=0)

    assert _counts() == before


def test_the_demo_submission_under_review_is_complete_so_the_reviewer_can_accept_it(seeded):
    decision = Decision.objects.get(state=DecisionState.LEGALITY_REVIEW)

    assert review_gates.materials_missing(review_gates.current_review(decision)) == []


def test_the_demo_datas_audit_chains_verify(seeded):
    out = io.StringIO()
    call_command("verify_audit", stdout=out)  # a broken link would raise

    assert "every link holds" in out.getvalue()


def test_demo_has_the_public_side(seeded):
    from consultations.models import Comment
    from consultations.selectors import open_records
    from decisions.models import Catalogue, CatalogueAdjustment, StepKind, StepState
    from decisions.visibility import public_catalogue_decisions

    assert Catalogue.objects.get().state == Catalogue.State.PUBLISHED
    assert CatalogueAdjustment.objects.count() == 1
    assert public_catalogue_decisions().exists()
    assert open_records().count() == 1
    closed = Decision.objects.get(title="城市公园绿地管理办法")
    assert closed.steps.get(kind=StepKind.PUBLIC_PARTICIPATION).state == StepState.DONE
    record = closed.steps.get(kind=StepKind.PUBLIC_PARTICIPATION).participation
    assert (record.comments_count, record.comments_adopted, record.comments_partly_adopted) == (4, 1, 2)
    assert Comment.objects.filter(hidden=True).count() == 1


def test_the_demo_decision_discussed_at_a_meeting_has_its_drafting_record_and_packet(seeded):
    from decisions.models import DraftingRecord, Meeting, MeetingPacket

    packet = MeetingPacket.objects.get()
    assert DraftingRecord.objects.filter(decision=packet.decision).exists()
    assert Meeting.objects.filter(packet=packet).exists()
