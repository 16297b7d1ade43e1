"""The legality review over the API (Art 25–28): the rounds with their materials, supplements, waiver
checks, adviser opinions, items and letters; and each action of the review as
``POST /api/v1/decisions/{id}/review/{action}/``, a thin call of one ``reviews.services`` function.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from decisions.api import converters  # noqa: F401  (registers <id:…>)
from decisions.api.serializers import IdField, ReasonInput
from decisions.api.views import DecisionScoped, FileView, invalid, parse
from decisions.models import StepKind
from reviews import services as review_services
from reviews.models import (
    AdviserOpinion,
    Conclusion,
    FinalTextKind,
    FinalTextResult,
    FinalTextReview,
    ItemResponse,
    LegalityReview,
    MaterialKind,
    OpinionLetter,
    ProblemType,
    ReviewItem,
    SubmissionMaterial,
    SupplementRequest,
    WaiverCheck,
)

User = get_user_model()

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


def review_record(decision) -> dict:
    rounds = (
        LegalityReview.objects.filter(decision=decision)
        .prefetch_related(
            "materials",
            "supplements",
            Prefetch("waiver_checks", queryset=WaiverCheck.objects.select_related("step")),
            "adviser_opinions",
            "items",
            "letters",
        )
        .order_by("round")
    )
    final_texts = FinalTextReview.objects.filter(decision=decision).order_by("created_at", "id")
    return ReviewRecordSerializer({"rounds": rounds, "final_texts": final_texts}).data


class ReviewRecordView(DecisionScoped, APIView):
    schema_tags = ["reviews"]

    @extend_schema(responses=ReviewRecordSerializer, operation_id="decisions_review")
    def get(self, request, pk):
        return Response(review_record(self.get_decision()))


class LetterDownload(DecisionScoped, FileView):
    schema_tags = ["reviews"]

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)},
        operation_id="decisions_review_letter_download",
    )
    def get(self, request, pk, letter_pk):
        decision = self.get_decision()
        letter = OpinionLetter.objects.filter(review__decision=decision, pk=letter_pk).first()
        if letter is None or not letter.file:
            raise Http404
        return FileResponse(
            letter.file.open("rb"),
            as_attachment=True,
            filename=letter.file.name.rsplit("/", 1)[-1],
            content_type="application/octet-stream",
        )


# --------------------------------------------------------------------------- the actions


class Empty(serializers.Serializer):
    pass


class MaterialInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MaterialKind.choices)
    text = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    file = serializers.FileField(required=False, allow_empty_file=True, max_length=255)


class MissingInput(serializers.Serializer):
    missing = serializers.CharField(max_length=5000)


class AnswerInput(serializers.Serializer):
    answer = serializers.CharField(max_length=5000)


class UserInput(serializers.Serializer):
    reviewer = IdField()


class DaysInput(serializers.Serializer):
    working_days = serializers.IntegerField(min_value=0, max_value=365)
    reason = serializers.CharField(max_length=5000)


class WaiverVerdictInput(serializers.Serializer):
    step_kind = serializers.ChoiceField(choices=StepKind.choices)
    confirmed = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class AdviserRequestInput(serializers.Serializer):
    adviser = IdField()
    question = serializers.CharField(max_length=5000)


class AdviserSignInput(serializers.Serializer):
    opinion_id = IdField()
    opinion = serializers.CharField(max_length=20000)


class OpinionIdInput(serializers.Serializer):
    opinion_id = IdField()


class ItemInput(serializers.Serializer):
    clause = serializers.CharField(max_length=200)
    problem_type = serializers.ChoiceField(choices=ProblemType.choices)
    problem = serializers.CharField(max_length=20000)
    legal_basis = serializers.CharField(max_length=20000)
    suggested_change = serializers.CharField(max_length=20000)


class ItemUpdateInput(ItemInput):
    item_id = IdField()


class ItemIdInput(serializers.Serializer):
    item_id = IdField()


class OpinionInput(serializers.Serializer):
    conclusion = serializers.ChoiceField(choices=Conclusion.choices)
    reasons = serializers.CharField(max_length=20000)
    legal_risk = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)


class ItemAnswerInput(serializers.Serializer):
    item_id = IdField()
    response = serializers.ChoiceField(choices=ItemResponse.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class FileInput(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, max_length=255)


class FinalTextInput(FileInput):
    text_kind = serializers.ChoiceField(choices=FinalTextKind.choices)


class FinalTextCheckInput(serializers.Serializer):
    final_text_id = IdField()
    result = serializers.ChoiceField(choices=FinalTextResult.choices)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


def _user_of_government(field: str, decision):
    def resolve(pk):
        user = User.objects.filter(pk=pk, memberships__department__government_id=decision.government_id).first()
        if user is None:
            raise invalid(field, _("Unknown person."))
        return user

    return resolve


# action -> (service, input, multipart, {input name: service argument})
REVIEW_ACTIONS = {
    "add_material": (review_services.review_add_material, MaterialInput, True, {"file": "uploaded_file"}),
    "request_supplement": (review_services.review_request_supplement, MissingInput, False, {}),
    "answer_supplement": (review_services.review_answer_supplement, AnswerInput, False, {}),
    "return": (review_services.review_return, ReasonInput, False, {}),
    "accept": (review_services.review_accept, Empty, False, {}),
    "assign": (review_services.review_assign, UserInput, False, {}),
    "extend": (review_services.review_extend, DaysInput, False, {}),
    "shorten_minimum": (review_services.review_shorten_minimum, DaysInput, False, {}),
    "check_waiver": (review_services.review_check_waiver, WaiverVerdictInput, False, {}),
    "request_adviser_opinion": (review_services.review_request_adviser_opinion, AdviserRequestInput, False, {}),
    "sign_adviser_opinion": (review_services.review_sign_adviser_opinion, AdviserSignInput, False, {}),
    "withdraw_adviser_request": (review_services.review_withdraw_adviser_request, OpinionIdInput, False, {}),
    "add_item": (review_services.review_add_item, ItemInput, False, {}),
    "update_item": (review_services.review_update_item, ItemUpdateInput, False, {}),
    "delete_item": (review_services.review_delete_item, ItemIdInput, False, {}),
    "record_opinion": (review_services.review_record_opinion, OpinionInput, False, {}),
    "issue_opinion": (review_services.review_issue_opinion, Empty, False, {}),
    "answer_item": (review_services.review_answer_item, ItemAnswerInput, False, {}),
    "hand_in_revised_draft": (review_services.review_hand_in_revised_draft, FileInput, True, {"file": "uploaded_file"}),
    "confirm_changes": (review_services.review_confirm_changes, Empty, False, {}),
    "send_final_text": (review_services.review_send_final_text, FinalTextInput, True, {"file": "uploaded_file"}),
    "check_final_text": (review_services.review_check_final_text, FinalTextCheckInput, False, {}),
}
PEOPLE = {"reviewer", "adviser"}


class ReviewActionView(DecisionScoped, APIView):
    schema_tags = ["reviews"]
    action_name = ""

    def post(self, request, pk):
        decision = self.get_decision()
        service, input_class, _multipart, renames = REVIEW_ACTIONS[self.action_name]
        values = parse(input_class, request.data)
        if self.action_name == "add_material" and values.get("file") is None:
            values.pop("file", None)
        for name in PEOPLE & set(values):
            values[name] = _user_of_government(name, decision)(values[name])
        payload = {renames.get(name, name): value for name, value in values.items()}
        service(decision=decision, actor=request.user, **payload)
        return Response(review_record(decision))


def make_review_action_view(action: str) -> type[ReviewActionView]:
    _service, input_class, multipart, _renames = REVIEW_ACTIONS[action]
    media = "multipart/form-data" if multipart else "application/json"

    @extend_schema(
        request={media: input_class},
        responses=ReviewRecordSerializer,
        operation_id=f"decisions_review_{action}",
        summary=f"Review: {action}",
        description=str(gettext_lazy("Answers with the decision's whole review record.")),
    )
    def post(self, request, pk):
        return ReviewActionView.post(self, request, pk)

    return type(
        f"ReviewAction_{action}",
        (ReviewActionView,),
        {
            "action_name": action,
            "post": post,
            "parser_classes": [MultiPartParser] if multipart else [JSONParser],
        },
    )


decision = "decisions/<id:pk>/"

urlpatterns = [
    path(decision + "review/", ReviewRecordView.as_view(), name="review"),
    path(
        decision + "review/letters/<id:letter_pk>/download/",
        LetterDownload.as_view(),
        name="review-letter-download",
    ),
    *[
        path(decision + f"review/{action}/", make_review_action_view(action).as_view(), name=f"review-{action}")
        for action in REVIEW_ACTIONS
    ],
]
