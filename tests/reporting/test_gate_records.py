"""The gate record the database keeps for each decision (reporting.models.GateRecord): written by
the record tables' triggers on every road, refused to anyone else, and compared every night with the
records it stands for (reporting.gate_records)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import DatabaseError, transaction

from decisions import integrity, services
from decisions.models import DecisionState, ProcedureStep, StepKind, StepState
from demo import builder as demo
from reporting import gate_records, overview
from reporting.choices import ReportingRule
from reporting.models import GateRecord
from tests.guards import disable_triggers, run_sql

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _register(org, **overrides):
    return services.decision_register(**org.decision_kwargs(**overrides))


GATES = gate_records.COLUMNS


def _record(decision) -> dict:
    return GateRecord.objects.filter(decision=decision).values(*GATES, "lacking").get()


def _rules(decision) -> list[str]:
    return [finding.rule for finding in integrity.findings_for(decision)]


def test_each_decision_gets_its_record_and_the_services_keep_it_current(org):
    decision = _register(org)
    assert _record(decision) == {
        "steps_settled": False,
        "risk_controllable": True,
        "review_allows": False,
        "meeting_recorded": False,
        "publication_recorded": False,
        "lacking": False,  # not past the review: nothing is required yet
    }
    demo.walk(decision, DecisionState.PUBLISHED, org)
    assert _record(decision) == dict.fromkeys(GATES, True) | {"lacking": False}
    assert ReportingRule.GATE_RECORD_CURRENT not in _rules(decision)


def test_raw_writes_to_the_records_move_the_gate_record_too(org):
    decision = demo.walk(_register(org), DecisionState.PUBLISHED, org)
    run_sql("DELETE FROM decisions_publication WHERE decision_id = %s", decision.pk)
    assert _record(decision)["publication_recorded"] is False
    assert _record(decision)["lacking"] is True
    run_sql(
        "UPDATE decisions_riskassessmentrecord SET controllable = false WHERE step_id IN "
        "(SELECT id FROM decisions_procedurestep WHERE decision_id = %s)",
        decision.pk,
    )
    assert _record(decision)["risk_controllable"] is False
    disable_triggers("decisions_procedurestep", "step_state_follows_lifecycle")
    ProcedureStep.objects.filter(decision=decision, kind=StepKind.EXPERT_ARGUMENT).update(state=StepState.PENDING)
    assert _record(decision)["steps_settled"] is False
    disable_triggers("reviews_legalityreview", "legality_review_final_once_issued")
    run_sql("UPDATE reviews_legalityreview SET conclusion = 'unlawful' WHERE decision_id = %s", decision.pk)
    assert _record(decision)["review_allows"] is False
    # Every change came through the triggers: the nightly check finds nothing to say of the gate record.
    assert ReportingRule.GATE_RECORD_CURRENT not in _rules(decision)


@pytest.mark.parametrize(
    "write",
    [
        lambda decision: GateRecord.objects.filter(decision=decision).update(steps_settled=True),
        lambda decision: run_sql(
            "UPDATE reporting_gaterecord SET review_allows = true WHERE decision_id = %s", decision.pk
        ),
    ],
    ids=["through the ORM or the admin", "by raw SQL"],
)
def test_nobody_but_the_database_writes_a_gate_record(org, write):
    decision = _register(org)
    with pytest.raises(DatabaseError, match="gate_record_written_by_the_database"), transaction.atomic():
        write(decision)
    assert _record(decision) == dict.fromkeys(GATES, False) | {"risk_controllable": True, "lacking": False}


def test_a_state_changed_behind_the_services_moves_the_gate_record(org):
    decision = _register(org)
    disable_triggers("decisions_decision", "decision_state_follows_lifecycle")
    run_sql("UPDATE decisions_decision SET state = 'decided' WHERE id = %s", decision.pk)
    assert _record(decision)["lacking"] is True
    assert overview.overview_summary(org.leader)["flagged"] == 1


def test_a_gate_record_is_deleted_only_with_its_decision(org):
    decision = _register(org)
    with pytest.raises(DatabaseError, match="gate_record_written_by_the_database"), transaction.atomic():
        run_sql("DELETE FROM reporting_gaterecord WHERE decision_id = %s", decision.pk)
    assert GateRecord.objects.filter(decision=decision).exists()


def test_a_gate_record_written_around_the_guard_or_lost_is_a_finding_of_the_record(org):
    forged = demo.walk(_register(org), DecisionState.DECIDED, org)
    disable_triggers("decisions_procedurestep", "step_state_follows_lifecycle")
    ProcedureStep.objects.filter(decision=forged, kind=StepKind.EXPERT_ARGUMENT).update(state=StepState.PENDING)
    assert overview.overview_summary(org.leader)["flagged"] == 1
    # A superuser turns the guard off and writes the row back as if every gate held.
    disable_triggers("reporting_gaterecord", "gate_record_written_by_the_database")
    GateRecord.objects.filter(decision=forged).update(steps_settled=True, lacking=False)
    assert overview.overview_summary(org.leader)["flagged"] == 0
    # The nightly check of the record names what the row hides.
    [finding] = [f for f in integrity.findings_for(forged) if f.rule == ReportingRule.GATE_RECORD_CURRENT]
    assert str(GateRecord._meta.get_field("steps_settled").verbose_name) in finding.message
    assert str(GateRecord._meta.get_field("lacking").verbose_name) in finding.message

    lost = demo.walk(_register(org, title="民用天然气价格调整"), DecisionState.PUBLISHED, org)
    GateRecord.objects.filter(decision=lost).delete()
    [finding] = [f for f in integrity.findings_for(lost) if f.rule == ReportingRule.GATE_RECORD_CURRENT]
    assert "gate record" in finding.message or "必经环节记录" in finding.message


def test_the_rebuild_writes_the_records_of_decisions_copied_with_the_triggers_off(org):
    decision = demo.walk(_register(org), DecisionState.PUBLISHED, org)
    disable_triggers("reporting_gaterecord", "gate_record_written_by_the_database")
    GateRecord.objects.filter(decision=decision).delete()
    run_sql("SELECT reporting_gates_rebuild()")
    assert _record(decision) == dict.fromkeys(GATES, True) | {"lacking": False}


SQLITE_SCRIPT = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.db import connection
from decisions import services
from decisions.models import DecisionState
from demo import builder as demo
from reporting.models import GateRecord
from tests.factories import make_org
org = make_org()
decision = demo.walk(services.decision_register(**org.decision_kwargs()), DecisionState.PUBLISHED, org)
before = GateRecord.objects.get(decision=decision)
with connection.cursor() as cursor:
    cursor.execute("DELETE FROM decisions_publication WHERE decision_id = %s", [decision.pk])
after = GateRecord.objects.get(decision=decision)
print(before.steps_settled, before.review_allows, before.meeting_recorded, before.publication_recorded,
      before.lacking, after.publication_recorded, after.lacking)
"""


def test_on_sqlite_the_triggers_keep_the_gate_record_too(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DATABASE_")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", DJANGO_SETTINGS_MODULE="config.settings.test")
    result = subprocess.run(
        [sys.executable, "-c", SQLITE_SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split()[-7:] == ["True", "True", "True", "True", "False", "False", "True"]
