"""The statutory clocks of a decision, kept as ``Deadline`` rows.

Each clock is derived from the lifecycle and the government's rule settings (``rules_for``):

| kind | from | counted | setting | basis |
|---|---|---|---|---|
| comment period ends | the published period (or its start + the minimum) | calendar days | min_comment_period_days | Art 15 |
| hearing materials due | the hearing date, minus the lead time | calendar days | hearing_materials_lead_days | Art 16 |
| review minimum ends | acceptance of the submission | working days | min_review_working_days | Art 26 |
| review due | acceptance of the submission | working days | max_review_working_days | local rule |
| extended review due | acceptance, maximum + extension | working days | review_extension_working_days | local rule |
| deferral limit | the meeting that deferred it | calendar days | deferral_limit_days | local practice |

The review clocks are the legal office's own (``reviews.clock``): they start when the submission is
accepted, with the numbers fixed then, stand still while the office waits for supplementary
materials (a paused clock sends no reminders) and move when the head extends or shortens them.
Feedback on comments, the meeting, implementation reports and post-decision evaluations have no
statutory number: the government office assigns their dates (``deadline_assign``).

``sync_for_decision`` is called by the services after every transition (inside their transaction),
so clocks open, move and close with the lifecycle; ``refresh_open`` recomputes every open clock
when a rule setting or the holiday calendar changes. A clock runs once per anchor: once met or
closed it is not reopened by a later sync; a new anchor (a new review round, a new period) is a new
clock.

Why one module of ~750 lines: each kind of clock is computed, recomputed and closed by the same
context (``_Context``) in the order the lifecycle runs; the reading side (rows, overdue,
visibility) is at the end. Reminders are ``deadlines.reminders``, delivery ``deadlines.channels``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

from django.db import transaction
from django.db.models import OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from deadlines.models import Deadline, DeadlineEvent, DeadlineKind, Reminder
from decisions import permissions, workdays
from decisions.errors import DecisionError, ErrorCode
from decisions.models import (
    Decision,
    DecisionState,
    Department,
    Evaluation,
    ExecutionReport,
    Government,
    Hearing,
    Meeting,
    ParticipationRecord,
    ProcedureStep,
    Role,
    StepKind,
    StepState,
)
from decisions.presentation import article_label
from decisions.rules import Rules, rules_for
from decisions.services import lock_decision, record_event
from decisions.visibility import (
    InIds,
    decisions_seen_otherwise,
    decisions_visible_to,
    has_row,
    whole_governments_of,
)
from reviews.clock import review_clock
from reviews.models import LegalityReview

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # the project uses Django's user model

logger = logging.getLogger(__name__)

Status = Deadline.Status
Unit = Deadline.Unit


@dataclass(frozen=True)
class Policy:
    """How a kind of clock is chased."""

    remind_before: bool  # lead-time and due-day reminders
    chase_overdue: bool  # daily overdue reminders and escalation
    # Milestones close by themselves when their day has passed (None: the clock stays open, overdue).
    on_elapse: str | None = None


POLICY: dict[str, Policy] = {
    # The period simply ends; the sponsor is told ahead so the comments can be sorted (Art 18).
    DeadlineKind.COMMENT_PERIOD_END: Policy(remind_before=True, chase_overdue=False, on_elapse=Status.MET),
    DeadlineKind.FEEDBACK_DUE: Policy(remind_before=True, chase_overdue=True),
    DeadlineKind.HEARING_MATERIALS_DUE: Policy(remind_before=True, chase_overdue=True),
    # A protection of the reviewer's time, not a task: nobody is reminded of it.
    DeadlineKind.REVIEW_MINIMUM: Policy(remind_before=False, chase_overdue=False, on_elapse=Status.MET),
    DeadlineKind.REVIEW_MAXIMUM: Policy(remind_before=True, chase_overdue=True),
    DeadlineKind.REVIEW_EXTENSION: Policy(remind_before=True, chase_overdue=True),
    DeadlineKind.MEETING: Policy(remind_before=True, chase_overdue=True),
    # When it passes the decision leaves the catalogue (services.decisions_drop_long_deferred).
    DeadlineKind.DEFERRAL_LIMIT: Policy(remind_before=True, chase_overdue=False, on_elapse=Status.MISSED),
    DeadlineKind.IMPLEMENTATION_REPORT: Policy(remind_before=True, chase_overdue=True),
    DeadlineKind.EVALUATION_DUE: Policy(remind_before=True, chase_overdue=True),
}
ELAPSING_KINDS = tuple(kind for kind, policy in POLICY.items() if policy.on_elapse)
CHASED_KINDS = tuple(kind for kind, policy in POLICY.items() if policy.chase_overdue)
ASSIGNED_KINDS = (
    DeadlineKind.FEEDBACK_DUE,
    DeadlineKind.MEETING,
    DeadlineKind.IMPLEMENTATION_REPORT,
    DeadlineKind.EVALUATION_DUE,
)
# The decision states in which an assigned clock can be set.
ASSIGNABLE_IN: dict[str, tuple[DecisionState, ...]] = {
    DeadlineKind.FEEDBACK_DUE: (DecisionState.PREPARING,),
    DeadlineKind.MEETING: (DecisionState.AWAITING_DECISION, DecisionState.DEFERRED),
    DeadlineKind.IMPLEMENTATION_REPORT: (DecisionState.IMPLEMENTING, DecisionState.SUSPENDED),
    DeadlineKind.EVALUATION_DUE: (DecisionState.IMPLEMENTING, DecisionState.SUSPENDED),
}
ENDED_STATES = (DecisionState.WITHDRAWN, DecisionState.REJECTED, DecisionState.ARCHIVED)

SETTING_LABELS = {
    "min_comment_period_days": gettext_lazy("minimum public comment period"),
    "hearing_materials_lead_days": gettext_lazy("hearing materials sent before the hearing"),
    "min_review_working_days": gettext_lazy("minimum legality review time"),
    "max_review_working_days": gettext_lazy("maximum legality review time"),
    "review_extension_working_days": gettext_lazy("legality review extension"),
    "deferral_limit_days": gettext_lazy("deferral limit"),
}
LOCAL_RULE = "local rule"

ARTICLE_LABELS = {
    "local rule": gettext_lazy("local rule"),
    "local practice": gettext_lazy("local practice"),
}


def article_text(article: str) -> str:
    """A clock's article as people read it: 第二十六条 / Art 26, or the local rule or practice."""
    return str(ARTICLE_LABELS.get(article) or article_label(article))


