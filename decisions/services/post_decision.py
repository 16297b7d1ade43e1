"""After the meeting's decision, besides publication and the transitions: the report to the Party
committee (Art 31) and the problems found while the decision is carried out, with their answers
(Art 35). Each write is an event on the decision's record.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from decisions import permissions
from decisions.changes import snapshot
from decisions.choices import EventType, MeetingOutcome, RuleCode
from decisions.constraints import integrity_message
from decisions.errors import DecisionError, ErrorCode
from decisions.models import (
    Attachment,
    Decision,
    DecisionState,
    ExecutionProblem,
    ExecutionReport,
    PartyCommitteeReport,
)
from decisions.services.attachments import attachment_upload
from decisions.services.base import _invalid, _require, _require_text, _validate, lock_decision, record_change

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # the project uses Django's user model
    from django.core.files.uploadedfile import UploadedFile

PARTY_COMMITTEE_REPORT_FIELDS = ("meeting", "reported_on", "document_number", "attachment")
EXECUTION_PROBLEM_FIELDS = ("source", "execution_report", "source_reference", "description", "reported_on")
ANSWER_FIELDS = ("answer", "answer_text", "answered_on")
# Art 35: a problem is reported, and answered, while the decision is carried out.
EXECUTION_STATES = (DecisionState.IMPLEMENTING, DecisionState.SUSPENDED)


def _date_error(field: str, message: str, article: str, rule: RuleCode) -> DecisionError:
    return DecisionError(ErrorCode.INVALID, message, article=article, rule=rule, fields={field: [message]})


@transaction.atomic
def party_committee_report_record(
    *,
    decision: Decision,
    actor: User,
    reported_on: dt.date,
    document_number: str,
    uploaded_file: UploadedFile[Any] | None = None,
    ip: str | None = None,
) -> PartyCommitteeReport:
    """Art 31: the government office records that the decision the meeting approved was reported to
    the Party committee: when, under which reference, by whom, with the report's document if there
    is one. Only between the approving meeting and publication; dated neither in the future nor
    before the meeting. Where the government requires it, publication waits for it
    (``gates._party_committee_reported``)."""
    decision = lock_decision(decision)
    _require(actor, "report_to_party_committee", decision)
    if decision.state != DecisionState.DECIDED:
        raise DecisionError(
            ErrorCode.WRONG_STATE,
            _("A decision is reported to the Party committee after the meeting approved it and before publication."),
            article="Art 31",
        )
    meeting = decision.meetings.filter(outcome=MeetingOutcome.APPROVED).order_by("-held_on", "-id").first()
    if meeting is None:  # pragma: no cover - a decided decision has its approving meeting (integrity)
        raise DecisionError(ErrorCode.WRONG_STATE, _("No approving meeting is on the record."), article="Art 31")
    if PartyCommitteeReport.objects.filter(meeting=meeting).exists():
        raise DecisionError(
            ErrorCode.WRONG_STATE,
            _("The report to the Party committee of this meeting's decision is already on the record."),
            article="Art 31",
        )
    if not isinstance(reported_on, dt.date):
        raise _invalid(_("Give the date of the report."), reported_on=_("Give the date of the report."))
    if reported_on > timezone.localdate():
        raise _date_error(
            "reported_on",
            _("A report cannot be dated on a day still to come."),
            "Art 31",
            RuleCode.PARTY_COMMITTEE_REPORT_DATE,
        )
    if reported_on < meeting.held_on:
        raise _date_error(
            "reported_on",
            _("The decision cannot have been reported before the meeting that approved it (%(date)s).")
            % {"date": formats.date_format(meeting.held_on)},
            "Art 31",
            RuleCode.PARTY_COMMITTEE_REPORT_DATE,
        )
    report = PartyCommitteeReport(
        decision=decision,
        meeting=meeting,
        reported_on=reported_on,
        document_number=(document_number or "").strip(),
        reported_by=actor,
    )
    _validate(report, exclude=["decision", "meeting", "attachment"])
    if uploaded_file is not None:
        report.attachment = attachment_upload(
            decision=decision, actor=actor, uploaded_file=uploaded_file, kind=Attachment.Kind.OTHER, by_service=True
        )
    report.save()
    record_change(
        decision,
        report,
        snapshot(None, PARTY_COMMITTEE_REPORT_FIELDS),
        actor=actor,
        transition=EventType.REPORT_TO_PARTY_COMMITTEE,
        ip=ip,
    )
    return report


@transaction.atomic
def execution_problem_report(
    *,
    decision: Decision,
    actor: User,
    source: str,
    description: str,
    reported_on: dt.date,
    execution_report: ExecutionReport | int | None = None,
    source_reference: str = "",
    ip: str | None = None,
) -> ExecutionProblem:
    """Art 35: the executing unit's staff put on the record a problem found while the decision is
    carried out: one they found (from one of their progress reports, if it came with one) or one the
    public's feedback raised (with the feedback's reference). It stays as reported."""
    decision = lock_decision(decision)
    _require(actor, "report_execution_problem", decision)
    if decision.state not in EXECUTION_STATES:
        raise DecisionError(
            ErrorCode.WRONG_STATE,
            _("Problems found in execution are reported while the decision is being implemented."),
            article="Art 35",
        )
    if source not in ExecutionProblem.Source.values:
        raise _invalid(_("Unknown source."), source=_("Unknown source."))
    report = None
    if execution_report is not None:
        report_id = execution_report.pk if isinstance(execution_report, ExecutionReport) else execution_report
        report = decision.execution_reports.filter(pk=report_id).first()
        if report is None:
            raise _invalid(
                _("No such execution report of this decision."),
                execution_report=_("No such execution report of this decision."),
            )
    description = _require_text(description, "description", _("Describe the problem found."))
    if isinstance(reported_on, dt.date) and reported_on > timezone.localdate():
        raise _invalid(
            _("A problem cannot be reported on a day still to come."),
            reported_on=_("A problem cannot be reported on a day still to come."),
        )
    problem = ExecutionProblem(
        decision=decision,
        source=source,
        execution_report=report,
        source_reference=(source_reference or "").strip(),
        description=description,
        reported_on=reported_on,
        reported_by=actor,
    )
    _validate(problem, exclude=["decision"])
    try:
        with transaction.atomic():
            problem.save()
    except IntegrityError as exc:
        raise _invalid(integrity_message(exc)) from exc
    record_change(
        decision,
        problem,
        snapshot(None, EXECUTION_PROBLEM_FIELDS),
        actor=actor,
        transition=EventType.REPORT_EXECUTION_PROBLEM,
        ip=ip,
    )
    return problem


@transaction.atomic
def execution_problem_answer(
    *,
    decision: Decision,
    actor: User,
    problem_id: int,
    answer: str,
    answer_text: str,
    answered_on: dt.date | None = None,
    ip: str | None = None,
) -> ExecutionProblem:
    """Art 35: the executing unit's head, or the lead sponsor, answers a problem found in execution:
    the measures taken, where it was forwarded, or why nothing is done, with its content. Answered
    once: the answer, who gave it and when stay on the record, with its event."""
    decision = lock_decision(decision)
    if not permissions.may_answer_execution_problem(actor, decision):
        raise DecisionError(ErrorCode.FORBIDDEN, _("Your role does not allow this action on this decision."))
    problem = ExecutionProblem.objects.select_for_update().filter(decision=decision, pk=problem_id).first()
    if problem is None:
        raise DecisionError(ErrorCode.NOT_FOUND, _("No such problem of this decision."))
    if problem.is_answered:
        raise DecisionError(
            ErrorCode.WRONG_STATE,
            _("This problem is already answered: the answer stays as given."),
            article="Art 35",
            rule=RuleCode.EXECUTION_PROBLEM_ANSWER,
        )
    if answer not in ExecutionProblem.Answer.values:
        raise _invalid(_("Say what was done about the problem."), answer=_("Say what was done about the problem."))
    answer_text = _require_text(
        answer_text, "answer_text", _("State the measures taken, where it was forwarded, or the reason.")
    )
    answered_on = answered_on or timezone.localdate()
    if answered_on > timezone.localdate() or answered_on < problem.reported_on:
        message = _("An answer is dated between the day the problem was reported and today.")
        raise DecisionError(
            ErrorCode.INVALID,
            message,
            article="Art 35",
            rule=RuleCode.EXECUTION_PROBLEM_ANSWER,
            fields={"answered_on": [message]},
        )
    before = snapshot(problem, ANSWER_FIELDS)
    problem.answer, problem.answer_text, problem.answered_on, problem.answered_by = (
        answer,
        answer_text,
        answered_on,
        actor,
    )
    _validate(problem, exclude=["decision"])
    problem.save(update_fields=[*ANSWER_FIELDS, "answered_by", "updated_at"])
    record_change(decision, problem, before, actor=actor, transition=EventType.ANSWER_EXECUTION_PROBLEM, ip=ip)
    return problem
