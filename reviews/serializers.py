"""The legality review's serializers: what a round shows, and the input of each act (the API's
side of ``reviews.actions``)."""

from __future__ import annotations

from rest_framework import serializers

from decisions import limits
from decisions.api.serializers import IdField
from decisions.models import StepKind
from reviews.models import (
    AdviserOpinion,
    Conclusion,
    FinalTextKind,
    FinalTextResult,
    FinalTextReview,
    ItemResponse,
    LegalAdviser,
    LegalityReview,
    MaterialKind,
    OpinionLetter,
    ProblemType,
    ReviewItem,
    SubmissionMaterial,
    SupplementRequest,
    WaiverCheck,
)

# --------------------------------------------------------------------------- what a round shows


class MaterialSerializer(serializers.ModelSerializer):
    class Meta:
        model = SubmissionMaterial
        fields = ["id", "kind", "step", "attachment", "text", "automatic", "created_at"]


class SupplementSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupplementRequest
        fields = ["id", "missing", "requested_on", "answer", "answered_on"]


class WaiverCheckSerializer(serializers.ModelSerializer):
    step_kind = serializers.CharField(source="step.kind", read_only=True)

    class Meta:
        model = WaiverCheck
        fields = ["id", "step_kind", "waiver_reason", "waiver_article", "verdict", "verdict_reason", "checked_at"]


class LegalAdviserSerializer(serializers.ModelSerializer):
    """An adviser of the pool (Art 28): ``user`` is the id a request names as ``adviser``."""

    name = serializers.SerializerMethodField()
    signed = serializers.IntegerField(read_only=True)

    class Meta:
        model = LegalAdviser
        fields = [
            "id",
            "government",
            "user",
            "name",
            "kind",
            "firm",
            "fields_of_practice",
            "term_start",
            "term_end",
            "active",
            "signed",
        ]

    def get_name(self, entry: LegalAdviser) -> str:
        return entry.user.get_full_name() or entry.user.get_username()


class AdviserOpinionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AdviserOpinion
        fields = ["id", "adviser", "question", "requested_at", "opinion", "signed_at", "signature", "withdrawn_at"]


class ItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReviewItem
        fields = [
            "id",
            "number",
            "clause",
            "problem_type",
            "problem",
            "legal_basis",
            "suggested_change",
            "response",
            "response_reason",
            "responded_at",
        ]


class LetterSerializer(serializers.ModelSerializer):
    class Meta:
        model = OpinionLetter
        fields = ["id", "format", "size", "sha256", "created_at"]


class RoundSerializer(serializers.ModelSerializer):
    materials = MaterialSerializer(many=True, read_only=True)
    supplements = SupplementSerializer(many=True, read_only=True)
    waiver_checks = WaiverCheckSerializer(many=True, read_only=True)
    adviser_opinions = AdviserOpinionSerializer(many=True, read_only=True)
    items = ItemSerializer(many=True, read_only=True)
    letters = LetterSerializer(many=True, read_only=True)

    class Meta:
        model = LegalityReview
        fields = [
            "id",
            "round",
            "submitted_at",
            "accepted_on",
            "min_working_days",
            "max_working_days",
            "extension_working_days",
            "extension_reason",
            "assigned_to",
            "conclusion",
            "reasons",
            "legal_risk",
            "document_number",
            "issued_at",
            "changes_confirmed_at",
            "returned_at",
            "return_reason",
            "materials",
            "supplements",
            "waiver_checks",
            "adviser_opinions",
            "items",
            "letters",
        ]


class FinalTextSerializer(serializers.ModelSerializer):
    class Meta:
        model = FinalTextReview
        fields = ["id", "text_kind", "attachment", "result", "notes", "reviewed_at", "created_at"]


class ReviewRecordSerializer(serializers.Serializer):
    rounds = RoundSerializer(many=True)
    final_texts = FinalTextSerializer(many=True)


# --------------------------------------------------------------------------- the acts' inputs


class Empty(serializers.Serializer):
    pass


class MaterialInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MaterialKind.choices)
    text = serializers.CharField(required=False, allow_blank=True, default="", max_length=limits.TEXT_MAX_LENGTH)
    file = serializers.FileField(required=False, allow_empty_file=True, max_length=255)


class MissingInput(serializers.Serializer):
    missing = serializers.CharField(max_length=limits.REASON_MAX_LENGTH)


class AnswerInput(serializers.Serializer):
    answer = serializers.CharField(max_length=limits.REASON_MAX_LENGTH)


class UserInput(serializers.Serializer):
    reviewer = IdField()


class DaysInput(serializers.Serializer):
    working_days = serializers.IntegerField(min_value=0, max_value=365)
    reason = serializers.CharField(max_length=limits.REASON_MAX_LENGTH)


class WaiverVerdictInput(serializers.Serializer):
    step_kind = serializers.ChoiceField(choices=StepKind.choices)
    confirmed = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=limits.REASON_MAX_LENGTH)


class AdviserRequestInput(serializers.Serializer):
    adviser = IdField()
    question = serializers.CharField(max_length=limits.REASON_MAX_LENGTH)


class AdviserSignInput(serializers.Serializer):
    opinion_id = IdField()
    opinion = serializers.CharField(max_length=limits.TEXT_MAX_LENGTH)


class OpinionIdInput(serializers.Serializer):
    opinion_id = IdField()


class ItemInput(serializers.Serializer):
    clause = serializers.CharField(max_length=200)
    problem_type = serializers.ChoiceField(choices=ProblemType.choices)
    problem = serializers.CharField(max_length=limits.TEXT_MAX_LENGTH)
    legal_basis = serializers.CharField(max_length=limits.TEXT_MAX_LENGTH)
    suggested_change = serializers.CharField(max_length=limits.TEXT_MAX_LENGTH)


class ItemUpdateInput(ItemInput):
    item_id = IdField()


class ItemIdInput(serializers.Serializer):
    item_id = IdField()


class OpinionInput(serializers.Serializer):
    conclusion = serializers.ChoiceField(choices=Conclusion.choices)
    reasons = serializers.CharField(max_length=limits.TEXT_MAX_LENGTH)
    legal_risk = serializers.CharField(required=False, allow_blank=True, default="", max_length=limits.TEXT_MAX_LENGTH)
    # A "lawful" conclusion while problem items are recorded is refused unless this confirms it.
    despite_items = serializers.BooleanField(required=False, default=False)


class ItemAnswerInput(serializers.Serializer):
    item_id = IdField()
    response = serializers.ChoiceField(choices=ItemResponse.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=limits.REASON_MAX_LENGTH)


class FileInput(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, max_length=255)


class FinalTextInput(FileInput):
    text_kind = serializers.ChoiceField(choices=FinalTextKind.choices)


class FinalTextCheckInput(serializers.Serializer):
    final_text_id = IdField()
    result = serializers.ChoiceField(choices=FinalTextResult.choices)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=limits.REASON_MAX_LENGTH)
