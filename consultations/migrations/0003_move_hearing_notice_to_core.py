"""The hearing notice the consultation kept (place, time, how participants are chosen, who) moves
to the core's hearing of the same participation step (decisions.Hearing, Art 16), then leaves the
consultation. A participant line written as "name（interest）" is split into the two; any other
line is kept whole as the name."""

import re

from django.db import migrations

PARTICIPANT_LINE = re.compile(r"^(?P<name>[^（(]+)[（(](?P<represents>.+)[）)]$")


def forwards(apps, schema_editor):
    Consultation = apps.get_model("consultations", "Consultation")
    Hearing = apps.get_model("decisions", "Hearing")
    HearingParticipant = apps.get_model("decisions", "HearingParticipant")
    for consultation in Consultation.objects.select_related("record").order_by("pk").iterator():
        if not (
            consultation.hearing_place
            or consultation.hearing_time
            or consultation.hearing_selection
            or consultation.hearing_participants
        ):
            continue
        hearing, _ = Hearing.objects.get_or_create(step_id=consultation.record.step_id)
        hearing.place = hearing.place or consultation.hearing_place
        hearing.hearing_time = hearing.hearing_time or consultation.hearing_time
        if consultation.hearing_selection and not hearing.selection_method:
            hearing.selection_method = "other"
            hearing.selection_detail = consultation.hearing_selection
        hearing.save()
        if hearing.participants.exists():
            continue
        for line in consultation.hearing_participants.splitlines():
            line = line.strip()
            if not line:
                continue
            match = PARTICIPANT_LINE.match(line)
            name, represents = (match["name"].strip(), match["represents"].strip()) if match else (line, "")
            HearingParticipant.objects.create(
                hearing=hearing, name=name[:100], represents=represents[:200], selected_how="other"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0002_record_guards"),
        ("decisions", "0031_remove_participation_hearing_fields"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(model_name="consultation", name="hearing_participants"),
        migrations.RemoveField(model_name="consultation", name="hearing_place"),
        migrations.RemoveField(model_name="consultation", name="hearing_selection"),
        migrations.RemoveField(model_name="consultation", name="hearing_time"),
    ]
