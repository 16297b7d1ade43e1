"""The record kept by the database itself (Art 38–41; docs/security.md):

- the event log (``decisions_decisionevent``) and the meeting's corrections
  (``decisions_meetingcorrection``) refuse UPDATE, DELETE and TRUNCATE;
- a waiver request, once decided (status no longer 'requested'), refuses UPDATE and DELETE, and the
  table refuses TRUNCATE;
- the decision's and the steps' state columns accept only the transitions of the lifecycle contract:
  the pairs are read from ``decisions.lifecycle.state_pairs`` and the steps' state machine
  (``step_state_pairs``) when this migration runs, so the trigger and the contract cannot drift
  (tests/decisions/test_audit.py compares them);
- the audit chain's head (``decisions_auditchainhead``) only moves forward and is never deleted.

A refusal is a ``check_violation`` in PostgreSQL, ``RAISE(ABORT)`` in SQLite (the demo database of
``make run``), an IntegrityError either way. SQLite has no TRUNCATE: its ``DELETE FROM`` meets the
DELETE triggers. A superuser can still disable triggers (``ALTER TABLE … DISABLE TRIGGER``,
``session_replication_role``): the application's role must not be one, and the audit chain
(``decisions.audit``) tells what was done with them disabled.

Follow-up migrations that change the lifecycle contract must recreate the state triggers (run
``drop_state_guards`` then ``create_state_guards``)."""

from django.db import migrations

from decisions.migrations._triggers import runners

REFUSE = """
    CREATE FUNCTION decisions_refuse() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'check_violation';
    END $$ LANGUAGE plpgsql
"""


def _pg_final(table: str, name: str, *, when: str = "") -> list[tuple[str, str]]:
    """UPDATE and DELETE refused row by row (where ``when`` holds of the old row), TRUNCATE refused."""
    condition = f"WHEN ({when})" if when else ""
    return [
        (
            f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW {condition} "
            f"EXECUTE FUNCTION decisions_refuse('{name}')",
            f"DROP TRIGGER {name} ON {table}",
        ),
        (
            f"CREATE TRIGGER {name}_truncate BEFORE TRUNCATE ON {table} FOR EACH STATEMENT "
            f"EXECUTE FUNCTION decisions_refuse('{name}')",
            f"DROP TRIGGER {name}_truncate ON {table}",
        ),
    ]


def _sqlite_final(table: str, name: str, *, when: str = "") -> list[tuple[str, str]]:
    condition = f"WHEN {when}" if when else ""
    return [
        (
            f"CREATE TRIGGER {name}_{op.lower()} BEFORE {op} ON {table} {condition} "
            f"BEGIN SELECT RAISE(ABORT, '{name}'); END;",
            f"DROP TRIGGER {name}_{op.lower()};",
        )
        for op in ("UPDATE", "DELETE")
    ]


def _pairs_sql(pairs) -> str:
    return ", ".join(f"('{a}', '{b}')" for a, b in sorted(pairs))


STATE_GUARDS = {
    # (table, trigger name, where the allowed pairs come from)
    "decision": ("decisions_decision", "decision_state_follows_lifecycle"),
    "step": ("decisions_procedurestep", "step_state_follows_lifecycle"),
}


def _state_pairs() -> dict[str, frozenset[tuple[str, str]]]:
    # The code as it is when the migration runs: the contract itself, not a copy of it.
    from decisions.lifecycle import state_pairs
    from decisions.models.lifecycle import step_state_pairs

    return {"decision": state_pairs(), "step": step_state_pairs()}


def _pg_state(table: str, name: str, pairs) -> list[tuple[str, str]]:
    return [
        (
            f"""
            CREATE FUNCTION {name}() RETURNS trigger AS $$
            BEGIN
                IF (OLD.state::text, NEW.state::text) NOT IN ({_pairs_sql(pairs)}) THEN
                    RAISE EXCEPTION '{name}' USING ERRCODE = 'check_violation';
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql
            """,
            f"DROP FUNCTION {name}()",
        ),
        (
            f"CREATE TRIGGER {name} BEFORE UPDATE OF state ON {table} FOR EACH ROW "
            f"WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION {name}()",
            f"DROP TRIGGER {name} ON {table}",
        ),
    ]


