"""How the record reads to people: labels of transitions and steps, article citations in the
reader's language (第二十五条 / Art 25), and the five-step marks. Every page and the API's option
lists read them from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from django.http import HttpRequest
from django.utils.translation import get_language, pgettext, pgettext_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from decisions import extensions, forms, lifecycle
from decisions.choices import STEP_ORDER
from decisions.models import Decision, MeetingOutcome, StepKind, StepState

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from decisions.selectors import MeetingColumns

# --------------------------------------------------------------------------- labels

# The transitions' labels are their specs' (decisions.lifecycle); registering is not a transition
# but opens every history.
TRANSITION_LABELS = {
    "register": _lazy("Registered"),
    **{name: spec.label for name, spec in lifecycle.TRANSITIONS.items()},
}
STEP_ACTION_LABELS = lifecycle.STEP_ACTION_LABELS
# How the history names a step event ("Public participation: Mark done").
STEP_EVENT_LABELS = {
    "start": _lazy("started"),
    "complete": _lazy("done"),
    "waive": _lazy("marked not applicable"),
    "reopen": _lazy("reopened"),
    "record_change": _lazy("record changed"),
    "attach": _lazy("file attached"),
    "request_waiver": _lazy("asked to be marked not applicable"),
    "refuse_waiver": _lazy("waiver refused"),
    "withdraw_waiver_request": _lazy("waiver request withdrawn"),
}
# Transitions that need care: shown as warnings.
GATE_PROBLEM_LABELS = {
    "steps_settled": _lazy("a preparatory step is neither done nor not applicable"),
    "risk_controllable": _lazy("a risk judged uncontrollable is on the record"),
    "review_allows": _lazy("no issued legality opinion allows the meeting"),
    "meeting_recorded": _lazy("no meeting record"),
    "publication_recorded": _lazy("no publication record"),
    "executing_unit_named": _lazy("no executing unit named"),
}

STEP_MARK_LABELS = {
    StepKind.PUBLIC_PARTICIPATION: pgettext_lazy("short for public participation", "PP"),
    StepKind.EXPERT_ARGUMENT: pgettext_lazy("short for expert argument", "EA"),
    StepKind.RISK_ASSESSMENT: pgettext_lazy("short for risk assessment", "RA"),
    "legality_review": pgettext_lazy("short for legality review", "LR"),
    "collective_discussion": pgettext_lazy("short for collective discussion", "CD"),
}
REVIEW_LABEL = _lazy("Legality review")
DISCUSSION_LABEL = _lazy("Collective discussion")
STEP_STATE_CLASS = {
    StepState.PENDING: "pending",
    StepState.IN_PROGRESS: "progress",
    StepState.DONE: "done",
    StepState.WAIVED: "waived",
}


# --------------------------------------------------------------------------- articles

_DIGITS = "零一二三四五六七八九"
_ARTICLE = re.compile(r"^\s*Art(?:icle)?\.?\s*(\d{1,3})(?:\s*[–—-]\s*(\d{1,3}))?\s*$", re.IGNORECASE)


def _zh_number(n: int) -> str:
    if n < 10:
        return _DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    text = _DIGITS[hundreds] + "百"
    if rest == 0:
        return text
    if rest < 10:
        return text + "零" + _DIGITS[rest]
    return text + (_DIGITS[rest // 10] + "十" + (_DIGITS[rest % 10] if rest % 10 else ""))


def article_label(article: str) -> str:
    """ "Art 25" as the reader's language cites it: 第二十五条 in Chinese, Art 25 in English; an
    article written any other way is shown as written."""
    article = (article or "").strip()
    match = _ARTICLE.match(article)
    if not match or not (get_language() or "").startswith("zh"):
        return article
    first, last = match.groups()
    text = f"第{_zh_number(int(first))}条"
    if last:
        text += f"至第{_zh_number(int(last))}条"
    return text


def article_note(article: str) -> str:
    """The article in brackets after a message: （第二十五条） / (Art 25)."""
    label = article_label(article)
    if not label:
        return ""
    return f"（{label}）" if (get_language() or "").startswith("zh") else f"({label})"


def refusal_text(err) -> str:
    """A refusal (a ``decisions.errors.DecisionError`` or ``Refusal``) as a person reads it: the
    message and its article in the reader's language."""
    note = article_note(err.article)
    if not note:
        return str(err.message)
    return f"{err.message}{note}" if (get_language() or "").startswith("zh") else f"{err.message} {note}"


