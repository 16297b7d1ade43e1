"""The lifecycle's vocabulary: states, steps, roles, outcomes, and the names of events and rules.

Plain ``TextChoices`` with no model behind them, so the lifecycle spec (``decisions.lifecycle``)
and the gates can use them without importing the models. ``decisions.models`` re-exports them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# --------------------------------------------------------------------------- organisation


class DepartmentKind(models.TextChoices):
    SPONSOR = "sponsor", _("Sponsoring department")
    LEGAL_OFFICE = "legal_office", _("Legal office")
    GOVERNMENT_OFFICE = "government_office", _("Government office")


class WaiverApprover(models.TextChoices):
    """Who approves a waiver of a preparatory step (DESIGN.md, "Lifecycle contract": the sponsoring
    unit's head or a leader, per the government's setting). A leader stands above the unit's head, so
    the national default lets either approve; a government may tighten it to its leaders only."""

    SPONSOR_HEAD = "sponsor_head", _("The sponsoring department's head (or a government leader)")
    LEADER = "leader", _("A government leader only")


class Role(models.TextChoices):
    SPONSOR_CLERK = "sponsor_clerk", _("Sponsor clerk")
    SPONSOR_HEAD = "sponsor_head", _("Sponsor head")
    LEGAL_REVIEWER = "legal_reviewer", _("Legal reviewer")
    LEGAL_HEAD = "legal_head", _("Legal office head")
    LEGAL_ADVISER = "legal_adviser", _("Legal adviser / public lawyer")
    EXPERT = "expert", _("Expert")
    GOVERNMENT_OFFICE = "government_office", _("Government office secretary")
    LEADER = "leader", _("Government leader")


# --------------------------------------------------------------------------- the decision


class DecisionState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")  # registered; the body has not started the procedure (Art 10)
    PREPARING = "preparing", _("Preparing the draft")  # procedure started, sponsor named (Art 11)
    LEGALITY_REVIEW = "legality_review", _("Under legality review")  # with the legal office (Art 25)
    AWAITING_DECISION = "awaiting_decision", _("Awaiting collective discussion")  # cleared (Art 28)
    DEFERRED = "deferred", _("Deferred")  # the meeting deferred it
    DECIDED = "decided", _("Decided")  # approved at the meeting (Art 30)
    REJECTED = "rejected", _("Rejected")  # the meeting rejected it
    PUBLISHED = "published", _("Published")  # Art 32
    IMPLEMENTING = "implementing", _("Implementing")  # executing unit named (Art 34)
    SUSPENDED = "suspended", _("Suspended")  # by the head (Art 37)
    WITHDRAWN = "withdrawn", _("Withdrawn")  # stopped before a decision
    ARCHIVED = "archived", _("Archived")  # one file per decision closed (Art 33)


# States a decision can only be in after passing both hard gates (legality review and meeting
# materials): the invariant the property tests check.
STATES_PAST_REVIEW = frozenset(
    {
        DecisionState.AWAITING_DECISION,
        DecisionState.DEFERRED,
        DecisionState.DECIDED,
        DecisionState.REJECTED,
        DecisionState.PUBLISHED,
        DecisionState.IMPLEMENTING,
        DecisionState.SUSPENDED,
    }
)
STATES_BEFORE_DECISION = (
    DecisionState.PROPOSED,
    DecisionState.PREPARING,
    DecisionState.LEGALITY_REVIEW,
    DecisionState.AWAITING_DECISION,
    DecisionState.DEFERRED,
)


class Category(models.TextChoices):
    """The kinds of major decision of Art 3."""

    PUBLIC_POLICY = "public_policy", _("Major public policy or measure (public services, market, society, environment)")
    DEVELOPMENT_PLAN = "development_plan", _("Important economic or social development plan")
    RESOURCES = "resources", _("Use or protection of important natural or cultural resources")
    CONSTRUCTION = "construction", _("Major public construction project")
    OTHER = "other", _("Other matter of major public interest")


class MeetingOutcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    REVISE = "revise", _("Revise the draft")
    DEFERRED = "deferred", _("Deferred")
    DISCUSS_AGAIN = "discuss_again", _("Discuss again")


class MeetingRole(models.TextChoices):
    """Who speaks at the meeting (Art 30): the members, then the head (行政首长), who speaks last
    and decides."""

    MEMBER = "member", _("Member")
    HEAD = "head", _("Head")


class Stance(models.TextChoices):
    """A member's position on the draft put to the meeting (Art 30)."""

    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    ABSTAIN = "abstain", _("Abstains")