def basis(deadline: Deadline) -> str:
    """How the due date was reached, with the setting and the article."""
    if deadline.unit == Deadline.Unit.ASSIGNED:
        user = deadline.assigned_by
        who = (user.get_full_name() or user.get_username()) if user else _("the government office")
        return _("date set by %(who)s") % {"who": who}
    values = {
        "amount": deadline.amount,
        "unit": deadline.get_unit_display(),
        "start": deadline.start_date.isoformat() if deadline.start_date else "",
        "setting": SETTING_LABELS.get(deadline.setting, deadline.setting),
        "article": article_text(deadline.article),
    }
    if deadline.start_date and deadline.due_date < deadline.start_date:
        return _("%(amount)s %(unit)s before %(start)s — %(setting)s (%(article)s)") % values
    return _("%(amount)s %(unit)s from %(start)s — %(setting)s (%(article)s)") % values


LOCAL_PRACTICE = "local practice"


# --------------------------------------------------------------------------- computing the clocks


@dataclass
class Clock:
    """A clock as the lifecycle and the settings say it should be now."""

    kind: str
    anchor: str
    department_id: int
    due_date: dt.date
    unit: str
    start_date: dt.date | None = None
    amount: int | None = None
    setting: str = ""
    article: str = ""
    step_id: int | None = None
    fallback_years: list[int] = field(default_factory=list)
    paused: bool = False

    def values(self) -> dict:
        return {
            "paused": self.paused,
            "department_id": self.department_id,
            "due_date": self.due_date,
            "unit": self.unit,
            "start_date": self.start_date,
            "amount": self.amount,
            "setting": self.setting,
            "article": self.article,
            "step_id": self.step_id,
            "fallback_years": self.fallback_years,
        }