def waiver_basis_label(step) -> str:
    """What a waiver relied on: the listed basis's citation in the reader's language, with the
    requester's note beside it when there is one."""
    label = article_label(step.waiver_article)
    request = step.waiver_request
    note = request.basis_note if request is not None else ""
    return _("%(article)s; note: %(note)s") % {"article": label, "note": note} if note else label


def waiver_requester(step) -> str:
    """Who asked for a waiver (blank for one recorded before waivers were requested)."""
    request = step.waiver_request
    return forms.user_label(request.requested_by) if request is not None else ""


@dataclass
class Reason:
    """A refusal or error as the page shows it: the message and its article."""

    message: str
    article: str = ""

    @property
    def note(self) -> str:
        return article_note(self.article)


def reasons(refusals) -> list[Reason]:
    return [Reason(str(r.message), r.article) for r in refusals]


def join_names(items) -> str:
    return pgettext("list separator", ", ").join(items)


# --------------------------------------------------------------------------- the five-step marks


@dataclass
class Mark:
    key: str
    short: str
    label: str
    status: str  # css class: pending / progress / done / waived / bad
    text: str
    detail: str = ""


def sorted_steps(decision: Decision) -> list:
    return sorted(decision.steps.all(), key=lambda s: STEP_ORDER.get(s.kind, 9))


def step_marks(decision: Decision) -> list[Mark]:
    """The five statutory steps of a decision annotated by ``selectors.with_step_marks``."""
    marks = []
    for step in sorted_steps(decision):
        detail = ""
        if step.state == StepState.WAIVED:
            detail = _("%(reason)s %(article)s — approved by %(approver)s") % {
                "reason": step.waiver_reason,
                "article": f"（{waiver_basis_label(step)}）"
                if (get_language() or "").startswith("zh")
                else f"({waiver_basis_label(step)})",
                "approver": forms.user_label(step.waiver_approved_by) if step.waiver_approved_by else "?",
            }
        marks.append(
            Mark(
                step.kind,
                str(STEP_MARK_LABELS[step.kind]),
                # Not get_FOO_display(): it rebuilds and hashes the lazy choices on every call,
                # which the overview and the list pay for on every row.
                str(StepKind(step.kind).label),
                STEP_STATE_CLASS[step.state],
                str(StepState(step.state).label),
                detail,
            )
        )
    marks.append(_review_mark(decision))
    marks.append(_discussion_mark(decision))
    return marks


def _review_mark(decision: Decision) -> Mark:
    """Step four of five is the legality review's app to tell (decisions.extensions.provide_mark)."""
    short, label = str(STEP_MARK_LABELS["legality_review"]), str(REVIEW_LABEL)
    state = extensions.mark("legality_review", decision) or extensions.MarkState("pending", _("Not submitted"))
    return Mark("legality_review", short, label, state.status, state.text, state.detail)


def _discussion_mark(decision: Decision) -> Mark:
    decision = cast("WithAnnotations[Decision, MeetingColumns]", decision)  # see step_marks
    short, label = str(STEP_MARK_LABELS["collective_discussion"]), str(DISCUSSION_LABEL)
    if not decision.meeting_outcome:
        return Mark("collective_discussion", short, label, "pending", _("No meeting yet"))
    outcome = MeetingOutcome(decision.meeting_outcome)
    status = {
        MeetingOutcome.APPROVED: "done",
        MeetingOutcome.REJECTED: "bad",
    }.get(outcome, "progress")
    held_on = decision.meeting_held_on.isoformat() if decision.meeting_held_on else ""
    return Mark("collective_discussion", short, label, status, str(outcome.label), held_on)


def legend() -> list[Mark]:
    return [Mark(kind, str(short), full_step_label(kind), "", "") for kind, short in STEP_MARK_LABELS.items()]


def full_step_label(key: str) -> str:
    if key == "legality_review":
        return str(REVIEW_LABEL)
    if key == "collective_discussion":
        return str(DISCUSSION_LABEL)
    return str(StepKind(key).label)


def query_without(request: HttpRequest, name: str) -> str:
    """The current query string without one parameter, for a pager's links."""
    query = request.GET.copy()
    query.pop(name, None)
    return query.urlencode()
