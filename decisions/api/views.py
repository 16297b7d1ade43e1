"""The REST API's views: each parses the request, calls one service or selector, formats the answer.

Visibility is ``decisions.visibility.decisions_visible_to``: a decision outside it is answered with
404, exactly as an unknown one, so existence does not leak. Every refusal is a DecisionError that
``decisions.api.errors.exception_handler`` maps to the one error shape.

Why one module of ~600 lines: the core's endpoints share the visibility mixin, the file views
and the paging; each endpoint is a few lines. The other apps' endpoints are in their own
``api`` modules, assembled by ``config.api_urls``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from decisions import selectors, services, todo
from decisions.accounts.security_log import refused_access
from decisions.api.parsers import JSONParser
from decisions.models import (
    ApiToken,
    Attachment,
    Decision,
    DecisionEvent,
    DecisionState,
    Department,
    DraftingRecord,
    Evaluation,
    ExecutionProblem,
    ExecutionReport,
    Government,
    MatterType,
    Meeting,
    Membership,
    ParticipationRecord,
    PartyCommitteeReport,
    ProcedureStep,
    StepKind,
    StepState,
    WaiverBasis,
    WaiverRequest,
)
from decisions.visibility import decisions_visible_to, public_catalogue_decisions

from . import serializers as s
from .authentication import client_ip
from .options import step_options, transition_options

if TYPE_CHECKING:
    from decisions.http import AuthenticatedApiRequest

User = get_user_model()


def parse(serializer_class, data, **kwargs) -> dict:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


class BinaryRenderer(BaseRenderer):
    """Lets a client ask for a file with Accept: application/octet-stream (see FileView)."""

    media_type = "application/octet-stream"
    format = "bin"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class FileView(APIView):
    """A view that answers with a file, and with the API's JSON error shape when it cannot."""

    renderer_classes = [JSONRenderer, BinaryRenderer]

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response


# What the decision's answer (``DecisionSerializer``) reads besides the row: its relations.
DECISION_RELATIONS = ("lead_sponsor", "government", "registered_by")


def decision_prefetches() -> list[str | Prefetch]:
    requests = WaiverRequest.objects.select_related("step", "basis", "requested_by", "approver").order_by(
        "created_at", "id"
    )
    steps = ProcedureStep.objects.select_related(
        "waiver_approved_by", "participation", "hearing", "risk"
    ).prefetch_related(
        "expert_opinions",
        "expert_selections__expert",
        "hearing__participants",
        Prefetch("waiver_requests", queryset=requests),
    )
    return ["co_sponsors", "publications", Prefetch("steps", queryset=steps.order_by("kind"))]


def decision_queryset():
    return Decision.objects.select_related(*DECISION_RELATIONS).prefetch_related(*decision_prefetches())


# The mixins below (DecisionScoped, PublicView) come first in the bases of APIViews; the type checker
# is told they are APIViews, to know the request, the URL's kwargs and the attributes they set. At
# run time they are plain classes.
if TYPE_CHECKING:
    _APIViewMixin = APIView
else:
    _APIViewMixin = object


class DecisionScoped(_APIViewMixin):
    """A view about one decision: 404 unless the caller may see it."""

    schema_tags = ["decisions"]
    if TYPE_CHECKING:
        request: AuthenticatedApiRequest  # IsAuthenticated, the API's default permission

    def get_decision(self, queryset=None) -> Decision:
        queryset = queryset if queryset is not None else Decision.objects.select_related("government", "lead_sponsor")
        try:
            return queryset.filter(pk__in=decisions_visible_to(self.request.user).values("pk")).get(
                pk=self.kwargs["pk"]
            )
        except Decision.DoesNotExist:
            if Decision.objects.filter(pk=self.kwargs["pk"]).exists():
                refused_access("decision", self.kwargs["pk"])
            raise Http404 from None

    def decision_response(self, decision: Decision, code: int = status.HTTP_200_OK) -> Response:
        fresh = decision_queryset().get(pk=decision.pk)
        return Response(s.DecisionSerializer(fresh).data, status=code)


# --------------------------------------------------------------------------- organisation


