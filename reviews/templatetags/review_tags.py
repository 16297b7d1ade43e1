from typing import TYPE_CHECKING

from django import template
from django.utils.translation import gettext_lazy as _

from decisions.choices import EventType
from decisions.presentation import article_label
from decisions.presentation import article_note as presentation_article_note
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
