"""The preparatory steps' writes (Art 14–24): start, complete, reopen; not applicable (a waiver) is
requested and approved by two people (``decisions.services.waivers``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from decisions import gates
from decisions.errors import DecisionError, ErrorCode
from decisions.models import (
    Decision,
    DecisionEvent,
    DecisionState,
    ProcedureStep,
    StepKind,
    StepState,
    WaiverBasis,
)
from decisions.services.base import (
    _check_arguments,
    _invalid,
    _require,
    _require_text,
    _save_transition,
    lock_decision,
    record_event,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # the project uses Django's user model


# --------------------------------------------------------------------------- preparatory steps


def lock_step(decision: Decision, kind: str, *, actor: User, action: str = "step") -> tuple[Decision, ProcedureStep]:
    """Steps change only while the decision is being prepared, and only by its lead sponsor."""
    if kind not in StepKind.values:
        raise _invalid(_("Unknown step “%(kind)s”.") % {"kind": kind}, kind=_("Unknown step."))
    decision = lock_decision(decision)
    _require(actor, action, decision)
    if decision.state != DecisionState.PREPARING:
        raise DecisionError(
            ErrorCode.WRONG_STATE,
            _("Preparatory steps can only change while the draft is being prepared (now “%(state)s”).")
            % {"state": decision.get_state_display()},
        )
    step = ProcedureStep.objects.select_for_update().get(decision=decision, kind=kind)
    step.decision = decision  # the locked row, not a second read
    return decision, step


def step_transition(
    step: ProcedureStep, name: str, *, actor: User, comment: str = "", ip: str | None = None, fields: Iterable[str] = ()
) -> DecisionEvent:
    method = getattr(step, name)
    if not can_proceed(method, check_conditions=False):
        raise DecisionError(
            ErrorCode.WRONG_STATE,
            _("“%(transition)s” is not possible while %(step)s is “%(state)s”.")
            % {"transition": name, "step": step.get_kind_display(), "state": step.get_state_display()},
        )
    refusals = gates.step_refusals(name, step)
    if refusals:
        raise refusals[0].as_error()
    from_state = step.state
    details = {}
    if name == "waive":
        details = _waiver_details(step)
    if name == "reopen" and from_state == StepState.WAIVED:
        # The waiver is withdrawn from the step; what it said stays in the history.
        details = {"withdrawn_waiver": _waiver_details(step)}
        step.waiver_reason, step.waiver_article, step.waiver_approved_by = "", "", None
        step.waiver_request = None
        fields = [*fields, "waiver_reason", "waiver_article", "waiver_approved_by", "waiver_request"]
    method()
    now = timezone.now()
    if name == "start":
        step.started_at = now
    if name in ("complete", "waive"):
        step.settled_at = now
    if name == "reopen":
        step.settled_at = None
    _save_transition(step, ["started_at", "settled_at", *dict.fromkeys(fields)])
    return record_event(
        step.decision,
        actor=actor,
        transition=name,
        from_state=from_state,
        to_state=step.state,
        comment=comment,
        ip=ip,
        step_kind=step.kind,
        details=details,
    )


def _waiver_details(step: ProcedureStep) -> dict[str, Any]:
    """The waiver as the record keeps it: reason, article, and both people, the requester and the
    approver who approved it (two acts by two people)."""
    approver = step.waiver_approved_by
    request = step.waiver_request
    requester = request.requested_by if request is not None else None
    return {
        "reason": step.waiver_reason,
        "article": step.waiver_article,
        "basis": request.basis_id if request is not None else None,
        "basis_note": request.basis_note if request is not None else "",
        "request": request.pk if request is not None else None,
        "requested_by": requester.pk if requester else None,
        "requested_by_name": (requester.get_full_name() or requester.get_username()) if requester else "",
        "approved_by": approver.pk if approver else None,
        "approved_by_name": (approver.get_full_name() or approver.get_username()) if approver else "",
    }


def _editable(step: ProcedureStep) -> None:
    if step.state not in (StepState.PENDING, StepState.IN_PROGRESS):
        raise DecisionError(
            ErrorCode.WRONG_STATE,
            _("%(step)s is settled: reopen it before changing its record.") % {"step": step.get_kind_display()},
        )


@transaction.atomic
def step_start(
    *, decision: Decision, kind: str, actor: User, comment: str = "", ip: str | None = None
) -> ProcedureStep:
    decision, step = lock_step(decision, kind, actor=actor)
    step_transition(step, "start", actor=actor, comment=comment, ip=ip)
    return step


@transaction.atomic
def step_complete(
    *, decision: Decision, kind: str, actor: User, comment: str = "", ip: str | None = None
) -> ProcedureStep:
    """A step is done only with its outputs (Art 15–18, 19–21, 22–24; see decisions.gates)."""
    decision, step = lock_step(decision, kind, actor=actor)
    # Imported here: decisions.services.waivers imports this module.
    from decisions.services.waivers import refuse_if_request_open

    refuse_if_request_open(step)
    step_transition(step, "complete", actor=actor, comment=comment, ip=ip)
    return step


@transaction.atomic
def step_reopen(*, decision: Decision, kind: str, actor: User, reason: str, ip: str | None = None) -> ProcedureStep:
    """The draft changed materially: a settled step is open again, its waiver (if any) withdrawn.
    The withdrawn waiver stays in the history: its event records reason, article and approver."""
    decision, step = lock_step(decision, kind, actor=actor)
    reason = _require_text(reason, "reason", _("Say what changed in the draft."))
    step_transition(step, "reopen", actor=actor, comment=reason, ip=ip)
    return step


def step_request_waiver(
    *,
    decision: Decision,
    kind: str,
    actor: User,
    reason: str,
    basis: WaiverBasis | None,
    approver: User | None,
    basis_note: str = "",
    ip: str | None = None,
) -> ProcedureStep:
    """The step action "waive": the sponsor asks for the waiver; the step is waived only when the
    approver approves (``decisions.services.waivers``). There is no other road to "waived"."""
    # Imported here: decisions.services.waivers imports this module.
    from decisions.services.waivers import waiver_request

    request = waiver_request(
        decision=decision,
        kind=kind,
        actor=actor,
        reason=reason,
        basis=basis,
        approver=approver,
        basis_note=basis_note,
        ip=ip,
    )
    return request.step


STEP_SERVICES: dict[str, Callable[..., ProcedureStep]] = {
    "start": step_start,
    "complete": step_complete,
    "waive": step_request_waiver,
    "reopen": step_reopen,
}


def step_action(*, decision: Decision, kind: str, action: str, actor: User, **payload: Any) -> ProcedureStep:
    """Run a step action by name (UI and API entry points)."""
    service = STEP_SERVICES.get(action)
    if service is None:
        raise _invalid(_("Unknown step action “%(name)s”.") % {"name": action}, action=_("Unknown step action."))
    _check_arguments(service, action, decision=decision, kind=kind, actor=actor, **payload)
    step: ProcedureStep = service(decision=decision, kind=kind, actor=actor, **payload)
    return step
