"""The server-rendered web UI of the decision lifecycle.

Thin views: a form parses the input, ONE service (decisions.services) does the work, the page shows
the result. A refused action (DecisionError) is shown with its message and article, answered with
the error's HTTP status, and has changed nothing (the services are atomic). Reads go through
decisions.selectors, so nobody reaches a decision they cannot see (404, not 403: its existence is
not disclosed).
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from decisions import extensions, forms, permissions, selectors, services, visibility
from decisions.choices import STEP_ARTICLE
from decisions.errors import DecisionError, ErrorCode
from decisions.http import AuthenticatedRequest
from decisions.models import (
    Decision,
    DecisionState,
    ParticipationRecord,
    Role,
    StepKind,
    StepState,
)
from decisions.presentation import (
    STEP_ACTION_LABELS,
    STEP_EVENT_LABELS,
    TRANSITION_LABELS,
    Reason,
    article_label,
    article_note,
    join_names,
    legend,
    reasons,
    sorted_steps,
    step_marks,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise, WithAnnotations

    from decisions.selectors import MeetingColumns


def _client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: a forwarded-for header is whatever the client says unless a trusted proxy
    # sets it, and the event log is evidence.
    return request.META.get("REMOTE_ADDR") or None


# --------------------------------------------------------------------------- list, overview, register


@login_required
@require_GET
def decision_list(request: AuthenticatedRequest) -> HttpResponse:
    years, departments = selectors.list_filter_choices(request.user)
    form = forms.DecisionFilterForm(request.GET or None, years=years, departments=departments)
    filters = {}
    if form.is_bound:
        form.is_valid()  # an unusable filter is ignored, the others still apply
        filters = form.cleaned_data
    queryset = selectors.decision_list(
        request.user,
        year=filters.get("year"),
        state=filters.get("state") or "",
        department=filters.get("department"),
        search=filters.get("q") or "",
    )
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
        return _error_page(
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
                decision = services.decision_register(actor=request.user, ip=_client_ip(request), **form.cleaned_data)
            except DecisionError as err:
                _add_error(form, err)
                status = err.status
            else:
                messages.success(request, _("Decision %(code)s registered.") % {"code": decision.code})
                return redirect("decisions:detail", pk=decision.pk)
    return render(request, "decisions/register.html", {"form": form}, status=status)


def _error_page(request: HttpRequest, err: DecisionError) -> HttpResponse:
    return render(
        request,
        "decisions/error.html",
        {"error": Reason(str(err.message), err.article)},
        status=err.status,
    )


def _add_error(form: django_forms.BaseForm, err: DecisionError) -> None:
    """The service's refusal on the form: its field messages where the form has the field, and the
    message with its article above the form."""
    form.add_error(None, f"{err.message} {article_note(err.article)}".strip())
    for name, field_messages in err.fields.items():
        for message in field_messages:
            # A message about a field the form does not have (or about the whole record) goes on top.
            form.add_error(name if name in form.fields else None, message)


# --------------------------------------------------------------------------- the detail page


@dataclass
class Action:
    name: str
    label: StrOrPromise  # kept lazy: translated when the page renders
    url: str
    form: django_forms.Form | None = None
    refusals: list[Reason] = field(default_factory=list)
    grave: bool = False
    open: bool = False


@dataclass
class StepPanel:
    step: Any
    article: str
    record_form: django_forms.Form | None = None
    record_url: str = ""
    record_open: bool = False
    actions: list[Action] = field(default_factory=list)
    opinions: list = field(default_factory=list)
    methods_text: str = ""
    waiver_article: str = ""
    waiver_approver: str = ""


class DetailPage:
    """Everything the detail page shows, built from one read of the decision. ``bound`` replaces the
    blank form of one slot with the submitted one (after a refusal), ``error`` is the refusal."""

    def __init__(
        self, request: AuthenticatedRequest, pk: int, *, bound: dict | None = None, error: Reason | None = None
    ):
        self.request = request
        self.user = request.user
        self.decision = selectors.decision_detail(request.user, pk)
        self.bound = bound or {}
        self.error = error

    def _form(self, slot: str, factory):
        return self.bound.get(slot) or factory()

    def _url(self, view: str, **kwargs) -> str:
        return reverse(f"decisions:{view}", kwargs={"pk": self.decision.pk, **kwargs})

    def transitions(self) -> tuple[list[Action], list[dict]]:
        """The transitions open in this state: those the user may do, with their form or, when a
        gate is closed, why; and the others, with who does them (selectors.available_transitions)."""
        decision = self.decision
        mine, others = [], []
        for option in selectors.available_transitions(self.user, decision):
            if not option.state_ok:
                continue
            spec = option.spec
            if not option.role_ok:
                others.append({"label": spec.label, "roles": [Role(role).label for role in sorted(spec.roles)]})
                continue
            slot = f"transition:{spec.name}"
            mine.append(
                Action(
                    name=spec.name,
                    label=spec.label,
                    url=self._url("transition", name=spec.name),
                    form=self._form(slot, lambda n=spec.name: forms.transition_form(n, decision)),
                    refusals=reasons(option.refusals),
                    grave=spec.grave,
                    open=slot in self.bound,
                )
            )
        return mine, others

    def steps(self) -> list[StepPanel]:
        decision = self.decision
        # Steps change only while the draft is being prepared: only then is the role asked.
        options = (
            selectors.available_step_actions(self.user, decision) if decision.state == DecisionState.PREPARING else []
        )
        may_step = bool(options) and options[0].role_ok
        approvers = selectors.waiver_approvers(decision) if may_step else []
        step_actions: dict[int, list[selectors.StepActionOption]] = {}
        for option in options if may_step else []:
            if option.state_ok:
                step_actions.setdefault(option.step.pk, []).append(option)
        panels = []
        for step in sorted_steps(decision):
            panel = StepPanel(step=step, article=article_label(STEP_ARTICLE[step.kind]))
            if step.state == StepState.WAIVED:
                panel.waiver_article = article_label(step.waiver_article)
                panel.waiver_approver = forms.user_label(step.waiver_approved_by) if step.waiver_approved_by else ""
            if step.kind == StepKind.EXPERT_ARGUMENT:
                panel.opinions = list(step.expert_opinions.all())
            record = getattr(step, "participation", None) if step.kind == StepKind.PUBLIC_PARTICIPATION else None
            if record is not None:
                labels = dict(ParticipationRecord.Method.choices)
                panel.methods_text = join_names(str(labels.get(method, method)) for method in record.methods)
            editable = may_step and step.state in (StepState.PENDING, StepState.IN_PROGRESS)
            if editable:
                self._record_form(step, panel)
            for option in step_actions.get(step.pk, []):
                slot = f"step:{step.kind}:{option.name}"
                panel.actions.append(
                    Action(
                        name=option.name,
                        label=STEP_ACTION_LABELS[option.name],
                        url=self._url("step_action", kind=step.kind, action=option.name),
                        form=self._form(
                            slot,
                            lambda k=step.kind, a=option.name: forms.step_action_form(k, a, approvers=approvers),
                        ),
                        refusals=reasons(option.refusals),
                        grave=option.name == "waive",
                        open=slot in self.bound,
                    )
                )
            panels.append(panel)
        return panels

    def _record_form(self, step, panel: StepPanel) -> None:
        kind = step.kind
        if kind == StepKind.PUBLIC_PARTICIPATION:
            record = getattr(step, "participation", None)
            panel.record_form = self._form(
                "participation", lambda: forms.ParticipationForm(instance=record, prefix="pp")
            )
            panel.record_url = self._url("participation")
            panel.record_open = "participation" in self.bound
        elif kind == StepKind.RISK_ASSESSMENT:
            record = getattr(step, "risk", None)
            panel.record_form = self._form("risk", lambda: forms.RiskForm(instance=record, prefix="ra"))
            panel.record_url = self._url("risk")
            panel.record_open = "risk" in self.bound
        else:
            panel.record_form = self._form("expert", lambda: forms.ExpertOpinionForm(prefix="ea"))
            panel.record_url = self._url("expert_opinion_add")
            panel.record_open = "expert" in self.bound
            for opinion in panel.opinions:
                slot = f"handle:{opinion.pk}"
                opinion.handling_form = self._form(
                    slot,
                    lambda o=opinion: forms.ExpertHandlingForm(
                        initial={"handling": o.handling, "handling_reason": o.handling_reason}, prefix=f"h{o.pk}"
                    ),
                )
                opinion.handling_url = self._url("expert_opinion_handle", opinion_id=opinion.pk)
                opinion.handling_open = slot in self.bound

    def events(self) -> list[dict]:
        rows = []
        # Every app's events are in the record's vocabulary (decisions.extensions.provide_vocabulary).
        labels = {**extensions.event_labels(), **TRANSITION_LABELS}
        for event in self.decision.events.all():
            what: StrOrPromise
            if event.step_kind:
                states = dict(StepState.choices)
                what = f"{StepKind(event.step_kind).label}: {STEP_EVENT_LABELS.get(event.transition, event.transition)}"
            else:
                states = dict(DecisionState.choices)
                what = labels.get(event.transition, event.transition)
            rows.append(
                {
                    "event": event,
                    "what": what,
                    "from": states.get(event.from_state, event.from_state),
                    "to": states.get(event.to_state, event.to_state),
                    "actor": forms.user_label(event.actor) if event.actor else _("system"),
                }
            )
        return rows

    def context(self) -> dict:
        decision = self.decision
        user = self.user
        actions, others = self.transitions()
        can_attach = permissions.may(user, "attach", decision)
        can_report = decision.state in (DecisionState.IMPLEMENTING, DecisionState.SUSPENDED) and permissions.may(
            user, "report_execution", decision
        )
        can_evaluate = decision.state in (
            DecisionState.IMPLEMENTING,
            DecisionState.SUSPENDED,
            DecisionState.ARCHIVED,
        ) and permissions.may(user, "evaluate", decision)
        return {
            "decision": decision,
            "co_sponsors_text": join_names(d.name for d in decision.co_sponsors.all()),
            "sponsors_text": join_names([decision.lead_sponsor.name, *(d.name for d in decision.co_sponsors.all())]),
            "marks": step_marks(_annotate_from_record(decision)),
            "error": self.error,
            "actions": actions,
            "other_actions": others,
            "steps": self.steps(),
            "steps_editable_now": decision.state == DecisionState.PREPARING,
            "sections": extensions.detail_sections(decision, user),
            "meetings": list(decision.meetings.all()),
            "publication": getattr(decision, "publication", None),
            "reports": list(decision.execution_reports.all()),
            "evaluations": list(decision.evaluations.all()),
            "attachments": list(decision.attachments.all()),
            "events": self.events(),
            "can_attach": can_attach,
            "attachment_form": self._form("attachment", lambda: forms.AttachmentForm(prefix="att"))
            if can_attach
            else None,
            "attachment_open": "attachment" in self.bound,
            "report_form": self._form("report", lambda: forms.ExecutionReportForm(prefix="rep"))
            if can_report
            else None,
            "report_open": "report" in self.bound,
            "evaluation_form": self._form("evaluation", lambda: forms.EvaluationForm(decision=decision, prefix="ev"))
            if can_evaluate
            else None,
            "evaluation_open": "evaluation" in self.bound,
            "meeting_article": article_label("Art 29"),
            "publication_article": article_label("Art 32"),
            "execution_article": article_label("Art 34"),
            "evaluation_article": article_label("Art 36"),
        }

    def render(self, status: int = 200) -> HttpResponse:
        return render(self.request, "decisions/detail.html", self.context(), status=status)


def _annotate_from_record(decision: Decision) -> Decision:
    """Give the detail page's decision the meeting attributes the five-step marks read (the list
    page gets them as annotations; here the record is already prefetched). The other apps' columns
    are annotated by ``selectors.decision_detail``."""
    decision = cast("WithAnnotations[Decision, MeetingColumns]", decision)  # given those columns here
    meetings = list(decision.meetings.all())
    last = max(meetings, key=lambda m: (m.held_on, m.pk)) if meetings else None
    decision.meeting_outcome = last.outcome if last else None
    decision.meeting_held_on = last.held_on if last else None
    return decision


@login_required
@require_GET
def detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return DetailPage(request, pk).render()


# --------------------------------------------------------------------------- the writes


def _run(
    request: AuthenticatedRequest, pk: int, *, slot: str, form: django_forms.BaseForm, call, success: str, anchor: str
):
    """Validate ``form``, run ``call(cleaned_data)`` (one service), and redirect to the detail page;
    or show the page again with the submitted form, its errors and the refusal, status per error."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except DecisionError as err:
            _add_error(form, err)
            page = DetailPage(request, pk, bound={slot: form}, error=Reason(str(err.message), err.article))
            return page.render(status=err.status)
        messages.success(request, success)
        return redirect(reverse("decisions:detail", kwargs={"pk": pk}) + f"#{anchor}")
    page = DetailPage(request, pk, bound={slot: form}, error=Reason(_("Check the highlighted fields.")))
    return page.render(status=400)