def _sqlite_state(table: str, name: str, pairs) -> list[tuple[str, str]]:
    allowed = ", ".join(f"'{a}>{b}'" for a, b in sorted(pairs))
    return [
        (
            f"CREATE TRIGGER {name} BEFORE UPDATE OF state ON {table} "
            f"WHEN OLD.state <> NEW.state AND (OLD.state || '>' || NEW.state) NOT IN ({allowed}) "
            f"BEGIN SELECT RAISE(ABORT, '{name}'); END;",
            f"DROP TRIGGER {name};",
        )
    ]


def statements(vendor: str) -> list[tuple[str, str]]:
    pairs = _state_pairs()
    if vendor == "postgresql":
        result = [(REFUSE, "DROP FUNCTION decisions_refuse()")]
        result += _pg_final("decisions_decisionevent", "decision_event_append_only")
        result += _pg_final("decisions_meetingcorrection", "meeting_correction_final")
        result += [
            (
                "CREATE TRIGGER waiver_request_final_once_decided BEFORE UPDATE OR DELETE ON decisions_waiverrequest "
                "FOR EACH ROW WHEN (OLD.status <> 'requested') "
                "EXECUTE FUNCTION decisions_refuse('waiver_request_final_once_decided')",
                "DROP TRIGGER waiver_request_final_once_decided ON decisions_waiverrequest",
            ),
            (
                "CREATE TRIGGER waiver_request_final_once_decided_truncate BEFORE TRUNCATE ON decisions_waiverrequest "
                "FOR EACH STATEMENT EXECUTE FUNCTION decisions_refuse('waiver_request_final_once_decided')",
                "DROP TRIGGER waiver_request_final_once_decided_truncate ON decisions_waiverrequest",
            ),
            (
                "CREATE TRIGGER audit_chain_head_moves_forward BEFORE UPDATE ON decisions_auditchainhead "
                "FOR EACH ROW WHEN (NEW.seq < OLD.seq OR NEW.government_id <> OLD.government_id) "
                "EXECUTE FUNCTION decisions_refuse('audit_chain_head_moves_forward')",
                "DROP TRIGGER audit_chain_head_moves_forward ON decisions_auditchainhead",
            ),
            (
                "CREATE TRIGGER audit_chain_head_kept BEFORE DELETE ON decisions_auditchainhead "
                "FOR EACH ROW EXECUTE FUNCTION decisions_refuse('audit_chain_head_kept')",
                "DROP TRIGGER audit_chain_head_kept ON decisions_auditchainhead",
            ),
        ]
        for key, (table, name) in STATE_GUARDS.items():
            result += _pg_state(table, name, pairs[key])
        return result
    if vendor == "sqlite":
        result = _sqlite_final("decisions_decisionevent", "decision_event_append_only")
        result += _sqlite_final("decisions_meetingcorrection", "meeting_correction_final")
        result += _sqlite_final(
            "decisions_waiverrequest", "waiver_request_final_once_decided", when="OLD.status <> 'requested'"
        )
        result += [
            (
                "CREATE TRIGGER audit_chain_head_moves_forward BEFORE UPDATE ON decisions_auditchainhead "
                "WHEN NEW.seq < OLD.seq OR NEW.government_id <> OLD.government_id "
                "BEGIN SELECT RAISE(ABORT, 'audit_chain_head_moves_forward'); END;",
                "DROP TRIGGER audit_chain_head_moves_forward;",
            ),
            (
                "CREATE TRIGGER audit_chain_head_kept BEFORE DELETE ON decisions_auditchainhead "
                "BEGIN SELECT RAISE(ABORT, 'audit_chain_head_kept'); END;",
                "DROP TRIGGER audit_chain_head_kept;",
            ),
        ]
        for key, (table, name) in STATE_GUARDS.items():
            result += _sqlite_state(table, name, pairs[key])
        return result
    return []


class Migration(migrations.Migration):
    dependencies = [("decisions", "0017_chain_recorded_events")]

    operations = [migrations.RunPython(*runners(statements), elidable=False)]