class TodoView(APIView):
    """GET /todo/: what waits on the caller, the page's to-do list (``decisions.todo``)."""

    schema_tags = ["organisation"]

    @extend_schema(responses=s.TaskSerializer(many=True), operation_id="todo_list")
    def get(self, request):
        return Response(s.TaskSerializer(todo.tasks_for(request.user), many=True).data)


class MeView(APIView):
    schema_tags = ["organisation"]

    @extend_schema(responses=s.MeSerializer, operation_id="me")
    def get(self, request):
        token = request.auth if isinstance(request.auth, ApiToken) else None
        memberships = Membership.objects.filter(user=request.user).select_related("department__government")
        data = {
            "id": request.user.pk,
            "username": request.user.get_username(),
            "name": s.user_label(request.user),
            "memberships": memberships,
            "token": token,
        }
        return Response(s.MeSerializer(data).data)


def visible_governments(user):
    return Government.objects.filter(departments__memberships__user=user).distinct()


class GovernmentList(generics.ListAPIView):
    serializer_class = s.GovernmentSerializer
    pagination_class = None
    schema_tags = ["organisation"]

    def get_queryset(self):
        return visible_governments(self.request.user).order_by("level", "name", "id")


class GovernmentDetail(generics.RetrieveAPIView):
    serializer_class = s.GovernmentSerializer
    schema_tags = ["organisation"]

    def get_queryset(self):
        return visible_governments(self.request.user)


class DepartmentFilter(serializers.Serializer):
    government = s.IdField(required=False)


class DepartmentList(generics.ListAPIView):
    serializer_class = s.DepartmentSerializer
    pagination_class = None
    schema_tags = ["organisation"]

    def get_queryset(self):
        query = parse(DepartmentFilter, self.request.query_params)
        queryset = Department.objects.filter(government__in=visible_governments(self.request.user))
        if query.get("government"):
            queryset = queryset.filter(government_id=query["government"])
        return queryset.order_by("government_id", "kind", "name", "id")

    @extend_schema(parameters=[DepartmentFilter])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class DepartmentDetail(generics.RetrieveAPIView):
    serializer_class = s.DepartmentSerializer
    schema_tags = ["organisation"]

    def get_queryset(self):
        return Department.objects.filter(government__in=visible_governments(self.request.user))


# --------------------------------------------------------------------------- decisions


class DecisionListCreate(generics.GenericAPIView):
    schema_tags = ["decisions"]
    serializer_class = s.DecisionListSerializer

    def get_queryset(self):
        query = parse(s.DecisionFilterSerializer, self.request.query_params)
        queryset = decisions_visible_to(self.request.user).select_related("lead_sponsor", "government")
        if query.get("year"):
            queryset = queryset.filter(catalogue_year=query["year"])
        if query.get("state"):
            queryset = queryset.filter(state=query["state"])
        if query.get("department"):
            co_sponsored = Decision.co_sponsors.through.objects.filter(department_id=query["department"])
            queryset = queryset.filter(
                Q(lead_sponsor_id=query["department"]) | Q(pk__in=co_sponsored.values("decision_id"))
            )
        if query.get("catalogue") is not None:
            queryset = queryset.filter(in_catalogue=query["catalogue"])
        if query.get("overdue") is not None:
            queryset = selectors.filter_overdue(queryset, overdue=query["overdue"])
        if query.get("search"):
            term = query["search"].strip()
            queryset = queryset.filter(Q(title__icontains=term) | Q(code__icontains=term))
        return queryset

    @extend_schema(parameters=[s.DecisionFilterSerializer], responses=s.DecisionListSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.DecisionListSerializer(page, many=True).data)

    @extend_schema(request=s.DecisionCreateSerializer, responses={201: s.DecisionSerializer})
    def post(self, request):
        data = parse(s.DecisionCreateSerializer, request.data)
        lead = Department.objects.filter(pk=data.pop("lead_sponsor")).select_related("government").first()
        if lead is None:
            raise invalid("lead_sponsor", _("Unknown department."))
        co_ids = data.pop("co_sponsors")
        co_sponsors = list(Department.objects.filter(pk__in=co_ids))
        if len(co_sponsors) != len(set(co_ids)):
            raise invalid("co_sponsors", _("Unknown department."))
        data["matter_type"] = _matter_type(data["matter_type"])
        decision = services.decision_register(
            actor=request.user, lead_sponsor=lead, co_sponsors=co_sponsors, ip=client_ip(request), **data
        )
        fresh = decision_queryset().get(pk=decision.pk)
        return Response(s.DecisionSerializer(fresh).data, status=status.HTTP_201_CREATED)


