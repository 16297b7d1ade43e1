"""Who may do what: roles (DESIGN.md, "Who uses it") per transition and step action.

Each action names the roles allowed and the department that must hold them: the decision's lead
sponsor, its government's legal office, or its government's office. Nobody, superusers included,
passes by another road: the admin is read-only for states.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from decisions import lifecycle
from decisions.choices import RuleCode
from decisions.errors import Refusal
from decisions.lifecycle import (
    ANY_INVOLVED,
    EXECUTING_UNIT,
    GOVERNMENT_OFFICE,
    LEAD_SPONSOR,
    LEGAL_OFFICE,
    LEGAL_ROLES,
    OFFICE_OR_LEADER,
    SPONSOR_ROLES,
)
from decisions.models import Department, Membership, Role, WaiverApprover
from decisions.rules import rules_for

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # the project uses Django's user model
    from django.db.models import QuerySet

    from decisions.models import Decision, Government

# The actions only the government's head may do, whatever role another leader holds (Art 37).
BY_HEAD = frozenset(name for name, spec in lifecycle.TRANSITIONS.items() if spec.by_head)

# action -> (roles allowed, department that must hold the role). The transitions' entries come from
# their specs (decisions.lifecycle); the other actions are the records around them.
ACTION_ROLES: dict[str, tuple[frozenset[Role], str]] = {
    **{name: (spec.roles, spec.holder) for name, spec in lifecycle.TRANSITIONS.items()},
    # Preparatory steps: the sponsor records them.
    "step": (SPONSOR_ROLES, LEAD_SPONSOR),
    # The sponsor corrects the description before submission; the government moves a decision to
    # another sponsor.
    "amend": (SPONSOR_ROLES, LEAD_SPONSOR),
    "change_sponsors": (OFFICE_OR_LEADER, GOVERNMENT_OFFICE),
    # A waiver is approved by the sponsor's head or a leader of the government.
    "approve_waiver": (frozenset({Role.SPONSOR_HEAD}), LEAD_SPONSOR),
    "attach": (SPONSOR_ROLES | LEGAL_ROLES | {Role.GOVERNMENT_OFFICE}, ANY_INVOLVED),
    "report_execution": (SPONSOR_ROLES | {Role.GOVERNMENT_OFFICE}, ANY_INVOLVED),
    "evaluate": (OFFICE_OR_LEADER, GOVERNMENT_OFFICE),
    # How the draft was made (Art 10–13): the lead sponsor, who drafts it (Art 11).
    "drafting": (SPONSOR_ROLES, LEAD_SPONSOR),
    # The meeting's materials (Art 29): the government office, which prepares the meeting.
    "meeting_packet": (lifecycle.SECRETARY, GOVERNMENT_OFFICE),
    # Art 31: the government office reports the decision to the Party committee.
    "report_to_party_committee": (frozenset({Role.GOVERNMENT_OFFICE}), GOVERNMENT_OFFICE),
    # Art 35: the executing unit's staff report a problem found in execution; its head, or the lead
    # sponsor, answers it (``may_answer_execution_problem``).
    "report_execution_problem": (SPONSOR_ROLES, EXECUTING_UNIT),
    "answer_execution_problem": (frozenset({Role.SPONSOR_HEAD}), EXECUTING_UNIT),
    "answer_execution_problem_as_sponsor": (SPONSOR_ROLES, LEAD_SPONSOR),
    # A correction of a final meeting record is appended by whoever records the meeting (Art 30).
    "correct_meeting": (lifecycle.TRANSITIONS["record_outcome"].roles, lifecycle.TRANSITIONS["record_outcome"].holder),
    # Legality review (reviews app).
    "review_write": (LEGAL_ROLES, LEGAL_OFFICE),
    "review_issue": (frozenset({Role.LEGAL_HEAD}), LEGAL_OFFICE),
}


def memberships(user: User, government: Government | int) -> QuerySet[Membership]:
    if not user or not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user, department__government=government)


@dataclass(frozen=True)
class Held:
    """The roles a user holds, loaded once (one query), so that ``may`` answers over a whole list of
    decisions (the to-do list) without a query per decision: each row is (role, department id,
    department kind, government id)."""

    rows: tuple[tuple[str, int, str, int], ...]


def held_by(user: User, government: Government | int | None = None) -> Held:
    """The roles ``user`` holds: in ``government``, or in every government when None."""
    if not user or not user.is_authenticated:
        return Held(())
    queryset = Membership.objects.filter(user=user)
    if government is not None:
        queryset = queryset.filter(department__government=government)
    return Held(tuple(queryset.values_list("role", "department_id", "department__kind", "department__government_id")))


def may(user: User, action: str, decision: Decision, *, held: Held | None = None, ignore_head: bool = False) -> bool:
    """True when ``user`` holds a role that may do ``action`` on ``decision`` (and, for an action of
    the government's head, is the head, unless ``ignore_head``). ``held``: the user's roles already
    loaded (``held_by``), for a batch of decisions."""
    roles, holder = ACTION_ROLES[action]
    if held is None:
        held = held_by(user, decision.government_id)
    rows = [
        (department, kind)
        for role, department, kind, government in held.rows
        if government == decision.government_id and role in roles
    ]
    if not _holds(decision, holder, rows):
        return False
    # Art 37: asked only of whoever holds the role, so a list costs no query for it.
    return action not in BY_HEAD or ignore_head or is_head(user, decision)


def _holds(decision: Decision, holder: str, rows: list[tuple[int, str]]) -> bool:
    """Whether one of the departments of ``rows`` (department id, kind) is the ``holder`` the action
    names for ``decision``."""
    if holder == LEAD_SPONSOR:
        return any(department == decision.lead_sponsor_id for department, _kind in rows)
    if holder == EXECUTING_UNIT:
        return decision.executing_unit_id is not None and any(
            department == decision.executing_unit_id for department, _kind in rows
        )
    if holder == ANY_INVOLVED:
        # Any department involved: the lead sponsor, a co-sponsor, or one of the offices.
        if any(kind != Department.Kind.SPONSOR or department == decision.lead_sponsor_id for department, kind in rows):
            return True
        # Read from a prefetch of ``co_sponsors`` where the caller made one.
        sponsor_ids = {department.pk for department in decision.co_sponsors.all()} if rows else set()
        return any(department in sponsor_ids for department, _kind in rows)
    return any(kind == holder for _department, kind in rows)


def is_head(user: User, decision: Decision) -> bool:
    """Whether ``user`` is the head of the decision's government (read from the government the
    caller loaded with the decision: no query)."""
    head_id = decision.government.head_id
    return head_id is not None and user is not None and user.is_authenticated and user.pk == head_id


def head_refusal(user: User, action: str, decision: Decision) -> Refusal | None:
    """Art 37: why ``user``, who otherwise holds the role, may not do an action reserved to the
    government's head; None when they may, or the action is not the head's."""
    if action not in BY_HEAD or is_head(user, decision):
        return None
    if decision.government.head_id is None:
        return Refusal(
            RuleCode.GOVERNMENT_HEAD,
            _(
                "No government head is named for %(government)s: the government office must name the head "
                "before implementation can be suspended or resumed."
            )
            % {"government": decision.government.name},
            "Art 37",
        )
    return Refusal(
        RuleCode.GOVERNMENT_HEAD,
        _("Only the government head may suspend implementation or resume it."),
        "Art 37",
    )


def may_answer_execution_problem(user: User, decision: Decision, *, held: Held | None = None) -> bool:
    """Art 35: a problem found in execution is answered by the executing unit's head or by the lead
    sponsor."""
    return may(user, "answer_execution_problem", decision, held=held) or may(
        user, "answer_execution_problem_as_sponsor", decision, held=held
    )


def may_approve_waiver(user: User, decision: Decision, *, held: Held | None = None) -> bool:
    """A waiver is approved by the sponsoring unit's head or a leader of the decision's government,
    per the government's setting (``rules.waiver_approver``): where it requires a leader, only a
    leader. Nobody else: not the legal office, not a leader of another government."""
    if held is None:
        held = held_by(user, decision.government_id)
    if any(role == Role.LEADER and government == decision.government_id for role, _d, _k, government in held.rows):
        return True
    if rules_for(decision.government).waiver_approver == WaiverApprover.LEADER:
        return False
    return may(user, "approve_waiver", decision, held=held)


def may_register(user: User, department: Department) -> bool:
    """Sponsoring departments register their own decisions."""
    return (
        department.kind == Department.Kind.SPONSOR
        and Membership.objects.filter(user=user, department=department, role__in=SPONSOR_ROLES).exists()
    )
