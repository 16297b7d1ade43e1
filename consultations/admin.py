"""The public side's records in the admin: shown read-only like every procedural record (the
services are their only writers), and without the people's personal data, which only the lead
sponsor's (or the executing unit's) staff read in their inbox."""

from django.contrib import admin

from consultations.models import Comment, Consultation, ExecutionFeedback
from decisions.admin import RecordAdmin


@admin.register(Consultation)
class ConsultationAdmin(RecordAdmin):
    list_display = ("record", "name_required", "postal_address")


@admin.register(Comment)
class CommentAdmin(RecordAdmin):
    list_display = ("tracking_number", "consultation", "channel", "article", "hidden", "handling", "created_at")
    list_filter = ("channel", "hidden", "handling")
    exclude = ("name", "contact", "ip")


@admin.register(ExecutionFeedback)
class ExecutionFeedbackAdmin(RecordAdmin):
    list_display = ("tracking_number", "decision", "created_at", "replied_at")
    exclude = ("name", "contact", "ip")
