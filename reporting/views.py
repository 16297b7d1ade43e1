"""The reporting pages: the leader overview, and the annual figures as a page with charts, a
printable page and an Excel workbook (``reporting.figures``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from config.routers import reads_from_replica, replica_as_of
from deadlines import clocks
from deadlines import views as deadline_views
from decisions import forms as decision_forms
from decisions import permissions, selectors
from decisions.errors import DecisionError
from decisions.extensions import DetailSection
from decisions.http import AuthenticatedRequest
from decisions.models import DecisionState, StepKind
from decisions.presentation import (
    GATE_PROBLEM_LABELS,
    article_label,
    legend,
    query_without,
    step_marks,
    waiver_basis_label,
    waiver_requester,
)
from decisions.services import packet_refusal
from decisions.views import lists as decision_views
from decisions.views.common import client_ip, error_page
from decisions.visibility import visible_decision
from reporting import overview as overview_selectors
from reporting import packet as packet_service
from reporting.dossier import dossier_export, dossier_filename
from reporting.figures import AnnualFigures, figures_scope, scope_choices, workbook, workbook_filename
from reporting.workbooks import list_workbook
from reviews import views as review_views
from reviews.templatetags.review_tags import person

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class FiguresQuery(forms.Form):
    government = forms.IntegerField(label=_("Government"), required=False, min_value=1, max_value=10**18)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    department = forms.IntegerField(label=_("Department"), required=False, min_value=1, max_value=10**18)


def figures_from_request(request) -> AnnualFigures:
    query = FiguresQuery(request.GET)
    if not query.is_valid():
        raise Http404
    data = query.cleaned_data
    government, department = figures_scope(
        request.user, government_id=data["government"], department_id=data["department"]
    )
    return AnnualFigures(government, data["year"] or timezone.localdate().year, department)


def chart_rows(table) -> list[dict]:
    """Bars for the counts of a table in its most frequent unit (bars of different units side by side
    would mislead): label, value and width in per cent."""
    counts = [f for f in table.figures if f.unit not in ("%", "working days") and f.value is not None]
    units = [f.unit for f in counts]
    if units:
        unit = max(dict.fromkeys(units), key=units.count)
        counts = [f for f in counts if f.unit == unit]
    top = max((f.value for f in counts), default=0) or 1
    return [{"label": f.label, "value": f.value, "width": round(100 * f.value / top, 1)} for f in counts]


def _context(request, figures: AnnualFigures) -> dict:
    tables = figures.tables()
    governments, departments = scope_choices(request.user)
    this_year = timezone.localdate().year
    return {
        "figures": figures,
        "tables": [{"table": t, "chart": chart_rows(t)} for t in tables],
        "governments": governments,
        "departments": [d for d in departments if d.government_id == figures.government.pk],
        "years": range(this_year, this_year - 6, -1),
        "query": request.GET.urlencode(),
        "as_of": replica_as_of(),
    }


@login_required
@reads_from_replica
def figures_page(request):
    figures = figures_from_request(request)
    return render(request, "reports/figures.html", _context(request, figures))


@login_required
@reads_from_replica
def figures_print(request):
    figures = figures_from_request(request)
    return render(request, "reports/figures_print.html", _context(request, figures))


@login_required
@reads_from_replica
def figures_xlsx(request):
    figures = figures_from_request(request)
    return xlsx_response(figures)


def xlsx_response(figures: AnnualFigures) -> HttpResponse:
    response = HttpResponse(workbook(figures), content_type=XLSX)
    # A Chinese name: Django writes an ASCII fallback and RFC 5987's filename*=utf-8''... for it.
    response["Content-Disposition"] = content_disposition_header(True, workbook_filename(figures))
    return response


# The decision list's columns in the export (the report's terms).
LIST_HEADER = ("编号", "决策事项名称", "承办单位", "年度", "状态", "五个法定程序")


@login_required
@require_GET
def decisions_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    """The decision list as the page filters and orders it (``decisions.views.listed``), every row,
    in one workbook: a fixed number of queries whatever its length."""
    _form, queryset = decision_views.listed(request)
    with translation.override("zh-hans"):  # the workbook speaks the report's language
        rows = [
            (
                decision.code,
                decision.title,
                decision.lead_sponsor.name,
                decision.catalogue_year,
                str(decision.get_state_display()),
                "；".join(f"{mark.label}：{mark.text}" for mark in step_marks(decision)),
            )
            for decision in queryset
        ]
    return _list_workbook_response("重大行政决策事项", LIST_HEADER, rows)


def _list_workbook_response(title: str, header: tuple[str, ...], rows: list[tuple]) -> HttpResponse:
    """A list as a one-sheet workbook, downloaded under its Chinese title and today's date."""
    response = HttpResponse(list_workbook(title, header, rows), content_type=XLSX)
    filename = f"{title}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


DEADLINE_HEADER = ("编号", "决策事项名称", "期限", "责任单位", "到期日", "剩余", "依据", "状态")


@login_required
@require_GET
def deadlines_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    """The deadline list as its page filters and orders it (``deadlines.views.listed``), every row."""
    _form, _status, queryset = deadline_views.listed(request)
    with translation.override("zh-hans"):
        rows = [
            (
                row.deadline.decision.code,
                row.deadline.decision.title,
                str(row.deadline.get_kind_display()),
                row.deadline.department.name if row.deadline.department else "",
                row.deadline.due_date,
                str(row.days_text),
                str(row.basis),
                str(row.deadline.get_status_display()),
            )
            for row in clocks.rows(queryset)
        ]
    return _list_workbook_response("法定期限", DEADLINE_HEADER, rows)


