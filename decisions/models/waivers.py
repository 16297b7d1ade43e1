"""Waivers of a preparatory step (不适用): the maintained list of legal bases a step may be dispensed
by, and the two-party act itself, a request by the sponsor decided by the approver in their own login
(DESIGN.md, "Lifecycle contract": "A waiver is two acts by two people").
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from decisions import limits
from decisions.choices import StepKind, WaiverRequestStatus
from decisions.models.base import TimeStamped
from decisions.models.lifecycle import ProcedureStep
from decisions.models.organisation import Government


class WaiverBasis(TimeStamped):
    """An article a preparatory step may be dispensed by: the national Provisional Regulations'
    (seeded by a data migration) or a local rule's (Art 43), edited by the administrators. A waiver
    names one of these, never free text alone."""

    citation = models.CharField(
        _("citation"), max_length=100, help_text=_("The article, e.g. Art 14 of the national regulations.")
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text of the provision"), blank=True, max_length=limits.TEXT_MAX_LENGTH)
    steps = models.JSONField(
        _("steps it may dispense"), default=list, help_text=_("One or more of the three preparatory steps.")
    )
    government = models.ForeignKey(
        Government,
        verbose_name=_("government"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="waiver_bases",
        help_text=_("Blank for a national provision; a local rule applies to its government and those below it."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["citation", "title", "id"]
        verbose_name = _("legal basis for a waiver")
        verbose_name_plural = _("legal bases for waivers")
        constraints = [
            models.CheckConstraint(
                condition=Q(citation__gt="") & Q(title__gt=""),
                name="waiver_basis_cited",
                violation_error_message=_("A basis for marking a step not applicable cites its article and title."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.citation} {self.title}"

    def applies_to(self, kind: str) -> bool:
        return isinstance(self.steps, list) and kind in self.steps

    def clean(self) -> None:
        steps = self.steps
        if not isinstance(steps, list) or not steps or not set(steps) <= set(StepKind.values):
            raise ValidationError(
                {"steps": _("Name one or more of the steps: %(steps)s.") % {"steps": ", ".join(StepKind.values)}}
            )


class WaiverRequest(TimeStamped):
    """The sponsor's request that a step be marked not applicable, and its outcome. The step stays
    as it is until the named approver approves in their own login; only then is it waived."""

    step = models.ForeignKey(
        ProcedureStep, verbose_name=_("step"), on_delete=models.PROTECT, related_name="waiver_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approver"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason it does not apply"), max_length=limits.REASON_MAX_LENGTH)
    basis = models.ForeignKey(
        WaiverBasis, verbose_name=_("legal basis"), on_delete=models.PROTECT, related_name="requests"
    )
    basis_note = models.TextField(_("note on the legal basis"), blank=True, max_length=limits.REASON_MAX_LENGTH)
    status = models.CharField(
        _("status"), max_length=10, choices=WaiverRequestStatus.choices, default=WaiverRequestStatus.REQUESTED
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("note on the decision"), blank=True, max_length=limits.REASON_MAX_LENGTH)

    class Meta:
        ordering = ["step", "created_at", "id"]
        verbose_name = _("waiver request")
        verbose_name_plural = _("waiver requests")
        constraints = [
            models.UniqueConstraint(
                fields=["step"],
                condition=Q(status="requested"),
                name="waiver_request_one_open_per_step",
                violation_error_message=_("This step already has an open request to be marked not applicable."),
            ),
            # Two acts by two people: nobody approves their own request.
            models.CheckConstraint(
                condition=~Q(approver=F("requested_by")),
                name="waiver_request_two_people",
                violation_error_message=_("The person who asked cannot approve their own request."),
            ),
            models.CheckConstraint(
                condition=Q(reason__gt=""),
                name="waiver_request_has_reason",
                violation_error_message=_("A request to mark a step not applicable states its reason."),
            ),
            models.CheckConstraint(
                condition=(Q(status="requested") & Q(decided_at__isnull=True))
                | (~Q(status="requested") & Q(decided_at__isnull=False)),
                name="waiver_request_decided_when_closed",
                violation_error_message=_("A decided request records when it was decided."),
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | Q(decision_note__gt=""),
                name="waiver_refusal_has_reason",
                violation_error_message=_("A refusal states its reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.step} · {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status == WaiverRequestStatus.REQUESTED
