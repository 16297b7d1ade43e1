from django.db import migrations

from decisions.migrations._triggers import runners

# The gate record of each decision (reporting.GateRecord), kept by the database: every write to a
# record table the overview's gates read — steps, risk assessments, review rounds, meetings,
# publications — and every change of a decision's state or executing unit recomputes the row of the
# decision it touched, whoever writes (a service, the admin, an import, raw SQL). The rules are the
# overview's (reporting.overview.gate_annotations, which the nightly check compares them with, row
# by row: reporting.gate_records).

COLUMNS = ("steps_settled", "risk_controllable", "review_allows", "meeting_recorded", "publication_recorded")

# Tables whose rows carry the decision's id, and the one that reaches it through its step.
BY_DECISION = (
    "decisions_procedurestep",
    "reviews_legalityreview",
    "decisions_meeting",
    "decisions_publication",
)
BY_STEP = "decisions_riskassessmentrecord"


def _values(decision: str) -> dict[str, str]:
    """Each column's value for the decision whose id is the SQL expression ``decision``: SQL both
    engines run. The states and conclusions as the code names them when the migration runs."""
    from decisions.models import SETTLED_STEP_STATES, StepKind
    from reviews.models import CLEARING_CONCLUSIONS, Conclusion

    settled = ", ".join(f"'{state}'" for state in SETTLED_STEP_STATES)
    clearing = ", ".join(f"'{conclusion}'" for conclusion in CLEARING_CONCLUSIONS)
    return {
        # Exactly the three preparatory steps, each done or not applicable (Art 25).
        "steps_settled": (
            f"(SELECT COUNT(*) = 3 AND COALESCE(SUM(CASE WHEN s.state IN ({settled}) THEN 1 ELSE 0 END), 0) = 3 "
            f"FROM decisions_procedurestep s WHERE s.decision_id = {decision})"
        ),
        # No risk judged uncontrollable on a settled risk assessment (Art 24).
        "risk_controllable": (
            "(NOT EXISTS (SELECT 1 FROM decisions_riskassessmentrecord r "
            "JOIN decisions_procedurestep s ON s.id = r.step_id "
            f"WHERE s.decision_id = {decision} AND s.kind = '{StepKind.RISK_ASSESSMENT}' "
            f"AND s.state IN ({settled}) AND r.controllable = FALSE))"
        ),
        # The latest round's opinion is issued and allows the meeting, changes confirmed where it
        # asked for them (Art 25, 28).
        "review_allows": (
            "COALESCE((SELECT v.issued_at IS NOT NULL AND v.conclusion IN "
            f"({clearing}) AND (v.conclusion <> '{Conclusion.LAWFUL_WITH_CHANGES}' "
            "OR v.changes_confirmed_at IS NOT NULL) "
            f"FROM reviews_legalityreview v WHERE v.decision_id = {decision} ORDER BY v.round DESC LIMIT 1), FALSE)"
        ),
        # The meeting's record (Art 29-30) and the publication (Art 32).
        "meeting_recorded": f"(EXISTS (SELECT 1 FROM decisions_meeting m WHERE m.decision_id = {decision}))",
        "publication_recorded": (
            f"(EXISTS (SELECT 1 FROM decisions_publication p WHERE p.decision_id = {decision}))"
        ),
    }


def _lacking(row: str) -> str:
    """Whether the gate record ``row`` (a table alias) lacks a gate its decision's state requires:
    the overview's GATE_STATES, as the lifecycle says when the migration runs."""
    from decisions.choices import STATES_PAST_REVIEW, RuleCode
    from reporting.overview import GATE_STATES

    def states(gate: str) -> str:
        return ", ".join(f"'{state}'" for state in GATE_STATES[gate])

    missing = " OR ".join(
        f"(d.state IN ({states(gate)}) AND NOT {row}.{gate})" for gate in GATE_STATES if gate in COLUMNS
    )
    past_review = ", ".join(f"'{state}'" for state in STATES_PAST_REVIEW)
    unit = f"(d.state IN ({states(RuleCode.EXECUTING_UNIT_NAMED)}) AND d.executing_unit_id IS NULL)"
    return (
        f"COALESCE((SELECT d.state IN ({past_review}) AND ({missing} OR {unit}) "
        f"FROM decisions_decision d WHERE d.id = {row}.decision_id), FALSE)"
    )


