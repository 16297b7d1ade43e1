"""The public side's record: a consultation's settings and the comments it received, each with
its tracking number and, once answered, how it was taken up (Art 15–18).

Personal data (the name, the contact, the address a comment came from) is shown only to the staff
of the decision's lead sponsor (``consultations.access``), never on a public page or the API.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from consultations.choices import Channel, Handling
from decisions import limits
from decisions.models import Decision, ParticipationRecord, TimeStamped


class Consultation(TimeStamped):
    """How a decision's call for comments takes comments: its settings beside the core's record of
    the call and its period (``ParticipationRecord``)."""

    record = models.OneToOneField(
        ParticipationRecord,
        verbose_name=_("public participation record"),
        on_delete=models.PROTECT,
        related_name="consultation",
    )
    name_required = models.BooleanField(_("commenters must give their name"), default=False)
    draft_text = models.TextField(
        _("text of the draft (split into articles for comments)"), blank=True, max_length=limits.TEXT_MAX_LENGTH * 5
    )
    postal_address = models.CharField(
        _("address for comments by letter"), max_length=limits.LINE_MAX_LENGTH, blank=True
    )
    email = models.EmailField(_("e-mail for comments"), blank=True)
    symposium_note = models.TextField(
        _("symposiums (dates and places)"), blank=True, max_length=limits.REASON_MAX_LENGTH
    )

    class Meta:
        ordering = ["record"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return str(self.record)


class Comment(TimeStamped):
    """One comment, online or entered by staff from a letter or a symposium."""

    consultation = models.ForeignKey(
        Consultation, verbose_name=_("consultation"), on_delete=models.PROTECT, related_name="comments"
    )
    tracking_number = models.CharField(_("tracking number"), max_length=20, unique=True)
    channel = models.CharField(_("received by"), max_length=20, choices=Channel.choices, default=Channel.ONLINE)
    # None: on the whole draft.
    article = models.PositiveSmallIntegerField(_("article"), null=True, blank=True)
    text = models.TextField(_("comment"), max_length=limits.REASON_MAX_LENGTH)
    # Personal data: the sponsor's staff only.
    name = models.CharField(_("name"), max_length=limits.LINE_MAX_LENGTH, blank=True)
    contact = models.CharField(_("contact"), max_length=limits.LINE_MAX_LENGTH, blank=True)
    ip = models.GenericIPAddressField(_("sent from"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Moderation: hidden content stays on the record, with the reason.
    hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.TextField(_("reason for hiding"), blank=True, max_length=limits.REASON_MAX_LENGTH)
    # A duplicate is grouped under one comment and shares its answer.
    group_lead = models.ForeignKey(
        "self", verbose_name=_("grouped under"), null=True, blank=True, on_delete=models.PROTECT, related_name="grouped"
    )
    handling = models.CharField(_("handling"), max_length=20, choices=Handling.choices, blank=True)
    answer = models.TextField(_("answer"), blank=True, max_length=limits.REASON_MAX_LENGTH)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["consultation", "created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            models.CheckConstraint(
                condition=Q(hidden=False) | ~Q(hidden_reason=""),
                name="comment_hidden_with_reason",
                violation_error_message=_("A hidden comment needs the reason it was hidden."),
            ),
            models.CheckConstraint(
                condition=Q(handling="") | ~Q(answer=""),
                name="comment_answer_has_reason",
                violation_error_message=_("An answer to a comment needs its reason."),
            ),
            models.CheckConstraint(
                condition=Q(group_lead__isnull=True) | ~Q(group_lead=models.F("id")),
                name="comment_not_own_group",
                violation_error_message=_("A comment cannot be grouped under itself."),
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_number

    @property
    def effective(self) -> Comment:
        """The comment whose answer answers this one: its group's lead, or itself."""
        return self.group_lead or self

    @property
    def is_answered(self) -> bool:
        return bool(self.effective.handling)


class ExecutionFeedback(TimeStamped):
    """Art 35: public feedback on how a decision is carried out, for its executing unit."""

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="execution_feedback"
    )
    tracking_number = models.CharField(_("tracking number"), max_length=20, unique=True)
    text = models.TextField(_("feedback"), max_length=limits.REASON_MAX_LENGTH)
    # Personal data: the executing unit's staff only.
    name = models.CharField(_("name"), max_length=limits.LINE_MAX_LENGTH, blank=True)
    contact = models.CharField(_("contact"), max_length=limits.LINE_MAX_LENGTH, blank=True)
    ip = models.GenericIPAddressField(_("sent from"), null=True, blank=True)
    reply = models.TextField(_("reply"), blank=True, max_length=limits.REASON_MAX_LENGTH)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replied by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["decision", "-created_at", "id"]
        verbose_name = _("execution feedback")
        verbose_name_plural = _("execution feedback")

    def __str__(self) -> str:
        return self.tracking_number
