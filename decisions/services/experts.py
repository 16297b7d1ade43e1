"""The expert argument's experts (Art 19–21): chosen from the government's pool in a recorded way,
those tied to a sponsor or with an interest in the matter excluded with the reason, and each
expert's opinion signed in their own login (the clerk files an opinion signed on paper through
``services.records.expert_opinion_add``, with its scan).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from decisions.changes import snapshot
from decisions.choices import RuleCode
from decisions.errors import DecisionError, ErrorCode
from decisions.models import (
    Decision,
    DecisionState,
    Expert,
    ExpertOpinion,
    ExpertSelection,
    ProcedureStep,
    StepKind,
)
from decisions.services.base import _invalid, _validate, lock_decision, record_change
from decisions.services.steps import _editable, lock_step

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # the project uses Django's user model

SELECTION_FIELDS = ("expert", "method", "recommended_by", "excluded", "exclusion_reason")
SIGNED_FIELDS = ("expert_name", "organisation", "speciality", "stance", "opinion", "signed_on", "declared_interest")


def exclusion_reason(expert: Expert, decision: Decision, interest: str = "") -> str:
    """Art 20: why ``expert`` may not argue ``decision`` ("" when nothing keeps them out): a declared
    tie to its lead sponsor or a co-sponsor, or an interest declared in the matter."""
    sponsors = {decision.lead_sponsor_id, *(d.pk for d in decision.co_sponsors.all())}
    tied = [d for d in expert.related_departments.all() if d.pk in sponsors]
    if tied:
        return _("Declared ties with a sponsoring department: %(departments)s.") % {
            "departments": "、".join(d.name for d in tied)
        }
    if interest.strip():
        return _("Declared an interest in the matter: %(interest)s") % {"interest": interest.strip()}
    return ""


def _draw(step: ProcedureStep, decision: Decision, count: int) -> list[Expert]:
    """``count`` active experts of the pool drawn at random among those not yet chosen and not tied
    to a sponsor (a drawn expert who would be excluded is no draw)."""
    pool = [
        e
        for e in Expert.objects.filter(government_id=decision.government_id, active=True)
        .exclude(selections__step=step)
        .prefetch_related("related_departments")
        if not exclusion_reason(e, decision)
    ]
    if count > len(pool):
        message = _("The pool has only %(count)s eligible experts left to draw.") % {"count": len(pool)}
        raise _invalid(message, count=message)
    return random.SystemRandom().sample(pool, count)


@transaction.atomic
def expert_select(
    *,
    decision: Decision,
    actor: User,
    method: str,
    experts: Iterable[Expert | int] = (),
    count: int = 0,
    recommended_by: str = "",
    interests: Mapping[int, str] | None = None,
) -> list[ExpertSelection]:
    """Art 20: the experts of an argument come from the government's pool, chosen in a way the
    record states (drawn at random, chosen by the sponsor, recommended by the relevant body), by
    whom and when. An expert tied to the lead sponsor or a co-sponsor, or who declared an interest
    in the matter (``interests``: pool id to what they declared), is recorded as excluded with the
    reason and not counted. A random draw names ``count`` instead of ``experts``."""
    decision, step = lock_step(decision, StepKind.EXPERT_ARGUMENT, actor=actor)
    _editable(step)
    if method not in ExpertSelection.Method.values:
        raise _invalid(_("Choose how the experts were chosen."), method=_("Unknown method."))
    if method == ExpertSelection.Method.RECOMMENDED and not recommended_by.strip():
        message = _("Name the body that recommended the experts.")
        raise _invalid(message, recommended_by=message)
    ids = list(dict.fromkeys(e.pk if isinstance(e, Expert) else int(e) for e in experts))
    if method == ExpertSelection.Method.RANDOM and not ids:
        if count < 1:
            message = _("Give how many experts to draw.")
            raise _invalid(message, count=message)
        chosen = _draw(step, decision, count)
    else:
        if not ids:
            message = _("Choose at least one expert of the pool.")
            raise _invalid(message, experts=message)
        by_id = Expert.objects.filter(government_id=decision.government_id, active=True).in_bulk(ids)
        missing = [pk for pk in ids if pk not in by_id]
        if missing:
            message = _("Only active experts of this government's pool can be chosen.")
            raise _invalid(message, experts=message)
        if step.expert_selections.filter(expert_id__in=ids).exists():
            message = _("An expert chosen is already chosen for this argument.")
            raise _invalid(message, experts=message)
        chosen = [by_id[pk] for pk in ids]
    interests = interests or {}
    out = []
    for expert in chosen:
        reason = exclusion_reason(expert, decision, interests.get(expert.pk, ""))
        selection = ExpertSelection.objects.create(
            step=step,
            expert=expert,
            method=method,
            recommended_by=recommended_by.strip(),
            chosen_by=actor,
            excluded=bool(reason),
            exclusion_reason=reason,
        )
        record_change(
            decision, selection, snapshot(None, SELECTION_FIELDS), actor=actor, state=step.state, step_kind=step.kind
        )
        out.append(selection)
    return out


def pool_expert(step: ProcedureStep, expert: Expert | int) -> Expert:
    """Art 20: an opinion of the pool comes from an expert chosen for this argument and not
    excluded from it."""
    pk = expert.pk if isinstance(expert, Expert) else int(expert)
    selection = step.expert_selections.select_related("expert").filter(expert_id=pk).first()
    if selection is None or selection.excluded:
        message = (
            _("%(name)s is excluded from this argument: %(reason)s")
            % {"name": selection.expert.name, "reason": selection.exclusion_reason}
            if selection is not None
            else _("Only an expert chosen for this argument gives an opinion in it.")
        )
        raise DecisionError(
            ErrorCode.INVALID, message, article="Art 20", rule=RuleCode.EXPERT_SELECTED, fields={"expert": [message]}
        )
    return selection.expert


def _stance(stance: str) -> None:
    if stance not in ExpertOpinion.Stance.values:
        message = _("State whether the expert supports the draft, supports it with changes or dissents.")
        raise _invalid(message, stance=message)


@transaction.atomic
def expert_opinion_sign(
    *,
    decision: Decision,
    actor: User,
    stance: str,
    opinion: str,
    declared_interest: bool = False,
    interest_detail: str = "",
) -> ExpertOpinion:
    """Art 19–20: an expert chosen for the argument writes and signs their own opinion in their own
    login, on the day they sign it; a dissent is recorded as such. The expert sees and signs only
    the arguments they were chosen for."""
    decision = lock_decision(decision)
    expert = Expert.objects.filter(user_id=actor.pk).first()
    step = ProcedureStep.objects.select_for_update().filter(decision=decision, kind=StepKind.EXPERT_ARGUMENT).first()
    asked = (
        expert is not None
        and step is not None
        and step.expert_selections.filter(expert=expert, excluded=False).exists()
    )
    if not asked or step is None or expert is None:
        raise DecisionError(ErrorCode.NOT_FOUND, _("No argument of this decision is asked of you."))
    if decision.state != DecisionState.PREPARING:
        raise DecisionError(ErrorCode.WRONG_STATE, _("The argument is closed: the draft is no longer being prepared."))
    _editable(step)
    _stance(stance)
    if declared_interest and not interest_detail.strip():
        raise _invalid(_("Describe the interest declared."), interest_detail=_("Describe the interest declared."))
    record = ExpertOpinion(
        step=step,
        expert=expert,
        expert_name=expert.name,
        organisation=expert.organisation,
        speciality=expert.field,
        stance=stance,
        opinion=(opinion or "").strip(),
        signed_on=timezone.localdate(),
        signed_by=actor,
        declared_interest=declared_interest,
        interest_detail=interest_detail.strip(),
    )
    _validate(record, exclude=["step"])
    record.save()
    record_change(decision, record, snapshot(None, SIGNED_FIELDS), actor=actor, state=step.state, step_kind=step.kind)
    return record