def _judge(decision: str) -> str:
    """The UPDATE of whether one decision lacks a gate, from its row's gates and its state."""
    return f"UPDATE reporting_gaterecord SET lacking = {_lacking('reporting_gaterecord')} WHERE decision_id = {decision}"


def _refresh(decision: str) -> str:
    """The UPDATEs of one decision's row (none if the decision has no row: see ``_open``): its gates,
    then whether it lacks one, from the gates just written."""
    values = _values(decision)
    assignments = ", ".join(f"{column} = {values[column]}" for column in COLUMNS)
    return f"UPDATE reporting_gaterecord SET {assignments} WHERE decision_id = {decision}; {_judge(decision)}"


def _rebuild() -> list[str]:
    """Every decision's row written afresh: the backfill, and the repair after a copy made with the
    triggers off (the province benchmark's seed)."""
    values = _values("d.id")
    columns = ", ".join(COLUMNS)
    return [
        f"INSERT INTO reporting_gaterecord (decision_id, {columns}, lacking) "
        f"SELECT d.id, {', '.join(values[column] for column in COLUMNS)}, FALSE FROM decisions_decision d WHERE TRUE "
        f"ON CONFLICT (decision_id) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in COLUMNS)}",
        f"UPDATE reporting_gaterecord SET lacking = {_lacking('reporting_gaterecord')}",
    ]


def _open(decision: str) -> str:
    """A new decision's row, refreshed at once (a decision may arrive past the review: an import)."""
    return (
        f"INSERT INTO reporting_gaterecord (decision_id, {', '.join(COLUMNS)}, lacking) "
        f"VALUES ({decision}, FALSE, TRUE, FALSE, FALSE, FALSE, FALSE)"
    )


def _postgresql() -> list[tuple[str, str]]:
    return [
        (
            # PL/pgSQL, not SQL: it keeps its statements' plans for the session, where an SQL
            # function would plan its seven subqueries again on every row a trigger passes it.
            "CREATE FUNCTION reporting_gates_refresh(bigint) RETURNS void LANGUAGE plpgsql AS $$ BEGIN "
            f"{_refresh('$1')}; END $$",
            "DROP FUNCTION reporting_gates_refresh(bigint)",
        ),
        (
            # The repair, the one way into the table besides the triggers (see the guard below).
            "CREATE FUNCTION reporting_gates_rebuild() RETURNS void LANGUAGE plpgsql AS $$ BEGIN "
            "PERFORM set_config('reporting.gates_rebuild', 'on', true); "
            f"{'; '.join(_rebuild())}; "
            "PERFORM set_config('reporting.gates_rebuild', 'off', true); END $$",
            "DROP FUNCTION reporting_gates_rebuild()",
        ),
        (
            "CREATE FUNCTION reporting_gates_follow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF TG_OP <> 'INSERT' THEN PERFORM reporting_gates_refresh(OLD.decision_id); END IF; "
            "IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.decision_id IS DISTINCT FROM OLD.decision_id) THEN "
            "PERFORM reporting_gates_refresh(NEW.decision_id); END IF; "
            "RETURN NULL; END $$",
            "DROP FUNCTION reporting_gates_follow()",
        ),
        (
            f"CREATE FUNCTION reporting_gates_follow_step() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF TG_OP <> 'INSERT' THEN PERFORM reporting_gates_refresh("
            "(SELECT decision_id FROM decisions_procedurestep WHERE id = OLD.step_id)); END IF; "
            "IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.step_id IS DISTINCT FROM OLD.step_id) THEN "
            "PERFORM reporting_gates_refresh((SELECT decision_id FROM decisions_procedurestep WHERE id = NEW.step_id)); "
            "END IF; RETURN NULL; END $$",
            "DROP FUNCTION reporting_gates_follow_step()",
        ),
        (
            # The state and the executing unit change which gates are required, not the gates.
            "CREATE FUNCTION reporting_gates_follow_decision() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"{_judge('NEW.id')}; RETURN NULL; END $$",
            "DROP FUNCTION reporting_gates_follow_decision()",
        ),
        (
            "CREATE FUNCTION reporting_gates_open() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"{_open('NEW.id')}; PERFORM reporting_gates_refresh(NEW.id); RETURN NULL; END $$",
            "DROP FUNCTION reporting_gates_open()",
        ),
        (
            # Nothing but the triggers (nested in a record table's trigger) and the repair writes or
            # deletes a row: not the admin, not the ORM, not a hand-typed statement. A row goes only
            # with its decision (which its history protects: decisions.DecisionEvent).
            "CREATE FUNCTION reporting_gates_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF pg_trigger_depth() < 2 AND coalesce(current_setting('reporting.gates_rebuild', true), '') <> 'on' "
            "AND (TG_OP <> 'DELETE' OR EXISTS (SELECT 1 FROM decisions_decision WHERE id = OLD.decision_id)) THEN "
            "RAISE EXCEPTION 'gate_record_written_by_the_database' USING ERRCODE = 'check_violation'; END IF; "
            "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$",
            "DROP FUNCTION reporting_gates_guard()",
        ),
        (
            "CREATE TRIGGER gate_record_written_by_the_database BEFORE INSERT OR UPDATE OR DELETE "
            "ON reporting_gaterecord FOR EACH ROW EXECUTE FUNCTION reporting_gates_guard()",
            "DROP TRIGGER gate_record_written_by_the_database ON reporting_gaterecord",
        ),
        (
            "CREATE TRIGGER gate_record_opens AFTER INSERT ON decisions_decision "
            "FOR EACH ROW EXECUTE FUNCTION reporting_gates_open()",
            "DROP TRIGGER gate_record_opens ON decisions_decision",
        ),
        (
            # The state and the executing unit decide which gates the decision must hold.
            "CREATE TRIGGER gate_record_follows AFTER UPDATE OF state, executing_unit_id ON decisions_decision "
            "FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state "
            "OR OLD.executing_unit_id IS DISTINCT FROM NEW.executing_unit_id) "
            "EXECUTE FUNCTION reporting_gates_follow_decision()",
            "DROP TRIGGER gate_record_follows ON decisions_decision",
        ),
        *(
            (
                f"CREATE TRIGGER gate_record_follows AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION reporting_gates_follow()",
                f"DROP TRIGGER gate_record_follows ON {table}",
            )
            for table in BY_DECISION
        ),
        (
            f"CREATE TRIGGER gate_record_follows AFTER INSERT OR UPDATE OR DELETE ON {BY_STEP} "
            "FOR EACH ROW EXECUTE FUNCTION reporting_gates_follow_step()",
            f"DROP TRIGGER gate_record_follows ON {BY_STEP}",
        ),
        ("SELECT reporting_gates_rebuild()", "SELECT 1"),
    ]


