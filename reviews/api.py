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
from rest_framework import generics
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from decisions.api import converters  # noqa: F401  (registers <id:…>)
from decisions.api.parsers import JSONParser
from decisions.api.views import DecisionScoped, FileView, invalid, parse
from reviews import access, selectors
from reviews.actions import API_ACTIONS
from reviews.models import (
    FinalTextReview,
    LegalityReview,
    OpinionLetter,
    WaiverCheck,
)
from reviews.serializers import LegalAdviserSerializer, ReviewRecordSerializer

User = get_user_model()


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


class AdviserPool(generics.GenericAPIView):
    """The pool of legal advisers and public lawyers (Art 28) of the governments whose legal office
    the caller staffs; 403 for anyone else. A request to an adviser names one serving today."""

    schema_tags = ["reviews"]

    @extend_schema(responses=LegalAdviserSerializer(many=True), operation_id="reviews_advisers")
    def get(self, request):
        governments = access.adviser_pool_governments(request.user)
        if not governments:
            raise PermissionDenied(_("The pool of advisers is the legal office's."))
        page = self.paginate_queryset(selectors.adviser_pool(governments))
        return self.get_paginated_response(LegalAdviserSerializer(page, many=True).data)


# --------------------------------------------------------------------------- the actions


def _user_of_government(field: str, decision):
    def resolve(pk):
        user = User.objects.filter(pk=pk, memberships__department__government_id=decision.government_id).first()
        if user is None:
            raise invalid(field, _("Unknown person."))
        return user

    return resolve


PEOPLE = {"reviewer", "adviser"}


class ReviewActionView(DecisionScoped, APIView):
    schema_tags = ["reviews"]
    action_name = ""

    def post(self, request, pk):
        decision = self.get_decision()
        action = API_ACTIONS[self.action_name]
        values = parse(action.api_input, request.data)
        if action.files and values.get("file") is None:
            values.pop("file", None)  # an optional file left out (a material given as text)
        for name in PEOPLE & set(values):
            values[name] = _user_of_government(name, decision)(values[name])
        action.service(decision=decision, actor=request.user, **action.arguments(values))
        return Response(review_record(decision))


def make_review_action_view(action: str) -> type[ReviewActionView]:
    spec = API_ACTIONS[action]
    input_class, multipart = spec.api_input, spec.files
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
    path("reviews/advisers/", AdviserPool.as_view(), name="review-advisers"),
    path(decision + "review/", ReviewRecordView.as_view(), name="review"),
    path(
        decision + "review/letters/<id:letter_pk>/download/",
        LetterDownload.as_view(),
        name="review-letter-download",
    ),
    *[
        path(decision + f"review/{action}/", make_review_action_view(action).as_view(), name=f"review-{action}")
        for action in API_ACTIONS
    ],
]