def _matter_type(pk: int | None) -> MatterType | None:
    """The matter type named by id (the service checks it is the decision's government's)."""
    if pk is None:
        return None
    matter_type = MatterType.objects.filter(pk=pk).first()
    if matter_type is None:
        raise invalid("matter_type", _("Unknown matter type."))
    return matter_type


class DecisionAmend(DecisionScoped, APIView):
    """POST /decisions/{id}/amend/: the sponsor corrects the description before submission."""

    @extend_schema(request=s.DecisionAmendSerializer, responses=s.DecisionSerializer)
    def post(self, request, pk):
        decision = self.get_decision()
        data = parse(s.DecisionAmendSerializer, request.data)
        if "matter_type" in data:
            data["matter_type"] = _matter_type(data["matter_type"])
        decision = services.decision_amend(decision=decision, actor=request.user, ip=client_ip(request), **data)
        return self.decision_response(decision)


class DecisionSponsors(DecisionScoped, APIView):
    """POST /decisions/{id}/sponsors/: the government moves the decision to other sponsors."""

    @extend_schema(request=s.ChangeSponsorsSerializer, responses=s.DecisionSerializer)
    def post(self, request, pk):
        decision = self.get_decision()
        data = parse(s.ChangeSponsorsSerializer, request.data)
        departments = Department.objects.filter(pk__in=[data["lead_sponsor"], *data["co_sponsors"]]).in_bulk()
        lead = departments.get(data["lead_sponsor"])
        if lead is None:
            raise invalid("lead_sponsor", _("Unknown department."))
        if any(pk not in departments for pk in data["co_sponsors"]):
            raise invalid("co_sponsors", _("Unknown department."))
        decision = services.decision_change_sponsors(
            decision=decision,
            actor=request.user,
            lead_sponsor=lead,
            co_sponsors=[departments[pk] for pk in data["co_sponsors"]],
            reason=data["reason"],
            ip=client_ip(request),
        )
        return self.decision_response(decision)


class DecisionDetail(DecisionScoped, APIView):
    @extend_schema(responses=s.DecisionSerializer)
    def get(self, request, pk):
        return Response(s.DecisionSerializer(self.get_decision(decision_queryset())).data)


class TransitionOptions(DecisionScoped, APIView):
    schema_tags = ["transitions"]

    @extend_schema(responses=s.TransitionsSerializer, operation_id="decisions_transitions_list")
    def get(self, request, pk):
        decision = self.get_decision(
            Decision.objects.select_related("government", "lead_sponsor").prefetch_related("steps")
        )
        data = {
            "decision": decision.pk,
            "state": decision.state,
            "transitions": transition_options(request.user, decision),
            "step_actions": step_options(request.user, decision),
        }
        return Response(s.TransitionsSerializer(data).data)


class TransitionView(DecisionScoped, APIView):
    """POST /decisions/{id}/transitions/{name}/: one view class per contract name (see make_transition_view)."""

    transition_name = ""
    input_class = s.CommentInput
    schema_tags = ["transitions"]

    def post(self, request, pk):
        decision = self.get_decision(Decision.objects.select_related(*DECISION_RELATIONS))
        payload = parse(self.input_class, request.data)
        if "executing_unit" in payload:
            unit = Department.objects.filter(pk=payload["executing_unit"]).first()
            if unit is None:
                raise invalid("executing_unit", _("Unknown department."))
            payload["executing_unit"] = unit
        moved = services.decision_transition(
            decision=decision, name=self.transition_name, actor=request.user, ip=client_ip(request), **payload
        )
        # The answer is the row the service read under its lock and changed, not a second read of
        # it: only its relations are read. A transition changes neither who registered the decision
        # nor its sponsors, so the registrant read with the visibility check is reused.
        moved.registered_by = decision.registered_by
        prefetch_related_objects([moved], *decision_prefetches())
        return Response(s.DecisionSerializer(moved).data)


