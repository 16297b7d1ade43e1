"""The public side's vocabulary: how a comment arrived, how it was taken up, and the rules that
refuse its acts (added to the core's vocabulary in ``apps.ready``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    LETTER = "letter", _("Letter")
    SYMPOSIUM = "symposium", _("Symposium")
    HEARING = "hearing", _("Hearing")


# The ways staff enter a comment (Art 14): every way but the online form.
ENTERED_CHANNELS = [(value, label) for value, label in Channel.choices if value != Channel.ONLINE]


class Handling(models.TextChoices):
    """Art 18: every comment is sorted and answered."""

    ADOPTED = "adopted", _("Adopted")
    PARTLY = "partly", _("Partly adopted")
    NOT_ADOPTED = "not_adopted", _("Not adopted")


class ConsultationEvent(models.TextChoices):
    """``DecisionEvent.transition`` of the staff's acts on comments and feedback: each is on the
    decision's append-only record with the changed fields before and after (nothing is lost)."""

    COMMENT_ENTER = "comment_enter", _("Comment entered by staff")
    COMMENT_ANSWER = "comment_answer", _("Comment answered")
    COMMENT_HIDE = "comment_hide", _("Comment hidden")
    COMMENT_UNHIDE = "comment_unhide", _("Hidden comment shown again")
    COMMENT_GROUP = "comment_group", _("Comment grouped")
    COMMENT_UNGROUP = "comment_ungroup", _("Comment ungrouped")
    FEEDBACK_REPLY = "feedback_reply", _("Execution feedback answered")


class ConsultationRule(models.TextChoices):
    CONSULTATION_OPEN = "consultation_open", _("Comments are taken while the comment period runs")  # Art 15
    COMMENT_NAME_REQUIRED = "comment_name_required", _("This consultation asks for the commenter's name")
    COMMENT_RATE_LIMITED = "comment_rate_limited", _("Too many comments in a short time")
    COMMENT_ANSWERED = "comment_answered", _("An answer states how the comment was taken up, with the reason")  # Art 18
    FEEDBACK_OPEN = "feedback_open", _("Feedback is taken while the decision is carried out")  # Art 35
    COMMENTS_ALL_ANSWERED = "comments_all_answered", _("Every comment of the consultation is answered")  # Art 18


# The article each of the public side's rules enforces ("" for a rule of the product): see
# decisions.choices.RULE_ARTICLES.
CONSULTATION_RULE_ARTICLES: dict[str, str] = {
    ConsultationRule.CONSULTATION_OPEN: "Art 15",
    ConsultationRule.COMMENT_NAME_REQUIRED: "",
    ConsultationRule.COMMENT_RATE_LIMITED: "",
    ConsultationRule.COMMENT_ANSWERED: "Art 18",
    ConsultationRule.FEEDBACK_OPEN: "Art 35",
    ConsultationRule.COMMENTS_ALL_ANSWERED: "Art 18",
}