class _ReviewClockCommon(TypedDict):
    """The arguments the clocks of one review round share (``_review_clocks``)."""

    anchor: str
    department_id: int
    unit: str
    start_date: dt.date
    paused: bool


class _Context:
    """What one sync reads, each piece at most once."""

    def __init__(self, decision: Decision, calendar: workdays.WorkCalendar) -> None:
        self.decision = decision
        self.calendar = calendar
        self._rules: Rules | None = None
        self._offices: dict[str, int] | None = None
        self._participation: tuple[ProcedureStep | None, ParticipationRecord | None] | None = None
        self._review = None
        self._review_loaded = False

    @property
    def rules(self) -> Rules:
        if self._rules is None:
            self._rules = rules_for(self.decision.government)
        return self._rules

    def office(self, kind: str) -> int:
        if self._offices is None:
            self._offices = dict(
                Department.objects.filter(
                    government_id=self.decision.government_id,
                    kind__in=(Department.Kind.LEGAL_OFFICE, Department.Kind.GOVERNMENT_OFFICE),
                ).values_list("kind", "id")
            )
        # A government without the office (incomplete set-up) chases its lead sponsor instead.
        return self._offices.get(kind, self.decision.lead_sponsor_id)

    @property
    def participation(self) -> tuple[ProcedureStep | None, ParticipationRecord | None]:
        if self._participation is None:
            step = (
                ProcedureStep.objects.filter(decision=self.decision, kind=StepKind.PUBLIC_PARTICIPATION)
                .select_related("participation", "hearing")
                .first()
            )
            record = getattr(step, "participation", None) if step is not None else None
            self._participation = (step, record)
        return self._participation

    @property
    def hearing(self) -> Hearing | None:
        """The hearing of the participation step, read with it."""
        step, _record = self.participation
        return getattr(step, "hearing", None) if step is not None else None

    @property
    def review(self):
        """The latest legality review round."""
        if not self._review_loaded:
            self._review = LegalityReview.objects.filter(decision=self.decision).order_by("-round").first()
            self._review_loaded = True
        return self._review


def _review_clocks(ctx: _Context, today: dt.date) -> dict[str, Clock]:
    """The clocks of the current review round, as ``reviews.clock`` counts them."""

    review = ctx.review
    if review is None or review.is_issued or review.returned_at is not None or not review.is_accepted:
        return {}
    ctx.calendar.take_fallback_years()
    clock = review_clock(review, today=today)
    assert clock is not None  # an accepted round has a clock (it is None only before acceptance)
    # reviews.clock counts through the module-level functions; check the years it crossed here.
    years = ctx.calendar.years_without_schedule(range(clock.started_on.year, clock.due_on.year + 1))
    common: _ReviewClockCommon = {
        "anchor": f"review:{review.pk}",
        "department_id": ctx.office(Department.Kind.LEGAL_OFFICE),
        "unit": Unit.WORKING_DAYS,
        "start_date": clock.started_on,
        "paused": clock.paused_now,
    }
    clocks: dict[str, Clock] = {
        DeadlineKind.REVIEW_MINIMUM: Clock(
            kind=DeadlineKind.REVIEW_MINIMUM,
            due_date=clock.earliest_meeting_on,
            amount=clock.minimum_days,
            setting="min_review_working_days",
            article="Art 26",
            fallback_years=[y for y in years if y <= clock.earliest_meeting_on.year],
            **common,
        )
    }
    if review.extension_working_days:
        clocks[DeadlineKind.REVIEW_EXTENSION] = Clock(
            kind=DeadlineKind.REVIEW_EXTENSION,
            due_date=clock.due_on,
            amount=clock.limit_days,
            setting="review_extension_working_days",
            article=LOCAL_RULE,
            fallback_years=years,
            **common,
        )
    else:
        clocks[DeadlineKind.REVIEW_MAXIMUM] = Clock(
            kind=DeadlineKind.REVIEW_MAXIMUM,
            due_date=clock.due_on,
            amount=clock.limit_days,
            setting="max_review_working_days",
            article=LOCAL_RULE,
            fallback_years=years,
            **common,
        )
    return clocks