def make_transition_view(name: str) -> type[TransitionView]:
    input_class = s.TRANSITION_INPUTS[name]

    # A function of its own per class: extend_schema annotates the function it decorates.
    @extend_schema(
        request=input_class,
        responses=s.DecisionSerializer,
        operation_id=f"decisions_transition_{name}",
        summary=f"Transition: {name}",
    )
    def post(self, request, pk):
        return TransitionView.post(self, request, pk)

    return type(
        f"Transition_{name}",
        (TransitionView,),
        {"transition_name": name, "input_class": input_class, "post": post, "__doc__": f"The `{name}` transition."},
    )


# --------------------------------------------------------------------------- preparatory steps

KIND_PARAMETER = OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=StepKind.values)


class StepList(DecisionScoped, APIView):
    schema_tags = ["steps"]

    @extend_schema(responses=s.StepSerializer(many=True))
    def get(self, request, pk):
        decision = self.get_decision(decision_queryset())
        return Response(s.StepSerializer(decision.steps.all(), many=True).data)


class StepDetail(DecisionScoped, APIView):
    schema_tags = ["steps"]

    @extend_schema(parameters=[KIND_PARAMETER], responses=s.StepSerializer)
    def get(self, request, pk, kind):
        decision = self.get_decision(decision_queryset())
        step = next((step for step in decision.steps.all() if step.kind == kind), None)
        if step is None:
            raise Http404
        return Response(s.StepSerializer(step).data)


class StepActionView(DecisionScoped, APIView):
    action_name = ""
    input_class = s.CommentInput
    schema_tags = ["steps"]

    def post(self, request, pk, kind):
        decision = self.get_decision()
        payload = parse(self.input_class, request.data)
        if "approver" in payload:
            approver = User.objects.filter(
                pk=payload["approver"], memberships__department__government_id=decision.government_id
            ).first()
            if approver is None:
                raise invalid("approver", _("Unknown approver."))
            payload["approver"] = approver
        if "basis" in payload:
            basis = WaiverBasis.objects.filter(pk=payload["basis"]).first()
            if basis is None:
                raise invalid("basis", _("Unknown legal basis."))
            payload["basis"] = basis
        extra = {"ip": client_ip(request)}
        services.step_action(
            decision=decision, kind=kind, action=self.action_name, actor=request.user, **payload, **extra
        )
        step = decision_queryset().get(pk=decision.pk).steps.get(kind=kind)
        return Response(s.StepSerializer(step).data)


def make_step_action_view(action: str) -> type[StepActionView]:
    input_class = s.STEP_INPUTS[action]

    @extend_schema(
        parameters=[KIND_PARAMETER],
        request=input_class,
        responses=s.StepSerializer,
        operation_id=f"decisions_steps_{action}",
        summary=f"Step action: {action}",
    )
    def post(self, request, pk, kind):
        return StepActionView.post(self, request, pk, kind)

    return type(
        f"StepAction_{action}",
        (StepActionView,),
        {"action_name": action, "input_class": input_class, "post": post},
    )


class WaiverBasisList(DecisionScoped, APIView):
    """The legal bases a step of this decision may be dispensed by: the ids a waiver request names."""

    schema_tags = ["steps"]

    @extend_schema(parameters=[KIND_PARAMETER], responses=s.WaiverBasisSerializer(many=True))
    def get(self, request, pk, kind):
        decision = self.get_decision()
        return Response(s.WaiverBasisSerializer(selectors.waiver_bases(decision, kind), many=True).data)


class WaiverDecisionView(DecisionScoped, APIView):
    """POST …/steps/{kind}/waiver/{act}/: the named approver approves or refuses the step's open
    waiver request, in their own login (token); its requester withdraws it."""

    act = ""
    input_class: type[serializers.BaseSerializer] = s.WaiverApproveInput
    schema_tags = ["steps"]

    def post(self, request, pk, kind):
        decision = self.get_decision()
        payload = parse(self.input_class, request.data)
        services.WAIVER_DECISIONS[self.act](
            decision=decision, kind=kind, actor=request.user, ip=client_ip(request), **payload
        )
        step = decision_queryset().get(pk=decision.pk).steps.get(kind=kind)
        return Response(s.StepSerializer(step).data)


