"""Legality review records (Art 25–28): one review per submission round of a decision."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from decisions.models import Decision, Department, TimeStamped


class Conclusion(models.TextChoices):
    LAWFUL = "lawful", _("Lawful")
    LAWFUL_WITH_CHANGES = "lawful_with_changes", _("Lawful with changes")
    UNLAWFUL = "unlawful", _("Unlawful")
    # Art 25 proviso: an exploratory reform may go to the meeting with its legal risk stated openly.
    EXPLORATORY_WITH_RISK = "exploratory_with_risk", _("Exploratory, legal risk stated")


CLEARING_CONCLUSIONS = (Conclusion.LAWFUL, Conclusion.LAWFUL_WITH_CHANGES, Conclusion.EXPLORATORY_WITH_RISK)


class LegalityReview(TimeStamped):
    """The legal office's review of one submission (round) of a decision."""

    decision = models.ForeignKey(Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="reviews")
    round = models.PositiveSmallIntegerField(_("round"))
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    conclusion = models.CharField(_("conclusion"), max_length=30, choices=Conclusion.choices, blank=True)
    reasons = models.TextField(_("reasons and legal basis"), blank=True)
    legal_risk = models.TextField(_("legal risk stated openly"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    document_number = models.CharField(_("document number"), max_length=50, blank=True)
    changes_confirmed_at = models.DateTimeField(_("changes confirmed at"), null=True, blank=True)
    changes_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changes confirmed by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )

    class Meta:
        ordering = ["decision", "round"]
        verbose_name = _("legality review")
        verbose_name_plural = _("legality reviews")
        constraints = [
            models.UniqueConstraint(fields=["decision", "round"], name="review_unique_round"),
            models.CheckConstraint(
                condition=Q(issued_at__isnull=True) | (~Q(conclusion="") & ~Q(document_number="")),
                name="review_issued_has_conclusion_and_number",
            ),
            models.CheckConstraint(
                condition=~Q(conclusion="exploratory_with_risk") | Q(legal_risk__gt=""),
                name="review_exploratory_states_risk",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision.code} · {self.round}"

    @property
    def is_issued(self) -> bool:
        return self.issued_at is not None


class DocumentNumberSequence(TimeStamped):
    """The gapless yearly sequence of a legal office's opinion letters (X司法审〔2026〕17号)."""

    office = models.ForeignKey(Department, verbose_name=_("legal office"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        ordering = ["office", "year"]
        verbose_name = _("document number sequence")
        verbose_name_plural = _("document number sequences")
        constraints = [models.UniqueConstraint(fields=["office", "year"], name="docnumber_one_per_office_year")]

    def __str__(self) -> str:
        return f"{self.office} {self.year}: {self.last_number}"
