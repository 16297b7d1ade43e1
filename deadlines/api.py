"""Deadlines and reminders over the API: each decision's clocks (computed by deadlines.clocks, in
Chinese working days), every visible deadline, and the caller's own notifications."""

from __future__ import annotations

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from deadlines import clocks, notifications
from deadlines.models import Deadline, Notification
from decisions.api import converters  # noqa: F401  (registers <id:…>)
from decisions.api.serializers import IdField
from decisions.api.views import DecisionScoped, parse


class DeadlineSerializer(serializers.ModelSerializer):
    decision_code = serializers.CharField(source="decision.code", read_only=True)
    step_kind = serializers.CharField(source="step.kind", read_only=True, allow_null=True, default=None)
    overdue = serializers.SerializerMethodField()
    working_days_left = serializers.SerializerMethodField()
    # The machine field ``article`` ("Art 26") as people read it (第二十六条 in Chinese).
    article_label = serializers.SerializerMethodField()

    class Meta:
        model = Deadline
        fields = [
            "id",
            "decision",
            "decision_code",
            "step_kind",
            "department",
            "kind",
            "start_date",
            "due_date",
            "unit",
            "amount",
            "article",
            "article_label",
            "paused",
            "status",
            "closed_at",
            "closed_note",
            "note",
            "overdue",
            "working_days_left",
            "created_at",
        ]

    def get_overdue(self, deadline) -> bool:
        return clocks.is_overdue(deadline, self.context.get("today") or timezone.localdate())

    def get_article_label(self, deadline) -> str:
        return clocks.article_text(deadline.article)

    def get_working_days_left(self, deadline) -> int | None:
        left = self.context.get("working_days_left", {})
        return left.get(deadline.pk)


def _serialize_deadlines(deadlines) -> list:
    deadlines = list(deadlines)
    left = {row.deadline.pk: row.working_days_left for row in clocks.rows(deadlines)}
    context = {"today": timezone.localdate(), "working_days_left": left}
    # many=True builds a ListSerializer, whose data is a list; the stubs take the call for a
    # DeadlineSerializer (data: a dict), so it is typed as what both are.
    serializer: serializers.BaseSerializer = DeadlineSerializer(deadlines, many=True, context=context)
    return serializer.data


class DecisionDeadlines(DecisionScoped, APIView):
    schema_tags = ["deadlines"]

    @extend_schema(responses=DeadlineSerializer(many=True), operation_id="decisions_deadlines")
    def get(self, request, pk):
        decision = self.get_decision()
        queryset = clocks.visible_to(request.user).filter(decision=decision).order_by("due_date", "id")
        return Response(_serialize_deadlines(queryset))


class DeadlineFilter(serializers.Serializer):
    status = serializers.ChoiceField(choices=Deadline.Status.choices, required=False)
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None)
    decision = IdField(required=False)


class DeadlineList(generics.GenericAPIView):
    """Every deadline of the decisions the caller may see, newest first."""

    schema_tags = ["deadlines"]

    @extend_schema(parameters=[DeadlineFilter], responses=DeadlineSerializer(many=True))
    def get(self, request):
        query = parse(DeadlineFilter, request.query_params)
        queryset = clocks.visible_to(request.user)
        if query.get("status"):
            queryset = queryset.filter(status=query["status"])
        if query.get("decision"):
            queryset = queryset.filter(decision_id=query["decision"])
        if query.get("overdue") is not None:
            overdue = clocks.overdue_decision_ids(today=timezone.localdate())
            ids = [d.pk for d in queryset.filter(decision_id__in=overdue) if clocks.is_overdue(d, timezone.localdate())]
            queryset = queryset.filter(pk__in=ids) if query["overdue"] else queryset.exclude(pk__in=ids)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(_serialize_deadlines(page))


class NotificationEventSerializer(serializers.Serializer):
    """The event of the record a notification is about (a waiver request, its outcome)."""

    id = serializers.IntegerField()
    decision = serializers.IntegerField(source="decision_id")
    transition = serializers.CharField()
    step_kind = serializers.CharField()
    created_at = serializers.DateTimeField()


class NotificationSerializer(serializers.ModelSerializer):
    """A reminder of a deadline, or an event that asks something of the caller (exactly one is set)."""

    reminder_kind = serializers.CharField(source="reminder.kind", read_only=True, allow_null=True)
    deadline = DeadlineSerializer(source="reminder.deadline", read_only=True, allow_null=True)
    event = NotificationEventSerializer(read_only=True, allow_null=True)
    headline = serializers.SerializerMethodField(
        help_text=_("What an event's notification says, in the caller's language (null for a reminder).")
    )

    class Meta:
        model = Notification
        fields = ["id", "reminder_kind", "deadline", "event", "headline", "read_at", "created_at"]

    def get_headline(self, notification) -> str | None:
        return notifications.event_message(notification.event).headline if notification.event else None


class NotificationFilter(serializers.Serializer):
    unread = serializers.BooleanField(required=False, allow_null=True, default=None)


class NotificationList(generics.GenericAPIView):
    """The caller's own reminders (what the bell shows), newest first."""

    schema_tags = ["notifications"]

    @extend_schema(parameters=[NotificationFilter], responses=NotificationSerializer(many=True))
    def get(self, request):
        query = parse(NotificationFilter, request.query_params)
        queryset = notifications.for_user(request.user)
        if query.get("unread") is not None:
            queryset = queryset.filter(read_at__isnull=query["unread"])
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(NotificationSerializer(page, many=True).data)


class MarkReadInput(serializers.Serializer):
    ids = serializers.ListField(child=IdField(), required=False, allow_null=True, default=None, max_length=1000)


class MarkReadResult(serializers.Serializer):
    marked = serializers.IntegerField()


class NotificationsRead(APIView):
    schema_tags = ["notifications"]

    @extend_schema(request=MarkReadInput, responses=MarkReadResult, operation_id="notifications_mark_read")
    def post(self, request):
        ids = parse(MarkReadInput, request.data)["ids"]
        marked = notifications.notification_mark_read(user=request.user, notification_ids=ids)
        return Response({"marked": marked})


urlpatterns = [
    path("decisions/<id:pk>/deadlines/", DecisionDeadlines.as_view(), name="decision-deadlines"),
    path("deadlines/", DeadlineList.as_view(), name="deadline-list"),
    path("notifications/", NotificationList.as_view(), name="notification-list"),
    path("notifications/read/", NotificationsRead.as_view(), name="notifications-read"),
]