def make_waiver_decision_view(act: str) -> type[WaiverDecisionView]:
    input_class = s.WAIVER_DECISION_INPUTS[act]

    @extend_schema(
        parameters=[KIND_PARAMETER],
        request=input_class,
        responses=s.StepSerializer,
        operation_id=f"decisions_steps_waiver_{act}",
        summary=f"Waiver request: {act}",
    )
    def post(self, request, pk, kind):
        return WaiverDecisionView.post(self, request, pk, kind)

    return type(f"WaiverDecision_{act}", (WaiverDecisionView,), {"act": act, "input_class": input_class, "post": post})


class RecordUpdateView(DecisionScoped, APIView):
    schema_tags = ["steps"]
    kind = ""
    input_class: type[serializers.BaseSerializer] = s.ParticipationUpdateSerializer

    def patch(self, request, pk):
        decision = self.get_decision()
        values = parse(self.input_class, request.data)
        service = services.participation_update if self.kind == StepKind.PUBLIC_PARTICIPATION else services.risk_update
        service(decision=decision, actor=request.user, **values)
        step = decision_queryset().get(pk=decision.pk).steps.get(kind=self.kind)
        return Response(s.StepSerializer(step).data)


class ParticipationRecordView(RecordUpdateView):
    kind = StepKind.PUBLIC_PARTICIPATION
    input_class = s.ParticipationUpdateSerializer

    @extend_schema(request=s.ParticipationUpdateSerializer, responses=s.StepSerializer)
    def patch(self, request, pk):
        return super().patch(request, pk)


class RiskRecordView(RecordUpdateView):
    kind = StepKind.RISK_ASSESSMENT
    input_class = s.RiskUpdateSerializer

    @extend_schema(request=s.RiskUpdateSerializer, responses=s.StepSerializer)
    def patch(self, request, pk):
        return super().patch(request, pk)


class HearingView(DecisionScoped, APIView):
    """PATCH: the hearing's notice, the participants' publication, the materials, the record (Art 16–17)."""

    schema_tags = ["steps"]

    @extend_schema(request=s.HearingUpdateSerializer, responses=s.HearingSerializer)
    def patch(self, request, pk):
        decision = self.get_decision()
        values = parse(s.HearingUpdateSerializer, request.data)
        hearing = services.hearing_update(decision=decision, actor=request.user, **values)
        return Response(s.HearingSerializer(hearing).data)


class HearingParticipantCreate(DecisionScoped, APIView):
    """POST: a hearing participant, the interest they represent and how they were selected (Art 16)."""

    schema_tags = ["steps"]

    @extend_schema(request=s.HearingParticipantSerializer, responses={201: s.HearingParticipantSerializer})
    def post(self, request, pk):
        decision = self.get_decision()
        values = parse(s.HearingParticipantSerializer, request.data)
        participant = services.hearing_participant_add(decision=decision, actor=request.user, **values)
        return Response(s.HearingParticipantSerializer(participant).data, status=status.HTTP_201_CREATED)


class HearingParticipantAnswer(DecisionScoped, APIView):
    """POST: the participant's confirmation of the record, or their objection (Art 17)."""

    schema_tags = ["steps"]

    @extend_schema(request=s.HearingAnswerSerializer, responses=s.HearingParticipantSerializer)
    def post(self, request, pk, participant_pk):
        decision = self.get_decision()
        values = parse(s.HearingAnswerSerializer, request.data)
        participant = services.hearing_participant_answer(
            decision=decision, actor=request.user, participant_id=participant_pk, **values
        )
        return Response(s.HearingParticipantSerializer(participant).data)


class ExpertOpinionCreate(DecisionScoped, APIView):
    schema_tags = ["steps"]

    @extend_schema(request=s.ExpertOpinionSerializer, responses={201: s.ExpertOpinionSerializer})
    def post(self, request, pk):
        decision = self.get_decision()
        values = parse(s.ExpertOpinionSerializer, request.data)
        opinion = services.expert_opinion_add(decision=decision, actor=request.user, **values)
        return Response(s.ExpertOpinionSerializer(opinion).data, status=status.HTTP_201_CREATED)


class ExpertSelect(DecisionScoped, APIView):
    schema_tags = ["steps"]

    @extend_schema(request=s.ExpertSelectInputSerializer, responses={201: s.ExpertSelectionSerializer(many=True)})
    def post(self, request, pk):
        decision = self.get_decision()
        values = parse(s.ExpertSelectInputSerializer, request.data)
        try:
            values["interests"] = {int(key): text for key, text in values["interests"].items()}
        except ValueError:
            raise invalid("interests", _("Name each expert by their pool id.")) from None
        chosen = services.expert_select(decision=decision, actor=request.user, **values)
        return Response(s.ExpertSelectionSerializer(chosen, many=True).data, status=status.HTTP_201_CREATED)


