from typing import TYPE_CHECKING

from django import template
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

register = template.Library()

# The review's lines of the decision's event log, as people read them.
EVENT_LABELS = {
    "submit_for_review": _("Submitted for review"),
    "return_for_revision": _("Returned to the sponsor"),
    "clear_for_meeting": _("Cleared for the meeting"),
    "review_accept": _("Submission accepted"),
    "review_add_material": _("Material added"),
    "review_answer_item": _("Item answered"),
    "review_answer_supplement": _("Supplements handed in"),
    "review_assign": _("Review assigned"),
    "review_check_final_text": _("Final text checked"),
    "review_confirm_changes": _("Sponsor's answer confirmed"),
    "review_confirm_waiver": _("Waiver confirmed"),
    "review_extend": _("Review time extended"),
    "review_hand_in_revised_draft": _("Revised draft handed in"),
    "review_issue": _("Opinion issued"),
    "review_record_opinion": _("Opinion written"),
    "review_request_adviser_opinion": _("Adviser's opinion requested"),
    "review_request_supplement": _("Supplements requested"),
    "review_send_final_text": _("Final text sent for the second review"),
    "review_shorten_minimum": _("Minimum review time shortened"),
    "review_sign_adviser_opinion": _("Adviser's opinion signed"),
    "review_withdraw_adviser_request": _("Request to an adviser withdrawn"),
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
