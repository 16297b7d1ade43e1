"""The decisions app's models, one module per part of the record:

- ``organisation``: governments, departments, roles, rule settings;
- ``lifecycle``: the decision and its preparatory steps, as state machines;
- ``records``: what the gates judge (participation, experts, risk, meeting, publication, ...);
- ``post_decision``: the report to the Party committee, problems found in execution;
- ``history``: attachments and the append-only event log;
- ``hearings``: the hearing of a participation step and the matter types that require one;
- ``calendar``: the holiday schedule;
- ``api_token``: the API's service-account tokens.

Everything is importable from ``decisions.models``, as Django and the migrations expect; the
lifecycle's vocabulary (``decisions.choices``) too.
"""

from decisions.choices import (
    OUTCOME_TARGET,
    SETTLED_STEP_STATES,
    STATES_BEFORE_DECISION,
    STATES_PAST_REVIEW,
    STEP_ARTICLE,
    Category,
    DecisionState,
    DepartmentKind,
    MeetingOutcome,
    MeetingRole,
    Role,
    Stance,
    StepKind,
    StepState,
    WaiverApprover,
    WaiverRequestStatus,
)
from decisions.models.api_token import (
    ApiToken,
)
from decisions.models.base import (
    TimeStamped,
)
from decisions.models.calendar import (
    CalendarDay,
)
from decisions.models.catalogue import (
    Catalogue,
    CatalogueAdjustment,
    CatalogueEntry,
)
from decisions.models.hearings import (
    Hearing,
    HearingParticipant,
    MatterType,
)
from decisions.models.history import (
    Attachment,
    AuditChainHead,
    DecisionEvent,
    attachment_path,
    current_draft,
)
from decisions.models.lifecycle import (
    DECISION_TRANSITIONS,
    STEP_TRANSITIONS,
    Decision,
    ProcedureStep,
)
from decisions.models.organisation import (
    ROLE_DEPARTMENT_KIND,
    Department,
    Expert,
    Government,
    Membership,
    RuleSettings,
)
from decisions.models.post_decision import (
    ExecutionProblem,
    PartyCommitteeReport,
)
from decisions.models.records import (
    DraftingRecord,
    Evaluation,
    ExecutionReport,
    ExpertOpinion,
    ExpertSelection,
    Meeting,
    MeetingCorrection,
    MeetingPacket,
    MeetingPosition,
    ParticipationRecord,
    Publication,
    RiskAssessmentRecord,
    goes_against_majority,
    independent_experts,
    independent_opinions,
    latest_meeting_packet,
    meeting_majority,
)
from decisions.models.waivers import (
    WaiverBasis,
    WaiverRequest,
)

__all__ = [
    "ApiToken",
    "Catalogue",
    "CatalogueAdjustment",
    "CatalogueEntry",
    "Attachment",
    "AuditChainHead",
    "CalendarDay",
    "Category",
    "DECISION_TRANSITIONS",
    "Decision",
    "DecisionEvent",
    "DecisionState",
    "Department",
    "DepartmentKind",
    "DraftingRecord",
    "Evaluation",
    "ExecutionProblem",
    "ExecutionReport",
    "Expert",
    "ExpertOpinion",
    "ExpertSelection",
    "Government",
    "Hearing",
    "HearingParticipant",
    "Meeting",
    "MeetingCorrection",
    "MeetingPacket",
    "MeetingOutcome",
    "MeetingPosition",
    "MeetingRole",
    "MatterType",
    "Membership",
    "OUTCOME_TARGET",
    "ParticipationRecord",
    "PartyCommitteeReport",
    "ProcedureStep",
    "Publication",
    "ROLE_DEPARTMENT_KIND",
    "RiskAssessmentRecord",
    "Role",
    "RuleSettings",
    "SETTLED_STEP_STATES",
    "STATES_BEFORE_DECISION",
    "STATES_PAST_REVIEW",
    "STEP_ARTICLE",
    "STEP_TRANSITIONS",
    "Stance",
    "StepKind",
    "StepState",
    "TimeStamped",
    "WaiverApprover",
    "WaiverBasis",
    "WaiverRequest",
    "WaiverRequestStatus",
    "attachment_path",
    "current_draft",
    "goes_against_majority",
    "latest_meeting_packet",
    "independent_experts",
    "independent_opinions",
    "meeting_majority",
]