class ExpertArgumentList(APIView):
    """The arguments asked of the expert calling (Art 19–20), and nothing else."""

    schema_tags = ["steps"]

    @extend_schema(responses=s.ExpertArgumentSerializer(many=True))
    def get(self, request):
        return Response(s.ExpertArgumentSerializer(selectors.arguments_asked_of(request.user), many=True).data)


class ExpertArgumentSign(APIView):
    """The expert writes and signs their own opinion in their own login (Art 19–20)."""

    schema_tags = ["steps"]

    @extend_schema(request=s.ExpertSignSerializer, responses={201: s.ExpertOpinionSerializer})
    def post(self, request, pk):
        row = selectors.argument_asked_of(request.user, pk)
        values = parse(s.ExpertSignSerializer, request.data)
        opinion = services.expert_opinion_sign(decision=row.step.decision, actor=request.user, **values)
        return Response(s.ExpertOpinionSerializer(opinion).data, status=status.HTTP_201_CREATED)


class ExpertOpinionHandling(DecisionScoped, APIView):
    schema_tags = ["steps"]

    @extend_schema(request=s.ExpertOpinionHandlingSerializer, responses=s.ExpertOpinionSerializer)
    def post(self, request, pk, opinion_pk):
        decision = self.get_decision()
        values = parse(s.ExpertOpinionHandlingSerializer, request.data)
        opinion = services.expert_opinion_handle(decision=decision, actor=request.user, opinion_id=opinion_pk, **values)
        return Response(s.ExpertOpinionSerializer(opinion).data)


# --------------------------------------------------------------------------- after the review


class MeetingList(DecisionScoped, APIView):
    @extend_schema(responses=s.MeetingSerializer(many=True))
    def get(self, request, pk):
        decision = self.get_decision()
        meetings = (
            Meeting.objects.filter(decision=decision)
            .select_related("recorded_by")
            .prefetch_related("positions__user", "corrections__corrected_by")
            .order_by("held_on", "id")
        )
        return Response(s.MeetingSerializer(meetings, many=True).data)


class MeetingCorrectionCreate(DecisionScoped, APIView):
    """Art 30: a meeting record is final; a correction is appended to it, with its reason."""

    @extend_schema(request=s.MeetingCorrectionInput, responses={201: s.MeetingCorrectionSerializer})
    def post(self, request, pk, meeting_pk):
        decision = self.get_decision()
        values = parse(s.MeetingCorrectionInput, request.data)
        correction = services.meeting_correct(
            decision=decision, actor=request.user, meeting_id=meeting_pk, ip=client_ip(request), **values
        )
        return Response(s.MeetingCorrectionSerializer(correction).data, status=status.HTTP_201_CREATED)


class DraftingRecordListCreate(DecisionScoped, APIView):
    """How the draft was made (Art 10–13): read by whoever sees the decision, added to by the lead
    sponsor while the draft is prepared (JSON, or multipart with a file)."""

    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(responses=s.DraftingRecordSerializer(many=True))
    def get(self, request, pk):
        decision = self.get_decision()
        records = DraftingRecord.objects.filter(decision=decision).select_related("recorded_by")
        return Response(s.DraftingRecordSerializer(records.order_by("created_at", "id"), many=True).data)

    @extend_schema(request=s.DraftingRecordInput, responses={201: s.DraftingRecordSerializer})
    def post(self, request, pk):
        decision = self.get_decision()
        values = parse(s.DraftingRecordInput, request.data)
        record = services.drafting_record_add(
            decision=decision,
            actor=request.user,
            kind=values["kind"],
            text=values["text"],
            proposer=values.get("proposer", ""),
            uploaded_file=values.get("file"),
            ip=client_ip(request),
        )
        return Response(s.DraftingRecordSerializer(record).data, status=status.HTTP_201_CREATED)