def _desired_clocks(ctx: _Context, today: dt.date) -> dict[str, Clock]:
    decision = ctx.decision
    clocks: dict[str, Clock] = {}
    if decision.state == DecisionState.PREPARING:
        step, record = ctx.participation
        if step is not None and record is not None and step.state in (StepState.PENDING, StepState.IN_PROGRESS):
            if record.period_start:
                if record.period_end:
                    due, amount = record.period_end, record.period_days
                else:
                    amount = ctx.rules.min_comment_period_days
                    due = record.period_start + dt.timedelta(days=amount - 1)
                clocks[DeadlineKind.COMMENT_PERIOD_END] = Clock(
                    kind=DeadlineKind.COMMENT_PERIOD_END,
                    anchor=f"period:{record.period_start}:{record.period_end or ''}",
                    department_id=decision.lead_sponsor_id,
                    due_date=due,
                    unit=Unit.CALENDAR_DAYS,
                    start_date=record.period_start,
                    amount=amount,
                    setting="min_comment_period_days",
                    article="Art 15",
                    step_id=step.pk,
                )
        hearing = ctx.hearing
        if (
            step is not None
            and hearing is not None
            and step.state in (StepState.PENDING, StepState.IN_PROGRESS)
            and hearing.hearing_on
            and not hearing.materials_sent_on
        ):
            lead = ctx.rules.hearing_materials_lead_days
            clocks[DeadlineKind.HEARING_MATERIALS_DUE] = Clock(
                kind=DeadlineKind.HEARING_MATERIALS_DUE,
                anchor=f"hearing:{hearing.hearing_on}",
                department_id=decision.lead_sponsor_id,
                due_date=hearing.hearing_on - dt.timedelta(days=lead),
                unit=Unit.CALENDAR_DAYS,
                start_date=hearing.hearing_on,
                amount=lead,
                setting="hearing_materials_lead_days",
                article="Art 16",
                step_id=step.pk,
            )
    elif decision.state == DecisionState.LEGALITY_REVIEW:
        clocks.update(_review_clocks(ctx, today))
    elif decision.state == DecisionState.DEFERRED and decision.deferred_on:
        limit = ctx.rules.deferral_limit_days
        clocks[DeadlineKind.DEFERRAL_LIMIT] = Clock(
            kind=DeadlineKind.DEFERRAL_LIMIT,
            anchor=f"deferral:{decision.deferred_on}",
            department_id=ctx.office(Department.Kind.GOVERNMENT_OFFICE),
            # services.decisions_drop_long_deferred drops it once `limit` days have passed.
            due_date=decision.deferred_on + dt.timedelta(days=limit),
            unit=Unit.CALENDAR_DAYS,
            start_date=decision.deferred_on,
            amount=limit,
            setting="deferral_limit_days",
            article=LOCAL_PRACTICE,
        )
    return clocks


# --------------------------------------------------------------------------- closing


def _on_time(deadline: Deadline, acted_on: dt.date) -> tuple[str, str]:
    if acted_on <= deadline.due_date:
        return Status.MET, _("done on %(date)s") % {"date": acted_on.isoformat()}
    return Status.MISSED, _("done late, on %(date)s") % {"date": acted_on.isoformat()}


