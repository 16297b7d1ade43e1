"""The annual figures as a page with charts, a printable page and an Excel workbook (decisions.reports)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from decisions.reports import AnnualFigures, figures_scope, scope_choices, workbook

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
    }


@login_required
def figures_page(request):
    figures = figures_from_request(request)
    return render(request, "reports/figures.html", _context(request, figures))


@login_required
def figures_print(request):
    figures = figures_from_request(request)
    return render(request, "reports/figures_print.html", _context(request, figures))


@login_required
def figures_xlsx(request):
    figures = figures_from_request(request)
    return xlsx_response(figures)


def xlsx_response(figures: AnnualFigures) -> HttpResponse:
    response = HttpResponse(workbook(figures), content_type=XLSX)
    name = f"figures-{figures.government.pk}-{figures.year}"
    if figures.department is not None:
        name += f"-{figures.department.pk}"
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