# The stance an outcome takes on the draft as put to the meeting. Approving adopts it; rejecting it
# or sending it back for revision refuses to adopt it as it stands. Deferring it or discussing it
# again decides nothing: the decision is taken at a later meeting, with its own positions.
OUTCOME_STANCE: dict[str, str | None] = {
    MeetingOutcome.APPROVED: Stance.FOR,
    MeetingOutcome.REJECTED: Stance.AGAINST,
    MeetingOutcome.REVISE: Stance.AGAINST,
    MeetingOutcome.DEFERRED: None,
    MeetingOutcome.DISCUSS_AGAIN: None,
}


OUTCOME_TARGET = {
    MeetingOutcome.APPROVED: DecisionState.DECIDED,
    MeetingOutcome.REJECTED: DecisionState.REJECTED,
    MeetingOutcome.DEFERRED: DecisionState.DEFERRED,
    MeetingOutcome.REVISE: DecisionState.PREPARING,
    # Not settled at this meeting: it waits for the next one.
    MeetingOutcome.DISCUSS_AGAIN: DecisionState.AWAITING_DECISION,
}


# --------------------------------------------------------------------------- preparatory steps


class StepKind(models.TextChoices):
    PUBLIC_PARTICIPATION = "public_participation", _("Public participation")  # Art 14–18
    EXPERT_ARGUMENT = "expert_argument", _("Expert argument")  # Art 19–21
    RISK_ASSESSMENT = "risk_assessment", _("Risk assessment")  # Art 22–24


STEP_ARTICLE = {
    StepKind.PUBLIC_PARTICIPATION: "Art 14",
    StepKind.EXPERT_ARGUMENT: "Art 19",
    StepKind.RISK_ASSESSMENT: "Art 22",
}


class WaiverRequestStatus(models.TextChoices):
    """A waiver is two acts by two people: the sponsor requests, the approver decides."""

    REQUESTED = "requested", _("Awaiting approval")
    APPROVED = "approved", _("Approved by the approver")
    REFUSED = "refused", _("Refused by the approver")
    WITHDRAWN = "withdrawn", _("Withdrawn by the requester")


class StepState(models.TextChoices):
    PENDING = "pending", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    WAIVED = "waived", _("Not applicable")


SETTLED_STEP_STATES = (StepState.DONE, StepState.WAIVED)

# The steps in the law's order (Art 14–24), not the database's.
STEP_ORDER = {kind: index for index, kind in enumerate(StepKind.values)}


# --------------------------------------------------------------------------- the record's names