QUEUE_HEADER = ("编号", "决策事项名称", "承办单位", "轮次", "阶段", "审查人员", "到期日", "剩余工作日")


@login_required
@require_GET
def reviews_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    """The review queue as its page filters and orders it (``reviews.views.queued``), every row."""
    _form, queue = review_views.queued(request)
    with translation.override("zh-hans"):
        rows = []
        for row in queue:
            review, clock = row.review, row.clock
            running = clock if clock is not None and not clock.stopped else None
            rows.append(
                (
                    review.decision.code,
                    review.decision.title,
                    review.decision.lead_sponsor.name,
                    review.round,
                    str(row.stage.label),
                    person(review.assigned_to),
                    running.due_on if running else "",
                    running.days_left if running else "",  # negative when overdue
                )
            )
    return _list_workbook_response("合法性审查队列", QUEUE_HEADER, rows)


@login_required
@require_GET
def dossier_download(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The decision's dossier (一事一档, Art 33) from its page: whoever sees the decision
    (``visibility.visible_decision``, 404 otherwise), as the API's ``/decisions/{id}/dossier/``."""
    decision = visible_decision(request.user, pk)
    response = HttpResponse(dossier_export(decision), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, dossier_filename(decision))
    return response


@login_required
@require_POST
def meeting_packet_generate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The government office assembles the meeting packet (Art 29) from the decision's page."""
    decision = visible_decision(request.user, pk)
    try:
        packet_service.meeting_packet_generate(decision=decision, actor=request.user, ip=client_ip(request))
    except DecisionError as err:
        return error_page(request, err)
    messages.success(request, _("Meeting packet generated."))
    return redirect(reverse("decisions:detail", kwargs={"pk": pk}) + "#meeting-packet")


def meeting_packet_section(decision, user) -> DetailSection | None:
    """The decision page's button that assembles the meeting packet: for the government office,
    while the decision awaits the meeting (``extensions.provide_detail_section``)."""
    if packet_refusal(decision) is not None or not permissions.may(user, "meeting_packet", decision):
        return None
    return DetailSection(
        "reports/_meeting_packet_section.html",
        {"url": reverse("reports:meeting-packet", args=[decision.pk]), "article": article_label("Art 29")},
    )


def dossier_section(decision, user) -> DetailSection:
    """The decision page's download of its dossier (``extensions.provide_detail_section``)."""
    url = reverse("reports:dossier", args=[decision.pk])
    return DetailSection("reports/_dossier_section.html", {"url": url, "article": article_label("Art 33")})


# Rows per page of the overview's table and of its list of waived steps.
OVERVIEW_PAGE_SIZE = 50
WAIVED_PAGE_SIZE = 25


@login_required
@require_GET
def overview(request: AuthenticatedRequest) -> HttpResponse:
    """One screen that shows no decision skipped a step (DESIGN.md, "What no step skipped means").

    The figures on top cover every decision the user sees and are counted by the database; the
    table and the list of waived steps are paged and follow the year and state filters, so the
    page costs the same few queries whatever the size of the catalogue."""
    form = decision_forms.DecisionFilterForm(request.GET or None, years=selectors.catalogue_years(request.user))
    filters = {}
    if form.is_bound:
        form.is_valid()  # an unusable filter is ignored, the others still apply
        filters = form.cleaned_data
    year, state = filters.get("year"), filters.get("state") or ""
    lacking_only = request.GET.get("lacking") == "1"
    summary = overview_selectors.overview_summary(request.user)
    decisions = overview_selectors.overview_decisions(request.user, year=year, state=state, lacking_only=lacking_only)
    paginator = Paginator(decisions, OVERVIEW_PAGE_SIZE)
    if not (year or state or lacking_only):
        # The table lists every visible decision, which the summary has just counted by state.
        paginator.count = sum(summary["counts"].values())
    page = paginator.get_page(request.GET.get("page"))
    # Labels looked up once per page: get_FOO_display() rebuilds and hashes the choices every call.
    state_labels = {value: str(label) for value, label in DecisionState.choices}
    findings = overview_selectors.integrity_findings(page.object_list)
    rows = [
        {
            "decision": decision,
            "state_label": state_labels[decision.state],
            "marks": step_marks(decision),
            "problems": [str(GATE_PROBLEM_LABELS[p]) for p in overview_selectors.gate_problems(decision)],
            "findings": [
                {"message": f.message, "article": article_label(f.article)} for f in findings.get(decision.pk, [])
            ],
        }
        for decision in page.object_list
    ]
    waived_page = Paginator(
        overview_selectors.waived_steps(request.user, year=year, state=state), WAIVED_PAGE_SIZE
    ).get_page(request.GET.get("waived_page"))
    step_labels = {value: str(label) for value, label in StepKind.choices}
    waived = [
        {
            "step": step,
            "kind": step_labels[step.kind],
            "article": waiver_basis_label(step),
            "requester": waiver_requester(step),
            "approver": decision_forms.user_label(step.waiver_approved_by) if step.waiver_approved_by else "",
        }
        for step in waived_page.object_list
    ]
    counts = summary["counts"]
    return render(
        request,
        "reports/overview.html",
        {
            "form": form,
            "lacking_only": lacking_only,
            "filtered": bool(year or state or lacking_only),
            "page": page,
            "rows": rows,
            "query": query_without(request, "page"),
            "waived_page": waived_page,
            "waived": waived,
            "waived_query": query_without(request, "waived_page"),
            "state_counts": [(DecisionState(state), n) for state, n in counts.items()],
            "total": sum(counts.values()),
            "checked": summary["checked"],
            "flagged": summary["flagged"],
            "legend": legend(),
        },
    )