class ExecutionReportListCreate(DecisionScoped, APIView):
    @extend_schema(responses=s.ExecutionReportSerializer(many=True))
    def get(self, request, pk):
        decision = self.get_decision()
        reports = ExecutionReport.objects.filter(decision=decision).select_related("reported_by")
        return Response(s.ExecutionReportSerializer(reports.order_by("reported_on", "id"), many=True).data)

    @extend_schema(request=s.ExecutionReportSerializer, responses={201: s.ExecutionReportSerializer})
    def post(self, request, pk):
        decision = self.get_decision()
        values = parse(s.ExecutionReportSerializer, request.data)
        report = services.execution_report_add(decision=decision, actor=request.user, **values)
        return Response(s.ExecutionReportSerializer(report).data, status=status.HTTP_201_CREATED)


class PartyCommitteeReportListCreate(DecisionScoped, APIView):
    """Art 31: the decision's reports to the Party committee; the government office records one."""

    @extend_schema(responses=s.PartyCommitteeReportSerializer(many=True))
    def get(self, request, pk):
        decision = self.get_decision()
        reports = PartyCommitteeReport.objects.filter(decision=decision).select_related("reported_by")
        return Response(s.PartyCommitteeReportSerializer(reports, many=True).data)

    @extend_schema(request=s.PartyCommitteeReportInput, responses={201: s.PartyCommitteeReportSerializer})
    def post(self, request, pk):
        decision = self.get_decision()
        values = parse(s.PartyCommitteeReportInput, request.data)
        report = services.party_committee_report_record(
            decision=decision, actor=request.user, ip=client_ip(request), **values
        )
        return Response(s.PartyCommitteeReportSerializer(report).data, status=status.HTTP_201_CREATED)


class ExecutionProblemListCreate(DecisionScoped, APIView):
    """Art 35: the problems found in the decision's execution; the executing unit reports one."""

    @extend_schema(responses=s.ExecutionProblemSerializer(many=True))
    def get(self, request, pk):
        decision = self.get_decision()
        problems = ExecutionProblem.objects.filter(decision=decision).select_related("reported_by", "answered_by")
        return Response(s.ExecutionProblemSerializer(problems, many=True).data)

    @extend_schema(request=s.ExecutionProblemInput, responses={201: s.ExecutionProblemSerializer})
    def post(self, request, pk):
        decision = self.get_decision()
        values = parse(s.ExecutionProblemInput, request.data)
        problem = services.execution_problem_report(
            decision=decision, actor=request.user, ip=client_ip(request), **values
        )
        return Response(s.ExecutionProblemSerializer(problem).data, status=status.HTTP_201_CREATED)


class ExecutionProblemAnswer(DecisionScoped, APIView):
    """Art 35: the answer to a problem found in execution, given once."""

    @extend_schema(request=s.ExecutionProblemAnswerInput, responses={200: s.ExecutionProblemSerializer})
    def post(self, request, pk, problem_pk):
        decision = self.get_decision()
        values = parse(s.ExecutionProblemAnswerInput, request.data)
        problem = services.execution_problem_answer(
            decision=decision, actor=request.user, problem_id=problem_pk, ip=client_ip(request), **values
        )
        return Response(s.ExecutionProblemSerializer(problem).data)


class EvaluationListCreate(DecisionScoped, APIView):
    @extend_schema(responses=s.EvaluationSerializer(many=True))
    def get(self, request, pk):
        decision = self.get_decision()
        evaluations = Evaluation.objects.filter(decision=decision).order_by("created_at", "id")
        return Response(s.EvaluationSerializer(evaluations, many=True).data)

    @extend_schema(request=s.EvaluationInput, responses={201: s.EvaluationSerializer})
    def post(self, request, pk):
        decision = self.get_decision()
        values = parse(s.EvaluationInput, request.data)
        department_id = values.pop("evaluator_department", None)
        if department_id is not None:
            values["evaluator_department"] = Department.objects.filter(
                pk=department_id, government_id=decision.government_id
            ).first()
            if values["evaluator_department"] is None:
                raise invalid("evaluator_department", _("Unknown department."))
        evaluation = services.evaluation_record(decision=decision, actor=request.user, **values)
        return Response(s.EvaluationSerializer(evaluation).data, status=status.HTTP_201_CREATED)


# --------------------------------------------------------------------------- files and history


