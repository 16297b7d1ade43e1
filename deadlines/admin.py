"""Admin for the working-day calendar, the deadlines and the reminders.

Calendar days and department channels are edited here; deadlines, reminders, deliveries and
notifications are written only by ``deadlines.clocks`` / ``deadlines.reminders`` and are shown
read-only, with one action: send failed deliveries again.
"""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from deadlines import reminders
from deadlines.models import Deadline, Delivery, DepartmentNotificationSettings, Notification, Reminder
from decisions import workdays
from decisions.models import CalendarDay


class ReadOnlyAdmin(admin.ModelAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "weekday", "is_working_day", "name", "note")
    list_filter = ("is_working_day",)
    date_hierarchy = "date"
    search_fields = ("name", "note")

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        return obj.date.strftime("%a")

    def changelist_view(self, request, extra_context=None):
        missing = workdays.years_needing_schedule(timezone.localdate())
        if missing:
            messages.warning(
                request,
                _(
                    "The holiday schedule for %(years)s is not entered yet: deadlines in that year are counted on "
                    "weekdays only. Load the State Council's notice with manage.py load_holidays (see "
                    "docs/holidays-template.csv)."
                )
                % {"years": ", ".join(str(y) for y in missing)},
            )
        return super().changelist_view(request, extra_context)


@admin.register(DepartmentNotificationSettings)
class DepartmentNotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ("department", "email_enabled", "webhook_enabled", "webhook_kind", "webhook_url")
    list_filter = ("webhook_kind", "webhook_enabled")
    list_select_related = ("department",)
    autocomplete_fields = ()


class ReminderInline(admin.TabularInline):
    model = Reminder
    extra = 0
    can_delete = False
    fields = ("kind", "due_day", "status", "sent_at")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdmin):
    list_display = ("decision", "kind", "department", "due_date", "unit", "status", "paused", "next_reminder_on")
    list_filter = ("status", "kind", "unit")
    list_select_related = ("decision", "department")
    search_fields = ("decision__code", "decision__title")
    date_hierarchy = "due_date"
    inlines = [ReminderInline]


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = (
        "channel",
        "user",
        "department",
        "address",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ("deadline", "kind", "due_day", "status", "sent_at")
    list_filter = ("status", "kind")
    list_select_related = ("deadline__decision",)
    date_hierarchy = "due_day"
    inlines = [DeliveryInline]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("reminder", "channel", "user", "department", "status", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("status", "channel")
    list_select_related = ("reminder__deadline__decision", "user", "department")
    actions = ["send_again"]

    @admin.action(description=_("Send the selected failed deliveries again"))
    def send_again(self, request, queryset):
        failed = list(queryset.filter(status=Delivery.Status.FAILED))
        for delivery in failed:
            reminders.retry_delivery(delivery)
        self.message_user(
            request,
            ngettext("%(count)s delivery will be sent again.", "%(count)s deliveries will be sent again.", len(failed))
            % {"count": len(failed)},
        )


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("user", "reminder", "event", "created_at", "read_at")
    list_select_related = ("user", "reminder__deadline__decision", "event__decision")
