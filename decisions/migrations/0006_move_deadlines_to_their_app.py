# The deadline and reminder models moved to the deadlines app. Their tables keep their names
# (Meta.db_table), so this only moves them in Django's migration state; no row moves.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('decisions', '0005_event_details'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
        migrations.RemoveField(
            model_name='reminder',
            name='deadline',
        ),
        migrations.RemoveField(
            model_name='delivery',
            name='department',
        ),
        migrations.RemoveField(
            model_name='delivery',
            name='reminder',
        ),
        migrations.RemoveField(
            model_name='delivery',
            name='user',
        ),
        migrations.RemoveField(
            model_name='departmentnotificationsettings',
            name='department',
        ),
        migrations.RemoveField(
            model_name='notification',
            name='reminder',
        ),
        migrations.RemoveField(
            model_name='notification',
            name='user',
        ),
        migrations.DeleteModel(
            name='Deadline',
        ),
        migrations.DeleteModel(
            name='Delivery',
        ),
        migrations.DeleteModel(
            name='DepartmentNotificationSettings',
        ),
        migrations.DeleteModel(
            name='Reminder',
        ),
        migrations.DeleteModel(
            name='Notification',
        ),
            ],
            database_operations=[],
        ),
    ]