@login_required
@require_POST
def transition(request: AuthenticatedRequest, pk: int, name: str) -> HttpResponse:
    """Any decision transition by its contract name, with its payload form."""
    decision = visibility.visible_decision(request.user, pk)
    if name not in forms.TRANSITION_FORMS:
        return _error_page(request, DecisionError(ErrorCode.NOT_FOUND, _("Unknown transition.")))
    form = forms.transition_form(name, decision, data=request.POST)

    def call(data):
        # Blank optional inputs are left to the services' defaults.
        payload = {key: value for key, value in data.items() if value not in (None, "")}
        services.decision_transition(
            decision=decision, name=name, actor=request.user, ip=_client_ip(request), **payload
        )

    return _run(
        request,
        pk,
        slot=f"transition:{name}",
        form=form,
        call=call,
        success=_("Done: %(action)s.") % {"action": TRANSITION_LABELS[name]},
        anchor="actions",
    )


@login_required
@require_POST
def step_action(request: AuthenticatedRequest, pk: int, kind: str, action: str) -> HttpResponse:
    decision = visibility.visible_decision(request.user, pk)
    if kind not in StepKind.values or action not in forms.STEP_ACTION_FORMS:
        return _error_page(request, DecisionError(ErrorCode.NOT_FOUND, _("Unknown step action.")))
    approvers = selectors.waiver_approvers(decision) if action == "waive" else []
    form = forms.step_action_form(kind, action, approvers=approvers, data=request.POST)

    def call(data):
        services.step_action(
            decision=decision, kind=kind, action=action, actor=request.user, ip=_client_ip(request), **data
        )

    return _run(
        request,
        pk,
        slot=f"step:{kind}:{action}",
        form=form,
        call=call,
        success=_("%(step)s: %(action)s.") % {"step": StepKind(kind).label, "action": STEP_ACTION_LABELS[action]},
        anchor=f"step-{kind}",
    )


