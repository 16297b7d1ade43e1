"""A waiver of a preparatory step (不适用) is two acts by two people (DESIGN.md, "Lifecycle
contract"): the sponsor requests it, with the reason and a legal basis from the maintained list
(``WaiverBasis``), naming the approver; the approver, the sponsoring unit's head or a leader as the
government's setting says (``permissions.may_approve_waiver``), approves or refuses it in their own
login. The step is waived only on approval; a request that is open, refused or withdrawn leaves it
where it was. The legal office checks every waiver later in the review (Art 25).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from decisions import permissions, selectors
from decisions.choices import STEP_ARTICLE, RuleCode, StepKind, StepState, WaiverRequestStatus
from decisions.errors import DecisionError, ErrorCode
from decisions.models import Decision, DecisionState, ProcedureStep, WaiverBasis, WaiverRequest
from decisions.services.base import _invalid, lock_decision, record_event
from decisions.services.steps import lock_step, step_transition

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # the project uses Django's user model


def _name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def request_details(request: WaiverRequest) -> dict[str, Any]:
    """What the record keeps of a request: who asked whom, why, and on which basis."""
    return {
        "request": request.pk,
        "reason": request.reason,
        "basis": request.basis_id,
        "article": request.basis.citation,
        "basis_note": request.basis_note,
        "requested_by": request.requested_by_id,
        "requested_by_name": _name(request.requested_by),
        "approver": request.approver_id,
        "approver_name": _name(request.approver),
    }


def _check_basis(decision: Decision, kind: str, basis: WaiverBasis) -> None:
    """The basis is on the list, active, for this step, and national or a rule of the decision's
    government or one above it."""
    if basis.pk not in {b.pk for b in selectors.waiver_bases(decision, kind)}:
        raise DecisionError(
            ErrorCode.RULE,
            _("Choose an active legal basis from the list that applies to %(step)s.") % {"step": StepKind(kind).label},
            article=STEP_ARTICLE[StepKind(kind)],
            rule=RuleCode.WAIVER_BASIS,
            fields={"basis": [_("This legal basis does not apply to this step.")]},
        )


def _open_request(step: ProcedureStep) -> WaiverRequest | None:
    request: WaiverRequest | None = (
        WaiverRequest.objects.select_for_update(of=("self",))
        .select_related("basis", "requested_by", "approver")
        .filter(step=step, status=WaiverRequestStatus.REQUESTED)
        .first()
    )
    return request


def refuse_if_request_open(step: ProcedureStep) -> None:
    """While a waiver awaits its approver the step is not settled another way: withdraw it first."""
    if WaiverRequest.objects.filter(step=step, status=WaiverRequestStatus.REQUESTED).exists():
        raise DecisionError(
            ErrorCode.RULE,
            _("A request to mark %(step)s not applicable awaits approval: withdraw it first.")
            % {"step": StepKind(step.kind).label},
            article=STEP_ARTICLE[StepKind(step.kind)],
            rule=RuleCode.WAIVER_REQUEST_OPEN,
        )


@transaction.atomic
def waiver_request(
    *,
    decision: Decision,
    kind: str,
    actor: User,
    reason: str,
    basis: WaiverBasis | None,
    approver: User | None,
    basis_note: str = "",
    ip: str | None = None,
) -> WaiverRequest:
    """The sponsor asks that a step be marked not applicable: the reason, a legal basis from the
    list (free text only as a note beside it) and the approver, who must be one the government's
    setting allows and not the requester. The step does not change."""
    decision, step = lock_step(decision, kind, actor=actor)
    if step.state not in (StepState.PENDING, StepState.IN_PROGRESS):
        raise DecisionError(
            ErrorCode.WRONG_STATE,
            _("%(step)s is settled: reopen it before asking to mark it not applicable.")
            % {"step": step.get_kind_display()},
        )
    refuse_if_request_open(step)
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = [_("Give the reason the step does not apply.")]
    if basis is None:
        errors["basis"] = [_("Choose the legal basis from the list.")]
    if approver is None:
        errors["approver"] = [_("Name who is to approve the waiver.")]
    if errors:
        raise DecisionError(
            ErrorCode.INVALID, _("A waiver request needs a reason, a legal basis and an approver."), fields=errors
        )
    assert basis is not None and approver is not None  # checked just above
    _check_basis(decision, kind, basis)
    if approver.pk == actor.pk:
        raise _invalid(
            _("A waiver is two acts by two people: name someone other than yourself to approve it."),
            approver=_("You cannot approve your own request."),
        )
    if not permissions.may_approve_waiver(approver, decision):
        raise DecisionError(
            ErrorCode.RULE,
            _(
                "A waiver is approved by the sponsoring department's head or a government leader, as the rule settings say."
            ),
            article=STEP_ARTICLE[StepKind(kind)],
            rule=RuleCode.WAIVER_APPROVER,
            fields={"approver": [_("This person cannot approve a waiver for this decision.")]},
        )
    request = WaiverRequest.objects.create(
        step=step,
        requested_by=actor,
        approver=approver,
        reason=reason.strip(),
        basis=basis,
        basis_note=(basis_note or "").strip(),
    )
    record_event(
        decision,
        actor=actor,
        transition="request_waiver",
        from_state=step.state,
        to_state=step.state,
        comment=request.reason,
        ip=ip,
        step_kind=step.kind,
        details=request_details(request),
    )
    return request


def _lock_open_request(decision: Decision, kind: str) -> tuple[Decision, ProcedureStep, WaiverRequest]:
    if kind not in StepKind.values:
        raise _invalid(_("Unknown step “%(kind)s”.") % {"kind": kind}, kind=_("Unknown step."))
    decision = lock_decision(decision)
    step = ProcedureStep.objects.select_for_update().get(decision=decision, kind=kind)
    request = _open_request(step)
    if request is None:
        raise DecisionError(
            ErrorCode.WRONG_STATE,
            _("No request to mark %(step)s not applicable awaits approval.") % {"step": step.get_kind_display()},
        )
    return decision, step, request


def _require_approver(actor: User, request: WaiverRequest) -> None:
    """Only the approver named in the request decides it, in their own login: not the requester,
    not another head, not the legal office, not an administrator."""
    if not actor.is_authenticated or actor.pk != request.approver_id:
        raise DecisionError(
            ErrorCode.FORBIDDEN,
            _("Only %(approver)s, named in the request, can approve or refuse this waiver.")
            % {"approver": _name(request.approver)},
        )


def _close(request: WaiverRequest, status: str, note: str) -> None:
    request.status = status
    request.decided_at = timezone.now()
    request.decision_note = note
    request.save(update_fields=["status", "decided_at", "decision_note", "updated_at"])


@transaction.atomic
def waiver_approve(
    *, decision: Decision, kind: str, actor: User, note: str = "", ip: str | None = None
) -> ProcedureStep:
    """The approver approves in their own login: only now is the step waived, with the request's
    reason, the basis's citation and the approver on the step, and an event naming both people."""
    decision, step, request = _lock_open_request(decision, kind)
    _require_approver(actor, request)
    if decision.state != DecisionState.PREPARING:
        raise DecisionError(
            ErrorCode.WRONG_STATE,
            _("Preparatory steps can only change while the draft is being prepared (now “%(state)s”).")
            % {"state": decision.get_state_display()},
        )
    if not permissions.may_approve_waiver(actor, decision):
        raise DecisionError(
            ErrorCode.RULE,
            _(
                "A waiver is approved by the sponsoring department's head or a government leader, as the rule settings say."
            ),
            article=STEP_ARTICLE[StepKind(kind)],
            rule=RuleCode.WAIVER_APPROVER,
        )
    # The list may have changed since the request: the basis must still be in force.
    _check_basis(decision, kind, request.basis)
    _close(request, WaiverRequestStatus.APPROVED, (note or "").strip())
    step.waiver_reason = request.reason
    step.waiver_article = request.basis.citation
    step.waiver_approved_by = actor
    step.waiver_request = request
    step_transition(
        step,
        "waive",
        actor=actor,
        comment=request.reason,
        ip=ip,
        fields=["waiver_reason", "waiver_article", "waiver_approved_by", "waiver_request"],
    )
    return step


