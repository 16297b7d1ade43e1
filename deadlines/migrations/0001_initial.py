# The deadline and reminder models, moved here from the decisions app with their tables
# (decisions_deadline …): state only, no row moves.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MOVED = ["deadline", "departmentnotificationsettings", "reminder", "notification", "delivery"]


def move_content_types(apps, schema_editor, source="decisions", target="deadlines"):
    """Permissions granted on these models (and admin log entries) follow them to their app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    ContentType.objects.using(db).filter(app_label=source, model__in=MOVED).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="deadlines", target="decisions")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('decisions', '0006_move_deadlines_to_their_app'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables exist already (created by decisions.0003 under these names).
            state_operations=[
        migrations.CreateModel(
            name='Deadline',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('kind', models.CharField(choices=[('comment_period_end', 'Public comment period ends'), ('feedback_due', 'Feedback on comments due'), ('hearing_materials_due', 'Hearing materials due to participants'), ('review_minimum', 'Minimum legality review time ends'), ('review_maximum', 'Legality review due'), ('review_extension', 'Extended legality review due'), ('meeting', 'Collective discussion due'), ('deferral_limit', 'Deferral limit (leaves the catalogue)'), ('implementation_report', 'Implementation report due'), ('evaluation_due', 'Post-decision evaluation due')], max_length=30, verbose_name='kind')),
                ('anchor', models.CharField(max_length=80, verbose_name='anchor')),
                ('start_date', models.DateField(blank=True, null=True, verbose_name='counted from')),
                ('due_date', models.DateField(verbose_name='due date')),
                ('unit', models.CharField(choices=[('calendar_days', 'calendar days'), ('working_days', 'working days'), ('assigned', 'date assigned')], max_length=20, verbose_name='counted in')),
                ('amount', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='amount')),
                ('setting', models.CharField(blank=True, max_length=60, verbose_name='rule setting')),
                ('article', models.CharField(blank=True, max_length=40, verbose_name='article')),
                ('fallback_years', models.JSONField(blank=True, default=list, verbose_name='years counted on weekdays only')),
                ('paused', models.BooleanField(default=False, verbose_name='paused')),
                ('status', models.CharField(choices=[('open', 'Open'), ('met', 'Met'), ('missed', 'Missed'), ('cancelled', 'Cancelled')], default='open', max_length=10, verbose_name='status')),
                ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='closed at')),
                ('closed_note', models.CharField(blank=True, max_length=200, verbose_name='how it closed')),
                ('note', models.TextField(blank=True, verbose_name='note')),
                ('next_reminder_on', models.DateField(blank=True, null=True, verbose_name='next reminder on')),
                ('assigned_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='assigned by')),
                ('decision', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deadlines', to='decisions.decision', verbose_name='decision')),
                ('department', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='deadlines', to='decisions.department', verbose_name='responsible department')),
                ('step', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='deadlines', to='decisions.procedurestep', verbose_name='step')),
            ],
            options={
                'verbose_name': 'deadline',
                'verbose_name_plural': 'deadlines',
                'db_table': 'decisions_deadline',
                'ordering': ['due_date', 'id'],
            },
        ),
        migrations.CreateModel(
            name='DepartmentNotificationSettings',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('email_enabled', models.BooleanField(default=True, verbose_name="send e-mail reminders to the department's people")),
                ('webhook_enabled', models.BooleanField(default=True, verbose_name='post reminders to the webhook')),
                ('webhook_kind', models.CharField(choices=[('wecom', 'WeCom group robot (企业微信)'), ('dingtalk', 'DingTalk group robot (钉钉)'), ('generic', 'Generic JSON webhook')], default='wecom', max_length=10, verbose_name='webhook kind')),
                ('webhook_url', models.URLField(blank=True, max_length=500, verbose_name='webhook address')),
                ('webhook_secret', models.CharField(blank=True, help_text='DingTalk robots with signing enabled (加签).', max_length=200, verbose_name='signing secret')),
                ('department', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='notification_settings', to='decisions.department', verbose_name='department')),
            ],
            options={
                'verbose_name': 'department notification settings',
                'verbose_name_plural': 'department notification settings',
                'db_table': 'decisions_departmentnotificationsettings',
                'ordering': ['department'],
            },
        ),
        migrations.CreateModel(
            name='Reminder',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('kind', models.CharField(choices=[('before', 'Before the due date'), ('due_day', 'On the due date'), ('overdue', 'Overdue'), ('escalate_head', 'Overdue: escalated to the department head'), ('escalate_leader', 'Overdue: escalated to the government leader')], max_length=20, verbose_name='kind')),
                ('due_day', models.DateField(verbose_name='due day')),
                ('status', models.CharField(choices=[('pending', 'Pending'), ('sent', 'Sent'), ('superseded', 'Superseded by a later reminder'), ('cancelled', 'Cancelled (deadline closed)')], default='pending', max_length=12, verbose_name='status')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent at')),
                ('deadline', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='deadlines.deadline', verbose_name='deadline')),
            ],
            options={
                'verbose_name': 'reminder',
                'verbose_name_plural': 'reminders',
                'db_table': 'decisions_reminder',
                'ordering': ['deadline', 'due_day', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Notification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='read at')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                ('reminder', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='deadlines.reminder', verbose_name='reminder')),
            ],
            options={
                'verbose_name': 'notification',
                'verbose_name_plural': 'notifications',
                'db_table': 'decisions_notification',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Delivery',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('channel', models.CharField(choices=[('in_app', 'In-app'), ('email', 'E-mail'), ('webhook', 'Webhook')], max_length=10, verbose_name='channel')),
                ('address', models.CharField(blank=True, max_length=500, verbose_name='address')),
                ('status', models.CharField(choices=[('pending', 'Pending'), ('sent', 'Sent'), ('failed', 'Failed')], default='pending', max_length=10, verbose_name='status')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                ('next_attempt_at', models.DateTimeField(blank=True, null=True, verbose_name='next attempt at')),
                ('last_error', models.TextField(blank=True, verbose_name='last error')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent at')),
                ('department', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='decisions.department', verbose_name='department')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                ('reminder', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='deadlines.reminder', verbose_name='reminder')),
            ],
            options={
                'verbose_name': 'delivery',
                'verbose_name_plural': 'deliveries',
                'db_table': 'decisions_delivery',
                'ordering': ['reminder', 'channel', 'id'],
            },
        ),
        migrations.AddIndex(
            model_name='deadline',
            index=models.Index(condition=models.Q(('status', 'open')), fields=['next_reminder_on'], name='deadline_reminder_scan'),
        ),
        migrations.AddIndex(
            model_name='deadline',
            index=models.Index(fields=['status', 'due_date'], name='deadline_status_due'),
        ),
        migrations.AddConstraint(
            model_name='deadline',
            constraint=models.UniqueConstraint(fields=('decision', 'kind', 'anchor'), name='deadline_unique_anchor'),
        ),
        migrations.AddConstraint(
            model_name='deadline',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'open')), fields=('decision', 'kind'), name='deadline_one_open_per_kind'),
        ),
        migrations.AddConstraint(
            model_name='deadline',
            constraint=models.CheckConstraint(condition=models.Q(('status', 'open'), ('closed_at__isnull', False), _connector='OR'), name='deadline_closed_has_time'),
        ),
        migrations.AddIndex(
            model_name='reminder',
            index=models.Index(condition=models.Q(('status', 'pending')), fields=['due_day'], name='reminder_pending_due'),
        ),
        migrations.AddConstraint(
            model_name='reminder',
            constraint=models.UniqueConstraint(fields=('deadline', 'kind', 'due_day'), name='reminder_once_per_kind_and_day'),
        ),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(fields=['user', 'read_at'], name='notification_user_unread'),
        ),
        migrations.AddConstraint(
            model_name='notification',
            constraint=models.UniqueConstraint(fields=('reminder', 'user'), name='notification_once_per_user'),
        ),
        migrations.AddIndex(
            model_name='delivery',
            index=models.Index(condition=models.Q(('status', 'pending')), fields=['next_attempt_at'], name='delivery_pending_due'),
        ),
        migrations.AddConstraint(
            model_name='delivery',
            constraint=models.UniqueConstraint(condition=models.Q(('user__isnull', False)), fields=('reminder', 'channel', 'user'), name='delivery_once_per_user'),
        ),
        migrations.AddConstraint(
            model_name='delivery',
            constraint=models.UniqueConstraint(condition=models.Q(('department__isnull', False)), fields=('reminder', 'channel', 'department'), name='delivery_once_per_department'),
        ),
        migrations.AddConstraint(
            model_name='delivery',
            constraint=models.CheckConstraint(condition=models.Q(('user__isnull', False), ('department__isnull', False), _connector='OR'), name='delivery_has_recipient'),
        ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back, elidable=True),
]
