"""The audit record no one can quietly change (Art 38–41; docs/security.md): the database refuses
UPDATE, DELETE and TRUNCATE of the event log and the other final records, the state columns take only
the lifecycle's transitions, and the hash chain (``decisions.audit``, ``manage.py verify_audit``)
names the first event altered, deleted, moved or inserted behind the database's guards."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from decisions import audit, services
from decisions.lifecycle import TRANSITIONS
from decisions.models import AuditChainHead, Decision, DecisionEvent, DecisionState, MeetingCorrection, StepKind
from decisions.models.waivers import WaiverRequest
from tests.factories import decision_in, make_org, waive_step
from tests.guards import disable_triggers, run_sql

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def verify_audit(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify_audit", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


def refused(sql: str, *params) -> str:
    """The database's refusal of a raw statement (inside a savepoint, so the test goes on)."""
    truncate = sql.startswith("TRUNCATE")
    if truncate:  # TRUNCATE waits for no queued foreign-key check: fire them first
        run_sql("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        run_sql(sql, *params)
    if truncate:
        run_sql("SET CONSTRAINTS ALL DEFERRED")
    return str(error.value)


def chain(org) -> list[DecisionEvent]:
    return list(DecisionEvent.objects.filter(government=org.government).order_by("seq"))


@pytest.fixture
def decided(org):
    return decision_in(org, DecisionState.DECIDED)


# --------------------------------------------------------------------------- the chain


def test_every_event_is_linked_to_the_one_before_it_in_its_governments_chain(decided, org):
    events = chain(org)

    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == audit.GENESIS
    for before, event in zip(events, events[1:], strict=False):
        assert event.prev_hash == before.hash
        assert event.hash == audit.compute_hash(event, before.hash)
    head = AuditChainHead.objects.get(government=org.government)
    assert (head.seq, head.hash) == (events[-1].seq, events[-1].hash)
    assert verify_audit("--government", str(org.government.pk))[0] == 0


def test_each_government_has_its_own_chain(decided, org):
    other = make_org("另一个县人民政府")
    decision_in(other, DecisionState.PREPARING)

    assert chain(other)[0].seq == 1 and chain(other)[0].prev_hash == audit.GENESIS
    status, output = verify_audit()
    assert status == 0
    assert "2 audit chains verified" in output


# --------------------------------------------------------------------------- the database refuses


def test_a_raw_update_delete_or_truncate_of_an_event_is_refused(decided):
    event = decided.events.first()

    assert "decision_event_append_only" in refused(
        "UPDATE decisions_decisionevent SET comment = 'x' WHERE id = %s", event.pk
    )
    assert "decision_event_append_only" in refused("DELETE FROM decisions_decisionevent WHERE id = %s", event.pk)
    assert "decision_event_append_only" in refused("TRUNCATE decisions_decisionevent CASCADE")
    with pytest.raises(IntegrityError), transaction.atomic():
        DecisionEvent._base_manager.filter(pk=event.pk).update(comment="x")  # past the ORM's guard


def test_a_raw_state_update_outside_the_lifecycle_is_refused(org):
    decision = decision_in(org, DecisionState.PROPOSED)

    assert "decision_state_follows_lifecycle" in refused(
        "UPDATE decisions_decision SET state = 'decided' WHERE id = %s", decision.pk
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(state=DecisionState.PUBLISHED)
    step = decision.steps.get(kind=StepKind.RISK_ASSESSMENT)
    assert "step_state_follows_lifecycle" in refused(
        "UPDATE decisions_procedurestep SET state = 'done' WHERE id = %s", step.pk
    )


def test_a_raw_state_update_along_the_lifecycle_is_allowed(org):
    decision = decision_in(org, DecisionState.PROPOSED)

    run_sql("UPDATE decisions_decision SET state = 'preparing' WHERE id = %s", decision.pk)
    step = decision.steps.get(kind=StepKind.RISK_ASSESSMENT)
    run_sql("UPDATE decisions_procedurestep SET state = 'in_progress' WHERE id = %s", step.pk)
    run_sql("UPDATE decisions_decision SET title = '改名' WHERE id = %s", decision.pk)  # the state unchanged

    decision.refresh_from_db()
    assert decision.state == DecisionState.PREPARING


def _trigger_pairs(function: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_functiondef(%s::regproc)", [function])
        body = cursor.fetchone()[0]
    return set(re.findall(r"\('(\w+)', '(\w+)'\)", body))


def test_the_state_triggers_allow_exactly_the_lifecycles_transitions():
    # Written out from the contract here, not read from the migration's helper.
    contract = {(str(s), str(t)) for spec in TRANSITIONS.values() for s in spec.source for t in spec.targets}
    steps = {
        ("pending", "in_progress"),
        ("in_progress", "done"),
        ("pending", "waived"),
        ("in_progress", "waived"),
        ("done", "in_progress"),
        ("waived", "in_progress"),
    }

    assert _trigger_pairs("decision_state_follows_lifecycle") == contract
    assert _trigger_pairs("step_state_follows_lifecycle") == steps


def test_meeting_corrections_are_final(org):
    decision = decision_in(org, DecisionState.DECIDED)
    correction = services.meeting_correct(
        decision=decision,
        actor=org.secretary,
        meeting_id=decision.meetings.get().pk,
        field="head_final_statement",
        text="同意。",
        reason="核对纪要。",
    )
    correction = MeetingCorrection.objects.filter(meeting__decision=decision).get()

    assert "meeting_correction_final" in refused(
        "UPDATE decisions_meetingcorrection SET text = 'x' WHERE id = %s", correction.pk
    )
    assert "meeting_correction_final" in refused("DELETE FROM decisions_meetingcorrection WHERE id = %s", correction.pk)
    assert "meeting_correction_final" in refused("TRUNCATE decisions_meetingcorrection")


def test_a_decided_waiver_request_is_final(org):
    decision = decision_in(org, DecisionState.PREPARING)
    waive_step(decision, StepKind.EXPERT_ARGUMENT, org)
    request = WaiverRequest.objects.get(step__decision=decision)

    assert "waiver_request_final_once_decided" in refused(
        "UPDATE decisions_waiverrequest SET reason = 'x' WHERE id = %s", request.pk
    )
    assert "waiver_request_final_once_decided" in refused(
        "DELETE FROM decisions_waiverrequest WHERE id = %s", request.pk
    )


def test_an_issued_opinion_keeps_its_content_but_takes_the_confirmation_of_changes(org):
    from reviews.models import LegalityReview, OpinionLetter

    decision = decision_in(org, DecisionState.AWAITING_DECISION)
    review = LegalityReview.objects.get(decision=decision, issued_at__isnull=False)

    assert "legality_review_final_once_issued" in refused(
        "UPDATE reviews_legalityreview SET conclusion = 'unlawful' WHERE id = %s", review.pk
    )
    assert "legality_review_final_once_issued" in refused(
        "UPDATE reviews_legalityreview SET letter_content = '{}' WHERE id = %s", review.pk
    )
    assert "legality_review_final_once_issued" in refused("DELETE FROM reviews_legalityreview WHERE id = %s", review.pk)
    assert "legality_review_final_once_issued" in refused("TRUNCATE reviews_legalityreview CASCADE")
    run_sql("UPDATE reviews_legalityreview SET changes_confirmed_at = now() WHERE id = %s", review.pk)

    letter, _created = OpinionLetter.objects.get_or_create(
        review=review, format="pdf", defaults={"file": "x.pdf", "size": 1, "sha256": "a" * 64}
    )
    run_sql("UPDATE reviews_opinionletter SET file = 'reviews/letters/again.pdf' WHERE id = %s", letter.pk)
    assert "opinion_letter_final" in refused(
        "UPDATE reviews_opinionletter SET sha256 = %s WHERE id = %s", "b" * 64, letter.pk
    )
    assert "opinion_letter_final" in refused("DELETE FROM reviews_opinionletter WHERE id = %s", letter.pk)


# --------------------------------------------------------------------------- damage behind the guards


def _off() -> None:
    disable_triggers("decisions_decisionevent", "decision_event_append_only")


def test_an_altered_event_is_named_with_its_decision(decided, org):
    events = chain(org)
    target = events[3]
    _off()
    run_sql("UPDATE decisions_decisionevent SET comment = '改过' WHERE id = %s", target.pk)

    status, output = verify_audit()

    assert status == 1
    assert f"event {target.pk}," in output and decided.code in output and "content altered" in output


def test_a_deleted_event_is_named_at_the_event_after_it(decided, org):
    events = chain(org)
    _off()
    run_sql("DELETE FROM decisions_decisionevent WHERE id = %s", events[2].pk)

    status, output = verify_audit("--government", str(org.government.pk))

    assert status == 1
    assert f"event {events[3].pk}," in output and "missing predecessor" in output


def test_a_deleted_last_event_leaves_the_head_ahead(decided, org):
    events = chain(org)
    _off()
    run_sql("DELETE FROM decisions_decisionevent WHERE id = %s", events[-1].pk)

    status, output = verify_audit()

    assert status == 1
    assert "missing events at the end" in output


def test_two_events_swapped_are_found_at_the_first_of_them(decided, org):
    events = chain(org)
    first, second = events[2], events[3]
    _off()
    run_sql("UPDATE decisions_decisionevent SET seq = NULL WHERE id = %s", first.pk)
    run_sql("UPDATE decisions_decisionevent SET seq = %s WHERE id = %s", first.seq, second.pk)
    run_sql("UPDATE decisions_decisionevent SET seq = %s WHERE id = %s", second.seq, first.pk)

    status, output = verify_audit()

    assert status == 1
    assert f"event {second.pk}," in output and "link broken" in output


def test_an_event_inserted_behind_the_orm_is_found(decided, org):
    run_sql(
        "INSERT INTO decisions_decisionevent (decision_id, step_kind, transition, from_state, to_state, comment,"
        " details, created_at, prev_hash, hash) VALUES (%s, '', 'withdraw', 'decided', 'withdrawn', '', '{}',"
        " now(), '', '')",
        decided.pk,
    )

    status, output = verify_audit()

    assert status == 1
    assert "missing predecessor" in output and decided.code in output


def test_a_rewritten_event_with_its_hash_recomputed_still_breaks_the_next_link(decided, org):
    events = chain(org)
    target = events[1]
    _off()
    target.comment = "改过"
    forged = audit.compute_hash(target, target.prev_hash)
    run_sql("UPDATE decisions_decisionevent SET comment = '改过', hash = %s WHERE id = %s", forged, target.pk)

    status, output = verify_audit()

    assert status == 1
    assert f"event {events[2].pk}," in output and "link broken" in output


# --------------------------------------------------------------------------- the heads kept elsewhere


def test_audit_heads_prints_each_governments_head_of_the_day(decided, org, tmp_path):
    from django.utils import timezone

    out = tmp_path / "heads.csv"
    call_command("audit_heads", "--date", timezone.localdate().isoformat(), "--output", str(out))

    lines = out.read_text(encoding="utf-8").splitlines()
    head = AuditChainHead.objects.get(government=org.government)
    assert lines[0] == "government,date,seq,head_hash"
    assert f"{org.government.pk},{timezone.localdate().isoformat()},{head.seq},{head.hash}" in lines


# --------------------------------------------------------------------------- the application's role

APP_ROLE = "audit_branch_least_privilege_app"  # created inside the test's transaction: gone with it
AUDIT_TABLES = (
    "decisions_decisionevent",
    "decisions_meetingcorrection",
    "decisions_waiverrequest",
    "reviews_legalityreview",
    "reviews_opinionletter",
)


def test_the_applications_role_may_only_read_and_append_to_the_audit_tables(decided):
    # Given the least-privilege role of docs/security.md: SELECT and INSERT on the audit tables
    from django.db.utils import ProgrammingError

    run_sql(f"CREATE ROLE {APP_ROLE} NOLOGIN")
    run_sql(f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}")
    for table in AUDIT_TABLES:
        run_sql(f"GRANT SELECT, INSERT ON {table} TO {APP_ROLE}")
    event = decided.events.first()
    try:
        run_sql(f"SET LOCAL ROLE {APP_ROLE}")
        # Then it reads the log
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM decisions_decisionevent WHERE decision_id = %s", [decided.pk])
            assert cursor.fetchone()[0] == decided.events.count()
        # ... and UPDATE, DELETE and TRUNCATE are refused to it, whatever the triggers
        for table in AUDIT_TABLES:
            for sql in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}", f"TRUNCATE {table} CASCADE"):
                with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
                    run_sql(sql)
        with pytest.raises(ProgrammingError, match="must be owner"), transaction.atomic():
            run_sql("ALTER TABLE decisions_decisionevent DISABLE TRIGGER decision_event_append_only")
        with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
            run_sql("SET session_replication_role = replica")
    finally:
        run_sql("RESET ROLE")
        run_sql(f"DROP OWNED BY {APP_ROLE}")
        run_sql(f"DROP ROLE {APP_ROLE}")
    assert DecisionEvent.objects.filter(pk=event.pk).exists()