def _outcome_when_no_longer_due(deadline: Deadline, ctx: _Context, today: dt.date) -> tuple[str, str]:
    """How a derived clock ends when the lifecycle no longer calls for it."""
    decision = ctx.decision
    kind = deadline.kind
    policy = POLICY[kind]
    if policy.on_elapse and deadline.due_date < today and not deadline.paused:
        return policy.on_elapse, _("the date has passed")  # a milestone that passed before anyone looked
    if decision.state == DecisionState.WITHDRAWN:
        return Status.CANCELLED, _("the decision was withdrawn")
    if kind == DeadlineKind.COMMENT_PERIOD_END:
        step, _record = ctx.participation
        if step is not None and step.state == StepState.DONE:
            return Status.MET, _("public participation completed")
        if step is not None and step.state == StepState.WAIVED:
            return Status.CANCELLED, _("public participation marked not applicable")
        return Status.CANCELLED, _("the comment period was changed")
    if kind == DeadlineKind.HEARING_MATERIALS_DUE:
        hearing = ctx.hearing
        if hearing is not None and hearing.materials_sent_on and deadline.anchor == f"hearing:{hearing.hearing_on}":
            return _on_time(deadline, hearing.materials_sent_on)
        return Status.CANCELLED, _("the hearing was changed or dropped")
    if kind in (DeadlineKind.REVIEW_MINIMUM, DeadlineKind.REVIEW_MAXIMUM, DeadlineKind.REVIEW_EXTENSION):
        review = ctx.review
        if review is None or deadline.anchor != f"review:{review.pk}":
            return Status.CANCELLED, _("the review round ended")
        if kind == DeadlineKind.REVIEW_MINIMUM:
            return (
                (Status.MET, _("opinion issued"))
                if review.is_issued
                else (Status.CANCELLED, _("the review round ended"))
            )
        if review.is_issued:
            clock = review_clock(review, today=today)
            assert clock is not None  # an issued round was accepted, so it has a clock
            status = Status.MET if clock.counted_days <= clock.limit_days else Status.MISSED
            return status, _("opinion issued after %(days)s working days of review") % {"days": clock.counted_days}
        if review.returned_at is not None:
            return _on_time(deadline, timezone.localdate(review.returned_at))
        if decision.state != DecisionState.LEGALITY_REVIEW:  # sent back by return_for_revision
            return _on_time(deadline, today)
        if kind == DeadlineKind.REVIEW_MAXIMUM and review.extension_working_days:
            return Status.CANCELLED, _("extended")
        return Status.CANCELLED, _("the review round ended")
    if kind == DeadlineKind.DEFERRAL_LIMIT:
        return Status.MET, _("back on the agenda")
    return Status.CANCELLED, _("no longer applies")


def _assigned_outcome(deadline: Deadline, ctx: _Context) -> tuple[str, str] | None:
    """How an assigned clock ends, or None while it still runs."""
    decision = ctx.decision
    since = deadline.created_at
    kind = deadline.kind
    if kind == DeadlineKind.FEEDBACK_DUE:
        step, _record = ctx.participation
        if step is not None and step.state == StepState.DONE and step.settled_at:
            return _on_time(deadline, timezone.localdate(step.settled_at))
        if step is not None and step.state == StepState.WAIVED:
            return Status.CANCELLED, _("public participation marked not applicable")
    elif kind == DeadlineKind.MEETING:
        meeting = Meeting.objects.filter(decision=decision, created_at__gte=since).order_by("held_on").first()
        if meeting is not None:
            return _on_time(deadline, meeting.held_on)
    elif kind == DeadlineKind.IMPLEMENTATION_REPORT:
        report = (
            ExecutionReport.objects.filter(decision=decision, created_at__gte=since).order_by("reported_on").first()
        )
        if report is not None:
            return _on_time(deadline, report.reported_on)
    elif kind == DeadlineKind.EVALUATION_DUE:
        evaluation = (
            Evaluation.objects.filter(decision=decision, created_at__gte=since, completed_on__isnull=False)
            .order_by("completed_on")
            .first()
        )
        if evaluation is not None and evaluation.completed_on is not None:  # always set: filtered above
            return _on_time(deadline, evaluation.completed_on)
    if decision.state in ENDED_STATES:
        return Status.CANCELLED, _("the decision is %(state)s") % {"state": decision.get_state_display()}
    if decision.state not in ASSIGNABLE_IN[kind]:
        return Status.CANCELLED, _("no longer applies at this stage")
    return None


def _close(deadline: Deadline, status: str, note: str) -> None:
    deadline.status = status
    deadline.closed_note = str(note)[:200]
    deadline.closed_at = timezone.now()
    deadline.next_reminder_on = None
    deadline.save(update_fields=["status", "closed_note", "closed_at", "next_reminder_on", "updated_at"])
    # What was not yet sent of a closed clock is no longer true.
    Reminder.objects.filter(deadline=deadline, status=Reminder.Status.PENDING).update(
        status=Reminder.Status.CANCELLED, updated_at=timezone.now()
    )


