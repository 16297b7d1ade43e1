"""Admin for every model. Organisation data (governments, departments, memberships, rule settings,
calendars, webhooks) is edited here. The procedural record (decisions, steps, the records the
gates judge, meetings, publications, execution reports, evaluations, files, the event log) is only
shown: every change to it goes through a service that checks the gates and writes an event, so a
superuser has no road around the five steps. Nothing of the record is deleted from the admin."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from decisions.models import (
    Attachment,
    Catalogue,
    CatalogueAdjustment,
    CatalogueEntry,
    Decision,
    DecisionEvent,
    Department,
    DraftingRecord,
    Evaluation,
    ExecutionProblem,
    ExecutionReport,
    Expert,
    ExpertOpinion,
    ExpertSelection,
    Government,
    Hearing,
    HearingParticipant,
    MatterType,
    Meeting,
    MeetingCorrection,
    MeetingPacket,
    MeetingPosition,
    Membership,
    ParticipationRecord,
    PartyCommitteeReport,
    ProcedureStep,
    Publication,
    RiskAssessmentRecord,
    Role,
    RuleSettings,
    StepKind,
    WaiverBasis,
    WaiverRequest,
)
from decisions.presentation import article_label


class RecordAdmin(admin.ModelAdmin):
    """The procedural record, shown and never changed here (Art 38–41): no add, no change, no
    delete, whoever asks. The services are the only writers (decisions.services, reviews.services)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RuleSettingsInline(admin.StackedInline):
    model = RuleSettings
    can_delete = False
    extra = 0
    verbose_name_plural = _("rule settings (blank = inherit from the parent government or the national default)")


