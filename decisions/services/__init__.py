"""Every write of the decisions app. Each service runs in one transaction, locks the decision row,
checks the actor's role, the state and the gates, and records one event per transition, so a
refused call changes nothing and a concurrent change fails cleanly (DecisionError "conflict").

One module per part of the record (``decision``, ``steps``, ``records``, ``attachments``) on
shared machinery (``base``); everything is importable from ``decisions.services``.
"""

from decisions.services.attachments import (
    attachment_upload,
)
from decisions.services.base import (
    lock_decision,
    record_event,
)
from decisions.services.decision import (
    TRANSITION_SERVICES,
    decision_adjust,
    decision_archive,
    decision_begin_implementation,
    decision_clear_for_meeting,
    decision_publish,
    decision_record_outcome,
    decision_register,
    decision_resume,
    decision_resume_implementation,
    decision_return_for_revision,
    decision_start,
    decision_submit_for_review,
    decision_suspend,
    decision_transition,
    decision_withdraw,
    decisions_drop_long_deferred,
)
from decisions.services.records import (
    PARTICIPATION_FIELDS,
    RISK_FIELDS,
    evaluation_record,
    execution_report_add,
    expert_opinion_add,
    expert_opinion_handle,
    participation_update,
    risk_update,
)
from decisions.services.steps import (
    STEP_SERVICES,
    lock_step,
    step_action,
    step_complete,
    step_reopen,
    step_request_waiver,
    step_start,
    step_transition,
)
from decisions.services.waivers import (
    WAIVER_DECISIONS,
    waiver_approve,
    waiver_refuse,
    waiver_request,
    waiver_withdraw,
)

__all__ = [
    "PARTICIPATION_FIELDS",
    "RISK_FIELDS",
    "STEP_SERVICES",
    "TRANSITION_SERVICES",
    "WAIVER_DECISIONS",
    "attachment_upload",
    "decision_adjust",
    "decision_archive",
    "decision_begin_implementation",
    "decision_clear_for_meeting",
    "decision_publish",
    "decision_record_outcome",
    "decision_register",
    "decision_resume",
    "decision_resume_implementation",
    "decision_return_for_revision",
    "decision_start",
    "decision_submit_for_review",
    "decision_suspend",
    "decision_transition",
    "decision_withdraw",
    "decisions_drop_long_deferred",
    "evaluation_record",
    "execution_report_add",
    "expert_opinion_add",
    "expert_opinion_handle",
    "lock_decision",
    "lock_step",
    "participation_update",
    "record_event",
    "risk_update",
    "step_action",
    "step_complete",
    "step_reopen",
    "step_start",
    "step_request_waiver",
    "step_transition",
    "waiver_approve",
    "waiver_refuse",
    "waiver_request",
    "waiver_withdraw",
]
