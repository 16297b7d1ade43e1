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
from consultations.models import Comment
from decisions import limits, permissions
from decisions.api import converters  # noqa: F401  (registers <id:…>)
from decisions.api.parsers import JSONParser
from decisions.api.views import DecisionScoped, PublicView, parse
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


# --------------------------------------------------------------------------- the sponsor's inbox


class InboxCommentSerializer(serializers.ModelSerializer):
    """A comment as the lead sponsor's staff see it, personal data included."""

    group_lead = serializers.CharField(source="group_lead.tracking_number", allow_null=True, default=None)

    class Meta:
        model = Comment
        fields = [
            "tracking_number",
            "channel",
            "article",
            "text",
            "name",
            "contact",
            "created_at",
            "hidden",
            "hidden_reason",
            "group_lead",
            "handling",
            "answer",
            "answered_at",
        ]


class AnswerSerializer(serializers.Serializer):
    handling = serializers.ChoiceField(choices=Handling.choices)
    answer = serializers.CharField(max_length=limits.REASON_MAX_LENGTH)


class SponsorInbox(DecisionScoped, APIView):
    """Only the decision's lead sponsor reads the comments with the people's data (404 otherwise)."""

    schema_tags = ["consultations"]

    def get_sponsor_decision(self):
        decision = self.get_decision()
        if not permissions.may(self.request.user, "step", decision):
            raise Http404
        return decision


class InboxComments(SponsorInbox):
    @extend_schema(responses=InboxCommentSerializer(many=True))
    def get(self, request, pk):
        decision = self.get_sponsor_decision()
        comments = Comment.objects.filter(consultation__record__step__decision=decision).select_related("group_lead")
        return Response(InboxCommentSerializer(comments, many=True).data)


class InboxAnswer(SponsorInbox):
    """Art 18: answer one comment (or the group it leads): adopted, partly adopted or not, with the reason."""

    parser_classes = [JSONParser]

    @extend_schema(request=AnswerSerializer, responses=InboxCommentSerializer)
    def post(self, request, pk, number):
        decision = self.get_sponsor_decision()
        comment = Comment.objects.filter(consultation__record__step__decision=decision, tracking_number=number).first()
        if comment is None:
            raise Http404
        data = parse(AnswerSerializer, request.data)
        answered = services.comment_answer(actor=request.user, comment=comment, **data)
        return Response(InboxCommentSerializer(answered).data)


class InboxSummary(SponsorInbox):
    """Write the adoption summary, generated from the answers, as the participation step's record."""

    @extend_schema(request=None, responses={200: dict})
    def post(self, request, pk):
        decision = self.get_sponsor_decision()
        record = services.summary_record(actor=request.user, decision=decision)
        return Response({name: getattr(record, name) for name in record.ADOPTION_FIELDS})


urlpatterns = [
    path("decisions/<id:pk>/consultation/comments/", InboxComments.as_view(), name="consultation-comments"),
    path(
        "decisions/<id:pk>/consultation/comments/<str:number>/answer/",
        InboxAnswer.as_view(),
        name="consultation-answer",
    ),
    path("decisions/<id:pk>/consultation/summary/", InboxSummary.as_view(), name="consultation-summary"),
    path("public/comments/", CommentSubmit.as_view(), name="public-comment-submit"),
    path("public/comments/<str:number>/", CommentStatus.as_view(), name="public-comment-status"),
]