@admin.register(Government)
class GovernmentAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "parent", "short_name", "head")
    list_filter = ("level",)
    search_fields = ("name",)
    list_select_related = ("parent", "head")
    inlines = [RuleSettingsInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Art 37: the head is one of the government's leaders; the choices are the leaders (of this
        # government when editing one), and ``Government.clean`` refuses anyone else.
        if db_field.name == "head":
            leaders = Membership.objects.filter(role=Role.LEADER)
            government_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            if government_id and str(government_id).isdigit():
                leaders = leaders.filter(department__government_id=int(government_id))
            kwargs["queryset"] = get_user_model().objects.filter(pk__in=leaders.values("user_id"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


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
class DecisionAdmin(RecordAdmin):
    list_display = ("code", "title", "government", "lead_sponsor", "state", "catalogue_year", "in_catalogue")
    list_filter = ("state", "catalogue_year", "government", "category", "in_catalogue")
    search_fields = ("code", "title")
    list_select_related = ("government", "lead_sponsor")
    # Registered by decisions.services.decision_register; amended by decision_amend and
    # decision_change_sponsors, each with its reason and event.
    inlines = [StepInline, EventInline]


@admin.register(ProcedureStep)
class ProcedureStepAdmin(RecordAdmin):
    list_display = ("decision", "kind", "state", "settled_at")
    list_filter = ("kind", "state")


class WaiverBasisForm(forms.ModelForm):
    steps = forms.MultipleChoiceField(
        label=_("steps it may dispense"), choices=StepKind.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WaiverBasis
        fields = ("citation", "title", "text", "steps", "government", "active")


@admin.register(WaiverBasis)
class WaiverBasisAdmin(admin.ModelAdmin):
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

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WaiverRequest)
class WaiverRequestAdmin(RecordAdmin):
    """Read-only: a waiver is requested by the sponsor and decided by the named approver in their
    own login (decisions.services.waivers), never here, an administrator's account included."""

    list_display = ("step", "status", "requested_by", "approver", "created_at", "decided_at")
    list_filter = ("status", "step__kind")
    search_fields = ("step__decision__code", "step__decision__title", "reason")
    list_select_related = ("step__decision", "requested_by", "approver")


@admin.register(ParticipationRecord)
class ParticipationRecordAdmin(RecordAdmin):
    list_display = ("step", "period_start", "period_end", "comments_count")


class ExpertAdminForm(forms.ModelForm):
    class Meta:
        model = Expert
        fields = [
            "government",
            "name",
            "field",
            "title",
            "organisation",
            "user",
            "related_departments",
            "declared_interests",
            "active",
        ]

    def clean(self):
        cleaned = super().clean()
        government = cleaned.get("government")
        departments = cleaned.get("related_departments")
        # A tie is declared with a department of the pool's own government: only those sponsor its
        # decisions, so only those can exclude the expert (Art 20).
        if government and departments and any(d.government_id != government.pk for d in departments):
            self.add_error("related_departments", _("Declare ties only with departments of the pool's own government."))
        return cleaned


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    """The pool is organisation data: kept in the admin, with its validation (``Expert.clean``)."""

    form = ExpertAdminForm
    list_display = ("name", "government", "field", "title", "organisation", "user", "active")
    list_filter = ("government", "active")
    search_fields = ("name", "organisation", "field")
    filter_horizontal = ("related_departments",)
    autocomplete_fields = ("user",)


@admin.register(ExpertSelection)
class ExpertSelectionAdmin(RecordAdmin):
    list_display = ("expert", "step", "method", "excluded")


@admin.register(MatterType)
class MatterTypeAdmin(admin.ModelAdmin):
    """A government's kinds of matter and whether each requires a hearing (Art 16): its data, not
    code. The model's ``clean`` keeps a requirement from being added over decisions already past it."""

    list_display = ("name", "government", "hearing_required")
    list_filter = ("hearing_required", "government")
    search_fields = ("name", "legal_basis")


@admin.register(Hearing)
class HearingAdmin(RecordAdmin):
    list_display = ("step", "hearing_on", "notice_published_on", "participants_published_on", "materials_sent_on")


@admin.register(HearingParticipant)
class HearingParticipantAdmin(RecordAdmin):
    list_display = ("name", "represents", "hearing", "confirmed_on", "objected_on")


@admin.register(ExpertOpinion)
class ExpertOpinionAdmin(RecordAdmin):
    list_display = ("expert_name", "step", "stance", "signed_on", "declared_interest", "handling")


@admin.register(RiskAssessmentRecord)
class RiskAssessmentRecordAdmin(RecordAdmin):
    list_display = ("step", "level", "controllable", "third_party")


class ReadOnlyInline(admin.TabularInline):
    """Shown, never edited, added to or deleted."""

    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        # Every listed field read-only: one outside them would be put in a model form.
        return self.fields or ()

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MeetingPositionInline(ReadOnlyInline):
    model = MeetingPosition
    fields = ("order", "member_name", "user", "role", "position", "reasons")


class MeetingCorrectionInline(ReadOnlyInline):
    model = MeetingCorrection
    fields = ("created_at", "field", "text", "reason", "corrected_by")


@admin.register(Meeting)
class MeetingAdmin(RecordAdmin):
    list_display = ("decision", "meeting_type", "held_on", "outcome", "head_against_majority")
    list_filter = ("meeting_type", "outcome", "head_against_majority")
    search_fields = ("decision__code", "decision__title")
    list_select_related = ("decision",)
    inlines = [MeetingPositionInline, MeetingCorrectionInline]


@admin.register(MeetingCorrection)
class MeetingCorrectionAdmin(RecordAdmin):
    list_display = ("meeting", "field", "corrected_by", "created_at")
    list_filter = ("field",)
    list_select_related = ("meeting__decision", "corrected_by")


@admin.register(DraftingRecord)
class DraftingRecordAdmin(RecordAdmin):
    # Written by decisions.services.drafting_record_add (state, role, event).
    list_display = ("decision", "kind", "proposer", "recorded_by", "created_at")
    list_filter = ("kind",)
    list_select_related = ("decision", "recorded_by")


@admin.register(MeetingPacket)
class MeetingPacketAdmin(RecordAdmin):
    # Generated by reporting.packet.meeting_packet_generate (role, state, event).
    list_display = ("decision", "created_at", "page_count", "size", "sha256", "generated_by")
    list_select_related = ("decision", "generated_by")


@admin.register(Publication)
class PublicationAdmin(RecordAdmin):
    list_display = ("decision", "document_number", "published_on", "in_gazette")


@admin.register(ExecutionReport)
class ExecutionReportAdmin(RecordAdmin):
    list_display = ("decision", "reported_on")


@admin.register(PartyCommitteeReport)
class PartyCommitteeReportAdmin(RecordAdmin):
    list_display = ("decision", "document_number", "reported_on", "reported_by")
    list_select_related = ("decision", "reported_by")


@admin.register(ExecutionProblem)
class ExecutionProblemAdmin(RecordAdmin):
    list_display = ("decision", "source", "reported_on", "answer", "answered_on")
    list_filter = ("source", "answer")
    list_select_related = ("decision",)


@admin.register(Evaluation)
class EvaluationAdmin(RecordAdmin):
    list_display = ("decision", "trigger", "evaluator", "completed_on")


@admin.register(Attachment)
class AttachmentAdmin(RecordAdmin):
    # Uploads go through decisions.services.attachment_upload (type, size, checksum, state, event).
    list_display = ("original_name", "decision", "kind", "size", "sha256", "created_at")
    list_filter = ("kind",)


@admin.register(DecisionEvent)
class DecisionEventAdmin(RecordAdmin):
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


import decisions.api.admin  # noqa: E402,F401  (API tokens: issued, shown last used, revoked here)


class CatalogueEntryInline(admin.TabularInline):
    model = CatalogueEntry
    extra = 0
    can_delete = False
    readonly_fields = ("decision", "status")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Catalogue)
class CatalogueAdmin(RecordAdmin):
    """The yearly catalogue is the government office's act (Art 3): its services write it."""

    list_display = ("government", "year", "state", "approved_on", "approval_reference", "published_on")
    list_filter = ("state", "year", "government")
    inlines = [CatalogueEntryInline]


@admin.register(CatalogueAdjustment)
class CatalogueAdjustmentAdmin(RecordAdmin):
    list_display = ("catalogue", "decision", "kind", "made_on", "reason")
    list_filter = ("kind",)