class AttachmentListCreate(DecisionScoped, APIView):
    schema_tags = ["attachments"]
    parser_classes = [MultiPartParser]

    @extend_schema(responses=s.AttachmentSerializer(many=True))
    def get(self, request, pk):
        decision = self.get_decision()
        attachments = Attachment.objects.filter(decision=decision).select_related("step", "uploaded_by")
        return Response(s.AttachmentSerializer(attachments.order_by("created_at", "id"), many=True).data)

    @extend_schema(
        request={"multipart/form-data": s.AttachmentUploadInput},
        responses={201: s.AttachmentSerializer},
        description=_("Same types and size limit as the web UI; the content must match the type."),
    )
    def post(self, request, pk):
        decision = self.get_decision()
        values = parse(s.AttachmentUploadInput, request.data)
        attachment = services.attachment_upload(
            decision=decision,
            actor=request.user,
            uploaded_file=values["file"],
            kind=values["kind"],
            step_kind=values["step_kind"] or None,
        )
        return Response(s.AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class AttachmentDownload(DecisionScoped, FileView):
    schema_tags = ["attachments"]

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)},
        operation_id="decisions_attachments_download",
    )
    def get(self, request, pk, attachment_pk):
        decision = self.get_decision()
        attachment = Attachment.objects.filter(decision=decision, pk=attachment_pk).first()
        if attachment is None:
            raise Http404
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.original_name,
            content_type="application/octet-stream",
        )


class DecisionEventList(DecisionScoped, generics.GenericAPIView):
    """The decision's append-only log, newest first, paged by cursor."""

    @extend_schema(responses=s.EventSerializer(many=True))
    def get(self, request, pk):
        decision = self.get_decision()
        page = self.paginate_queryset(DecisionEvent.objects.filter(decision=decision).select_related("actor"))
        return self.get_paginated_response(s.EventSerializer(page, many=True).data)


class EventList(generics.GenericAPIView):
    """Every visible decision's events, newest first: what an OA system polls to stay in step."""

    schema_tags = ["events"]

    @extend_schema(responses=s.EventSerializer(many=True))
    def get(self, request):
        visible = decisions_visible_to(request.user).values("pk")
        events = DecisionEvent.objects.filter(decision__in=visible).select_related("actor")
        page = self.paginate_queryset(events)
        return self.get_paginated_response(s.EventSerializer(page, many=True).data)


# --------------------------------------------------------------------------- public (no login)


class PublicView(_APIViewMixin):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    schema_tags = ["public"]


class PublicCatalogue(PublicView, generics.GenericAPIView):
    """The yearly catalogue of major decisions (Art 3): what the public may know of each."""

    @extend_schema(parameters=[s.CatalogueFilterSerializer], responses=s.CatalogueEntrySerializer(many=True), auth=[])
    def get(self, request):
        query = parse(s.CatalogueFilterSerializer, request.query_params)
        # Only what a published catalogue holds (Art 3): never a draft, never a removed entry.
        decisions = public_catalogue_decisions()
        if query.get("government"):
            decisions = decisions.filter(government_id=query["government"])
        if query.get("year"):
            decisions = decisions.filter(catalogue_year=query["year"])
        page = self.paginate_queryset(decisions.select_related("government", "lead_sponsor"))
        return self.get_paginated_response(s.CatalogueEntrySerializer(page, many=True).data)


class PublicConsultations(PublicView, generics.GenericAPIView):
    """Consultations open today (Art 15): the call is published and the comment period runs."""

    @extend_schema(parameters=[s.CatalogueFilterSerializer], responses=s.ConsultationSerializer(many=True), auth=[])
    def get(self, request):
        query = parse(s.CatalogueFilterSerializer, request.query_params)
        today = timezone.localdate()
        records = ParticipationRecord.objects.filter(
            step__state=StepState.IN_PROGRESS,
            step__decision__state=DecisionState.PREPARING,
            call_published_on__lte=today,
            period_start__lte=today,
            period_end__gte=today,
        )
        if query.get("government"):
            records = records.filter(step__decision__government_id=query["government"])
        if query.get("year"):
            records = records.filter(step__decision__catalogue_year=query["year"])
        page = self.paginate_queryset(records.select_related("step__decision__government", "step__hearing"))
        return self.get_paginated_response(s.ConsultationSerializer(page, many=True).data)
