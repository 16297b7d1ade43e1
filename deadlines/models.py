"""Statutory clocks and the reminders that chase them (Chinese working days: ``decisions.workdays``).

These models moved here from the ``decisions`` app; their tables kept their names
(``decisions_deadline`` …), so no row moved. ``deadlines.clocks`` creates, recomputes and closes
the clocks as the lifecycle moves; ``deadlines.reminders`` plans and delivers the reminders.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from decisions.models import Decision, DecisionEvent, Department, ProcedureStep, TimeStamped


class DeadlineEvent(models.TextChoices):
    """``DecisionEvent.transition`` of the clocks' acts on the decision's record."""

    ASSIGN_DEADLINE = "assign_deadline", _("Deadline assigned")


class DeadlineKind(models.TextChoices):
    COMMENT_PERIOD_END = "comment_period_end", _("Public comment period ends")  # Art 15
    FEEDBACK_DUE = "feedback_due", _("Feedback on comments due")  # Art 18
    HEARING_MATERIALS_DUE = "hearing_materials_due", _("Hearing materials due to participants")  # Art 16
    REVIEW_MINIMUM = "review_minimum", _("Minimum legality review time ends")  # Art 26
    REVIEW_MAXIMUM = "review_maximum", _("Legality review due")  # local rule
    REVIEW_EXTENSION = "review_extension", _("Extended legality review due")  # local rule
    MEETING = "meeting", _("Collective discussion due")  # Art 29
    DEFERRAL_LIMIT = "deferral_limit", _("Deferral limit (leaves the catalogue)")  # local practice
    IMPLEMENTATION_REPORT = "implementation_report", _("Implementation report due")  # Art 34
    EVALUATION_DUE = "evaluation_due", _("Post-decision evaluation due")  # Art 36


class Deadline(TimeStamped):
    """One statutory or assigned clock of a decision: what, for whom, when, on what basis, and
    whether it was met. Created, recomputed and closed by ``deadlines.clocks`` as the lifecycle
    moves; never edited by hand."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MET = "met", _("Met")
        MISSED = "missed", _("Missed")
        CANCELLED = "cancelled", _("Cancelled")

    class Unit(models.TextChoices):
        CALENDAR_DAYS = "calendar_days", _("calendar days")
        WORKING_DAYS = "working_days", _("working days")
        ASSIGNED = "assigned", _("date assigned")

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.CASCADE, related_name="deadlines"
    )
    step = models.ForeignKey(
        ProcedureStep, verbose_name=_("step"), null=True, blank=True, on_delete=models.CASCADE, related_name="deadlines"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("responsible department"), on_delete=models.PROTECT, related_name="deadlines"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=DeadlineKind.choices)
    # What the clock was computed from (a review round, a comment period, a deferral...): a clock whose
    # anchor changes is a new clock; a clock whose settings or calendar change is recomputed in place.
    anchor = models.CharField(_("anchor"), max_length=80)
    start_date = models.DateField(_("counted from"), null=True, blank=True)
    due_date = models.DateField(_("due date"))
    unit = models.CharField(_("counted in"), max_length=20, choices=Unit.choices)
    amount = models.PositiveSmallIntegerField(_("amount"), null=True, blank=True)
    setting = models.CharField(_("rule setting"), max_length=60, blank=True)
    article = models.CharField(_("article"), max_length=40, blank=True)
    fallback_years = models.JSONField(_("years counted on weekdays only"), default=list, blank=True)
    # The clock stands still (a legality review waiting for supplementary materials): no reminders.
    paused = models.BooleanField(_("paused"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_note = models.CharField(_("how it closed"), max_length=200, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True, max_length=500)  # the assignment form's limit
    # The next day a reminder of this clock falls due: the beat scan's indexed query.
    next_reminder_on = models.DateField(_("next reminder on"), null=True, blank=True)

    class Meta:
        db_table = "decisions_deadline"  # the table kept its name when the model moved here
        ordering = ["due_date", "id"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "kind", "anchor"],
                name="deadline_unique_anchor",
                violation_error_message=_("This deadline is already counted."),
            ),
            models.UniqueConstraint(
                fields=["decision", "kind"],
                condition=Q(status="open"),
                name="deadline_one_open_per_kind",
                violation_error_message=_("A deadline of this kind is already running."),
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(closed_at__isnull=False),
                name="deadline_closed_has_time",
                violation_error_message=_("A closed deadline records when it closed."),
            ),
        ]
        indexes = [
            models.Index(fields=["next_reminder_on"], condition=Q(status="open"), name="deadline_reminder_scan"),
            models.Index(fields=["status", "due_date"], name="deadline_status_due"),
        ]

    def __str__(self) -> str:
        return f"{self.decision.code} · {self.get_kind_display()} · {self.due_date}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def created_day(self) -> dt.date:
        """The local day the clock was recorded (today for one not saved yet): no reminder is dated
        before it."""
        return timezone.localdate(self.created_at) if self.created_at else timezone.localdate()


