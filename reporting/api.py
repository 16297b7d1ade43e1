"""The reporting endpoints of /api/v1/: a decision's dossier (一事一档, Art 33) and the annual figures.

The API's machinery (authentication, errors, paging, schema) is the project's, in ``decisions.api``.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from config.routers import reads_from_replica
from decisions.api import converters  # noqa: F401  (registers <id:…>)
from decisions.api.authentication import client_ip
from decisions.api.serializers import IdField, UserBriefSerializer
from decisions.api.views import DecisionScoped, FileView, parse
from decisions.models import MeetingPacket
from reporting.dossier import dossier_export, dossier_filename
from reporting.figures import AnnualFigures, figures_scope, workbook, workbook_filename
from reporting.packet import meeting_packet_generate

# --------------------------------------------------------------------------- serializers


class FiguresQuery(serializers.Serializer):
    government = IdField(required=False, help_text=_("Default: your government."))
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100, help_text=_("Default: this year."))
    department = IdField(required=False, help_text=_("A lead sponsoring department; default: all you may see."))


class NamedRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class FigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    # A declared field: the serializer's metaclass takes it out of the class, so it does not replace
    # Field.label (the field's own label), which the stubs cannot tell.
    label = serializers.CharField()  # type: ignore[assignment]
    label_zh = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    unit = serializers.CharField(allow_blank=True)
    unit_label = serializers.CharField(allow_blank=True)
    records = serializers.ListField(child=serializers.CharField(), help_text=_("Codes of the decisions counted."))


class ColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, as in FigureSerializer
    label_zh = serializers.CharField()


@extend_schema_field({"type": "object", "additionalProperties": {"oneOf": [{"type": "string"}, {"type": "integer"}]}})
class RowField(serializers.DictField):
    pass


class FiguresTableSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    title_zh = serializers.CharField()
    figures = FigureSerializer(many=True, required=False)
    columns = ColumnSerializer(many=True, required=False)
    rows = serializers.ListField(child=RowField(), required=False)


class FiguresSerializer(serializers.Serializer):
    government = NamedRef()
    year = serializers.IntegerField()
    department = NamedRef(allow_null=True)
    tables = FiguresTableSerializer(many=True)


class MeetingPacketSerializer(serializers.ModelSerializer):
    generated_at = serializers.DateTimeField(source="created_at", read_only=True)
    generated_by = UserBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = MeetingPacket
        fields = ["id", "generated_at", "generated_by", "sha256", "size", "page_count"]
        read_only_fields = fields


# --------------------------------------------------------------------------- views


class MeetingPacketListCreate(DecisionScoped, APIView):
    """The meeting packets of a decision (Art 29), oldest first; POST assembles a new one from the
    record (the government office, while the decision awaits the meeting)."""

    schema_tags = ["meetings"]

    @extend_schema(responses=MeetingPacketSerializer(many=True), operation_id="decisions_meeting_packets_list")
    def get(self, request, pk):
        decision = self.get_decision()
        packets = MeetingPacket.objects.filter(decision=decision).select_related("generated_by")
        return Response(MeetingPacketSerializer(packets.order_by("created_at", "id"), many=True).data)

    @extend_schema(
        request=None, responses={201: MeetingPacketSerializer}, operation_id="decisions_meeting_packets_create"
    )
    def post(self, request, pk):
        decision = self.get_decision()
        packet = meeting_packet_generate(decision=decision, actor=request.user, ip=client_ip(request))
        return Response(MeetingPacketSerializer(packet).data, status=status.HTTP_201_CREATED)


class MeetingPacketDownload(DecisionScoped, FileView):
    schema_tags = ["meetings"]

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)},
        operation_id="decisions_meeting_packets_download",
    )
    def get(self, request, pk, packet_pk):
        decision = self.get_decision()
        packet = MeetingPacket.objects.filter(decision=decision, pk=packet_pk).first()
        if packet is None:
            raise Http404
        return FileResponse(
            packet.file.open("rb"),
            as_attachment=True,
            filename=packet.filename,
            content_type="application/octet-stream",
        )


class DossierView(DecisionScoped, FileView):
    """The decision's dossier (一事一档, Art 33): a zip with manifest.json, the files and index.pdf."""

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)},
        operation_id="decisions_dossier",
    )
    def get(self, request, pk):
        decision = self.get_decision()
        response = HttpResponse(dossier_export(decision), content_type="application/octet-stream")
        response["Content-Disposition"] = content_disposition_header(True, dossier_filename(decision))
        return response


class FiguresMixin:
    schema_tags = ["figures"]

    def get_figures(self):
        query = parse(FiguresQuery, self.request.query_params)
        government, department = figures_scope(
            self.request.user, government_id=query.get("government"), department_id=query.get("department")
        )
        return AnnualFigures(government, query.get("year") or timezone.localdate().year, department)


class FiguresView(FiguresMixin, APIView):
    """The annual figures (法治政府建设情况报告 material); every count of decisions lists their codes."""

    @extend_schema(parameters=[FiguresQuery], responses=FiguresSerializer, operation_id="figures")
    @reads_from_replica
    def get(self, request):
        return Response(self.get_figures().as_dict())


class FiguresWorkbook(FiguresMixin, FileView):
    """The same figures as an Excel workbook: one sheet per table, Chinese headers."""

    @extend_schema(
        parameters=[FiguresQuery],
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)},
        operation_id="figures_workbook",
    )
    @reads_from_replica
    def get(self, request):
        figures = self.get_figures()
        response = HttpResponse(workbook(figures), content_type="application/octet-stream")
        response["Content-Disposition"] = content_disposition_header(True, workbook_filename(figures))
        return response


urlpatterns = [
    path("decisions/<id:pk>/dossier/", DossierView.as_view(), name="decision-dossier"),
    path("decisions/<id:pk>/meeting-packets/", MeetingPacketListCreate.as_view(), name="meeting-packets"),
    path(
        "decisions/<id:pk>/meeting-packets/<id:packet_pk>/download/",
        MeetingPacketDownload.as_view(),
        name="meeting-packet-download",
    ),
    path("figures/", FiguresView.as_view(), name="figures"),
    path("figures/xlsx/", FiguresWorkbook.as_view(), name="figures-xlsx"),
]
