from django.db import migrations


class Migration(migrations.Migration):
    """The hearing's fields leave the participation record once their data moved (0025)."""

    dependencies = [
        ("decisions", "0030_move_hearing_data"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="participationrecord",
            name="hearing_date",
        ),
        migrations.RemoveField(
            model_name="participationrecord",
            name="hearing_materials_sent_on",
        ),
        migrations.RemoveField(
            model_name="participationrecord",
            name="hearing_participants_published_on",
        ),
        migrations.RemoveField(
            model_name="participationrecord",
            name="hearing_record",
        ),
        migrations.RemoveField(
            model_name="participationrecord",
            name="hearing_record_signed",
        ),
    ]
