"""The public side over the API: submit a comment, and look one up by its tracking number. No
other comment data is public: no list, no name, no contact.

The lead sponsor's staff work the inbox over the API as on its page, with the same check (404 to
anyone else): read the comments, enter one received by letter, at a symposium or a hearing, answer,
hide and show again, group and ungroup; each act is an event on the decision's record."""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from consultations import selectors, services
from consultations.choices import ENTERED_CHANNELS, Channel, Handling
from consultations.models import Comment
from decisions import limits, permissions
from decisions.api import converters  # noqa: F401  (registers <id:…>)
from decisions.api.parsers import JSONParser
from decisions.api.views import DecisionScoped, PublicView, invalid, parse
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


class HideSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=limits.REASON_MAX_LENGTH)


class GroupSerializer(serializers.Serializer):
    # The tracking number of the comment to group under; null ungroups.
    lead = serializers.CharField(max_length=20, allow_null=True)


class EntrySerializer(serializers.Serializer):
    """Art 14: a comment received by letter, at a symposium or a hearing, entered by the staff."""

    channel = serializers.ChoiceField(choices=ENTERED_CHANNELS)
    text = serializers.CharField(max_length=limits.REASON_MAX_LENGTH)
    article = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    name = serializers.CharField(max_length=limits.LINE_MAX_LENGTH, required=False, allow_blank=True, default="")
    contact = serializers.CharField(max_length=limits.LINE_MAX_LENGTH, required=False, allow_blank=True, default="")


class SponsorInbox(DecisionScoped, APIView):
    """Only the decision's lead sponsor reads the comments with the people's data and acts on them,
    as on the inbox page (404 otherwise)."""

    schema_tags = ["consultations"]
    parser_classes = [JSONParser]

    def get_sponsor_decision(self):
        decision = self.get_decision()
        if not permissions.may(self.request.user, "step", decision):
            raise Http404
        return decision

    def get_comment(self, decision, number: str | None) -> Comment:
        comment = Comment.objects.filter(consultation__record__step__decision=decision, tracking_number=number).first()
        if comment is None:
            raise Http404
        return comment


class InboxComments(SponsorInbox):
    @extend_schema(responses=InboxCommentSerializer(many=True))
    def get(self, request, pk):
        decision = self.get_sponsor_decision()
        comments = Comment.objects.filter(consultation__record__step__decision=decision).select_related("group_lead")
        return Response(InboxCommentSerializer(comments, many=True).data)

    @extend_schema(request=EntrySerializer, responses={201: InboxCommentSerializer})
    def post(self, request, pk):
        """Enter a comment received by letter, at a symposium or a hearing (Art 14)."""
        decision = self.get_sponsor_decision()
        data = parse(EntrySerializer, request.data)
        comment = services.comment_enter(actor=request.user, decision=decision, **data)
        return Response(InboxCommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class CommentAct(SponsorInbox):
    """One act of the staff on one comment, named by its tracking number: the request's body read
    by ``body`` (if any), the act done by the service ``act`` calls."""

    body: type[serializers.Serializer] | None = None

    def act(self, decision, comment: Comment, **data) -> Comment:
        raise NotImplementedError

    def post(self, request, pk, number):
        decision = self.get_sponsor_decision()
        comment = self.get_comment(decision, number)
        data = parse(self.body, request.data) if self.body else {}
        return Response(InboxCommentSerializer(self.act(decision, comment, **data)).data)


@extend_schema(request=AnswerSerializer, responses=InboxCommentSerializer)
class InboxAnswer(CommentAct):
    """Art 18: answer one comment (or the group it leads): adopted, partly adopted or not, with the reason."""

    body = AnswerSerializer

    def act(self, decision, comment, **data):
        return services.comment_answer(actor=self.request.user, comment=comment, **data)


@extend_schema(request=HideSerializer, responses=InboxCommentSerializer)
class InboxHide(CommentAct):
    """Hide an abusive comment from the count and the answers; it stays on record with the reason."""

    body = HideSerializer

    def act(self, decision, comment, **data):
        return services.comment_hide(actor=self.request.user, comment=comment, **data)


@extend_schema(request=None, responses=InboxCommentSerializer)
class InboxUnhide(CommentAct):
    """Show a hidden comment again."""

    def act(self, decision, comment, **data):
        return services.comment_unhide(actor=self.request.user, comment=comment)


@extend_schema(request=GroupSerializer, responses=InboxCommentSerializer)
class InboxGroup(CommentAct):
    """Group a duplicate under another comment of the consultation (it shares that one's answer);
    ``lead`` null ungroups it."""

    body = GroupSerializer

    def act(self, decision, comment, **data):
        lead = None
        if data["lead"]:
            lead = Comment.objects.filter(
                consultation__record__step__decision=decision, tracking_number=data["lead"]
            ).first()
            if lead is None:
                raise invalid("lead", _("No comment of this consultation has this tracking number."))
        return services.comment_group(actor=self.request.user, comment=comment, lead=lead)


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
    path("decisions/<id:pk>/consultation/comments/<str:number>/hide/", InboxHide.as_view(), name="consultation-hide"),
    path(
        "decisions/<id:pk>/consultation/comments/<str:number>/unhide/",
        InboxUnhide.as_view(),
        name="consultation-unhide",
    ),
    path(
        "decisions/<id:pk>/consultation/comments/<str:number>/group/",
        InboxGroup.as_view(),
        name="consultation-group",
    ),
    path("decisions/<id:pk>/consultation/summary/", InboxSummary.as_view(), name="consultation-summary"),
    path("public/comments/", CommentSubmit.as_view(), name="public-comment-submit"),
    path("public/comments/<str:number>/", CommentStatus.as_view(), name="public-comment-status"),
]