class EventType(models.TextChoices):
    """What a row of the decision's event log records (``DecisionEvent.transition``). A step's
    event has the step's kind beside it; the apps built on the core add their own names
    (``decisions.extensions.provide_vocabulary``)."""

    REGISTER = "register", _("Registered")  # Art 10
    # The decision's transitions (decisions.lifecycle); a step's start and reopen share the names.
    START = "start", _("Start the procedure")
    SUBMIT_FOR_REVIEW = "submit_for_review", _("Submit for legality review")
    RETURN_FOR_REVISION = "return_for_revision", _("Return for revision")
    CLEAR_FOR_MEETING = "clear_for_meeting", _("Clear for the meeting")
    RECORD_OUTCOME = "record_outcome", _("Record the meeting outcome")
    RESUME = "resume", _("Put back on the agenda")
    PUBLISH = "publish", _("Record publication")
    BEGIN_IMPLEMENTATION = "begin_implementation", _("Begin implementation")
    SUSPEND = "suspend", _("Suspend implementation")
    RESUME_IMPLEMENTATION = "resume_implementation", _("Resume implementation")
    ADJUST = "adjust", _("Major adjustment (repeat the procedure)")
    WITHDRAW = "withdraw", _("Withdraw")
    ARCHIVE = "archive", _("Archive")
    # The preparatory steps' own transitions.
    COMPLETE = "complete", _("Mark done")
    WAIVE = "waive", _("Mark not applicable")
    REOPEN = "reopen", _("Reopen")
    # A meeting record is final: a correction is appended beside it, with its reason (Art 30).
    CORRECT_MEETING = "correct_meeting", _("Meeting record corrected")
    # A waiver's request and its outcome other than approval (approval is the step's "waive").
    REQUEST_WAIVER = "request_waiver", _("Request not applicable")
    REFUSE_WAIVER = "refuse_waiver", _("Refuse the waiver")
    WITHDRAW_WAIVER_REQUEST = "withdraw_waiver_request", _("Withdraw the waiver request")
    # A deferred decision past the deferral limit leaves the catalogue (local practice).
    LEAVE_CATALOGUE = "leave_catalogue", _("Left the catalogue")
    # A published catalogue adjusted: the decision added, removed or deferred, with the reason (Art 3).
    CATALOGUE_ADJUST = "catalogue_adjust", _("Catalogue adjusted")
    # Changes to the record that are not transitions; the event keeps the values before and after.
    RECORD_CHANGE = "record_change", _("Record changed")
    AMEND = "amend", _("Description amended")
    CHANGE_SPONSORS = "change_sponsors", _("Sponsoring departments changed")
    ATTACH = "attach", _("File attached")
    # How the draft was made (Art 10–13): an entry of the drafting record.
    DRAFTING_RECORD = "drafting_record", _("Drafting record added")
    # The materials of the collective discussion assembled into one PDF (Art 29).
    MEETING_PACKET = "meeting_packet", _("Meeting packet generated")
    # Art 31: the decision reported to the Party committee, after the meeting and before publication.
    REPORT_TO_PARTY_COMMITTEE = "report_to_party_committee", _("Reported to the Party committee")
    # Art 35: a problem found in execution, and its answer.
    REPORT_EXECUTION_PROBLEM = "report_execution_problem", _("Execution problem reported")
    ANSWER_EXECUTION_PROBLEM = "answer_execution_problem", _("Execution problem answered")
    # The record was restored from a dossier (reporting.dossier); the state does not change.
    IMPORT = "import", _("Restored from a dossier")


