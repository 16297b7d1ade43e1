from django.db import migrations

from decisions.migrations._triggers import append_only_runners

# The report to the Party committee (Art 31) is final in the database too, as the event log
# (migration 0018) and the drafting record are: no UPDATE or DELETE, whoever writes.
create_guards, drop_guards = append_only_runners(
    ("decisions_partycommitteereport", "party_committee_report_append_only")
)


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0033_drafting_fair_competition_kind"),
    ]

    operations = [
        migrations.RunPython(create_guards, drop_guards),
    ]
