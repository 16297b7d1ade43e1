"""The list of decisions (with the five-step marks), the user's to-do list, and the registration of a
new one (Art 10)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from decisions import forms, selectors, services, todo
from decisions.errors import DecisionError, ErrorCode
from decisions.http import AuthenticatedRequest
from decisions.presentation import (
    legend,
    step_marks,
)
from decisions.views.common import add_error, client_ip, error_page

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from decisions.extensions import Task
    from decisions.models import Decision


def listed(request: AuthenticatedRequest) -> tuple[forms.DecisionFilterForm, QuerySet[Decision]]:
    """The list's filters as the request gives them, and the decisions they select: read by the page
    and by its export (an unusable filter is ignored, the others still apply)."""
    years, departments = selectors.list_filter_choices(request.user)
    form = forms.DecisionFilterForm(request.GET or None, years=years, departments=departments)
    filters = form.filters()
    queryset = selectors.decision_list(
        request.user,
        year=filters.get("year"),
        state=filters.get("state") or "",
        department=filters.get("department"),
        search=filters.get("q") or "",
        overdue=bool(filters.get("overdue")),
        sort=filters.get("sort") or "",
    )
    return form, queryset


@login_required
@require_GET
def decision_list(request: AuthenticatedRequest) -> HttpResponse:
    form, queryset = listed(request)
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    rows = [(decision, step_marks(decision)) for decision in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "decisions/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "can_register": selectors.registrable_departments(request.user).exists(),
            "legend": legend(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def register(request: AuthenticatedRequest) -> HttpResponse:
    """Art 10: a sponsoring department registers a proposed decision."""
    lead_sponsors = selectors.registrable_departments(request.user)
    if not lead_sponsors.exists():
        return error_page(
            request,
            DecisionError(ErrorCode.FORBIDDEN, _("Only a sponsoring department's staff can register decisions.")),
        )
    form = forms.DecisionRegisterForm(
        request.POST or None,
        lead_sponsors=lead_sponsors,
        co_sponsors=selectors.co_sponsor_candidates(request.user),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                decision = services.decision_register(actor=request.user, ip=client_ip(request), **form.cleaned_data)
            except DecisionError as err:
                add_error(form, err)
                status = err.status
            else:
                messages.success(request, _("Decision %(code)s registered.") % {"code": decision.code})
                return redirect("decisions:detail", pk=decision.pk)
    return render(request, "decisions/register.html", {"form": form}, status=status)


@login_required
@require_GET
def my_tasks(request: AuthenticatedRequest) -> HttpResponse:
    """我的待办: what waits on the user, grouped by decision (``decisions.todo``)."""
    groups: dict[int, list[Task]] = {}
    tasks = todo.tasks_for(request.user)
    for task in tasks:
        groups.setdefault(task.decision.pk, []).append(task)
    return render(request, "decisions/todo.html", {"groups": list(groups.values()), "count": len(tasks)})


@login_required
@require_GET
def my_task_count(request: AuthenticatedRequest) -> JsonResponse:
    """The navigation's count, asked by the page's script after the page is shown, so that no page
    pays for the to-do list it does not show."""
    return JsonResponse({"count": len(todo.tasks_for(request.user))})