class RuleCode(models.TextChoices):
    """The named rules of the core that refuse an action (``DecisionError.rule``, ``Refusal.rule``),
    each with the reason a person reads. The apps built on the core add their own
    (``decisions.extensions.provide_vocabulary``); the OpenAPI error schema lists them all."""

    # The lifecycle's gates (decisions.gates.CHECKS).
    STEPS_SETTLED = "steps_settled", _("Every preparatory step done or not applicable")  # Art 25
    RISK_CONTROLLABLE = "risk_controllable", _("No risk judged uncontrollable")  # Art 24
    REVIEW_ALLOWS = "review_allows", _("An issued legality opinion allows the meeting")  # Art 25
    MEETING_RECORDED = "meeting_recorded", _("The meeting is on the record")  # Art 30
    PUBLICATION_RECORDED = "publication_recorded", _("The publication is on the record")  # Art 32
    FINAL_TEXT_REVIEWED = "final_text_reviewed", _("The final text passed the second review")  # local rule
    EXECUTING_UNIT_NAMED = "executing_unit_named", _("An executing unit is named")  # Art 34
    PROGRESS_REPORTED = "progress_reported", _("Execution progress is reported")  # Art 34
    PARTY_COMMITTEE_REPORTED = (
        "party_committee_reported",
        _("The decision was reported to the Party committee where the government requires it"),
    )  # Art 31
    # The record's own invariants (decisions.integrity), beside the gates' held forms.
    EVENTS_REPLAY = "events_replay", _("The event log replays to the recorded states")  # Art 38
    TRANSITION_ALLOWED = "transition_allowed", _("Every recorded event is allowed by the lifecycle")  # Art 38
    SPONSORS_OF_GOVERNMENT = "sponsors_of_government", _("The sponsors belong to the decision's government")  # Art 11
    # The yearly catalogue as an act (Art 3).
    CATALOGUE_DRAFT_ONLY = "catalogue_draft_only", _("A catalogue is drawn up only while it is a draft")
    CATALOGUE_APPROVAL = "catalogue_approval", _("A catalogue is published only once the Party committee consented")
    CATALOGUE_ADJUSTMENT = "catalogue_adjustment", _("A published catalogue changes only by adjustments with reasons")
    # Public participation (Art 14–18).
    PARTICIPATION_RECORDED = "participation_recorded", _("The consultation is on the record")
    PARTICIPATION_METHODS = "participation_methods", _("A way of consulting the public is named")
    PARTICIPATION_CALL_PUBLISHED = "participation_call_published", _("The call for comments was published")
    CALL_BEFORE_PERIOD = "call_before_period", _("The call for comments is published before its period begins")
    COMMENT_PERIOD_SET = "comment_period_set", _("The comment period is recorded")
    COMMENT_PERIOD_MINIMUM = "comment_period_minimum", _("The comment period is long enough, or a reason is given")
    COMMENT_PERIOD_CLOSED = "comment_period_closed", _("The comment period has ended")
    COMMENTS_ANSWERED = "comments_answered", _("Every comment is sorted and answered")
    COMMENTS_COUNTED = "comments_counted", _("The comment counts add up")
    HEARING_DATE = "hearing_date", _("The hearing's date is recorded")
    HEARING_PARTICIPANTS_PUBLISHED = "hearing_participants_published", _("Hearing participants published beforehand")
    HEARING_MATERIALS_LEAD_TIME = "hearing_materials_lead_time", _("Hearing materials sent in time")
    HEARING_RECORD_SIGNED = "hearing_record_signed", _("The hearing record is made")
    HEARING_NOTICE_LEAD_TIME = "hearing_notice_lead_time", _("The hearing notice is published in time")
    HEARING_RECORD_CONFIRMED = (
        "hearing_record_confirmed",
        _("Every hearing participant confirmed the record, or their objection is recorded"),
    )
    HEARING_REQUIRED = "hearing_required", _("A matter that requires a hearing has held one")
    MATTER_TYPE_OF_GOVERNMENT = "matter_type_of_government", _("The matter type is one of the decision's government")
    # Expert argument (Art 19–21).
    EXPERT_OPINIONS_PRESENT = "expert_opinions_present", _("An opinion from an expert without an interest")
    EXPERT_OPINION_SIGNED = "expert_opinion_signed", _("Every expert opinion is signed")
    EXPERT_OPINION_HANDLED = "expert_opinion_handled", _("Every expert opinion is handled, with reasons")
    EXPERT_OPINION_DATE = "expert_opinion_date", _("An expert opinion is signed after registration, not in the future")
    EXPERT_SELECTION_RECORDED = "expert_selection_recorded", _("How the experts were chosen is recorded")
    EXPERT_SELECTED = "expert_selected", _("An opinion comes from an expert chosen and not excluded")
    EXPERT_MINIMUM_INDEPENDENT = "expert_minimum_independent", _("Enough independent experts signed their opinions")
    # Risk assessment (Art 22–24).
    RISK_RECORDED = "risk_recorded", _("The risk assessment is on the record")
    RISK_ASSESSOR = "risk_assessor", _("The assessor is named")
    RISK_POINTS = "risk_points", _("Risk points and level are recorded")
    RISK_MEASURES = "risk_measures", _("Measures and a contingency plan for a medium or high risk")
    RISK_CONTROLLABLE_JUDGED = "risk_controllable_judged", _("A high risk is judged controllable or not")
    # Not applicable (不适用), the meeting, evaluation.
    WAIVER_COMPLETE = "waiver_complete", _("A waiver has its reason, article and approver")
    WAIVER_APPROVED = "waiver_approved", _("A waiver is approved by its approver in their own login")
    WAIVER_BASIS = "waiver_basis", _("A waiver relies on an active legal basis for that step")
    WAIVER_APPROVER = "waiver_approver", _("The approver is one the rule settings allow")
    WAIVER_REQUEST_OPEN = "waiver_request_open", _("No waiver request is awaiting approval")
    HEAD_REASONS = "head_reasons", _("The head gives reasons for deciding against the majority")  # Art 30
    # The meeting's date (Art 25, 26, 30): held, after its clearance and the minimum review time.
    MEETING_HELD = "meeting_held", _("A meeting is recorded once it has been held")  # Art 30
    MEETING_AFTER_CLEARANCE = "meeting_after_clearance", _("The meeting is held after the draft was cleared")  # Art 25
    MEETING_AFTER_MINIMUM_REVIEW = (
        "meeting_after_minimum_review",
        _("The meeting is held after the minimum legality review time"),
    )  # Art 26
    # How the draft was made (Art 10–13) and the meeting's materials (Art 29).
    DRAFTING_WHILE_PREPARED = "drafting_while_prepared", _("The drafting record is written while the draft is prepared")
    MEETING_PACKET_BEFORE_MEETING = (
        "meeting_packet_before_meeting",
        _("The meeting packet is assembled while the decision awaits the meeting"),
    )
    EVALUATOR_INDEPENDENT = "evaluator_independent", _("The evaluator did not prepare the decision")  # Art 36
    # Art 37: urgent suspension, and its end, are the government head's call.
    GOVERNMENT_HEAD = "government_head", _("Only the government head suspends or resumes implementation")
    # Art 30, where the government's practice has the legal office attend the meeting.
    LEGAL_OFFICE_ATTENDED = "legal_office_attended", _("The legal office's attendance at the meeting is recorded")
    # Art 31: the report to the Party committee.
    PARTY_COMMITTEE_REPORT_DATE = (
        "party_committee_report_date",
        _("The report to the Party committee is dated after the meeting and not in the future"),
    )
    # Art 35: problems found in execution are answered.
    EXECUTION_PROBLEM_ANSWER = "execution_problem_answer", _("An execution problem is answered once, with its content")