@transaction.atomic
def waiver_refuse(*, decision: Decision, kind: str, actor: User, reason: str, ip: str | None = None) -> WaiverRequest:
    """The approver refuses, with the reason: the step stays open and the record says why."""
    decision, step, request = _lock_open_request(decision, kind)
    _require_approver(actor, request)
    reason = (reason or "").strip()
    if not reason:
        raise _invalid(_("Say why the waiver is refused."), reason=_("Say why the waiver is refused."))
    _close(request, WaiverRequestStatus.REFUSED, reason)
    record_event(
        decision,
        actor=actor,
        transition="refuse_waiver",
        from_state=step.state,
        to_state=step.state,
        comment=reason,
        ip=ip,
        step_kind=step.kind,
        details=request_details(request),
    )
    return request


@transaction.atomic
def waiver_withdraw(
    *, decision: Decision, kind: str, actor: User, reason: str = "", ip: str | None = None
) -> WaiverRequest:
    """The requester withdraws an open request; the step stays where it was."""
    decision, step, request = _lock_open_request(decision, kind)
    if not actor.is_authenticated or actor.pk != request.requested_by_id:
        raise DecisionError(ErrorCode.FORBIDDEN, _("Only who made the request can withdraw it."))
    reason = (reason or "").strip()
    _close(request, WaiverRequestStatus.WITHDRAWN, reason)
    record_event(
        decision,
        actor=actor,
        transition="withdraw_waiver_request",
        from_state=step.state,
        to_state=step.state,
        comment=reason,
        ip=ip,
        step_kind=step.kind,
        details=request_details(request),
    )
    return request


# The answers to an open request by name (the page's and the API's entry points).
WAIVER_DECISIONS: dict[str, Callable[..., ProcedureStep | WaiverRequest]] = {
    "approve": waiver_approve,
    "refuse": waiver_refuse,
    "withdraw": waiver_withdraw,
}
