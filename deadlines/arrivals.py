"""When work arrives: the event hook (``decisions.extensions.on_event``) that tells the people an
event of the record hands a task to, through every channel (the bell; e-mail and the department's
robot as its settings say, sent by the reminder scans with their retries).

Who is told is read from the tables that decide who may act, never restated here: after a
transition, the doers (``permissions.ACTION_ROLES``) of the transitions the procedure now waits for
in the new state (``TransitionSpec.awaits``, the to-do list's own rule) and, while the draft is
prepared, of its steps; after an act of the legality review, the doers of the act whose turn it is
(``REVIEW_TURNS``). A waiver request is addressed to the one approver it names (``ADDRESSEES``).
Nobody is told of their own act. The notifications are made in the event's transaction, so each
exists exactly once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from deadlines import channels, reminders
from deadlines.notifications import ChannelSettings, Person, Recipients
from decisions import lifecycle, permissions
from decisions.models import DecisionState, Department, Membership
from reviews.choices import ReviewEvent

if TYPE_CHECKING:
    from decisions.models import Decision, DecisionEvent

# The events of the record addressed to one person, and the key of the event's details that names
# them: a waiver request goes to its approver, who alone decides it; its outcome to its requester.
ADDRESSEES = {
    "request_waiver": "approver",
    "waive": "requested_by",
    "refuse_waiver": "requested_by",
    "withdraw_waiver_request": "approver",
}

# The legality review's turns: after this event, the doers of this action (permissions.ACTION_ROLES).
REVIEW_TURNS: dict[str, str] = {
    "submit_for_review": "review_write",  # a new submission to check and accept (Art 26)
    ReviewEvent.ANSWER_SUPPLEMENT: "review_write",
    ReviewEvent.HAND_IN_REVISED_DRAFT: "review_write",
    ReviewEvent.RECORD_OPINION: "review_issue",  # the head issues it (Art 28)
    ReviewEvent.REQUEST_SUPPLEMENT: "step",  # the sponsor hands the supplements in
    ReviewEvent.ISSUE: "step",  # the sponsor reads the opinion (and answers its items)
}


def _turns(event: DecisionEvent) -> list[str]:
    """The actions (of ``permissions.ACTION_ROLES``) that the event makes someone's turn."""
    actions = [REVIEW_TURNS[event.transition]] if event.transition in REVIEW_TURNS else []
    if event.transition in lifecycle.TRANSITIONS and event.to_state:
        actions += [spec.name for spec in lifecycle.TRANSITIONS.values() if event.to_state in spec.awaits]
        if event.to_state == DecisionState.PREPARING:
            actions.append("step")
    return actions


def _department(decision: Decision, holder: str) -> Department | None:
    if holder == lifecycle.LEAD_SPONSOR:
        return decision.lead_sponsor
    if holder == lifecycle.ANY_INVOLVED:
        return None  # nobody's turn in particular
    return Department.objects.filter(government_id=decision.government_id, kind=holder).order_by("id").first()


def task_recipients(event: DecisionEvent) -> list[Recipients]:
    """Per department, the people whose turn the event makes it, and that department's settings."""
    decision = event.decision
    roles_by_department: dict[int, tuple[Department, set[str]]] = {}
    for action in _turns(event):
        action_roles, holder = permissions.ACTION_ROLES[action]
        department = _department(decision, holder)
        if department is not None:
            roles_by_department.setdefault(department.pk, (department, set()))[1].update(action_roles)
    out = []
    for department, roles in roles_by_department.values():
        memberships = Membership.objects.filter(department=department, role__in=roles, user__is_active=True)
        users: dict[int, Person] = {}
        for user_id, email in memberships.order_by("user_id").values_list("user_id", "user__email"):
            if user_id != event.actor_id:
                users.setdefault(user_id, Person(user_id, email))
        if users:
            settings_row = ChannelSettings.of_departments([department.pk]).get(department.pk)
            out.append(Recipients(users=list(users.values()), department_id=department.pk, settings=settings_row))
    return out


def _addressee(event: DecisionEvent) -> list[Recipients]:
    """The one person a waiver event is addressed to, by e-mail and the bell (a person's act, not
    their department's: no robot)."""
    user_id = (event.details or {}).get(ADDRESSEES[event.transition])
    if not event.step_kind or not user_id or user_id == event.actor_id:
        return []
    membership = (
        Membership.objects.filter(user_id=user_id, user__is_active=True).select_related("user").order_by("id").first()
    )
    if membership is None:
        return []
    user = membership.user
    return [Recipients(users=[Person(user.pk, user.email)], department_id=membership.department_id, settings=None)]


def notify_event(event: DecisionEvent) -> None:
    """The event hook: tell whoever the event hands a task to (or addresses), through every channel."""
    groups = _addressee(event) if event.transition in ADDRESSEES else task_recipients(event)
    if channels.fan_out("event", [(event.pk, recipients) for recipients in groups], timezone.now()):
        reminders.request_scan()
