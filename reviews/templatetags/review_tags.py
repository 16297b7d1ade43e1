from typing import TYPE_CHECKING

from django import template
from django.utils.translation import gettext_lazy as _

from decisions.choices import EventType
from decisions.presentation import article_label
from decisions.presentation import article_note as presentation_article_note
from reviews.actions import PAGE_ACTIONS
from reviews.choices import ReviewEvent

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

register = template.Library()

# The review's lines of the decision's event log, as people read them: the review's own events, and
# the lifecycle's transitions that pass through the legal office.
EVENT_LABELS = {
    EventType.SUBMIT_FOR_REVIEW.value: _("Submitted for review"),
    EventType.RETURN_FOR_REVISION.value: _("Returned to the sponsor"),
    EventType.CLEAR_FOR_MEETING.value: _("Cleared for the meeting"),
    **{event.value: event.label for event in ReviewEvent},
}


@register.filter
def person(user) -> str:
    """A user as people know them: the full name, else the login; a dash for nobody."""
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


@register.filter
def event_label(transition: str) -> "StrOrPromise":  # lazy: translated when the page renders
    return EVENT_LABELS.get(transition, transition)


@register.filter
def article(citation: str) -> str:
    """An article as the reader's language cites it (第二十六条 / Art 26)."""
    return article_label(citation)


@register.filter
def article_note(citation: str) -> str:
    """The article in brackets after a text: （第二十六条） / (Art 26)."""
    return presentation_article_note(citation)


@register.simple_tag(takes_context=True)
def row_form(context, act: str, **initial):
    """The form of an act on one row of a round (a waiver, an adviser's opinion, an item): the one
    just refused for this row, with the typed text and its errors, otherwise a new one filled with
    ``initial``. ``initial``'s first argument names the row (its id)."""
    row_field, row = next(iter(initial.items()))
    refused = context.get("bound_forms", {}).get(act)
    if refused is not None and str(refused.data.get(row_field)) == str(row):
        return refused
    action = PAGE_ACTIONS[act]
    assert action.form is not None  # the rows' acts have a form
    kwargs = {"decision": context["decision"]} if action.needs_decision else {}
    # One form per row on the page: each row's fields get their own ids for their labels.
    return action.form(initial=initial, auto_id=f"id_{act}_{row}_%s", **kwargs)