@login_required
@require_POST
def participation(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    decision = visibility.visible_decision(request.user, pk)
    form = forms.ParticipationForm(request.POST, prefix="pp")
    return _run(
        request,
        pk,
        slot="participation",
        form=form,
        call=lambda data: services.participation_update(decision=decision, actor=request.user, **data),
        success=_("Public participation record saved."),
        anchor=f"step-{StepKind.PUBLIC_PARTICIPATION}",
    )


@login_required
@require_POST
def risk(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    decision = visibility.visible_decision(request.user, pk)
    form = forms.RiskForm(request.POST, prefix="ra")
    return _run(
        request,
        pk,
        slot="risk",
        form=form,
        call=lambda data: services.risk_update(decision=decision, actor=request.user, **data),
        success=_("Risk assessment record saved."),
        anchor=f"step-{StepKind.RISK_ASSESSMENT}",
    )


@login_required
@require_POST
def expert_opinion_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    decision = visibility.visible_decision(request.user, pk)
    form = forms.ExpertOpinionForm(request.POST, prefix="ea")
    return _run(
        request,
        pk,
        slot="expert",
        form=form,
        call=lambda data: services.expert_opinion_add(decision=decision, actor=request.user, **data),
        success=_("Expert opinion added."),
        anchor=f"step-{StepKind.EXPERT_ARGUMENT}",
    )


@login_required
@require_POST
def expert_opinion_handle(request: AuthenticatedRequest, pk: int, opinion_id: int) -> HttpResponse:
    decision = visibility.visible_decision(request.user, pk)
    form = forms.ExpertHandlingForm(request.POST, prefix=f"h{opinion_id}")
    return _run(
        request,
        pk,
        slot=f"handle:{opinion_id}",
        form=form,
        call=lambda data: services.expert_opinion_handle(
            decision=decision, actor=request.user, opinion_id=opinion_id, **data
        ),
        success=_("Handling of the expert opinion saved."),
        anchor=f"step-{StepKind.EXPERT_ARGUMENT}",
    )


@login_required
@require_POST
def attachment_upload(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    decision = visibility.visible_decision(request.user, pk)
    form = forms.AttachmentForm(request.POST, request.FILES, prefix="att")
    return _run(
        request,
        pk,
        slot="attachment",
        form=form,
        call=lambda data: services.attachment_upload(
            decision=decision,
            actor=request.user,
            uploaded_file=data["file"],
            kind=data["kind"],
            step_kind=data["step"] or None,
        ),
        success=_("File uploaded."),
        anchor="attachments",
    )


@login_required
@require_GET
def attachment_download(request: AuthenticatedRequest, pk: int) -> FileResponse:
    """Served only to users who can see the decision (404 otherwise)."""
    attachment = visibility.visible_attachment(request.user, pk)
    content_type = mimetypes.guess_type(attachment.original_name)[0] or "application/octet-stream"
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name, content_type=content_type
    )


@login_required
@require_POST
def execution_report_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    decision = visibility.visible_decision(request.user, pk)
    form = forms.ExecutionReportForm(request.POST, prefix="rep")
    return _run(
        request,
        pk,
        slot="report",
        form=form,
        call=lambda data: services.execution_report_add(decision=decision, actor=request.user, **data),
        success=_("Execution report added."),
        anchor="execution",
    )


@login_required
@require_POST
def evaluation_record(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    decision = visibility.visible_decision(request.user, pk)
    form = forms.EvaluationForm(request.POST, decision=decision, prefix="ev")
    return _run(
        request,
        pk,
        slot="evaluation",
        form=form,
        call=lambda data: services.evaluation_record(decision=decision, actor=request.user, **data),
        success=_("Evaluation recorded."),
        anchor="evaluation",
    )
