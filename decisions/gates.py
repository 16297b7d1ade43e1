"""The gates of the lifecycle, each a pure check that names its rule and article when it is closed.

``refusals(name, decision)`` lists every reason a transition is closed right now; an empty list
means open. The same checks are the transitions' ``conditions`` on the models, so the model layer
refuses what the services refuse, and the services can say why.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from decisions import extensions, lifecycle
from decisions.choices import (
    SETTLED_STEP_STATES,
    STEP_ARTICLE,
    DecisionState,
    RuleCode,
    StepKind,
    StepState,
    WaiverRequestStatus,
)
from decisions.errors import Refusal
from decisions.models import (
    Decision,
    ExpertOpinion,
    Hearing,
    ParticipationRecord,
    ProcedureStep,
    Publication,
    RiskAssessmentRecord,
    independent_experts,
)
from decisions.rules import rules_for

Check = Callable[[Decision], list[Refusal]]


def _steps_settled(decision: Decision) -> list[Refusal]:
    """Art 14, 19, 22 and 25: every preparatory step ends done or not applicable before review."""
    refusals = []
    for step in decision.steps.all():
        if step.state not in SETTLED_STEP_STATES:
            refusals.append(
                Refusal(
                    RuleCode.STEPS_SETTLED,
                    _("%(step)s is neither done nor marked not applicable.") % {"step": step.get_kind_display()},
                    STEP_ARTICLE[StepKind(step.kind)],
                )
            )
    if decision.steps.count() != 3:
        refusals.append(
            Refusal(RuleCode.STEPS_SETTLED, _("The decision lacks one of its preparatory steps."), "Art 25")
        )
    return refusals


def _risk_controllable(decision: Decision) -> list[Refusal]:
    """Art 24: a risk judged uncontrollable blocks the decision until the draft is adjusted."""

    # Done or waived: marking the step not applicable does not erase a judgement on the record;
    # the sponsor reopens the step and reassesses (or withdraws the judgement) instead.
    uncontrollable = RiskAssessmentRecord.objects.filter(
        step__decision=decision,
        step__kind=StepKind.RISK_ASSESSMENT,
        step__state__in=(StepState.DONE, StepState.WAIVED),
        controllable=False,
    ).exists()
    if uncontrollable:
        return [
            Refusal(
                RuleCode.RISK_CONTROLLABLE,
                _("The risk was judged uncontrollable: adjust the draft and reassess before going on."),
                "Art 24",
            )
        ]
    return []


# The legality review's clearance (Art 25) is decided by the app that keeps the review: a slot that
# refuses while no app provides it (decisions.extensions).
_review_allows = extensions.slot_check(extensions.REVIEW_ALLOWS)


def _meeting_recorded(decision: Decision) -> list[Refusal]:
    """Art 29–30: an outcome is applied only from a meeting record, one record per outcome."""
    meetings = decision.meetings.count()
    applied = decision.events.filter(transition="record_outcome").count()
    if meetings <= applied:
        return [Refusal(RuleCode.MEETING_RECORDED, _("Record the meeting before its outcome."), "Art 30")]
    return []


def _publication_recorded(decision: Decision) -> list[Refusal]:
    """Art 32: publication is recorded with its document number and channel."""

    # One publication per time the decision was published: a decision made again after a major
    # adjustment (Art 37) needs its own.
    published = decision.events.filter(transition="publish").count()
    if Publication.objects.filter(decision=decision).count() <= published:
        return [
            Refusal(RuleCode.PUBLICATION_RECORDED, _("Record where and under which number it was published."), "Art 32")
        ]
    return []


# Local practice (a per-government setting): the text to be issued passes the legal office's second
# review before publication. Provided, like the clearance, by the review app.
_final_text_reviewed = extensions.slot_check(extensions.FINAL_TEXT_REVIEWED)


def _party_committee_reported(decision: Decision) -> list[Refusal]:
    """Art 31: where the government's practice requires it (``party_committee_report_required``),
    the approved decision is reported to the Party committee before it is published: one report per
    time it is published, as for the publication itself."""
    if not rules_for(decision.government).party_committee_report_required:
        return []
    published = decision.events.filter(transition="publish").count()
    if decision.party_committee_reports.count() <= published:
        return [
            Refusal(
                RuleCode.PARTY_COMMITTEE_REPORTED,
                _("Record the report of the decision to the Party committee before it is published."),
                "Art 31",
            )
        ]
    return []


def _executing_unit_named(decision: Decision) -> list[Refusal]:
    """Art 34: the decision body names an executing unit."""
    if decision.executing_unit_id is None:
        return [Refusal(RuleCode.EXECUTING_UNIT_NAMED, _("Name the executing unit."), "Art 34")]
    return []


def _progress_reported(decision: Decision) -> list[Refusal]:
    """Art 34 and 33: an implemented decision is archived only with its execution on the record."""

    if decision.state == DecisionState.IMPLEMENTING and not decision.execution_reports.exists():
        return [
            Refusal(
                RuleCode.PROGRESS_REPORTED,
                _("Record at least one execution progress report before archiving."),
                "Art 34",
            )
        ]
    return []


# The checks the lifecycle spec (decisions.lifecycle) names in each transition's ``gates``.
CHECKS: dict[RuleCode, Check] = {
    RuleCode.STEPS_SETTLED: _steps_settled,
    RuleCode.RISK_CONTROLLABLE: _risk_controllable,
    RuleCode.REVIEW_ALLOWS: _review_allows,
    RuleCode.MEETING_RECORDED: _meeting_recorded,
    RuleCode.PUBLICATION_RECORDED: _publication_recorded,
    RuleCode.FINAL_TEXT_REVIEWED: _final_text_reviewed,
    RuleCode.PARTY_COMMITTEE_REPORTED: _party_committee_reported,
    RuleCode.EXECUTING_UNIT_NAMED: _executing_unit_named,
    RuleCode.PROGRESS_REPORTED: _progress_reported,
}
assert {gate for spec in lifecycle.TRANSITIONS.values() for gate in spec.gates} <= set(CHECKS), (
    "a gate without its check"
)


def refusals(name: str, decision: Decision) -> list[Refusal]:
    """Why the transition ``name`` is closed for ``decision`` now (its spec's gates, in order)."""
    return [refusal for gate in lifecycle.TRANSITIONS[name].gates for refusal in CHECKS[gate](decision)]


# --------------------------------------------------------------------------- step gates


def _participation_outputs(step: ProcedureStep) -> list[Refusal]:
    """Art 15–18: the call, its period, the hearing if one was held, and every comment answered."""

    record = ParticipationRecord.objects.filter(step=step).first()
    if record is None:
        return [Refusal(RuleCode.PARTICIPATION_RECORDED, _("Record how the public was consulted."), "Art 15")]
    rules = rules_for(step.decision.government)
    out = []
    if not record.methods:
        out.append(
            Refusal(RuleCode.PARTICIPATION_METHODS, _("Name at least one way the public was consulted."), "Art 14")
        )
    if record.call_published_on is None:
        out.append(
            Refusal(
                RuleCode.PARTICIPATION_CALL_PUBLISHED, _("Record when the draft and the call were published."), "Art 15"
            )
        )
    out.extend(record.call_date_refusals())
    if record.period_start is None or record.period_end is None:
        out.append(Refusal(RuleCode.COMMENT_PERIOD_SET, _("Record the comment period."), "Art 15"))
    else:
        if (record.period_days or 0) < rules.min_comment_period_days and not record.shortened_period_reason.strip():
            out.append(
                Refusal(
                    RuleCode.COMMENT_PERIOD_MINIMUM,
                    _(
                        "The comment period is %(days)s days, shorter than %(minimum)s: "
                        "a shorter period needs a reason published with the call."
                    )
                    % {"days": record.period_days, "minimum": rules.min_comment_period_days},
                    "Art 15",
                )
            )
        if record.period_end >= timezone.localdate():
            out.append(Refusal(RuleCode.COMMENT_PERIOD_CLOSED, _("The comment period has not ended yet."), "Art 15"))
    if not record.adoption_summary.strip():
        out.append(
            Refusal(
                RuleCode.COMMENTS_ANSWERED,
                _("Sort the comments and state which were adopted, partly adopted or not, with reasons."),
                "Art 18",
            )
        )
    # Every comment answered, in the comment inbox the public side keeps.
    out.extend(extensions.step_check_refusals(step))
    out.extend(hearing_refusals(step, record))
    return out


def hearing_refusals(step: ProcedureStep, record: ParticipationRecord | None) -> list[Refusal]:
    """Art 16–17: a hearing, when the consultation chose one or the decision's matter type requires
    one (prices of public utilities under the Price Law, say), counts only once noticed in time,
    its participants and their selection published beforehand, its materials sent in time, and its
    record made and confirmed by every participant (or their objection recorded)."""
    decision = step.decision
    matter = decision.matter_type
    required = matter is not None and matter.hearing_required
    hearing = Hearing.objects.filter(step=step).first()
    chosen = record is not None and ParticipationRecord.Method.HEARING in record.methods
    if not (required or chosen or hearing is not None):
        return []
    if hearing is None:
        if required:
            assert matter is not None
            return [
                Refusal(
                    RuleCode.HEARING_REQUIRED,
                    _("A matter of the type “%(type)s” requires a hearing: hold it and record it.")
                    % {"type": matter.name},
                    "Art 16",
                )
            ]
        return [Refusal(RuleCode.HEARING_DATE, _("Record the hearing's notice and date."), "Art 16")]
    rules = rules_for(decision.government)
    return hearing.completion_refusals(
        list(hearing.participants.all()),
        notice_lead_days=rules.hearing_notice_lead_days,
        materials_lead_days=rules.hearing_materials_lead_days,
    )


def _expert_outputs(step: ProcedureStep) -> list[Refusal]:
    """Art 19–21: experts chosen from the pool in a recorded way; written opinions, each signed;
    experts tied to a sponsor or with an interest excluded; at least the government's minimum of
    independent signed opinions; each opinion handled."""

    opinions = list(step.expert_opinions.all())
    selections = list(step.expert_selections.all())
    counted = [o for o in opinions if o.counts]
    out = []
    if not counted:
        out.append(
            Refusal(
                RuleCode.EXPERT_OPINIONS_PRESENT,
                _("At least one opinion from an expert without a declared interest is needed."),
                "Art 20",
            )
        )
    elif not selections:
        out.append(
            Refusal(
                RuleCode.EXPERT_SELECTION_RECORDED,
                _("Record how the experts were chosen from the pool."),
                "Art 20",
            )
        )
    for opinion in opinions:
        if opinion.signed_on is None:
            out.append(
                Refusal(
                    RuleCode.EXPERT_OPINION_SIGNED,
                    _("The opinion of %(name)s is not signed.") % {"name": opinion.expert_name},
                    "Art 19",
                )
            )
    for opinion in counted:
        if not opinion.handling:
            out.append(
                Refusal(
                    RuleCode.EXPERT_OPINION_HANDLED,
                    _("State how the opinion of %(name)s was handled.") % {"name": opinion.expert_name},
                    "Art 29",
                )
            )
        elif opinion.handling != ExpertOpinion.Handling.ADOPTED and not opinion.handling_reason.strip():
            out.append(
                Refusal(
                    RuleCode.EXPERT_OPINION_HANDLED,
                    _("Give the reason the opinion of %(name)s was not fully adopted.") % {"name": opinion.expert_name},
                    "Art 29",
                )
            )
    # Last, so a refusal names the opinion at fault before the count it spoils.
    if counted and selections:
        least = rules_for(step.decision.government).min_independent_experts
        independent = independent_experts(opinions, selections)
        if independent < least:
            out.append(
                Refusal(
                    RuleCode.EXPERT_MINIMUM_INDEPENDENT,
                    ngettext(
                        "The argument needs signed opinions from at least %(least)s independent expert "
                        "(now %(count)s).",
                        "The argument needs signed opinions from at least %(least)s independent experts "
                        "(now %(count)s).",
                        least,
                    )
                    % {"least": least, "count": independent},
                    "Art 20",
                )
            )
    return out


def _risk_outputs(step: ProcedureStep) -> list[Refusal]:
    """Art 22–24: the assessor (Art 22); risk points and level, and measures and a plan unless low (Art 23);
    a high risk judged controllable or not (Art 24)."""

    record = RiskAssessmentRecord.objects.filter(step=step).first()
    if record is None:
        return [Refusal(RuleCode.RISK_RECORDED, _("Record the risk assessment."), "Art 23")]
    out = []
    if not record.assessor.strip():
        out.append(Refusal(RuleCode.RISK_ASSESSOR, _("Name who assessed the risk."), "Art 22"))
    if not record.risk_points.strip() or not record.level:
        out.append(Refusal(RuleCode.RISK_POINTS, _("Record the risk points and the risk level."), "Art 23"))
    if (
        record.level
        and record.level != RiskAssessmentRecord.Level.LOW
        and not (record.measures.strip() and record.contingency_plan.strip())
    ):
        out.append(
            Refusal(
                RuleCode.RISK_MEASURES,
                _("A medium or high risk needs prevention measures and a contingency plan."),
                "Art 23",
            )
        )
    if record.level == RiskAssessmentRecord.Level.HIGH and record.controllable is None:
        out.append(
            Refusal(RuleCode.RISK_CONTROLLABLE_JUDGED, _("Judge whether a high risk is controllable."), "Art 24")
        )
    return out


def _waiver_complete(step: ProcedureStep) -> list[Refusal]:
    """A step is not applicable only with a reason, the article relied on and who approved it."""
    if not (step.waiver_reason.strip() and step.waiver_article.strip() and step.waiver_approved_by_id):
        return [
            Refusal(
                RuleCode.WAIVER_COMPLETE,
                _("Marking a step not applicable needs a reason, the article relied on and an approver."),
                STEP_ARTICLE[StepKind(step.kind)],
            )
        ]
    # Two acts by two people: the step is waived only on a request its approver approved, and the
    # approver on the step is that approver, who is not the requester.
    request = step.waiver_request
    if (
        request is None
        or request.step_id != step.pk
        or request.status != WaiverRequestStatus.APPROVED
        or request.approver_id != step.waiver_approved_by_id
        or request.requested_by_id == request.approver_id
    ):
        return [
            Refusal(
                RuleCode.WAIVER_APPROVED,
                _("A step is marked not applicable only when the approver named in the request approves it."),
                STEP_ARTICLE[StepKind(step.kind)],
            )
        ]
    return []


def step_refusals(name: str, step: ProcedureStep) -> list[Refusal]:
    if name == "complete":
        check = {
            StepKind.PUBLIC_PARTICIPATION: _participation_outputs,
            StepKind.EXPERT_ARGUMENT: _expert_outputs,
            StepKind.RISK_ASSESSMENT: _risk_outputs,
        }[StepKind(step.kind)]
        return check(step)
    if name == "waive":
        return _waiver_complete(step)
    return []