class DepartmentNotificationSettings(TimeStamped):
    """Where a department's reminders go besides the in-app bell: its group robot (企业微信 / 钉钉)."""

    class WebhookKind(models.TextChoices):
        WECOM = "wecom", _("WeCom group robot (企业微信)")
        DINGTALK = "dingtalk", _("DingTalk group robot (钉钉)")
        GENERIC = "generic", _("Generic JSON webhook")

    department = models.OneToOneField(
        Department, verbose_name=_("department"), on_delete=models.CASCADE, related_name="notification_settings"
    )
    email_enabled = models.BooleanField(_("send e-mail reminders to the department's people"), default=True)
    webhook_enabled = models.BooleanField(_("post reminders to the webhook"), default=True)
    webhook_kind = models.CharField(
        _("webhook kind"), max_length=10, choices=WebhookKind.choices, default=WebhookKind.WECOM
    )
    webhook_url = models.URLField(_("webhook address"), max_length=500, blank=True)
    webhook_secret = models.CharField(
        _("signing secret"), max_length=200, blank=True, help_text=_("DingTalk robots with signing enabled (加签).")
    )

    class Meta:
        db_table = "decisions_departmentnotificationsettings"  # the table kept its name when the model moved here
        ordering = ["department"]
        verbose_name = _("department notification settings")
        verbose_name_plural = _("department notification settings")

    def __str__(self) -> str:
        return str(self.department)


class ReminderKind(models.TextChoices):
    BEFORE = "before", _("Before the due date")
    DUE_DAY = "due_day", _("On the due date")
    OVERDUE = "overdue", _("Overdue")
    ESCALATE_HEAD = "escalate_head", _("Overdue: escalated to the department head")
    ESCALATE_LEADER = "escalate_leader", _("Overdue: escalated to the government leader")


class Reminder(TimeStamped):
    """One reminder of one deadline on one day. The unique key (deadline, kind, due day) is what
    makes a second scan, a second beat or a retried task unable to send it twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        SUPERSEDED = "superseded", _("Superseded by a later reminder")
        CANCELLED = "cancelled", _("Cancelled (deadline closed)")

    deadline = models.ForeignKey(
        Deadline, verbose_name=_("deadline"), on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    due_day = models.DateField(_("due day"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        db_table = "decisions_reminder"  # the table kept its name when the model moved here
        ordering = ["deadline", "due_day", "id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "kind", "due_day"],
                name="reminder_once_per_kind_and_day",
                violation_error_message=_("This reminder was already sent today."),
            ),
        ]
        indexes = [models.Index(fields=["due_day"], condition=Q(status="pending"), name="reminder_pending_due")]

    def __str__(self) -> str:
        return f"{self.deadline} · {self.get_kind_display()} · {self.due_day}"


class Notification(TimeStamped):
    """An in-app notification (the bell): of a reminder, created in the same transaction that marks
    the reminder sent; or of an event of the record that asks something of one person (a waiver
    request to its approver, its outcome to its requester), created in the event's transaction.
    Either way it exists exactly once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications"
    )
    reminder = models.ForeignKey(
        Reminder,
        verbose_name=_("reminder"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    event = models.ForeignKey(
        DecisionEvent,
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        db_table = "decisions_notification"  # the table kept its name when the model moved here
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["reminder", "user"],
                name="notification_once_per_user",
                violation_error_message=_("This person was already told of this reminder."),
            ),
            models.UniqueConstraint(
                fields=["event", "user"],
                name="notification_of_event_once_per_user",
                violation_error_message=_("This person was already told of this event."),
            ),
            models.CheckConstraint(
                condition=Q(reminder__isnull=False, event__isnull=True) | Q(reminder__isnull=True, event__isnull=False),
                name="notification_of_a_reminder_or_an_event",
                violation_error_message=_("A notification is about one reminder or one event."),
            ),
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self) -> str:
        return f"{self.user} · {self.reminder}"


class Delivery(TimeStamped):
    """One reminder, or one event that hands someone a task, through one channel to one person (in-app,
    e-mail) or department (webhook).

    External channels are sent while the row is locked and marked sent in the same transaction; a
    failure leaves it pending with the next attempt time (retries with backoff, by the next scans).
    """

    class Channel(models.TextChoices):
        IN_APP = "in_app", _("In-app")
        EMAIL = "email", _("E-mail")
        WEBHOOK = "webhook", _("Webhook")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    reminder = models.ForeignKey(
        Reminder, verbose_name=_("reminder"), null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    # Or the event of the record that handed someone a task (deadlines.arrivals).
    event = models.ForeignKey(
        DecisionEvent, verbose_name=_("event"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    address = models.CharField(_("address"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        db_table = "decisions_delivery"  # the table kept its name when the model moved here
        ordering = ["reminder", "event", "channel", "id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["reminder", "channel", "user"],
                condition=Q(user__isnull=False),
                name="delivery_once_per_user",
                violation_error_message=_("This reminder was already delivered to this person on this channel."),
            ),
            models.UniqueConstraint(
                fields=["reminder", "channel", "department"],
                condition=Q(department__isnull=False),
                name="delivery_once_per_department",
                violation_error_message=_("This reminder was already delivered to this department on this channel."),
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(department__isnull=False),
                name="delivery_has_recipient",
                violation_error_message=_("A delivery has a person or a department to reach."),
            ),
            models.UniqueConstraint(
                fields=["event", "channel", "user"],
                condition=Q(user__isnull=False),
                name="delivery_of_event_once_per_user",
                violation_error_message=_("This person has already been sent this notice."),
            ),
            models.UniqueConstraint(
                fields=["event", "channel", "department"],
                condition=Q(department__isnull=False),
                name="delivery_of_event_once_per_department",
                violation_error_message=_("This department has already been sent this notice."),
            ),
            models.CheckConstraint(
                condition=Q(reminder__isnull=False, event__isnull=True) | Q(reminder__isnull=True, event__isnull=False),
                name="delivery_of_a_reminder_or_an_event",
                violation_error_message=_("A delivery carries either a reminder or a notice of an event."),
            ),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="delivery_pending_due"),
        ]

    def __str__(self) -> str:
        return f"{self.reminder or self.event} · {self.get_channel_display()} · {self.get_status_display()}"
