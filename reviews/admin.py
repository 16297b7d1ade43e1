"""Admin for the review records: read-only. Every write of a review goes through reviews.services,
where the rules are (who may write and issue, the numbering, the clock, the gates); an admin form
would be a road around them. The document number sequence is shown, never edited: editing it would
make gaps or duplicates.

The pool of legal advisers is organisation data, not a record: administrators keep it here, and the
model's ``clean`` holds its rules (the term ends after it starts; the person holds the legal adviser
role in that government's legal office)."""

from django.contrib import admin

from reviews.models import (
    AdviserOpinion,
    DocumentNumberSequence,
    FinalTextReview,
    LegalAdviser,
    LegalityReview,
    OpinionLetter,
    ReviewItem,
    SubmissionMaterial,
    SupplementRequest,
    WaiverCheck,
)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        # Shown, never edited: a listed field outside the readonly ones would be put in a model form,
        # and one that is not editable at all (created_at) makes building that form fail.
        return self.fields or ()


class MaterialInline(ReadOnlyInline):
    model = SubmissionMaterial
    fields = ("kind", "step", "attachment", "text", "automatic", "added_by")


class SupplementInline(ReadOnlyInline):
    model = SupplementRequest
    fields = ("requested_on", "missing", "requested_by", "answered_on", "answer", "answered_by")


class WaiverCheckInline(ReadOnlyInline):
    model = WaiverCheck
    fields = (
        "step",
        "waiver_reason",
        "waiver_article",
        "waiver_approved_by",
        "verdict",
        "verdict_reason",
        "checked_by",
    )


class AdviserOpinionInline(ReadOnlyInline):
    model = AdviserOpinion
    fields = ("adviser", "question", "opinion", "signed_at", "signature", "withdrawn_at")


class ItemInline(ReadOnlyInline):
    model = ReviewItem
    fields = (
        "number",
        "clause",
        "problem_type",
        "problem",
        "legal_basis",
        "suggested_change",
        "response",
        "response_reason",
    )


class LetterInline(ReadOnlyInline):
    model = OpinionLetter
    fields = ("format", "file", "size", "sha256", "created_at")


@admin.register(LegalityReview)
class LegalityReviewAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("decision", "round", "accepted_on", "assigned_to", "conclusion", "document_number", "issued_at")
    list_filter = ("conclusion", "decision__government")
    search_fields = ("decision__code", "decision__title", "document_number")
    list_select_related = ("decision", "assigned_to")
    inlines = [MaterialInline, SupplementInline, WaiverCheckInline, AdviserOpinionInline, ItemInline, LetterInline]


@admin.register(FinalTextReview)
class FinalTextReviewAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("decision", "text_kind", "result", "reviewed_by", "reviewed_at")
    list_filter = ("result",)
    list_select_related = ("decision", "reviewed_by")


@admin.register(DocumentNumberSequence)
class DocumentNumberSequenceAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("office", "year", "last_number")
    list_select_related = ("office",)


@admin.register(LegalAdviser)
class LegalAdviserAdmin(admin.ModelAdmin):
    list_display = ("user", "government", "kind", "firm", "fields_of_practice", "term_start", "term_end", "active")
    list_filter = ("kind", "active", "government")
    search_fields = ("user__username", "user__first_name", "user__last_name", "firm", "fields_of_practice")
    list_select_related = ("user", "government")
