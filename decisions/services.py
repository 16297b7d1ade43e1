"""Every write of the decisions app. Each service runs in one transaction, locks the decision row,
checks the actor's role, the state and the gates, and records one event per transition, so a
refused call changes nothing and a concurrent change fails cleanly (DecisionError "conflict").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import inspect
import zipfile
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.db import IntegrityError, transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed, can_proceed

from decisions import extensions, gates, lifecycle, permissions
from decisions.choices import EventType, RuleCode
from decisions.errors import DecisionError, ErrorCode
from decisions.models import (
    Attachment,
    Decision,
    DecisionEvent,
    DecisionState,
    Department,
    Evaluation,
    ExecutionReport,
    ExpertOpinion,
    Meeting,
    MeetingOutcome,
    ParticipationRecord,
    ProcedureStep,
    Publication,
    RiskAssessmentRecord,
    StepKind,
    StepState,
)
from decisions.rules import rules_for

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # the project uses Django's user model
    from django.core.files.uploadedfile import UploadedFile

RecordT = TypeVar("RecordT", ParticipationRecord, RiskAssessmentRecord)


# --------------------------------------------------------------------------- shared machinery


def _invalid(message: str, **fields: str) -> DecisionError:
    return DecisionError(ErrorCode.INVALID, message, fields={k: [v] for k, v in fields.items()})


def _validate(instance: Model, *, exclude: Iterable[str] = ()) -> None:
    """Model validation as a domain error: bad input changes nothing."""
    try:
        # The state is protected (FSMField): only transitions set it, so it is never "cleaned".
        instance.full_clean(exclude=[*exclude, "state"], validate_unique=False, validate_constraints=True)
    except ValidationError as exc:
        fields = {name: [str(m) for m in msgs] for name, msgs in exc.message_dict.items()}
        raise DecisionError(ErrorCode.INVALID, _("Some fields are not valid."), fields=fields) from exc


def _require_text(value: str | None, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise _invalid(message, **{field: message})
    return text


def lock_decision(decision: Decision | int) -> Decision:
    """Re-read the decision under a row lock: concurrent changes to one decision queue up here."""
    pk = decision.pk if isinstance(decision, Decision) else decision
    try:
        # Lock the decision row only: writes to other decisions of the government go on in parallel.
        locked: Decision = Decision.objects.select_for_update(of=("self",)).select_related("government").get(pk=pk)
    except Decision.DoesNotExist:
        raise DecisionError(ErrorCode.NOT_FOUND, _("No such decision.")) from None
    return locked


def _require(user: User, action: str, decision: Decision) -> None:
    if not permissions.may(user, action, decision):
        raise DecisionError(ErrorCode.FORBIDDEN, _("Your role does not allow this action on this decision."))


def record_event(
    decision: Decision,
    *,
    actor: User | None,
    transition: str,
    from_state: str,
    to_state: str,
    comment: str = "",
    ip: str | None = None,
    step_kind: str = "",
    details: dict[str, Any] | None = None,
) -> DecisionEvent:
    if transition not in extensions.event_labels():
        # A programming error, not bad input: every event type is named in the vocabulary.
        raise ValueError(f"Unknown event type {transition!r}: add it to the record's vocabulary.")
    event = DecisionEvent.objects.create(
        decision=decision,
        actor=actor if actor is not None and actor.is_authenticated else None,
        transition=transition,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        ip_address=_valid_ip(ip),
        step_kind=step_kind,
        details=details or {},
    )
    # The apps built on the core follow the record here (the review opens its round, the clocks
    # move), inside this transaction: decisions.extensions.
    extensions.event_recorded(event)
    return event


def _valid_ip(ip: str | None) -> str | None:
    """The client's address as reported by the server; anything that is not an address is dropped
    rather than failing the whole change."""
    if not ip:
        return None
    try:
        validate_ipv46_address(ip)
    except ValidationError:
        return None
    return ip


def _save_transition(obj: Model, fields: Iterable[str] = ()) -> None:
    try:
        obj.save(update_fields=["state", "updated_at", *fields])
    except ConcurrentTransition:
        raise DecisionError(
            ErrorCode.CONFLICT, _("Someone else changed this at the same time. Reload and try again.")
        ) from None


def _transition(
    decision: Decision,
    name: str,
    *,
    actor: User,
    comment: str = "",
    ip: str | None = None,
    args: tuple[Any, ...] = (),
    extra_fields: Iterable[str] = (),
) -> DecisionEvent:
    """Role, state and gates checked in that order; then the transition, the save and its event."""
    _require(actor, name, decision)
    method = getattr(decision, name)
    if not can_proceed(method, check_conditions=False):
        raise DecisionError(
            ErrorCode.WRONG_STATE,
            _("“%(transition)s” is not possible while the decision is “%(state)s”.")
            % {"transition": name, "state": decision.get_state_display()},
        )
    refusals = gates.refusals(name, decision)
    if refusals:
        raise refusals[0].as_error()
    from_state = decision.state
    try:
        method(*args)
    except TransitionNotAllowed as exc:  # a condition changed between the check and the call
        raise DecisionError(ErrorCode.WRONG_STATE, str(exc)) from exc
    _save_transition(decision, extra_fields)
    return record_event(
        decision, actor=actor, transition=name, from_state=from_state, to_state=decision.state, comment=comment, ip=ip
    )


# --------------------------------------------------------------------------- registration


@transaction.atomic
def decision_register(
    *,
    actor: User,
    lead_sponsor: Department,
    title: str,
    category: str,
    catalogue_year: int,
    decision_body: str,
    summary: str = "",
    legal_basis: str = "",
    co_sponsors: Iterable[Department] = (),
    in_catalogue: bool = True,
    ip: str | None = None,
) -> Decision:
    """Art 10: a sponsoring department registers a proposed decision; it gets the next code of the
    year (e.g. 2026-007) in its government and its three preparatory steps."""
    if not permissions.may_register(actor, lead_sponsor):
        raise DecisionError(ErrorCode.FORBIDDEN, _("Only a sponsoring department's staff can register its decisions."))
    co_sponsors = list(co_sponsors)
    for dept in co_sponsors:
        if dept.government_id != lead_sponsor.government_id or dept.pk == lead_sponsor.pk:
            raise _invalid(
                _("Co-sponsors must be other departments of the same government."),
                co_sponsors=_("Co-sponsors must be other departments of the same government."),
            )
    government = type(lead_sponsor.government).objects.select_for_update().get(pk=lead_sponsor.government_id)
    decision = Decision(
        government=government,
        catalogue_year=catalogue_year,
        title=(title or "").strip(),
        summary=summary,
        category=category,
        lead_sponsor=lead_sponsor,
        decision_body=(decision_body or "").strip(),
        in_catalogue=in_catalogue,
        legal_basis=legal_basis,
        registered_by=actor,
        sequence=0,
        code="-",
    )
    _validate(decision, exclude=["sequence", "code"])
    if not 2000 <= int(catalogue_year) <= 2100:
        raise _invalid(_("Give a real catalogue year."), catalogue_year=_("Give a real catalogue year."))
    # The government row is locked: sequences within a year are unique and gapless.
    last = Decision.objects.filter(government=government, catalogue_year=catalogue_year).aggregate(m=Max("sequence"))
    decision.sequence = (last["m"] or 0) + 1
    decision.code = f"{catalogue_year}-{decision.sequence:03d}"
    decision.save()
    decision.co_sponsors.set(co_sponsors)
    ProcedureStep.objects.bulk_create([ProcedureStep(decision=decision, kind=kind) for kind in StepKind.values])
    record_event(decision, actor=actor, transition=EventType.REGISTER, from_state="", to_state=decision.state, ip=ip)
    registered: Decision = decision
    return registered


# --------------------------------------------------------------------------- decision transitions


@transaction.atomic
def decision_start(*, decision: Decision, actor: User, comment: str = "", ip: str | None = None) -> Decision:
    """Art 10–11: the decision body starts the procedure; the preparatory steps may begin."""
    decision = lock_decision(decision)
    _transition(decision, "start", actor=actor, comment=comment, ip=ip)
    return decision


@transaction.atomic
def decision_submit_for_review(
    *, decision: Decision, actor: User, comment: str = "", ip: str | None = None
) -> Decision:
    """Art 25–26: the sponsor's head submits the draft; only with all three preparatory steps settled
    and no risk judged uncontrollable. Each submission opens a new review round."""
    decision = lock_decision(decision)
    # The review app opens the round from this event (decisions.extensions.on_event).
    _transition(decision, "submit_for_review", actor=actor, comment=comment, ip=ip)
    return decision


@transaction.atomic
def decision_return_for_revision(*, decision: Decision, actor: User, reason: str, ip: str | None = None) -> Decision:
    """Art 26: the legal office returns incomplete material, or an unlawful draft, to the sponsor."""
    decision = lock_decision(decision)
    reason = _require_text(reason, "reason", _("Say why the submission is returned."))
    _transition(decision, "return_for_revision", actor=actor, comment=reason, ip=ip)
    return decision


@transaction.atomic
def decision_clear_for_meeting(
    *, decision: Decision, actor: User, comment: str = "", ip: str | None = None
) -> Decision:
    """Art 25: only with an issued legality opinion that allows it (and, with changes asked for, the
    sponsor's answer confirmed, Art 28)."""
    decision = lock_decision(decision)
    _transition(decision, "clear_for_meeting", actor=actor, comment=comment, ip=ip)
    return decision


@transaction.atomic
def decision_record_outcome(
    *,
    decision: Decision,
    actor: User,
    outcome: str,
    meeting_type: str,
    held_on: dt.date,
    attendees: str,
    head_final_statement: str,
    head_against_majority: bool = False,
    head_reasons: str = "",
    dissent: str = "",
    comment: str = "",
    ip: str | None = None,
) -> Decision:
    """Art 29–30: the meeting's outcome, from its record: the head speaks last; a head deciding
    against the majority gives reasons; dissent is recorded as said."""
    decision = lock_decision(decision)
    _require(actor, "record_outcome", decision)
    if outcome not in MeetingOutcome.values:
        raise _invalid(_("Unknown meeting outcome."), outcome=_("Unknown meeting outcome."))
    meeting = Meeting(
        decision=decision,
        meeting_type=meeting_type,
        held_on=held_on,
        attendees=attendees,
        outcome=outcome,
        head_final_statement=head_final_statement,
        head_against_majority=head_against_majority,
        head_reasons=head_reasons,
        dissent=dissent,
        recorded_by=actor,
    )
    if head_against_majority and not (head_reasons or "").strip():
        raise DecisionError(
            ErrorCode.INVALID,
            _("The head decided against the majority: record the reasons."),
            article="Art 30",
            rule=RuleCode.HEAD_REASONS,
            fields={"head_reasons": [_("The head decided against the majority: record the reasons.")]},
        )
    _validate(meeting, exclude=["decision"])
    if held_on > timezone.localdate():
        raise _invalid(_("A meeting cannot be recorded before it is held."), held_on=_("The date is in the future."))
    meeting.save()
    extra = []
    if outcome == MeetingOutcome.DEFERRED:
        decision.deferred_on = held_on
        extra.append("deferred_on")
    _transition(decision, "record_outcome", actor=actor, comment=comment, ip=ip, args=(outcome,), extra_fields=extra)
    return decision


@transaction.atomic
def decision_resume(*, decision: Decision, actor: User, comment: str = "", ip: str | None = None) -> Decision:
    """A deferred decision goes back on the agenda."""
    decision = lock_decision(decision)
    decision.deferred_on = None
    _transition(decision, "resume", actor=actor, comment=comment, ip=ip, extra_fields=["deferred_on"])
    return decision


@transaction.atomic
def decision_publish(
    *,
    decision: Decision,
    actor: User,
    published_on: dt.date,
    document_number: str,
    in_gazette: bool = False,
    website_url: str = "",
    comment: str = "",
    ip: str | None = None,
) -> Decision:
    """Art 32: publication through the gazette and/or the government website."""
    decision = lock_decision(decision)
    _require(actor, "publish", decision)
    if decision.state != DecisionState.DECIDED:
        raise DecisionError(ErrorCode.WRONG_STATE, _("Only a decided decision can be published."))
    publication = Publication(
        decision=decision,
        published_on=published_on,
        document_number=(document_number or "").strip(),
        in_gazette=in_gazette,
        website_url=website_url,
    )
    _validate(publication, exclude=["decision"])
    publication.save()
    _transition(decision, "publish", actor=actor, comment=comment, ip=ip)
    return decision


@transaction.atomic
def decision_begin_implementation(
    *, decision: Decision, actor: User, executing_unit: Department, comment: str = "", ip: str | None = None
) -> Decision:
    """Art 34: an executing unit of the same government is named."""
    decision = lock_decision(decision)
    if executing_unit is None or executing_unit.government_id != decision.government_id:
        raise _invalid(
            _("Name an executing unit of this government."),
            executing_unit=_("Name an executing unit of this government."),
        )
    decision.executing_unit = executing_unit
    _transition(decision, "begin_implementation", actor=actor, comment=comment, ip=ip, extra_fields=["executing_unit"])
    return decision


@transaction.atomic
def decision_suspend(*, decision: Decision, actor: User, reason: str, ip: str | None = None) -> Decision:
    """Art 37: suspension by the head, with the reason on the record."""
    decision = lock_decision(decision)
    reason = _require_text(reason, "reason", _("Say why implementation is suspended."))
    _transition(decision, "suspend", actor=actor, comment=reason, ip=ip)
    return decision


@transaction.atomic
def decision_resume_implementation(
    *, decision: Decision, actor: User, comment: str = "", ip: str | None = None
) -> Decision:
    decision = lock_decision(decision)
    _transition(decision, "resume_implementation", actor=actor, comment=comment, ip=ip)
    return decision


@transaction.atomic
def decision_adjust(*, decision: Decision, actor: User, reason: str, ip: str | None = None) -> Decision:
    """Art 37: a major adjustment repeats the procedure: back to preparing, every settled step reopened."""
    decision = lock_decision(decision)
    reason = _require_text(reason, "reason", _("Describe the major adjustment."))
    _transition(decision, "adjust", actor=actor, comment=reason, ip=ip)
    for step in decision.steps.select_for_update():
        if step.state in (StepState.DONE, StepState.WAIVED):
            step_transition(step, "reopen", actor=actor, comment=reason, ip=ip)
    return decision


@transaction.atomic
def decision_withdraw(*, decision: Decision, actor: User, reason: str, ip: str | None = None) -> Decision:
    """Stopping a decision before it is decided, with the reason on the record."""
    decision = lock_decision(decision)
    reason = _require_text(reason, "reason", _("Say why the decision is withdrawn."))
    _transition(decision, "withdraw", actor=actor, comment=reason, ip=ip)
    return decision


@transaction.atomic
def decision_archive(*, decision: Decision, actor: User, comment: str = "", ip: str | None = None) -> Decision:
    """Art 33: the one-file-per-decision record is closed."""
    decision = lock_decision(decision)
    _transition(decision, "archive", actor=actor, comment=comment, ip=ip)
    return decision


# Each transition of the spec (decisions.lifecycle) is run by the service named after it.
TRANSITION_SERVICES: dict[str, Callable[..., Decision]] = {
    name: globals()[f"decision_{name}"] for name in lifecycle.TRANSITION_NAMES
}


def decision_transition(*, decision: Decision, name: str, actor: User, **payload: Any) -> Decision:
    """Run a transition by its contract name (UI and API entry points)."""
    service = TRANSITION_SERVICES.get(name)
    if service is None:
        raise _invalid(_("Unknown transition “%(name)s”.") % {"name": name}, transition=_("Unknown transition."))
    _check_arguments(service, name, decision=decision, actor=actor, **payload)
    moved: Decision = service(decision=decision, actor=actor, **payload)
    return moved


def _check_arguments(service: Callable[..., Any], name: str, **arguments: Any) -> None:
    """A missing or unexpected argument is bad input, not a server error; checked against the
    service's signature before the call, so a TypeError inside a service is never mistaken for it."""
    try:
        inspect.signature(service).bind(**arguments)
    except TypeError as exc:
        raise _invalid(_("Missing or unexpected input for “%(name)s”.") % {"name": name}) from exc


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
        fields = [*fields, "waiver_reason", "waiver_article", "waiver_approved_by"]
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
    approver = step.waiver_approved_by
    return {
        "reason": step.waiver_reason,
        "article": step.waiver_article,
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
    step_transition(step, "complete", actor=actor, comment=comment, ip=ip)
    return step


@transaction.atomic
def step_waive(
    *,
    decision: Decision,
    kind: str,
    actor: User,
    reason: str,
    article: str,
    approver: User,
    ip: str | None = None,
) -> ProcedureStep:
    """Not applicable (不适用): reason, the article relied on, and an approver who is the sponsor's
    head or a leader. The legal office reviews every waiver later (a waiver is never final on the
    sponsor's word alone)."""
    decision, step = lock_step(decision, kind, actor=actor)
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = [_("Give the reason the step does not apply.")]
    if not (article or "").strip():
        errors["article"] = [_("Give the article relied on.")]
    if approver is None:
        errors["approver"] = [_("Name who approved the waiver.")]
    if errors:
        raise DecisionError(ErrorCode.INVALID, _("A waiver needs a reason, an article and an approver."), fields=errors)
    if not permissions.may_approve_waiver(approver, decision):
        raise DecisionError(
            ErrorCode.FORBIDDEN,
            _("A waiver is approved by the sponsoring department's head or a government leader."),
            fields={"approver": [_("This person cannot approve a waiver for this decision.")]},
        )
    step.waiver_reason = reason.strip()
    step.waiver_article = article.strip()
    step.waiver_approved_by = approver
    step_transition(
        step,
        "waive",
        actor=actor,
        comment=reason.strip(),
        ip=ip,
        fields=["waiver_reason", "waiver_article", "waiver_approved_by"],
    )
    return step


@transaction.atomic
def step_reopen(*, decision: Decision, kind: str, actor: User, reason: str, ip: str | None = None) -> ProcedureStep:
    """The draft changed materially: a settled step is open again, its waiver (if any) withdrawn.
    The withdrawn waiver stays in the history: its event records reason, article and approver."""
    decision, step = lock_step(decision, kind, actor=actor)
    reason = _require_text(reason, "reason", _("Say what changed in the draft."))
    step_transition(step, "reopen", actor=actor, comment=reason, ip=ip)
    return step


STEP_SERVICES: dict[str, Callable[..., ProcedureStep]] = {
    "start": step_start,
    "complete": step_complete,
    "waive": step_waive,
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


PARTICIPATION_FIELDS = frozenset(
    f.name
    for f in ParticipationRecord._meta.concrete_fields
    if f.name not in {"id", "step", "created_at", "updated_at"}
)
RISK_FIELDS = frozenset(
    f.name
    for f in RiskAssessmentRecord._meta.concrete_fields
    if f.name not in {"id", "step", "created_at", "updated_at"}
)


def _update_record(
    model: type[RecordT], step: ProcedureStep, allowed: frozenset[str], values: dict[str, Any]
) -> RecordT:
    unknown = set(values) - allowed
    if unknown:
        raise _invalid(
            _("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
            **{name: _("Unknown field.") for name in unknown},
        )
    record, _created = model.objects.get_or_create(step=step)
    for name, value in values.items():
        setattr(record, name, value)
    _validate(record, exclude=["step"])
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as exc:
        raise _invalid(_("These values contradict each other (check the dates).")) from exc
    return record


@transaction.atomic
def participation_update(*, decision: Decision, actor: User, **values: Any) -> ParticipationRecord:
    """Record the public participation: methods, the call, its period, comments, hearing (Art 14–18)."""
    decision, step = lock_step(decision, StepKind.PUBLIC_PARTICIPATION, actor=actor)
    _editable(step)
    methods = values.get("methods")
    if methods is not None and (
        not isinstance(methods, list | tuple) or not set(methods) <= set(ParticipationRecord.Method.values)
    ):
        raise _invalid(_("Unknown consultation method."), methods=_("Unknown consultation method."))
    if methods is not None:
        values["methods"] = list(dict.fromkeys(methods))
    record = ParticipationRecord.objects.filter(step=step).first()
    counts = {
        name: values.get(name, getattr(record, name, 0) if record else 0)
        for name in ("comments_count", "comments_adopted", "comments_partly_adopted")
    }
    if all(isinstance(v, int) for v in counts.values()) and (
        counts["comments_adopted"] + counts["comments_partly_adopted"] > counts["comments_count"]
    ):
        message = _("More comments adopted than received.")
        raise DecisionError(
            ErrorCode.INVALID,
            message,
            article="Art 18",
            rule=RuleCode.COMMENTS_COUNTED,
            fields={"comments_adopted": [message]},
        )
    record = _update_record(ParticipationRecord, step, PARTICIPATION_FIELDS, values)
    extensions.record_changed(decision)  # the comment period and the hearing are clocks
    return record


@transaction.atomic
def risk_update(*, decision: Decision, actor: User, **values: Any) -> RiskAssessmentRecord:
    """Record the risk assessment: assessor, risk points, measures, plan, level, controllable (Art 22–24)."""
    decision, step = lock_step(decision, StepKind.RISK_ASSESSMENT, actor=actor)
    _editable(step)
    return _update_record(RiskAssessmentRecord, step, RISK_FIELDS, values)


@transaction.atomic
def expert_opinion_add(
    *,
    decision: Decision,
    actor: User,
    expert_name: str,
    opinion: str,
    organisation: str = "",
    speciality: str = "",
    signed_on: dt.date | None = None,
    declared_interest: bool = False,
    interest_detail: str = "",
    handling: str = "",
    handling_reason: str = "",
) -> ExpertOpinion:
    """Art 19–21: a written opinion; an expert declaring a direct interest is kept on the record but
    not counted."""
    decision, step = lock_step(decision, StepKind.EXPERT_ARGUMENT, actor=actor)
    _editable(step)
    record = ExpertOpinion(
        step=step,
        expert_name=(expert_name or "").strip(),
        opinion=(opinion or "").strip(),
        organisation=organisation,
        speciality=speciality,
        signed_on=signed_on,
        declared_interest=declared_interest,
        interest_detail=interest_detail,
        handling=handling,
        handling_reason=handling_reason,
    )
    _validate(record, exclude=["step"])
    if declared_interest and not interest_detail.strip():
        raise _invalid(_("Describe the interest declared."), interest_detail=_("Describe the interest declared."))
    record.save()
    return record


@transaction.atomic
def expert_opinion_handle(
    *, decision: Decision, actor: User, opinion_id: int, handling: str, handling_reason: str = ""
) -> ExpertOpinion:
    """Art 21: how each expert opinion was handled, with the reason when not fully adopted."""
    decision, step = lock_step(decision, StepKind.EXPERT_ARGUMENT, actor=actor)
    _editable(step)
    try:
        record = step.expert_opinions.get(pk=opinion_id)
    except ExpertOpinion.DoesNotExist:
        raise DecisionError(ErrorCode.NOT_FOUND, _("No such expert opinion.")) from None
    record.handling = handling
    record.handling_reason = handling_reason
    _validate(record, exclude=["step"])
    record.save(update_fields=["handling", "handling_reason", "updated_at"])
    return record


# --------------------------------------------------------------------------- files, execution, evaluation

# The first bytes each allowed type starts with; the extension alone is not trusted.
_SIGNATURES = {
    "pdf": (b"%PDF",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "ofd": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}


# Word, Excel and OFD files are zip packages; each has a part the others do not.
_PACKAGE_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "ofd": "OFD.xml"}


def _package_matches(uploaded_file: UploadedFile[Any], extension: str) -> bool:
    part = _PACKAGE_PARTS.get(extension)
    if part is None:
        return True
    uploaded_file.seek(0)
    try:
        with zipfile.ZipFile(uploaded_file) as package:
            return part in package.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


@transaction.atomic
def attachment_upload(
    *,
    decision: Decision,
    actor: User,
    uploaded_file: UploadedFile[Any],
    kind: str = Attachment.Kind.OTHER,
    step_kind: str | None = None,
) -> Attachment:
    """Store a file with its SHA-256 checksum; only the allowed types and sizes are accepted."""
    decision = lock_decision(decision)
    _require(actor, "attach", decision)
    name = uploaded_file.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = settings.ATTACHMENT_EXTENSIONS
    if extension not in allowed:
        message = _("Files of type “%(ext)s” are not accepted; allowed: %(allowed)s.") % {
            "ext": extension or "?",
            "allowed": ", ".join(allowed),
        }
        raise _invalid(message, file=message)
    size = uploaded_file.size or 0
    if size > settings.ATTACHMENT_MAX_BYTES:
        raise DecisionError(
            ErrorCode.TOO_LARGE,
            _("The file is larger than %(mb)s MB.") % {"mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)},
            fields={"file": [_("File too large.")]},
        )
    if size == 0:
        raise _invalid(_("The file is empty."), file=_("The file is empty."))
    digest = hashlib.sha256()
    head = b""
    for chunk in uploaded_file.chunks():
        if len(head) < 16:
            head += chunk[:16]
        digest.update(chunk)
    if not head.startswith(_SIGNATURES[extension]) or not _package_matches(uploaded_file, extension):
        message = _("The file's content does not match its type “%(ext)s”.") % {"ext": extension}
        raise _invalid(message, file=message)
    if kind not in Attachment.Kind.values:
        raise _invalid(_("Unknown attachment kind."), kind=_("Unknown attachment kind."))
    step = None
    if step_kind:
        if step_kind not in StepKind.values:
            raise _invalid(_("Unknown step."), step=_("Unknown step."))
        step = decision.steps.get(kind=step_kind)
    attachment = Attachment(
        decision=decision,
        step=step,
        kind=kind,
        original_name=name[-255:],
        extension=extension,
        size=size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    uploaded_file.seek(0)
    # Stored under its checksum: a rolled-back upload leaves at most a file that the same upload
    # would reuse, never a row without its file.
    attachment.file.save(name, uploaded_file, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def execution_report_add(
    *, decision: Decision, actor: User, reported_on: dt.date, progress: str, public_feedback: str = ""
) -> ExecutionReport:
    """Art 34–35: the executing unit reports progress and the public feedback received."""
    decision = lock_decision(decision)
    _require(actor, "report_execution", decision)
    if decision.state not in (DecisionState.IMPLEMENTING, DecisionState.SUSPENDED):
        raise DecisionError(ErrorCode.WRONG_STATE, _("Progress is reported while the decision is being implemented."))
    report = ExecutionReport(
        decision=decision,
        reported_on=reported_on,
        progress=progress,
        public_feedback=public_feedback,
        reported_by=actor,
    )
    _validate(report, exclude=["decision"])
    report.save()
    extensions.record_changed(decision)  # may meet an implementation-report deadline
    return report


@transaction.atomic
def evaluation_record(
    *,
    decision: Decision,
    actor: User,
    trigger: str,
    evaluator: str,
    evaluator_department: Department | None = None,
    completed_on: dt.date | None = None,
    conclusion: str = "",
) -> Evaluation:
    """Art 36: post-decision evaluation, by someone other than the department that prepared it."""
    decision = lock_decision(decision)
    _require(actor, "evaluate", decision)
    if decision.state not in (DecisionState.IMPLEMENTING, DecisionState.SUSPENDED, DecisionState.ARCHIVED):
        raise DecisionError(ErrorCode.WRONG_STATE, _("Only a decision being implemented can be evaluated."))
    if evaluator_department is not None and evaluator_department.pk == decision.lead_sponsor_id:
        raise DecisionError(
            ErrorCode.INVALID,
            _("The evaluation must be done by someone other than the department that prepared the decision."),
            article="Art 36",
            rule=RuleCode.EVALUATOR_INDEPENDENT,
            fields={"evaluator_department": [_("Not the department that prepared the decision.")]},
        )
    evaluation = Evaluation(
        decision=decision,
        trigger=trigger,
        evaluator=evaluator,
        evaluator_department=evaluator_department,
        completed_on=completed_on,
        conclusion=conclusion,
    )
    _validate(evaluation, exclude=["decision"])
    evaluation.save()
    extensions.record_changed(decision)  # may meet an evaluation deadline
    return evaluation


# --------------------------------------------------------------------------- catalogue upkeep


@transaction.atomic
def decisions_drop_long_deferred(*, today: dt.date | None = None) -> int:
    """Local practice: a decision deferred longer than the government's deferral limit leaves the
    yearly catalogue (Art 3). It stays deferred and on record; the event says why it left."""

    today = today or timezone.localdate()
    dropped = 0
    candidates = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("government")
        .filter(state=DecisionState.DEFERRED, in_catalogue=True, deferred_on__isnull=False)
    )
    for decision in candidates:
        limit = rules_for(decision.government).deferral_limit_days
        if (today - decision.deferred_on).days < limit:
            continue
        decision.in_catalogue = False
        decision.save(update_fields=["in_catalogue", "updated_at"])
        record_event(
            decision,
            actor=None,
            transition=EventType.LEAVE_CATALOGUE,
            from_state=decision.state,
            to_state=decision.state,
            comment=_("Deferred for more than %(days)s days: removed from the catalogue.") % {"days": limit},
        )
        dropped += 1
    return dropped
