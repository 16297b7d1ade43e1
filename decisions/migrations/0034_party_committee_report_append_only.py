import importlib

from django.db import migrations

from decisions.migrations._triggers import runners

_guards = importlib.import_module("decisions.migrations.0018_audit_record_guards")
# The report to the Party committee (Art 31) is final in the database too, as the event log
# (migration 0018) and the drafting record are: no UPDATE or DELETE, whoever writes.
_FINAL = (("decisions_partycommitteereport", "party_committee_report_append_only"),)


def statements(vendor: str) -> list[tuple[str, str]]:
    final = {"postgresql": _guards._pg_final, "sqlite": _guards._sqlite_final}.get(vendor)
    return [pair for table, name in _FINAL for pair in final(table, name)] if final else []


create_guards, drop_guards = runners(statements)


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0033_drafting_fair_competition_kind"),
    ]

    operations = [
        migrations.RunPython(create_guards, drop_guards),
    ]