# --------------------------------------------------------------------------- where each rule comes from

# The article of the Regulations (重大行政决策程序暂行条例) each rule of the core enforces; "" for a
# rule of the product or of local practice that no article of the Regulations states. A refusal that
# names a rule cites this article (tests/test_rule_citations.py reads every refusal in the code), and
# docs/lifecycle.md's table of rules is generated from it (`manage.py rules_table`). The apps add theirs
# through ``decisions.extensions.provide_vocabulary(articles=…)``.
RULE_ARTICLES: dict[str, str] = {
    RuleCode.STEPS_SETTLED: "Art 25",
    RuleCode.RISK_CONTROLLABLE: "Art 24",
    RuleCode.REVIEW_ALLOWS: "Art 25",
    RuleCode.MEETING_RECORDED: "Art 30",
    RuleCode.PUBLICATION_RECORDED: "Art 32",
    # The second review of the final text is local practice; it gates the publication (Art 32).
    RuleCode.FINAL_TEXT_REVIEWED: "Art 32",
    RuleCode.EXECUTING_UNIT_NAMED: "Art 34",
    RuleCode.PROGRESS_REPORTED: "Art 34",
    RuleCode.EVENTS_REPLAY: "Art 38",
    RuleCode.TRANSITION_ALLOWED: "Art 38",
    RuleCode.SPONSORS_OF_GOVERNMENT: "Art 11",
    RuleCode.CATALOGUE_DRAFT_ONLY: "Art 3",
    RuleCode.CATALOGUE_APPROVAL: "Art 3",
    RuleCode.CATALOGUE_ADJUSTMENT: "Art 3",
    RuleCode.PARTICIPATION_RECORDED: "Art 15",
    RuleCode.PARTICIPATION_METHODS: "Art 14",
    RuleCode.PARTICIPATION_CALL_PUBLISHED: "Art 15",
    RuleCode.CALL_BEFORE_PERIOD: "Art 15",
    RuleCode.COMMENT_PERIOD_SET: "Art 15",
    RuleCode.COMMENT_PERIOD_MINIMUM: "Art 15",
    RuleCode.COMMENT_PERIOD_CLOSED: "Art 15",
    RuleCode.COMMENTS_ANSWERED: "Art 18",
    RuleCode.COMMENTS_COUNTED: "Art 18",
    RuleCode.HEARING_DATE: "Art 16",
    RuleCode.HEARING_PARTICIPANTS_PUBLISHED: "Art 16",
    RuleCode.HEARING_MATERIALS_LEAD_TIME: "Art 16",
    RuleCode.HEARING_RECORD_SIGNED: "Art 17",
    RuleCode.EXPERT_OPINIONS_PRESENT: "Art 20",
    # Art 19: a written expert opinion carries its signature and seal, on a real day.
    RuleCode.EXPERT_OPINION_SIGNED: "Art 19",
    RuleCode.EXPERT_OPINION_DATE: "Art 19",
    # Art 29 (3): the meeting receives how the expert opinions were studied and taken up. (Art 21 is the
    # provincial pool of experts, not the handling of their opinions.)
    RuleCode.EXPERT_OPINION_HANDLED: "Art 29",
    # Art 22: who assesses (the sponsor, or a body it entrusts); Art 23: the report's content (risk
    # points, prevention measures, contingency plan); Art 24: the result as a basis, an uncontrollable
    # risk stops the draft.
    RuleCode.RISK_RECORDED: "Art 23",
    RuleCode.RISK_ASSESSOR: "Art 22",
    RuleCode.RISK_POINTS: "Art 23",
    RuleCode.RISK_MEASURES: "Art 23",
    RuleCode.RISK_CONTROLLABLE_JUDGED: "Art 24",
    # The waivers rest on the article that makes each step depend on the matter (Art 14, 19, 22): the
    # refusal cites the step's article; the rules themselves are the product's two-party act.
    RuleCode.WAIVER_COMPLETE: "",
    RuleCode.WAIVER_APPROVED: "",
    RuleCode.WAIVER_BASIS: "",
    RuleCode.WAIVER_APPROVER: "",
    RuleCode.WAIVER_REQUEST_OPEN: "",
    RuleCode.HEAD_REASONS: "Art 30",
    RuleCode.MEETING_HELD: "Art 30",
    RuleCode.MEETING_AFTER_CLEARANCE: "Art 25",
    RuleCode.MEETING_AFTER_MINIMUM_REVIEW: "Art 26",
    RuleCode.EVALUATOR_INDEPENDENT: "Art 36",
    RuleCode.DRAFTING_WHILE_PREPARED: "Art 12",
    RuleCode.MEETING_PACKET_BEFORE_MEETING: "Art 29",
    RuleCode.PARTY_COMMITTEE_REPORTED: "Art 31",
    RuleCode.PARTY_COMMITTEE_REPORT_DATE: "Art 31",
    RuleCode.GOVERNMENT_HEAD: "Art 37",
    RuleCode.LEGAL_OFFICE_ATTENDED: "Art 30",
    RuleCode.EXECUTION_PROBLEM_ANSWER: "Art 35",
    # Art 20: experts chosen for their expertise, representativeness and neutrality, none with a
    # direct interest in the matter.
    RuleCode.EXPERT_SELECTION_RECORDED: "Art 20",
    RuleCode.EXPERT_SELECTED: "Art 20",
    RuleCode.EXPERT_MINIMUM_INDEPENDENT: "Art 20",
    # Art 16: the notice published ahead; which matters require a hearing is the government's data.
    RuleCode.HEARING_NOTICE_LEAD_TIME: "Art 16",
    RuleCode.HEARING_REQUIRED: "Art 16",
    RuleCode.MATTER_TYPE_OF_GOVERNMENT: "Art 16",
    # Art 17: the record is confirmed by the participants.
    RuleCode.HEARING_RECORD_CONFIRMED: "Art 17",
}
