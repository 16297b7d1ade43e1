"""The records the gates judge, written while their step is open (Art 14–24), and after the
decision the execution reports and evaluations (Art 34–36).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from decisions import extensions
from decisions.changes import snapshot
from decisions.choices import EventType, RuleCode
from decisions.constraints import integrity_message
from decisions.errors import DecisionError, ErrorCode, Refusal
from decisions.models import (
    Attachment,
    Decision,
    DecisionState,
    Department,
    Evaluation,
    ExecutionReport,
    Expert,
    ExpertOpinion,
    Hearing,
    MeetingCorrection,
    ParticipationRecord,
    ProcedureStep,
    RiskAssessmentRecord,
    StepKind,
)
from decisions.services.attachments import attachment_upload
from decisions.services.base import (
    _invalid,
    _require,
    _validate,
    lock_decision,
    record_change,
    record_event,
)
from decisions.services.experts import pool_expert
from decisions.services.steps import _editable, lock_step

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # the project uses Django's user model
    from django.core.files.uploadedfile import UploadedFile


RecordT = TypeVar("RecordT", ParticipationRecord, RiskAssessmentRecord, Hearing)


ADOPTION_FIELDS = ParticipationRecord.ADOPTION_FIELDS
PARTICIPATION_FIELDS = frozenset(
    f.name
    for f in ParticipationRecord._meta.concrete_fields
    if f.name not in {"id", "step", "created_at", "updated_at", *ADOPTION_FIELDS}
)
EXPERT_FIELDS = (
    "expert",
    "expert_name",
    "organisation",
    "speciality",
    "opinion",
    "stance",
    "signed_on",
    "signed_scan",
    "declared_interest",
    "interest_detail",
    "handling",
    "handling_reason",
)
EVALUATION_FIELDS = (
    "trigger",
    "evaluator",
    "evaluator_department",
    "third_party",
    "public_views",
    "completed_on",
    "conclusion",
    "proposal",
)
RISK_FIELDS = frozenset(
    f.name
    for f in RiskAssessmentRecord._meta.concrete_fields
    if f.name not in {"id", "step", "created_at", "updated_at"}
)


def _update_record(
    model: type[RecordT],
    step: ProcedureStep,
    allowed: frozenset[str],
    values: dict[str, Any],
    check: Callable[[RecordT], list[Refusal]] | None = None,
    *,
    actor: User,
) -> RecordT:
    """Change the step's record; the event keeps what changed, before and after, and who changed it."""
    unknown = set(values) - allowed
    if unknown:
        raise _invalid(
            _("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
            **{name: _("Unknown field.") for name in unknown},
        )
    record = model.objects.filter(step=step).first()
    before = snapshot(record, sorted(allowed))
    if record is None:
        record = model(step=step)
    for name, value in values.items():
        setattr(record, name, value)
    # The rules that read the record as it will be (the new values with those already kept), before
    # the model's own validation, so the refusal names its rule and article.
    refusals = check(record) if check is not None else []
    if refusals:
        raise refusals[0].as_error(ErrorCode.INVALID)
    _validate(record, exclude=["step"])
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as exc:
        raise _invalid(integrity_message(exc)) from exc
    record_change(step.decision, record, before, actor=actor, state=step.state, step_kind=step.kind)
    return record


@transaction.atomic
def participation_update(*, decision: Decision, actor: User, **values: Any) -> ParticipationRecord:
    """Record the public participation: methods, the call, its period (Art 14–15). How the
    comments were taken up is not typed here: ``participation_record_adoption`` writes it."""
    decision, step = lock_step(decision, StepKind.PUBLIC_PARTICIPATION, actor=actor)
    _editable(step)
    methods = values.get("methods")
    if methods is not None and (
        not isinstance(methods, list | tuple) or not set(methods) <= set(ParticipationRecord.Method.values)
    ):
        raise _invalid(_("Unknown consultation method."), methods=_("Unknown consultation method."))
    if methods is not None:
        values["methods"] = list(dict.fromkeys(methods))
    # Art 15: the call is published no later than the period starts. The hearing has its own
    # record (services.hearings).
    record = _update_record(
        ParticipationRecord,
        step,
        PARTICIPATION_FIELDS,
        values,
        actor=actor,
        check=lambda record: record.call_date_refusals(),
    )
    extensions.record_changed(decision)  # the comment period is a clock
    return record


@transaction.atomic
def participation_record_adoption(
    *,
    decision: Decision,
    actor: User,
    comments_count: int,
    comments_adopted: int,
    comments_partly_adopted: int,
    adoption_summary: str,
) -> ParticipationRecord:
    """Art 18: the adoption summary and its counts, generated from the answers to the comments
    (the comment inbox of the public side calls this after every answer); it is the participation
    step's record, read by its gate, the meeting materials and the yearly figures."""
    decision, step = lock_step(decision, StepKind.PUBLIC_PARTICIPATION, actor=actor)
    _editable(step)
    if (
        comments_adopted + comments_partly_adopted > comments_count
        or min(comments_count, comments_adopted, comments_partly_adopted) < 0
    ):
        message = _("More comments adopted than received.")
        raise DecisionError(
            ErrorCode.INVALID,
            message,
            article="Art 18",
            rule=RuleCode.COMMENTS_COUNTED,
            fields={"comments_adopted": [message]},
        )
    values = {
        "comments_count": comments_count,
        "comments_adopted": comments_adopted,
        "comments_partly_adopted": comments_partly_adopted,
        "adoption_summary": adoption_summary,
    }
    record = ParticipationRecord.objects.filter(step=step).first()
    if record is not None and all(getattr(record, name) == value for name, value in values.items()):
        return record  # nothing changed: no event
    return _update_record(ParticipationRecord, step, frozenset(ADOPTION_FIELDS), values, actor=actor)


@transaction.atomic
def risk_update(*, decision: Decision, actor: User, **values: Any) -> RiskAssessmentRecord:
    """Record the risk assessment: assessor, risk points, measures, plan, level, controllable (Art 22–24)."""
    decision, step = lock_step(decision, StepKind.RISK_ASSESSMENT, actor=actor)
    _editable(step)
    return _update_record(RiskAssessmentRecord, step, RISK_FIELDS, values, actor=actor)


@transaction.atomic
def expert_opinion_add(
    *,
    decision: Decision,
    actor: User,
    opinion: str,
    expert: Expert | int | None = None,
    expert_name: str = "",
    stance: str = "",
    organisation: str = "",
    speciality: str = "",
    signed_on: dt.date | None = None,
    signed_scan: UploadedFile[Any] | None = None,
    signed_scan_id: int | None = None,
    declared_interest: bool = False,
    interest_detail: str = "",
    handling: str = "",
    handling_reason: str = "",
) -> ExpertOpinion:
    """Art 19–21: a written opinion the sponsor's clerk records; an expert declaring a direct
    interest is kept on the record but not counted. Art 19: signed on a real day, neither to come
    nor before the decision was registered. An opinion of the pool (``expert``) comes from an expert
    chosen for the argument and not excluded, with the expert's stance; signed on paper, it is filed
    with the signed scan (uploaded now as ``signed_scan``, or one already filed on the step)."""
    decision, step = lock_step(decision, StepKind.EXPERT_ARGUMENT, actor=actor)
    _editable(step)
    pooled = pool_expert(step, expert) if expert is not None else None
    record = ExpertOpinion(
        step=step,
        expert=pooled,
        expert_name=pooled.name if pooled else (expert_name or "").strip(),
        stance=stance,
        opinion=(opinion or "").strip(),
        organisation=pooled.organisation if pooled else organisation,
        speciality=pooled.field if pooled else speciality,
        signed_on=signed_on,
        declared_interest=declared_interest,
        interest_detail=interest_detail,
        handling=handling,
        handling_reason=handling_reason,
    )
    refusals = record.date_refusals(registered_on=timezone.localdate(decision.created_at), today=timezone.localdate())
    if refusals:
        raise refusals[0].as_error(ErrorCode.INVALID)
    if pooled is not None:
        if stance not in ExpertOpinion.Stance.values:
            message = _("State whether the expert supports the draft, supports it with changes or dissents.")
            raise _invalid(message, stance=message)
    _validate(record, exclude=["step", "signed_scan"])
    if declared_interest and not interest_detail.strip():
        raise _invalid(_("Describe the interest declared."), interest_detail=_("Describe the interest declared."))
    if signed_scan_id is not None:
        record.signed_scan = Attachment.objects.filter(
            pk=signed_scan_id, step=step, kind=Attachment.Kind.OPINION
        ).first()
        if record.signed_scan is None:
            message = _("No signed opinion of this argument is filed under that number.")
            raise _invalid(message, signed_scan=message)
    elif signed_scan is not None:
        record.signed_scan = attachment_upload(
            decision=decision,
            actor=actor,
            uploaded_file=signed_scan,
            kind=Attachment.Kind.OPINION,
            step_kind=StepKind.EXPERT_ARGUMENT,
        )
    if pooled is not None and signed_on is not None and record.signed_scan is None:
        message = _(
            "An opinion signed on paper is filed with its signed scan; "
            "otherwise the expert signs it in their own login."
        )
        raise DecisionError(
            ErrorCode.INVALID,
            message,
            article="Art 19",
            rule=RuleCode.EXPERT_OPINION_SIGNED,
            fields={"signed_scan": [message]},
        )
    record.save()
    record_change(decision, record, snapshot(None, EXPERT_FIELDS), actor=actor, state=step.state, step_kind=step.kind)
    return record


@transaction.atomic
def expert_opinion_handle(
    *, decision: Decision, actor: User, opinion_id: int, handling: str, handling_reason: str = ""
) -> ExpertOpinion:
    """Art 29 (3): how each expert opinion was handled, with the reason when not fully adopted."""
    decision, step = lock_step(decision, StepKind.EXPERT_ARGUMENT, actor=actor)
    _editable(step)
    try:
        record = step.expert_opinions.get(pk=opinion_id)
    except ExpertOpinion.DoesNotExist:
        raise DecisionError(ErrorCode.NOT_FOUND, _("No such expert opinion.")) from None
    before = snapshot(record, ["handling", "handling_reason"])
    record.handling = handling
    record.handling_reason = handling_reason
    _validate(record, exclude=["step"])
    record.save(update_fields=["handling", "handling_reason", "updated_at"])
    record_change(decision, record, before, actor=actor, state=step.state, step_kind=step.kind)
    return record


# --------------------------------------------------------------------------- the meeting record (Art 30)


@transaction.atomic
def meeting_correct(
    *,
    decision: Decision,
    actor: User,
    meeting_id: int,
    field: str,
    text: str,
    reason: str,
    ip: str | None = None,
) -> MeetingCorrection:
    """Art 30: a meeting record is final once its outcome is recorded. A correction never writes over
    it: it is appended beside it, with what it corrects, the corrected text and the reason, by the
    government office that records the meetings, and the decision's event log says so."""
    decision = lock_decision(decision)
    _require(actor, "correct_meeting", decision)
    meeting = decision.meetings.filter(pk=meeting_id).first()
    if meeting is None:
        raise DecisionError(ErrorCode.NOT_FOUND, _("No such meeting record of this decision."))
    correction = MeetingCorrection(
        meeting=meeting,
        field=field,
        text=(text or "").strip(),
        reason=(reason or "").strip(),
        corrected_by=actor,
    )
    _validate(correction, exclude=["meeting"])
    correction.save()
    record_event(
        decision,
        actor=actor,
        transition=EventType.CORRECT_MEETING,
        from_state=decision.state,
        to_state=decision.state,
        comment=correction.reason,
        ip=ip,
        details={"meeting": meeting.pk, "correction": correction.pk, "field": correction.field},
    )
    return correction


# --------------------------------------------------------------------------- execution and evaluation (Art 34–36)


def _file_with_record(decision: Decision, actor: User, uploaded_file: UploadedFile[Any] | None) -> None:
    """After publication a document comes only with the record it belongs to (and its event)."""
    if uploaded_file is not None:
        attachment_upload(
            decision=decision, actor=actor, uploaded_file=uploaded_file, kind=Attachment.Kind.OTHER, by_service=True
        )


@transaction.atomic
def execution_report_add(
    *,
    decision: Decision,
    actor: User,
    reported_on: dt.date,
    progress: str,
    public_feedback: str = "",
    uploaded_file: UploadedFile[Any] | None = None,
) -> ExecutionReport:
    """Art 34–35: the executing unit reports progress and the public feedback received, with the
    report's document if there is one."""
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
    record_change(decision, report, snapshot(None, ["reported_on", "progress", "public_feedback"]), actor=actor)
    _file_with_record(decision, actor, uploaded_file)
    extensions.record_changed(decision)  # may meet an implementation-report deadline
    return report


def _check_evaluator(evaluation: Evaluation) -> None:
    """Art 36: the rule of the record (``Evaluation.independence_problem``) over what the decision's
    steps say of who argued and assessed it."""
    decision = evaluation.decision
    assessors = Evaluation.assessors(
        decision.lead_sponsor.name,
        RiskAssessmentRecord.objects.filter(step__decision=decision).values_list("assessor", flat=True),
        ExpertOpinion.objects.filter(step__decision=decision).values_list("organisation", flat=True),
    )
    problem = evaluation.independence_problem(assessors, decision.lead_sponsor_id)
    if problem is not None:
        field, message = problem
        raise DecisionError(
            ErrorCode.INVALID, message, article="Art 36", rule=RuleCode.EVALUATOR_INDEPENDENT, fields={field: [message]}
        )


@transaction.atomic
def evaluation_record(
    *,
    decision: Decision,
    actor: User,
    trigger: str,
    evaluator: str,
    evaluator_department: Department | None = None,
    third_party: bool = False,
    public_views: str = "",
    completed_on: dt.date | None = None,
    conclusion: str = "",
    proposal: str = Evaluation.Proposal.CONTINUE,
    uploaded_file: UploadedFile[Any] | None = None,
) -> Evaluation:
    """Art 36: post-decision evaluation, by someone who did not prepare, argue or assess the decision
    (a department or an entrusted third party), with how the public's views were sought, what it
    proposes (continue, adjust, suspend, stop) and the evaluation report's document if there is one."""
    decision = lock_decision(decision)
    _require(actor, "evaluate", decision)
    if decision.state not in (DecisionState.IMPLEMENTING, DecisionState.SUSPENDED, DecisionState.ARCHIVED):
        raise DecisionError(ErrorCode.WRONG_STATE, _("Only a decision being implemented can be evaluated."))
    evaluation = Evaluation(
        decision=decision,
        trigger=trigger,
        evaluator=evaluator,
        evaluator_department=evaluator_department,
        third_party=third_party,
        public_views=public_views,
        completed_on=completed_on,
        conclusion=conclusion,
        proposal=proposal,
    )
    _check_evaluator(evaluation)
    _validate(evaluation, exclude=["decision"])
    evaluation.save()
    record_change(decision, evaluation, snapshot(None, EVALUATION_FIELDS), actor=actor)
    _file_with_record(decision, actor, uploaded_file)
    extensions.record_changed(decision)  # may meet an evaluation deadline
    return evaluation
