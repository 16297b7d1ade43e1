"""The legality review's names in the decision's record: its events and the rules that refuse its
acts. Added to the core's vocabulary (``decisions.choices``) in ``ReviewsConfig.ready()``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewEvent(models.TextChoices):
    """``DecisionEvent.transition`` of the review's acts (``review_<action>``)."""

    ADD_MATERIAL = "review_add_material", _("Material added")
    REQUEST_SUPPLEMENT = "review_request_supplement", _("Supplements requested")
    ANSWER_SUPPLEMENT = "review_answer_supplement", _("Supplements handed in")
    ACCEPT = "review_accept", _("Submission accepted")
    ASSIGN = "review_assign", _("Review assigned")
    EXTEND = "review_extend", _("Review time extended")
    SHORTEN_MINIMUM = "review_shorten_minimum", _("Minimum review time shortened")
    CONFIRM_WAIVER = "review_confirm_waiver", _("Waiver confirmed")
    REQUEST_ADVISER_OPINION = "review_request_adviser_opinion", _("Adviser's opinion requested")
    SIGN_ADVISER_OPINION = "review_sign_adviser_opinion", _("Adviser's opinion signed")
    WITHDRAW_ADVISER_REQUEST = "review_withdraw_adviser_request", _("Request to an adviser withdrawn")
    RECORD_OPINION = "review_record_opinion", _("Opinion written")
    ISSUE = "review_issue", _("Opinion issued")
    ANSWER_ITEM = "review_answer_item", _("Item answered")
    HAND_IN_REVISED_DRAFT = "review_hand_in_revised_draft", _("Revised draft handed in")
    CONFIRM_CHANGES = "review_confirm_changes", _("Sponsor's answer confirmed")
    SEND_FINAL_TEXT = "review_send_final_text", _("Final text sent for the second review")
    CHECK_FINAL_TEXT = "review_check_final_text", _("Final text checked")


class ReviewRule(models.TextChoices):
    """The review's named rules (Art 25–28 and the local rules on review time)."""

    MATERIALS_COMPLETE = "materials_complete", _("The submission's materials are complete")  # Art 26
    SUPPLEMENT_ANSWERED = "supplement_answered", _("The request for supplements is answered")  # Art 26
    REVIEW_ACCEPTED = "review_accepted", _("The submission is accepted")  # Art 26
    OPINION_WRITTEN = "opinion_written", _("The opinion is written")  # Art 28
    OPINION_ITEMS = "opinion_items", _("The opinion lists what must change")  # Art 28
    WAIVERS_CHECKED = "waivers_checked", _("Every waiver is checked")  # Art 25
    ADVISER_OPINIONS_GIVEN = "adviser_opinions_given", _("Every adviser asked has answered")  # Art 28
    ADVISER_IN_POOL = "adviser_in_pool", _("The adviser asked serves in the government's pool")  # Art 28
    ADVISER_OPINION_SIGNED = "adviser_opinion_signed", _("A legal adviser's signed opinion was heard")  # Art 28
    ITEMS_ANSWERED = "items_answered", _("The sponsor answered every item")  # Art 28
    REVISED_DRAFT = "revised_draft", _("The revised draft is handed in")  # Art 28
    REVIEW_ISSUED = "review_issued", _("The opinion is issued")  # Art 25
    REVIEW_NOT_UNLAWFUL = "review_not_unlawful", _("The review did not find the draft unlawful")  # Art 25
    REVIEW_CHANGES_CONFIRMED = "review_changes_confirmed", _("The changes asked for are confirmed")  # Art 28
    REVIEWED_TEXT = "reviewed_text", _("The draft before the meeting is the text the opinion covers")  # Art 25
    REVIEW_MINIMUM_TIME = "review_minimum_time", _("The reviewer had the minimum time")  # Art 26
    REVIEW_EXTENSION_ONCE = "review_extension_once", _("The review time is extended once at most")  # local rule
    REVIEW_EXTENSION_LIMIT = "review_extension_limit", _("The extension stays within the limit")  # local rule
    EXPLORATORY_STATES_RISK = "exploratory_states_risk", _("An exploratory reform states its legal risk")  # Art 25
    SECOND_REVIEW_ENABLED = "second_review_enabled", _("The government uses a second review")  # local rule


# The article each of the review's rules enforces ("" for a local rule): see decisions.choices.RULE_ARTICLES.
REVIEW_RULE_ARTICLES: dict[str, str] = {
    ReviewRule.MATERIALS_COMPLETE: "Art 26",
    ReviewRule.SUPPLEMENT_ANSWERED: "Art 26",
    ReviewRule.REVIEW_ACCEPTED: "Art 26",
    ReviewRule.OPINION_WRITTEN: "Art 28",
    # The opinion says item by item what is wrong, so the sponsor can adjust the draft (Art 28).
    ReviewRule.OPINION_ITEMS: "Art 28",
    ReviewRule.WAIVERS_CHECKED: "Art 25",
    ReviewRule.ADVISER_OPINIONS_GIVEN: "Art 28",
    ReviewRule.ITEMS_ANSWERED: "Art 28",
    ReviewRule.REVISED_DRAFT: "Art 28",
    ReviewRule.REVIEW_ISSUED: "Art 25",
    ReviewRule.REVIEW_NOT_UNLAWFUL: "Art 25",
    ReviewRule.REVIEW_CHANGES_CONFIRMED: "Art 28",
    ReviewRule.REVIEWED_TEXT: "Art 25",
    ReviewRule.REVIEW_MINIMUM_TIME: "Art 26",
    ReviewRule.REVIEW_EXTENSION_ONCE: "",
    ReviewRule.REVIEW_EXTENSION_LIMIT: "",
    ReviewRule.EXPLORATORY_STATES_RISK: "Art 25",
    ReviewRule.SECOND_REVIEW_ENABLED: "",
    ReviewRule.ADVISER_IN_POOL: "Art 28",
    ReviewRule.ADVISER_OPINION_SIGNED: "Art 28",
}
