"""The public side over the API: submit a comment, and look one up by its tracking number. No
other comment data is public: no list, no name, no contact."""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from consultations import selectors, services
from consultations.choices import Channel, Handling
from decisions import limits
from decisions.api.parsers import JSONParser
from decisions.api.views import PublicView, parse
from decisions.visibility import public_participation_records


class CommentSubmitSerializer(serializers.Serializer):
    decision = serializers.IntegerField(min_value=1)
    text = serializers.CharField(max_length=limits.REASON_MAX_LENGTH)
    article = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)
    name = serializers.CharField(required=False, allow_blank=True, default="", max_length=limits.LINE_MAX_LENGTH)
    contact = serializers.CharField(required=False, allow_blank=True, default="", max_length=limits.LINE_MAX_LENGTH)


class CommentStatusSerializer(serializers.Serializer):
    """What the holder of a tracking number reads: never the name or the contact."""

    tracking_number = serializers.CharField()
    decision = serializers.IntegerField(source="consultation.record.step.decision_id")
    title = serializers.CharField(source="consultation.record.step.decision.title")
    article = serializers.IntegerField(allow_null=True)
    channel = serializers.ChoiceField(choices=Channel.choices)
    received_at = serializers.DateTimeField(source="created_at")
    status = serializers.SerializerMethodField()
    handling = serializers.SerializerMethodField()
    answer = serializers.SerializerMethodField()

    def get_status(self, comment) -> str:
        if comment.hidden:
            return "withheld"
        return "answered" if comment.is_answered else "received"

    @extend_schema(responses=serializers.ChoiceField(choices=Handling.choices, allow_blank=True))
    def get_handling(self, comment) -> str:
        return "" if comment.hidden else comment.effective.handling

    def get_answer(self, comment) -> str:
        return comment.hidden_reason if comment.hidden else comment.effective.answer


class CommentSubmit(PublicView, APIView):
    """Send a comment on a call for comments while its period runs (Art 15); the answer holds the
    tracking number."""

    parser_classes = [JSONParser]

    @extend_schema(request=CommentSubmitSerializer, responses={201: CommentStatusSerializer}, auth=[])
    def post(self, request):
        data = parse(CommentSubmitSerializer, request.data)
        record = public_participation_records().filter(step__decision_id=data.pop("decision")).first()
        if record is None:
            raise Http404
        comment = services.comment_submit(record=record, ip=request.META.get("REMOTE_ADDR") or None, **data)
        return Response(CommentStatusSerializer(comment).data, status=status.HTTP_201_CREATED)


class CommentStatus(PublicView, APIView):
    """The status of one comment and its answer, by tracking number."""

    @extend_schema(responses=CommentStatusSerializer, auth=[])
    def get(self, request, number):
        comment = selectors.tracked_comment(number)
        if comment is None:
            raise Http404
        return Response(CommentStatusSerializer(comment).data)


urlpatterns = [
    path("public/comments/", CommentSubmit.as_view(), name="public-comment-submit"),
    path("public/comments/<str:number>/", CommentStatus.as_view(), name="public-comment-status"),
]
