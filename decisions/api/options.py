"""What the caller may do with a decision now, and for each thing it may not, why: the answer of
``decisions.selectors.available_transitions`` and ``available_step_actions`` (the page reads the
same), in the API's error shape.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from decisions import selectors
from decisions.errors import ErrorCode, Refusal
from decisions.models import Decision
from decisions.presentation import article_label

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Reason = dict[str, Any]


def _role_reason() -> Reason:
    return {"code": ErrorCode.FORBIDDEN.value, "detail": _("Your role does not allow this action on this decision.")}


def _refusal(refusal: Refusal) -> Reason:
    return {
        "code": ErrorCode.RULE.value,
        "detail": str(refusal.message),
        "rule": refusal.rule,
        "article": refusal.article,
        "article_label": article_label(refusal.article),
    }


def transition_options(user: User, decision: Decision) -> list[dict[str, Any]]:
    out = []
    for option in selectors.available_transitions(user, decision):
        head = option.head_refusal
        reasons = (
            [] if option.role_ok else [_refusal(head) | {"code": ErrorCode.FORBIDDEN.value} if head else _role_reason()]
        )
        if not option.state_ok:
            reasons.append(
                {
                    "code": ErrorCode.WRONG_STATE.value,
                    "detail": _("“%(transition)s” is not possible while the decision is “%(state)s”.")
                    % {"transition": option.name, "state": decision.get_state_display()},
                }
            )
        reasons.extend(_refusal(r) for r in option.refusals)
        out.append({"name": option.name, "allowed": not reasons, "reasons": reasons})
    return out


def step_options(user: User, decision: Decision) -> list[dict[str, Any]]:
    out = []
    for option in selectors.available_step_actions(user, decision):
        step = option.step
        reasons = [] if option.role_ok else [_role_reason()]
        if not option.preparing:
            reasons.append(
                {
                    "code": ErrorCode.WRONG_STATE.value,
                    "detail": _("Preparatory steps can only change while the draft is being prepared."),
                }
            )
        if not option.state_ok:
            reasons.append(
                {
                    "code": ErrorCode.WRONG_STATE.value,
                    "detail": _("“%(transition)s” is not possible while %(step)s is “%(state)s”.")
                    % {"transition": option.name, "step": step.get_kind_display(), "state": step.get_state_display()},
                }
            )
        reasons.extend(_refusal(r) for r in option.refusals)
        out.append({"kind": step.kind, "name": option.name, "allowed": not reasons, "reasons": reasons})
    return out