# --------------------------------------------------------------------------- keeping the rows in step


def sync_for_decision(
    decision: Decision, *, today: dt.date | None = None, calendar: workdays.WorkCalendar | None = None
) -> None:
    """Open, recompute and close the decision's clocks to match its lifecycle and settings.

    Called by the services inside their transaction, after the change (the decision row is locked).
    """
    from deadlines import reminders  # reminders imports this module (the clocks' policies)

    today = today or timezone.localdate()
    calendar = calendar or workdays.WorkCalendar()
    existing = list(Deadline.objects.filter(decision=decision))
    if not existing and decision.state not in (
        DecisionState.PREPARING,
        DecisionState.LEGALITY_REVIEW,
        DecisionState.DEFERRED,
    ):
        return
    ctx = _Context(decision, calendar)
    anchors = {(d.kind, d.anchor) for d in existing}
    desired = _desired_clocks(ctx, today)
    due_now = False
    for deadline in (d for d in existing if d.is_open):
        if deadline.kind in ASSIGNED_KINDS:
            outcome = _assigned_outcome(deadline, ctx)
            if outcome is not None:
                _close(deadline, *outcome)
            continue
        clock = desired.pop(deadline.kind, None)
        if clock is None or clock.anchor != deadline.anchor:
            _close(deadline, *_outcome_when_no_longer_due(deadline, ctx, today))
            if clock is not None:
                desired[clock.kind] = clock  # a new anchor: a new clock, created below
            continue
        policy = POLICY[deadline.kind]
        if policy.on_elapse and clock.due_date < today and not clock.paused:
            _close(deadline, policy.on_elapse, _("the date has passed"))
            continue
        changed = [name for name, value in clock.values().items() if getattr(deadline, name) != value]
        if changed:
            for name in changed:
                setattr(deadline, name, clock.values()[name])
            deadline.next_reminder_on = reminders.first_reminder_day(deadline, ctx.rules, calendar, today)
            deadline.save(update_fields=[*changed, "next_reminder_on", "updated_at"])
            if deadline.paused:
                # A clock standing still chases nobody; what was pending waits for the next due day.
                deadline.reminders.filter(status=Reminder.Status.PENDING).update(
                    status=Reminder.Status.SUPERSEDED, updated_at=timezone.now()
                )
            due_now |= deadline.next_reminder_on is not None and deadline.next_reminder_on <= today
    for clock in desired.values():
        if (clock.kind, clock.anchor) in anchors:
            continue  # this clock already ran (met, missed or cancelled): it does not start again
        policy = POLICY[clock.kind]
        if policy.on_elapse and clock.due_date < today:
            continue  # a milestone already behind us (e.g. a period recorded after it ended)
        deadline = Deadline(decision=decision, kind=clock.kind, anchor=clock.anchor, **clock.values())
        deadline.created_at = timezone.now()
        deadline.next_reminder_on = reminders.first_reminder_day(deadline, ctx.rules, calendar, today)
        deadline.save()
        due_now |= deadline.next_reminder_on is not None and deadline.next_reminder_on <= today
    if due_now:
        reminders.request_scan()


def close_elapsed(*, today: dt.date | None = None) -> int:
    """Milestones whose day has passed close by themselves (met, or missed for the deferral limit)."""
    today = today or timezone.localdate()
    closed = 0
    with transaction.atomic():
        elapsed = Deadline.objects.select_for_update(skip_locked=True).filter(
            status=Status.OPEN, kind__in=ELAPSING_KINDS, due_date__lt=today, paused=False
        )
        for deadline in elapsed:
            status = POLICY[deadline.kind].on_elapse
            assert status is not None  # ELAPSING_KINDS are the kinds with an on_elapse status
            _close(deadline, status, _("the date has passed"))
            closed += 1
    return closed


