"""Art 16–17: the hearing moves off the participation record into its own rows. Every record with
hearing data gets a Hearing with the same dates and record; that the record was confirmed and
signed, which the old record kept as a tick with no participants named, is kept in the record's
text, in the record's language."""

from django.db import migrations

SIGNED_NOTE = "（迁移说明：原记录注明听证笔录已经听证参加人确认并签字。）"
OLD_FIELDS = (
    "hearing_date",
    "hearing_participants_published_on",
    "hearing_materials_sent_on",
    "hearing_record",
    "hearing_record_signed",
)


def has_hearing_data(record) -> bool:
    return any(getattr(record, name) for name in OLD_FIELDS)


def forwards(apps, schema_editor):
    ParticipationRecord = apps.get_model("decisions", "ParticipationRecord")
    Hearing = apps.get_model("decisions", "Hearing")
    for record in ParticipationRecord.objects.order_by("pk").iterator():
        if not has_hearing_data(record) or Hearing.objects.filter(step_id=record.step_id).exists():
            continue
        text = record.hearing_record or ""
        if record.hearing_record_signed:
            text = f"{text}\n{SIGNED_NOTE}" if text.strip() else SIGNED_NOTE
        Hearing.objects.create(
            step_id=record.step_id,
            hearing_on=record.hearing_date,
            participants_published_on=record.hearing_participants_published_on,
            materials_sent_on=record.hearing_materials_sent_on,
            record_text=text,
        )


def backwards(apps, schema_editor):
    ParticipationRecord = apps.get_model("decisions", "ParticipationRecord")
    Hearing = apps.get_model("decisions", "Hearing")
    for hearing in Hearing.objects.order_by("pk").iterator():
        text = hearing.record_text or ""
        signed = SIGNED_NOTE in text or (
            hearing.participants.exists() and not hearing.participants.filter(confirmed_on__isnull=True).exists()
        )
        ParticipationRecord.objects.filter(step_id=hearing.step_id).update(
            hearing_date=hearing.hearing_on,
            hearing_participants_published_on=hearing.participants_published_on,
            hearing_materials_sent_on=hearing.materials_sent_on,
            hearing_record=text.replace("\n" + SIGNED_NOTE, "").replace(SIGNED_NOTE, ""),
            hearing_record_signed=signed,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0029_hearings_and_matter_types"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
