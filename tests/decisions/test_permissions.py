"""Who may do what (DESIGN.md, "Who uses it"): a wrong role, another government or another sponsoring
department is refused with ``forbidden`` and changes nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from decisions import services
from decisions.errors import DecisionError, ErrorCode
from decisions.models import Decision, DecisionState, StepKind
from reviews import services as review_services
from tests.factories import (
    TRANSITION_SOURCES,
    TRANSITION_TARGET,
    UserFactory,
    decision_in,
    issue_opinion,
    make_org,
    make_ready,
    other_sponsor_head,
    register,
    snapshot,
    transition_payload,
    write_opinion,
)

PEOPLE = ("clerk", "sponsor_head", "other_clerk", "reviewer", "legal_head", "secretary", "leader")
# Written out from DESIGN.md, not read from decisions.permissions, so a loosened rule fails here.
ALLOWED = {
    "start": {"secretary", "leader"},
    "submit_for_review": {"sponsor_head"},
    "return_for_revision": {"reviewer", "legal_head"},
    "clear_for_meeting": {"reviewer", "legal_head"},
    "record_outcome": {"secretary"},
    "resume": {"secretary"},
    "publish": {"secretary"},
    "begin_implementation": {"secretary"},
    "suspend": {"leader"},
    "resume_implementation": {"leader"},
    "adjust": {"leader"},
    "withdraw": {"secretary", "leader"},
    "archive": {"secretary"},
}
assert set(ALLOWED) == set(TRANSITION_SOURCES)


def ready_for(org, name):
    """A decision in the first source state of ``name``, with its gates open."""
    decision = decision_in(org, sorted(TRANSITION_SOURCES[name])[0])
    make_ready(decision, org, name)
    return decision


def assert_forbidden_and_unchanged(decision, call) -> None:
    before = snapshot(decision)
    with pytest.raises(DecisionError) as exc:
        call()
    assert exc.value.code == ErrorCode.FORBIDDEN
    assert snapshot(decision) == before


# --------------------------------------------------------------------------- roles per transition


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_transition_forbidden_to_every_other_role(org, subtests, name):
    # Given a decision ready for the transition (one walk, then each wrong person in turn)
    decision = ready_for(org, name)

    for person in PEOPLE:
        if person in ALLOWED[name]:
            continue
        with subtests.test(person=person):
            payload = {**transition_payload(org, name), "actor": getattr(org, person)}

            assert_forbidden_and_unchanged(
                decision, lambda payload=payload: services.decision_transition(decision=decision, name=name, **payload)
            )


@pytest.mark.parametrize(("name", "person"), [(name, p) for name, roles in ALLOWED.items() for p in sorted(roles)])
def test_transition_allowed_to_each_of_its_roles(org, name, person):
    decision = ready_for(org, name)
    payload = {**transition_payload(org, name), "actor": getattr(org, person)}

    services.decision_transition(decision=decision, name=name, **payload)

    assert Decision.objects.get(pk=decision.pk).state == TRANSITION_TARGET[name]


@pytest.mark.parametrize("who", ["anonymous", "superuser"])
def test_transition_forbidden_without_a_membership(org, who):
    # Nobody passes by another road: neither an anonymous visitor nor a superuser without a role.
    actor = AnonymousUser() if who == "anonymous" else UserFactory(is_superuser=True, is_staff=True)
    decision = decision_in(org, DecisionState.PROPOSED)

    assert_forbidden_and_unchanged(decision, lambda: services.decision_start(decision=decision, actor=actor))


# --------------------------------------------------------------------------- preparatory steps


@pytest.mark.parametrize("person", ["reviewer", "legal_head", "secretary", "leader", "other_clerk"])
def test_step_actions_forbidden_outside_the_lead_sponsor(org, person):
    decision = decision_in(org, DecisionState.PREPARING)

    assert_forbidden_and_unchanged(
        decision,
        lambda: services.step_start(decision=decision, kind=StepKind.RISK_ASSESSMENT, actor=getattr(org, person)),
    )


@pytest.mark.parametrize("person", ["clerk", "sponsor_head"])
def test_step_actions_allowed_to_the_lead_sponsor(org, person):
    decision = decision_in(org, DecisionState.PREPARING)

    step = services.step_start(decision=decision, kind=StepKind.RISK_ASSESSMENT, actor=getattr(org, person))

    assert step.state == "in_progress"


def test_co_sponsor_cannot_record_the_lead_sponsors_steps(org):
    decision = register(org, co_sponsors=[org.other_sponsor])
    services.decision_start(decision=decision, actor=org.secretary)

    assert_forbidden_and_unchanged(
        decision,
        lambda: services.step_start(decision=decision, kind=StepKind.EXPERT_ARGUMENT, actor=org.other_clerk),
    )


@pytest.mark.parametrize(
    "record",
    [
        lambda d, actor: services.participation_update(decision=d, actor=actor, comments_count=3),
        lambda d, actor: services.risk_update(decision=d, actor=actor, assessor="某评估机构"),
        lambda d, actor: services.expert_opinion_add(decision=d, actor=actor, expert_name="张三", opinion="可行。"),
    ],
    ids=["participation", "risk", "expert"],
)
def test_step_records_forbidden_to_another_sponsor_department(org, record):
    decision = decision_in(org, DecisionState.PREPARING)
    for kind in StepKind.values:
        services.step_start(decision=decision, kind=kind, actor=org.clerk)

    assert_forbidden_and_unchanged(decision, lambda: record(decision, org.other_clerk))


def test_submit_forbidden_to_the_head_of_another_sponsor_department(org):
    decision = ready_for(org, "submit_for_review")
    stranger = other_sponsor_head(org)

    assert_forbidden_and_unchanged(
        decision, lambda: services.decision_submit_for_review(decision=decision, actor=stranger)
    )


def test_clerk_cannot_submit_for_review(org):
    # Submission is the head's approval of what the department sends (DESIGN.md: sponsor head).
    decision = ready_for(org, "submit_for_review")

    assert_forbidden_and_unchanged(
        decision, lambda: services.decision_submit_for_review(decision=decision, actor=org.clerk)
    )


# --------------------------------------------------------------------------- legality review


@pytest.mark.parametrize("person", ["clerk", "sponsor_head", "secretary", "leader"])
def test_review_opinion_written_only_by_the_legal_office(org, person):
    decision = decision_in(org, DecisionState.LEGALITY_REVIEW)

    assert_forbidden_and_unchanged(
        decision,
        lambda: review_services.review_record_opinion(
            decision=decision, actor=getattr(org, person), conclusion="lawful", reasons="合法。"
        ),
    )


@pytest.mark.parametrize("person", ["reviewer", "sponsor_head", "secretary", "leader"])
def test_review_opinion_issued_only_by_the_legal_office_head(org, person):
    decision = decision_in(org, DecisionState.LEGALITY_REVIEW)
    write_opinion(decision, org, "lawful")

    assert_forbidden_and_unchanged(
        decision, lambda: review_services.review_issue_opinion(decision=decision, actor=getattr(org, person))
    )


@pytest.mark.parametrize("person", ["clerk", "sponsor_head", "secretary"])
def test_changes_confirmed_only_by_the_legal_office(org, person):
    decision = decision_in(org, DecisionState.LEGALITY_REVIEW)
    issue_opinion(decision, org, "lawful_with_changes", confirm=False)

    assert_forbidden_and_unchanged(
        decision, lambda: review_services.review_confirm_changes(decision=decision, actor=getattr(org, person))
    )


# --------------------------------------------------------------------------- registration


@pytest.mark.parametrize("person", ["reviewer", "secretary", "leader", "other_clerk"])
def test_registration_forbidden_outside_the_sponsoring_department(org, person):
    with pytest.raises(DecisionError) as exc:
        register(org, actor=getattr(org, person))

    assert exc.value.code == ErrorCode.FORBIDDEN
    assert not Decision.objects.filter(government=org.government).exists()


def test_registration_forbidden_for_an_office_as_lead_sponsor(org):
    with pytest.raises(DecisionError) as exc:
        register(org, actor=org.reviewer, lead_sponsor=org.legal_office)

    assert exc.value.code == ErrorCode.FORBIDDEN
    assert not Decision.objects.filter(government=org.government).exists()


def test_co_sponsor_of_another_government_is_refused(org):
    foreign = make_org().sponsor

    with pytest.raises(DecisionError) as exc:
        register(org, co_sponsors=[foreign])

    assert exc.value.code == ErrorCode.INVALID
    assert not Decision.objects.filter(government=org.government).exists()


# --------------------------------------------------------------------------- another government


@pytest.fixture
def stranger_org(org):
    return make_org()


@pytest.mark.parametrize(
    ("name", "person"),
    [
        ("start", "secretary"),
        ("start", "leader"),
        ("submit_for_review", "sponsor_head"),
        ("return_for_revision", "reviewer"),
        ("clear_for_meeting", "legal_head"),
        ("record_outcome", "secretary"),
        ("publish", "secretary"),
        ("suspend", "leader"),
        ("withdraw", "leader"),
        ("archive", "secretary"),
    ],
)
def test_the_same_role_in_another_government_cannot_act(org, stranger_org, name, person):
    decision = ready_for(org, name)
    payload = {**transition_payload(org, name), "actor": getattr(stranger_org, person)}

    assert_forbidden_and_unchanged(
        decision, lambda: services.decision_transition(decision=decision, name=name, **payload)
    )


def test_clerk_of_another_government_cannot_record_steps(org, stranger_org):
    decision = decision_in(org, DecisionState.PREPARING)

    assert_forbidden_and_unchanged(
        decision,
        lambda: services.step_start(decision=decision, kind=StepKind.RISK_ASSESSMENT, actor=stranger_org.clerk),
    )


def test_legal_office_of_another_government_cannot_review(org, stranger_org):
    decision = decision_in(org, DecisionState.LEGALITY_REVIEW)

    assert_forbidden_and_unchanged(
        decision,
        lambda: review_services.review_record_opinion(
            decision=decision, actor=stranger_org.reviewer, conclusion="lawful", reasons="合法。"
        ),
    )


def test_legal_head_of_another_government_cannot_issue(org, stranger_org):
    decision = decision_in(org, DecisionState.LEGALITY_REVIEW)
    write_opinion(decision, org, "lawful")

    assert_forbidden_and_unchanged(
        decision, lambda: review_services.review_issue_opinion(decision=decision, actor=stranger_org.legal_head)
    )
