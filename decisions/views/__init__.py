"""The server-rendered web UI of the decision lifecycle.

Thin views: a form parses the input, ONE service (decisions.services) does the work, the page shows
the result. A refused action (DecisionError) is shown with its message and article, answered with
the error's HTTP status, and has changed nothing (the services are atomic). Reads go through
decisions.selectors, so nobody reaches a decision they cannot see (404, not 403: its existence is
not disclosed).
"""

from decisions.views.catalogue import catalogues
from decisions.views.detail import detail
from decisions.views.experts import expert_arguments, expert_sign
from decisions.views.lists import decision_list, my_task_count, my_tasks, register
from decisions.views.writes import (
    amend,
    attachment_download,
    attachment_upload,
    change_sponsors,
    drafting_record_add,
    evaluation_record,
    execution_problem_answer,
    execution_problem_report,
    execution_report_add,
    expert_opinion_add,
    expert_opinion_handle,
    expert_select,
    hearing,
    hearing_answer,
    hearing_participant_add,
    hearing_scan,
    meeting_correct,
    meeting_packet_download,
    participation,
    party_committee_report_record,
    risk,
    step_action,
    transition,
    waiver_decide,
)

__all__ = [
    "catalogues",
    "amend",
    "attachment_download",
    "attachment_upload",
    "change_sponsors",
    "decision_list",
    "detail",
    "drafting_record_add",
    "evaluation_record",
    "execution_problem_answer",
    "execution_problem_report",
    "execution_report_add",
    "expert_arguments",
    "expert_opinion_add",
    "expert_select",
    "expert_sign",
    "expert_opinion_handle",
    "hearing",
    "hearing_answer",
    "hearing_participant_add",
    "hearing_scan",
    "meeting_correct",
    "meeting_packet_download",
    "my_task_count",
    "my_tasks",
    "participation",
    "party_committee_report_record",
    "register",
    "risk",
    "step_action",
    "transition",
    "waiver_decide",
]