def _sqlite() -> list[tuple[str, str]]:
    """The same on SQLite (``make run``), which has no functions: each trigger holds its UPDATE.
    SQLite cannot tell a trigger's write from a person's, so the table has no guard there; the
    nightly check still compares every row with the records."""

    def trigger(name: str, event: str, table: str, body: str) -> tuple[str, str]:
        return (f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {body}; END", f"DROP TRIGGER {name}")

    def decision_of(row: str, table: str) -> str:
        if table == BY_STEP:
            return f"(SELECT decision_id FROM decisions_procedurestep WHERE id = {row}.step_id)"
        return f"{row}.decision_id"

    pairs = [
        trigger("gate_record_opens", "INSERT", "decisions_decision", f"{_open('NEW.id')}; {_refresh('NEW.id')}"),
        trigger("gate_record_follows_decision", "UPDATE OF state, executing_unit_id", "decisions_decision", _judge("NEW.id")),
    ]
    for table in (*BY_DECISION, BY_STEP):
        short = table.split("_", 1)[1]
        pairs += [
            trigger(f"gate_record_follows_{short}_insert", "INSERT", table, _refresh(decision_of("NEW", table))),
            trigger(
                f"gate_record_follows_{short}_update",
                "UPDATE",
                table,
                f"{_refresh(decision_of('OLD', table))}; {_refresh(decision_of('NEW', table))}",
            ),
            trigger(f"gate_record_follows_{short}_delete", "DELETE", table, _refresh(decision_of("OLD", table))),
        ]
    return [*pairs, *((statement, "SELECT 1") for statement in _rebuild())]


def statements(vendor: str) -> list[tuple[str, str]]:
    return {"postgresql": _postgresql, "sqlite": _sqlite}.get(vendor, list)()


create_triggers, drop_triggers = runners(statements)


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0001_gate_record"),
        ("reviews", "0006_legal_adviser_pool"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
    ]
