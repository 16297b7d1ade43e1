"""Art 18 as the core's participation step reads it: every comment answered (directly or through
the group it was put in) before the step is done, and still so once it is."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from consultations.choices import ConsultationRule
from consultations.models import Comment
from decisions.errors import Refusal
from decisions.integrity import Finding, finding
from decisions.models import Decision, ProcedureStep, StepKind, StepState

# A comment still waiting: shown, and neither it nor the comment it is grouped under answered.
UNANSWERED = Q(hidden=False) & (Q(group_lead__isnull=True, handling="") | Q(group_lead__handling=""))


def unanswered(comments: QuerySet[Comment]) -> QuerySet[Comment]:
    return comments.filter(UNANSWERED)


def unanswered_refusals(step: ProcedureStep) -> list[Refusal]:
    """Art 18: the participation step is done only once every comment is answered."""
    waiting = unanswered(Comment.objects.filter(consultation__record__step=step)).count()
    if not waiting:
        return []
    return [
        Refusal(
            ConsultationRule.COMMENTS_ALL_ANSWERED,
            ngettext("%(count)d comment is not answered yet.", "%(count)d comments are not answered yet.", waiting)
            % {"count": waiting},
            "Art 18",
        )
    ]


def answered_held(decisions: Sequence[Decision]) -> Iterator[Finding]:
    """A done participation step has no comment left unanswered. One query per batch."""
    waiting = set(
        unanswered(
            Comment.objects.filter(
                consultation__record__step__decision__in=[d.pk for d in decisions],
                consultation__record__step__kind=StepKind.PUBLIC_PARTICIPATION,
                consultation__record__step__state=StepState.DONE,
            )
        ).values_list("consultation__record__step__decision_id", flat=True)
    )
    for decision in decisions:
        if decision.pk in waiting:
            yield finding(
                decision,
                ConsultationRule.COMMENTS_ALL_ANSWERED,
                _("The public participation is marked done with comments not answered."),
                "Art 18",
            )
