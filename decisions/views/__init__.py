"""The server-rendered web UI of the decision lifecycle.

Thin views: a form parses the input, ONE service (decisions.services) does the work, the page shows
the result. A refused action (DecisionError) is shown with its message and article, answered with
the error's HTTP status, and has changed nothing (the services are atomic). Reads go through
decisions.selectors, so nobody reaches a decision they cannot see (404, not 403: its existence is
not disclosed).
"""

from decisions.views.catalogue import catalogues
from decisions.views.detail import detail
from decisions.views.lists import decision_list, my_task_count, my_tasks, register
from decisions.views.writes import (
    amend,
    attachment_download,
    attachment_upload,
    change_sponsors,
    evaluation_record,
    execution_report_add,
    expert_opinion_add,
    expert_opinion_handle,
    hearing,
    hearing_answer,
    hearing_participant_add,
    hearing_scan,
    meeting_correct,
    participation,
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
    "evaluation_record",
    "execution_report_add",
    "expert_opinion_add",
    "expert_opinion_handle",
    "hearing",
    "hearing_answer",
    "hearing_participant_add",
    "hearing_scan",
    "meeting_correct",
    "my_task_count",
    "my_tasks",
    "participation",
    "register",
    "risk",
    "step_action",
    "transition",
    "waiver_decide",
]
