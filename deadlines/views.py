"""Pages of the deadlines and the notifications (the bell).

Thin views: reads through ``deadlines.clocks`` / ``deadlines.notifications`` (only the decisions a
user may see, ``visibility.decisions_visible_to``), writes through their services.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from deadlines import clocks, notifications
from deadlines.models import Deadline, DeadlineKind, Delivery, Notification, Reminder
from decisions import workdays
from decisions.accounts.security_log import refused_access
from decisions.errors import DecisionError
from decisions.forms import ListFilterForm
from decisions.http import AuthenticatedRequest
from decisions.models import Decision
from decisions.presentation import refusal_text
from decisions.selectors import catalogue_years
from decisions.visibility import decisions_visible_to

if TYPE_CHECKING:
    from django.db.models import QuerySet


class DeadlineFilter(ListFilterForm):
    """The deadline list's filters: open, overdue or closed, and those of every list of decisions."""

    ORDERS = [
        ("", gettext_lazy("By due date")),
        ("code", gettext_lazy("By code")),
        ("department", gettext_lazy("By responsible department")),
    ]
    # The order of the columns: by decision, then by due date.
    ORDER_BY = {"code": ("decision__code", "due_date", "id"), "department": ("department__name", "due_date", "id")}

    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[
            ("open", gettext_lazy("Open")),
            ("overdue", gettext_lazy("Overdue")),
            ("closed", gettext_lazy("Closed")),
        ],
    )
    field_order = ["status", "year", "department", "overdue", "sort"]


def listed(request: AuthenticatedRequest) -> tuple[DeadlineFilter, str, QuerySet[Deadline]]:
    """The list's filters as the request gives them, its status, and the deadlines they select:
    read by the page and by its export."""
    visible = clocks.visible_to(request.user)
    # The departments a clock chases (the legal office's review clocks too), not only lead sponsors.
    form = DeadlineFilter(
        request.GET or None,
        years=catalogue_years(request.user),
        departments=clocks.chased_departments(request.user),
    )
    filters = form.filters()
    status = filters.get("status") or "open"
    if filters.get("overdue"):
        status = "overdue"
    today = timezone.localdate()
    qs = visible
    if status == "closed":
        qs = qs.exclude(status=Deadline.Status.OPEN).order_by("-closed_at", "-id")
    elif status == "overdue":
        qs = qs.filter(status=Deadline.Status.OPEN, paused=False, due_date__lt=today, kind__in=clocks.CHASED_KINDS)
    else:
        qs = qs.filter(status=Deadline.Status.OPEN)
    if filters.get("department") is not None:
        qs = qs.filter(department_id=filters["department"])
    if filters.get("year") is not None:
        qs = qs.filter(decision__catalogue_year=filters["year"])
    if filters.get("sort") in DeadlineFilter.ORDER_BY:
        qs = qs.order_by(*DeadlineFilter.ORDER_BY[filters["sort"]])
    return form, status, qs


class AssignForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Deadline"), choices=[(k, DeadlineKind(k).label) for k in clocks.ASSIGNED_KINDS]
    )
    due_date = forms.DateField(label=gettext_lazy("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=500)


@require_GET
@login_required
def deadline_list(request: AuthenticatedRequest) -> HttpResponse:
    """Every open deadline the user may see, with working days left and its basis."""
    form, status, qs = listed(request)
    today = timezone.localdate()
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "deadlines/list.html",
        {
            "form": form,
            "status": status,
            "query": query.urlencode(),
            "page": page,
            "rows": clocks.rows(page.object_list, today=today),
            "today": today,
            "missing_years": workdays.years_needing_schedule(today) if request.user.is_staff else [],
        },
    )


def _visible_decision(request: AuthenticatedRequest, pk: int):
    decision = decisions_visible_to(request.user).select_related("government").filter(pk=pk).first()
    if decision is None:
        if Decision.objects.filter(pk=pk).exists():
            refused_access("decision", pk)
        raise Http404
    return decision


@require_GET
@login_required
def decision_deadlines(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One decision's clocks, open and closed, with each reminder and its delivery status."""
    decision = _visible_decision(request, pk)
    qs = (
        Deadline.objects.filter(decision=decision)
        .select_related("decision", "department", "step", "assigned_by")
        .prefetch_related(
            Prefetch(
                "reminders",
                queryset=Reminder.objects.order_by("due_day", "id").prefetch_related(
                    Prefetch("deliveries", queryset=Delivery.objects.select_related("user", "department"))
                ),
            )
        )
        .order_by("-status", "due_date", "id")
    )
    return render(
        request,
        "deadlines/decision.html",
        {
            "decision": decision,
            "rows": clocks.rows(qs),
            "assign_form": AssignForm() if clocks.may_assign(request.user, decision) else None,
        },
    )


@require_POST
@login_required
def assign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    decision = _visible_decision(request, pk)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the kind of deadline and a due date."))
    else:
        try:
            clocks.deadline_assign(decision=decision, actor=request.user, **form.cleaned_data)
        except DecisionError as err:
            messages.error(request, refusal_text(err))
        else:
            messages.success(request, _("Deadline set."))
    return redirect("deadlines:decision", pk=decision.pk)


@dataclass
class NotificationRow:
    notification: Notification
    headline: str
    text: str
    url: str
    deliveries: list[Delivery]


@require_GET
@login_required
def notification_list(request: AuthenticatedRequest) -> HttpResponse:
    """The user's notifications, newest first, with how each went out on every channel."""
    qs = notifications.for_user(request.user).prefetch_related(
        Prefetch(
            "reminder__deliveries",
            queryset=Delivery.objects.filter(Q(user=request.user) | Q(channel=Delivery.Channel.WEBHOOK)).select_related(
                "department"
            ),
        )
    )
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    calendar = workdays.WorkCalendar()
    rows = []
    for notification in page.object_list:
        message = notifications.notification_message(notification, calendar=calendar)
        body = message.text.split("\n")[1:-1]
        rows.append(
            NotificationRow(
                notification,
                message.headline,
                "\n".join(body),
                message.url,
                list(notification.reminder.deliveries.all()) if notification.reminder else [],
            )
        )
    return render(request, "deadlines/notifications.html", {"page": page, "rows": rows})


@require_POST
@login_required
def mark_read(request: AuthenticatedRequest) -> HttpResponse:
    raw_ids = request.POST.getlist("id")
    ids: list[int] | None
    try:
        ids = [int(i) for i in raw_ids] if raw_ids else None
    except ValueError:
        ids = []
    notifications.notification_mark_read(user=request.user, notification_ids=ids)
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("deadlines:notifications")
