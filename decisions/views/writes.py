"""The decision page's writes: each parses one form, runs ONE service and redirects to the page; a
refusal shows the page again with the submitted form, its errors and the rule, status per error.
"""

from __future__ import annotations

import mimetypes
from typing import TYPE_CHECKING

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from decisions import forms, selectors, services, visibility
from decisions.errors import DecisionError, ErrorCode
from decisions.http import AuthenticatedRequest
from decisions.models import (
    DecisionState,
    StepKind,
)
from decisions.presentation import (
    STEP_ACTION_LABELS,
    TRANSITION_LABELS,
    Reason,
)

if TYPE_CHECKING:
    pass
from decisions.views.common import add_error, client_ip, error_page
from decisions.views.detail import DetailPage


def _run(
    request: AuthenticatedRequest, pk: int, *, slot: str, form: django_forms.BaseForm, call, success: str, anchor: str
):
    """Validate ``form``, run ``call(cleaned_data)`` (one service), and redirect to the detail page;
    or show the page again with the submitted form, its errors and the refusal, status per error."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except DecisionError as err:
            add_error(form, err)
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
        return error_page(request, DecisionError(ErrorCode.NOT_FOUND, _("Unknown transition.")))
    form = forms.transition_form(name, decision, data=request.POST)

    def call(data):
        # Blank optional inputs are left to the services' defaults.
        payload = {key: value for key, value in data.items() if value not in (None, "")}
        services.decision_transition(decision=decision, name=name, actor=request.user, ip=client_ip(request), **payload)

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
def amend(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    decision = visibility.visible_decision(request.user, pk)
    form = forms.DecisionAmendForm(request.POST, decision=decision, prefix="am")

    def call(data):
        services.decision_amend(decision=decision, actor=request.user, ip=client_ip(request), **data)

    return _run(request, pk, slot="amend", form=form, call=call, success=_("Description amended."), anchor="summary")


@login_required
@require_POST
def change_sponsors(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    decision = visibility.visible_decision(request.user, pk)
    form = forms.ChangeSponsorsForm(request.POST, decision=decision, prefix="sp")

    def call(data):
        services.decision_change_sponsors(decision=decision, actor=request.user, ip=client_ip(request), **data)

    return _run(
        request,
        pk,
        slot="sponsors",
        form=form,
        call=call,
        success=_("Sponsoring departments changed."),
        anchor="summary",
    )


@login_required
@require_POST
def step_action(request: AuthenticatedRequest, pk: int, kind: str, action: str) -> HttpResponse:
    decision = visibility.visible_decision(request.user, pk)
    if kind not in StepKind.values or action not in forms.STEP_ACTION_FORMS:
        return error_page(request, DecisionError(ErrorCode.NOT_FOUND, _("Unknown step action.")))
    approvers = selectors.waiver_approvers(decision, excluding=request.user) if action == "waive" else []
    bases = selectors.waiver_bases(decision, kind) if action == "waive" else []
    form = forms.step_action_form(kind, action, approvers=approvers, bases=bases, data=request.POST)

    def call(data):
        services.step_action(
            decision=decision, kind=kind, action=action, actor=request.user, ip=client_ip(request), **data
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


WAIVER_DECISION_MESSAGES = {
    "approve": _lazy("%(step)s: waiver approved; the step is not applicable."),
    "refuse": _lazy("%(step)s: waiver refused; the step stays open."),
    "withdraw": _lazy("%(step)s: waiver request withdrawn."),
}


@login_required
@require_POST
def waiver_decide(request: AuthenticatedRequest, pk: int, kind: str, act: str) -> HttpResponse:
    """The approver approves or refuses a waiver request in their own login; the requester withdraws it."""
    decision = visibility.visible_decision(request.user, pk)
    if kind not in StepKind.values or act not in forms.WAIVER_DECISION_FORMS:
        return error_page(request, DecisionError(ErrorCode.NOT_FOUND, _("Unknown step action.")))
    form = forms.waiver_decision_form(kind, act, data=request.POST)

    def call(data):
        services.WAIVER_DECISIONS[act](decision=decision, kind=kind, actor=request.user, ip=client_ip(request), **data)

    return _run(
        request,
        pk,
        slot=f"waiver:{kind}:{act}",
        form=form,
        call=call,
        success=str(WAIVER_DECISION_MESSAGES[act]) % {"step": StepKind(kind).label},
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


_HEARING_ANCHOR = f"step-{StepKind.PUBLIC_PARTICIPATION}"


@login_required
@require_POST
def hearing(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The hearing's notice, participants' publication, materials and record (Art 16–17)."""
    decision = visibility.visible_decision(request.user, pk)
    form = forms.HearingForm(request.POST, decision=decision, prefix="hr")
    return _run(
        request,
        pk,
        slot="hearing",
        form=form,
        call=lambda data: services.hearing_update(decision=decision, actor=request.user, **data),
        success=_("Hearing saved."),
        anchor=_HEARING_ANCHOR,
    )


@login_required
@require_POST
def hearing_participant_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    decision = visibility.visible_decision(request.user, pk)
    form = forms.HearingParticipantForm(request.POST, prefix="hp")
    return _run(
        request,
        pk,
        slot="hearing_participant",
        form=form,
        call=lambda data: services.hearing_participant_add(decision=decision, actor=request.user, **data),
        success=_("Hearing participant added."),
        anchor=_HEARING_ANCHOR,
    )


