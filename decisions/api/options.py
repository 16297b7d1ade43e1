"""What the caller may do with a decision now, and for each thing it may not, why.

Built from the same three checks the services make, in the same order: the role
(``decisions.permissions``), the state (the state machine) and the gates (``decisions.gates``).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_fsm import can_proceed

from decisions import gates, permissions
from decisions.models import DECISION_TRANSITIONS, STEP_TRANSITIONS, Decision, DecisionState

# Gates that the transition's own input satisfies: the record_outcome call records the meeting, the
# publish call records the publication, begin_implementation names the executing unit. Listing them
# as reasons before the call would tell the caller something it cannot fix by any other means.
SUPPLIED_BY_INPUT = {
    "record_outcome": {"meeting_recorded"},
    "publish": {"publication_recorded"},
    "begin_implementation": {"executing_unit_named"},
}


def _role_reason() -> dict:
    return {"code": "forbidden", "detail": _("Your role does not allow this action on this decision.")}


def _refusal(refusal) -> dict:
    return {"code": "rule", "detail": str(refusal.message), "rule": refusal.rule, "article": refusal.article}


def transition_options(user, decision: Decision) -> list[dict]:
    out = []
    for name in DECISION_TRANSITIONS:
        reasons = []
        if not permissions.may(user, name, decision):
            reasons.append(_role_reason())
        if not can_proceed(getattr(decision, name), check_conditions=False):
            reasons.append(
                {
                    "code": "wrong_state",
                    "detail": _("“%(transition)s” is not possible while the decision is “%(state)s”.")
                    % {"transition": name, "state": decision.get_state_display()},
                }
            )
        else:
            skip = SUPPLIED_BY_INPUT.get(name, set())
            reasons.extend(_refusal(r) for r in gates.refusals(name, decision) if r.rule not in skip)
        out.append({"name": name, "allowed": not reasons, "reasons": reasons})
    return out


def step_options(user, decision: Decision) -> list[dict]:
    may_step = permissions.may(user, "step", decision)
    preparing = decision.state == DecisionState.PREPARING
    out = []
    for step in decision.steps.all():
        for name in STEP_TRANSITIONS:
            reasons = []
            if not may_step:
                reasons.append(_role_reason())
            if not preparing:
                reasons.append(
                    {
                        "code": "wrong_state",
                        "detail": _("Preparatory steps can only change while the draft is being prepared."),
                    }
                )
            if not can_proceed(getattr(step, name), check_conditions=False):
                reasons.append(
                    {
                        "code": "wrong_state",
                        "detail": _("“%(transition)s” is not possible while %(step)s is “%(state)s”.")
                        % {"transition": name, "step": step.get_kind_display(), "state": step.get_state_display()},
                    }
                )
            elif name == "complete":
                # A waiver's gate is about its own input (reason, article, approver): checked on the call.
                reasons.extend(_refusal(r) for r in gates.step_refusals(name, step))
            out.append({"kind": step.kind, "name": name, "allowed": not reasons, "reasons": reasons})
    return out