def _government_and_descendants(government_id: int) -> list[int]:
    ids, frontier = [government_id], [government_id]
    while frontier:
        frontier = list(Government.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        ids.extend(frontier)
    return ids


def refresh_open(*, government_id: int | None = None, today: dt.date | None = None) -> int:
    """Recompute every open clock (after a rule setting or the holiday calendar changed).

    A government's settings are inherited by the governments under it, so they are refreshed too.
    Each decision is refreshed in its own transaction under its row lock, like a transition.
    """
    decisions = Decision.objects.filter(deadlines__status=Status.OPEN).distinct()
    if government_id is not None:
        decisions = decisions.filter(government_id__in=_government_and_descendants(government_id))
    calendar = workdays.WorkCalendar()
    count = 0
    for pk in decisions.values_list("pk", flat=True):
        with transaction.atomic():
            decision = Decision.objects.select_for_update().select_related("government").get(pk=pk)
            sync_for_decision(decision, today=today, calendar=calendar)
        count += 1
    return count


# --------------------------------------------------------------------------- assigned clocks


def may_assign(user: User, decision: Decision) -> bool:
    """The government office and the leaders set the dates no statute fixes."""
    return (
        permissions.memberships(user, decision.government)
        .filter(role__in=(Role.GOVERNMENT_OFFICE, Role.LEADER), department__kind=Department.Kind.GOVERNMENT_OFFICE)
        .exists()
    )


@transaction.atomic
def deadline_assign(*, decision: Decision, actor: User, kind: str, due_date: dt.date, note: str = "") -> Deadline:
    """Set the date of a clock no statute fixes (feedback on comments, the meeting, an implementation
    report, a post-decision evaluation). Assigning again replaces the open one."""
    decision = lock_decision(decision)
    if not may_assign(actor, decision):
        raise DecisionError(ErrorCode.FORBIDDEN, _("Only the government office or a leader assigns these dates."))
    if kind not in ASSIGNED_KINDS:
        raise DecisionError(
            ErrorCode.INVALID,
            _("This kind of deadline is computed, not assigned."),
            fields={"kind": [_("Not assignable.")]},
        )
    if due_date is None or due_date < timezone.localdate():
        raise DecisionError(
            ErrorCode.INVALID,
            _("Give a due date from today on."),
            fields={"due_date": [_("Give a date from today on.")]},
        )
    if decision.state not in ASSIGNABLE_IN[kind]:
        raise DecisionError(
            ErrorCode.WRONG_STATE,
            _("This deadline cannot be set while the decision is “%(state)s”.")
            % {"state": decision.get_state_display()},
        )
    previous = Deadline.objects.filter(decision=decision, kind=kind)
    current = previous.filter(status=Status.OPEN).first()
    if current is not None:
        _close(current, Status.CANCELLED, _("replaced by a new date"))
    if kind == DeadlineKind.IMPLEMENTATION_REPORT:
        department_id = decision.executing_unit_id or decision.lead_sponsor_id
    elif kind == DeadlineKind.FEEDBACK_DUE:
        department_id = decision.lead_sponsor_id
    else:
        department_id = _Context(decision, workdays.WorkCalendar()).office(Department.Kind.GOVERNMENT_OFFICE)
    deadline = Deadline(
        decision=decision,
        kind=kind,
        anchor=f"assigned:{previous.count() + 1}",
        department_id=department_id,
        due_date=due_date,
        start_date=timezone.localdate(),
        unit=Unit.ASSIGNED,
        assigned_by=actor,
        note=(note or "").strip(),
    )
    deadline.created_at = timezone.now()
    deadline.next_reminder_on = _first_reminder_day(deadline, decision)
    deadline.save()
    # Not a state change: the log still says who set or moved a clock, and why (Art 38–41).
    record_event(
        decision,
        actor=actor,
        transition=DeadlineEvent.ASSIGN_DEADLINE,
        from_state=decision.state,
        to_state=decision.state,
        comment=f"{deadline.get_kind_display()}: {due_date.isoformat()}"
        + (f" — {deadline.note}" if deadline.note else ""),
    )
    if deadline.next_reminder_on is not None and deadline.next_reminder_on <= timezone.localdate():
        from deadlines import reminders  # as in sync_for_decision

        reminders.request_scan()
    return deadline


def _first_reminder_day(deadline: Deadline, decision: Decision) -> dt.date | None:
    from deadlines import reminders  # as in sync_for_decision

    return reminders.first_reminder_day(
        deadline, rules_for(decision.government), workdays.WorkCalendar(), timezone.localdate()
    )


# --------------------------------------------------------------------------- reading


def is_overdue(deadline: Deadline, today: dt.date) -> bool:
    """Open, chased, running and past its due date (a milestone is never overdue: it just passes)."""
    return (
        deadline.is_open and not deadline.paused and POLICY[deadline.kind].chase_overdue and deadline.due_date < today
    )


def overdue_decision_ids(decisions=None, *, today: dt.date | None = None):
    """Ids of the decisions (of ``decisions``, a queryset, when given) with an overdue deadline."""
    today = today or timezone.localdate()
    qs = Deadline.objects.filter(
        status=Status.OPEN,
        paused=False,
        due_date__lt=today,
        kind__in=CHASED_KINDS,
    )
    if decisions is not None:
        qs = qs.filter(decision__in=decisions.values("pk"))
    return qs.values("decision_id").distinct()


def visible_to(user: User):
    """The deadlines of the decisions ``user`` may see (``visibility.decisions_visible_to``)."""

    return Deadline.objects.filter(decision__in=decisions_visible_to(user)).select_related(
        "decision", "department", "step", "assigned_by"
    )


def chased_departments(user: User) -> QuerySet[Department]:
    """The departments a clock of a decision ``user`` sees chases (the deadline list's filter):
    for the governments seen whole, each department asked whether any clock chases it (an index
    probe stopping at the first), never the deadlines of every visible decision gathered; then those
    of the few decisions seen otherwise."""
    chases = has_row(Deadline.objects.filter(department_id=OuterRef("pk")).order_by("department_id"))
    of_whole_governments = Department.objects.filter(InIds("government_id", whole_governments_of(user))).filter(chases)
    of_others = Department.objects.filter(
        pk__in=Deadline.objects.filter(decision__in=decisions_seen_otherwise(user)).values("department_id")
    )
    departments: QuerySet[Department] = (
        of_whole_governments.order_by().union(of_others.order_by()).order_by("name", "pk")
    )
    return departments


@dataclass
class Row:
    """A deadline as shown: days left in working days (and calendar days), and the fallback flag."""

    deadline: Deadline
    working_days_left: int
    calendar_days_left: int
    fallback_note: str

    @property
    def overdue(self) -> bool:
        return is_overdue(self.deadline, timezone.localdate())

    @property
    def setting_label(self) -> str:
        return str(SETTING_LABELS.get(self.deadline.setting, self.deadline.setting))

    @property
    def basis(self) -> str:
        return basis(self.deadline)

    @property
    def days_text(self) -> str:
        days = self.working_days_left
        if self.deadline.paused:
            return _("paused: waiting for supplementary materials")
        if self.calendar_days_left == 0:
            return _("due today")
        if self.calendar_days_left > 0:
            return ngettext("%(days)s working day left", "%(days)s working days left", days) % {"days": days}
        late = max(-days, 1)
        if self.overdue:
            return ngettext("overdue by %(days)s working day", "overdue by %(days)s working days", late) % {
                "days": late
            }
        return ngettext("%(days)s working day ago", "%(days)s working days ago", late) % {"days": late}


def rows(deadlines: Iterable[Deadline], *, today: dt.date | None = None) -> list[Row]:
    today = today or timezone.localdate()
    calendar = workdays.WorkCalendar()
    deadlines = list(deadlines)
    if deadlines:
        years: Collection[int] = [d.due_date.year for d in deadlines] + [today.year]
        calendar.preload(min(years), max(years))
    out = []
    for deadline in deadlines:
        calendar.take_fallback_years()
        left = calendar.working_days_left(today, deadline.due_date)
        years = set(deadline.fallback_years) | set(calendar.take_fallback_years())
        out.append(Row(deadline, left, (deadline.due_date - today).days, workdays.fallback_note(years)))
    return out