@login_required
@require_POST
def hearing_scan(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    decision = visibility.visible_decision(request.user, pk)
    form = forms.HearingScanForm(request.POST, request.FILES, prefix="hs")
    return _run(
        request,
        pk,
        slot="hearing_scan",
        form=form,
        call=lambda data: services.hearing_record_scan(
            decision=decision, actor=request.user, uploaded_file=data["file"]
        ),
        success=_("Signed hearing record filed."),
        anchor=_HEARING_ANCHOR,
    )


@login_required
@require_POST
def hearing_answer(request: AuthenticatedRequest, pk: int, participant_id: int) -> HttpResponse:
    decision = visibility.visible_decision(request.user, pk)
    form = forms.HearingAnswerForm(request.POST, prefix=f"ha{participant_id}")

    def call(data):
        services.hearing_participant_answer(
            decision=decision,
            actor=request.user,
            participant_id=participant_id,
            confirmed_on=data["confirmed_on"],
            objected_on=data["objected_on"],
            objection=data["objection"],
        )

    return _run(
        request,
        pk,
        slot=f"hearing_answer:{participant_id}",
        form=form,
        call=call,
        success=_("The participant's answer to the hearing record is recorded."),
        anchor=_HEARING_ANCHOR,
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
    form = forms.ExpertOpinionForm(request.POST, request.FILES, prefix="ea", government_id=decision.government_id)
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
def expert_select(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    decision = visibility.visible_decision(request.user, pk)
    form = forms.ExpertSelectionForm(request.POST, prefix="es", government_id=decision.government_id)
    return _run(
        request,
        pk,
        slot="select",
        form=form,
        call=lambda data: services.expert_select(decision=decision, actor=request.user, **data),
        success=_("The choice of experts is recorded."),
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
def meeting_correct(request: AuthenticatedRequest, pk: int, meeting_id: int) -> HttpResponse:
    """Art 30: a correction appended to a final meeting record."""
    decision = visibility.visible_decision(request.user, pk)
    form = forms.MeetingCorrectionForm(request.POST, prefix=f"mc{meeting_id}")
    return _run(
        request,
        pk,
        slot=f"correct:{meeting_id}",
        form=form,
        call=lambda data: services.meeting_correct(
            decision=decision, actor=request.user, meeting_id=meeting_id, ip=client_ip(request), **data
        ),
        success=_("Correction appended to the meeting record."),
        anchor=f"meeting-{meeting_id}",
    )


@login_required
@require_POST
def attachment_upload(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    decision = visibility.visible_decision(request.user, pk)
    form = forms.AttachmentForm(
        request.POST,
        request.FILES,
        prefix="att",
        kinds=services.upload_kinds(decision),
        with_steps=decision.state == DecisionState.PREPARING,
    )
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
            step_kind=data.get("step") or None,
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
def drafting_record_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    decision = visibility.visible_decision(request.user, pk)
    form = forms.DraftingRecordForm(request.POST, request.FILES, prefix="dr")
    return _run(
        request,
        pk,
        slot="drafting",
        form=form,
        call=lambda data: services.drafting_record_add(
            decision=decision, actor=request.user, ip=client_ip(request), **data
        ),
        success=_("Drafting record added."),
        anchor="drafting",
    )


@login_required
@require_GET
def meeting_packet_download(request: AuthenticatedRequest, pk: int) -> FileResponse:
    """A meeting packet (Art 29), served as the attachments are: only to users who can see its
    decision (404 otherwise)."""
    packet = visibility.visible_meeting_packet(request.user, pk)
    return FileResponse(
        packet.file.open("rb"), as_attachment=True, filename=packet.filename, content_type="application/pdf"
    )


@login_required
@require_POST
def execution_report_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    decision = visibility.visible_decision(request.user, pk)
    form = forms.ExecutionReportForm(request.POST, request.FILES, prefix="rep")
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
    form = forms.EvaluationForm(request.POST, request.FILES, decision=decision, prefix="ev")
    return _run(
        request,
        pk,
        slot="evaluation",
        form=form,
        call=lambda data: services.evaluation_record(decision=decision, actor=request.user, **data),
        success=_("Evaluation recorded."),
        anchor="evaluation",
    )


@login_required
@require_POST
def party_committee_report_record(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    decision = visibility.visible_decision(request.user, pk)
    form = forms.PartyCommitteeReportForm(request.POST, request.FILES, prefix="pcr")
    return _run(
        request,
        pk,
        slot="party_committee_report",
        form=form,
        call=lambda data: services.party_committee_report_record(
            decision=decision, actor=request.user, ip=client_ip(request), **data
        ),
        success=_("Report to the Party committee recorded."),
        anchor="party-committee-report",
    )


@login_required
@require_POST
def execution_problem_report(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    decision = visibility.visible_decision(request.user, pk)
    form = forms.ExecutionProblemForm(request.POST, prefix="prob")
    return _run(
        request,
        pk,
        slot="execution_problem",
        form=form,
        call=lambda data: services.execution_problem_report(
            decision=decision, actor=request.user, ip=client_ip(request), **data
        ),
        success=_("Execution problem recorded."),
        anchor="execution-problems",
    )


@login_required
@require_POST
def execution_problem_answer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    decision = visibility.visible_decision(request.user, pk)
    form = forms.ExecutionProblemAnswerForm(
        request.POST, prefix="ans", problems=selectors.unanswered_execution_problems([decision])
    )
    return _run(
        request,
        pk,
        slot="execution_problem_answer",
        form=form,
        call=lambda data: services.execution_problem_answer(
            decision=decision, actor=request.user, ip=client_ip(request), **data
        ),
        success=_("Answer recorded."),
        anchor="execution-problems",
    )
