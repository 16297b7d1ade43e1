"""The yearly catalogue of major decisions (Art 3) as an act of the government: drafted by the
government office from registered decisions, approved (the Party committee's consent, with its
date and reference), published; afterwards changed only by adjustments, each with its reason and
date and each shown publicly. Only what a published catalogue holds is public."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from decisions import limits
from decisions.models.base import TimeStamped
from decisions.models.lifecycle import Decision
from decisions.models.organisation import Government


class Catalogue(TimeStamped):
    """One government's catalogue of one year (决策事项目录)."""

    class State(models.TextChoices):
        # Being drawn up by the government office from the registered decisions.
        DRAFT = "draft", _("Draft")
        # The Party committee consented (Art 3): its date and reference are on the record.
        APPROVED = "approved", _("Approved")
        # Made public; from now on it changes only by public adjustments.
        PUBLISHED = "published", _("Published")

    government = models.ForeignKey(
        Government, verbose_name=_("government"), on_delete=models.PROTECT, related_name="catalogues"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    approval_reference = models.CharField(
        _("reference of the Party committee's consent"), max_length=limits.LINE_MAX_LENGTH, blank=True
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    decisions = models.ManyToManyField(
        Decision, verbose_name=_("decisions"), through="CatalogueEntry", related_name="catalogues"
    )

    class Meta:
        ordering = ["government", "-year"]
        verbose_name = _("decision catalogue")
        verbose_name_plural = _("decision catalogues")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "year"],
                name="catalogue_one_per_year",
                violation_error_message=_("This government already has a catalogue for this year."),
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | (Q(approved_on__isnull=False) & ~Q(approval_reference="")),
                name="catalogue_approval_recorded",
                violation_error_message=_("An approved catalogue needs the date and reference of the consent."),
            ),
            models.CheckConstraint(
                condition=~Q(state="published")
                | Q(published_on__isnull=False, published_on__gte=models.F("approved_on")),
                name="catalogue_published_after_approval",
                violation_error_message=_("A catalogue is published on or after the day it was approved."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.government} · {self.year}"


class CatalogueEntry(TimeStamped):
    """A decision the catalogue holds, and where it stands after the adjustments."""

    class Status(models.TextChoices):
        LISTED = "listed", _("Listed")
        DEFERRED = "deferred", _("Deferred")
        REMOVED = "removed", _("Removed")

    catalogue = models.ForeignKey(
        Catalogue, verbose_name=_("catalogue"), on_delete=models.PROTECT, related_name="entries"
    )
    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="catalogue_entries"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.LISTED)

    class Meta:
        ordering = ["catalogue", "decision__sequence", "id"]
        verbose_name = _("catalogue entry")
        verbose_name_plural = _("catalogue entries")
        constraints = [
            models.UniqueConstraint(
                fields=["catalogue", "decision"],
                name="catalogue_entry_once",
                violation_error_message=_("This decision is already in this catalogue."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.catalogue} · {self.decision.code}"


class CatalogueAdjustment(TimeStamped):
    """A change to a published catalogue, with its reason and date, shown publicly (Art 3)."""

    class Kind(models.TextChoices):
        ADD = "add", _("Added")
        REMOVE = "remove", _("Removed")
        DEFER = "defer", _("Deferred")

    catalogue = models.ForeignKey(
        Catalogue, verbose_name=_("catalogue"), on_delete=models.PROTECT, related_name="adjustments"
    )
    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="catalogue_adjustments"
    )
    kind = models.CharField(_("adjustment"), max_length=20, choices=Kind.choices)
    reason = models.TextField(_("reason"), max_length=limits.REASON_MAX_LENGTH)
    made_on = models.DateField(_("adjusted on"))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("adjusted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["catalogue", "made_on", "id"]
        verbose_name = _("catalogue adjustment")
        verbose_name_plural = _("catalogue adjustments")
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="catalogue_adjustment_has_reason",
                violation_error_message=_("An adjustment of the catalogue needs its reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.catalogue} · {self.decision.code} · {self.get_kind_display()}"
