"""Admin for every model. States change only through the services, so the state fields are read-only
here; decisions and steps are created by the registration service, never by hand; the event log
cannot be added to, edited or deleted. Nothing of the record is deleted from the admin."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from decisions.models import (
    Attachment,
    Decision,
    DecisionEvent,
    Department,
    Evaluation,
    ExecutionReport,
    ExpertOpinion,
    Government,
    Meeting,
    Membership,
    ParticipationRecord,
    ProcedureStep,
    Publication,
    RiskAssessmentRecord,
    RuleSettings,
    StepKind,
    WaiverBasis,
    WaiverRequest,
)
from decisions.presentation import article_label


class NoDeleteMixin:
    """The record of a decision is kept for life (Art 38–41): nothing is deleted from the admin."""

    def has_delete_permission(self, request, obj=None):
        return False


class RuleSettingsInline(admin.StackedInline):
    model = RuleSettings
    can_delete = False
    extra = 0
    verbose_name_plural = _("rule settings (blank = inherit from the parent government or the national default)")


@admin.register(Government)
class GovernmentAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "parent", "short_name")
    list_filter = ("level",)
    search_fields = ("name",)
    inlines = [RuleSettingsInline]


@admin.register(RuleSettings)
class RuleSettingsAdmin(admin.ModelAdmin):
    list_display = ("government", "min_comment_period_days", "min_review_working_days", "max_review_working_days")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "government", "kind")
    list_filter = ("kind", "government")
    search_fields = ("name",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "department", "role")
    list_filter = ("role", "department__government")
    search_fields = ("user__username", "user__first_name", "user__last_name", "department__name")
    autocomplete_fields = ("department",)


class StepInline(admin.TabularInline):
    model = ProcedureStep
    fields = ("kind", "state", "waiver_reason", "waiver_article", "waiver_approved_by", "waiver_request", "settled_at")
    readonly_fields = fields
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = DecisionEvent
    fields = ("created_at", "actor", "step_kind", "transition", "from_state", "to_state", "comment", "ip_address")
    readonly_fields = fields
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("code", "title", "government", "lead_sponsor", "state", "catalogue_year", "in_catalogue")
    list_filter = ("state", "catalogue_year", "government", "category", "in_catalogue")
    search_fields = ("code", "title")
    list_select_related = ("government", "lead_sponsor")
    readonly_fields = (
        "government",
        "code",
        "catalogue_year",
        "sequence",
        "state",
        "executing_unit",
        "deferred_on",
        "registered_by",
        "created_at",
        "updated_at",
    )
    filter_horizontal = ("co_sponsors",)
    inlines = [StepInline, EventInline]

    def has_add_permission(self, request):
        # Registration goes through decisions.services.decision_register (code, steps, event).
        return False


@admin.register(ProcedureStep)
class ProcedureStepAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("decision", "kind", "state", "settled_at")
    list_filter = ("kind", "state")
    readonly_fields = (
        "decision",
        "kind",
        "state",
        "started_at",
        "settled_at",
        "waiver_reason",
        "waiver_article",
        "waiver_approved_by",
        "waiver_request",
    )

    def has_add_permission(self, request):
        return False


class WaiverBasisForm(forms.ModelForm):
    steps = forms.MultipleChoiceField(
        label=_("steps it may dispense"), choices=StepKind.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WaiverBasis
        fields = ("citation", "title", "text", "steps", "government", "active")


@admin.register(WaiverBasis)
class WaiverBasisAdmin(NoDeleteMixin, admin.ModelAdmin):
    """The maintained list a waiver's legal basis is chosen from. A basis is retired by clearing
    "active" (requests that relied on it keep it), never deleted."""

    form = WaiverBasisForm
    list_display = ("cited", "title", "government", "active")
    list_filter = ("active", "government")
    search_fields = ("citation", "title", "text")
    list_select_related = ("government",)

    @admin.display(description=_("citation"), ordering="citation")
    def cited(self, obj: WaiverBasis) -> str:
        return article_label(obj.citation)


@admin.register(WaiverRequest)
class WaiverRequestAdmin(NoDeleteMixin, admin.ModelAdmin):
    """Read-only: a waiver is requested by the sponsor and decided by the named approver in their
    own login (decisions.services.waivers), never here, an administrator's account included."""

    list_display = ("step", "status", "requested_by", "approver", "created_at", "decided_at")
    list_filter = ("status", "step__kind")
    search_fields = ("step__decision__code", "step__decision__title", "reason")
    list_select_related = ("step__decision", "requested_by", "approver")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ParticipationRecord)
class ParticipationRecordAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("step", "period_start", "period_end", "comments_count")
    readonly_fields = ("step",)


@admin.register(ExpertOpinion)
class ExpertOpinionAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("expert_name", "step", "signed_on", "declared_interest", "handling")
    readonly_fields = ("step",)


@admin.register(RiskAssessmentRecord)
class RiskAssessmentRecordAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("step", "level", "controllable", "third_party")
    readonly_fields = ("step",)


@admin.register(Meeting)
class MeetingAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("decision", "meeting_type", "held_on", "outcome")
    list_filter = ("meeting_type", "outcome")
    readonly_fields = ("decision", "outcome", "recorded_by")


@admin.register(Publication)
class PublicationAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("decision", "document_number", "published_on", "in_gazette")
    readonly_fields = ("decision",)


@admin.register(ExecutionReport)
class ExecutionReportAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("decision", "reported_on")
    readonly_fields = ("decision", "reported_by")


@admin.register(Evaluation)
class EvaluationAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("decision", "trigger", "evaluator", "completed_on")
    readonly_fields = ("decision",)


@admin.register(Attachment)
class AttachmentAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("original_name", "decision", "kind", "size", "sha256", "created_at")
    list_filter = ("kind",)
    readonly_fields = ("decision", "step", "file", "original_name", "extension", "size", "sha256", "uploaded_by")

    def has_add_permission(self, request):
        # Uploads go through decisions.services.attachment_upload (type, size and checksum checks).
        return False


@admin.register(DecisionEvent)
class DecisionEventAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "decision",
        "step_kind",
        "transition",
        "from_state",
        "to_state",
        "actor",
        "ip_address",
    )
    list_filter = ("transition", "step_kind")
    search_fields = ("decision__code", "decision__title", "comment")
    list_select_related = ("decision", "actor")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


import decisions.api.admin  # noqa: E402,F401  (API tokens: issued, shown last used, revoked here)
