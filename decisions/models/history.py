"""Files and history: attachments with their SHA-256, and the append-only event log (Art 38–41)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from decisions import limits
from decisions.choices import (
    StepKind,
)
from decisions.models.base import TimeStamped, WriteOnce
from decisions.models.lifecycle import Decision, ProcedureStep
from decisions.models.organisation import Government


def attachment_path(instance: Attachment, filename: str) -> str:
    # Stored under the checksum: the original name is kept in the row, never trusted as a path.
    return f"attachments/{instance.decision_id}/{instance.sha256[:2]}/{instance.sha256}.{instance.extension}"


class Attachment(TimeStamped):
    class Kind(models.TextChoices):
        DRAFT = "draft", _("Draft")
        EXPLANATION = "explanation", _("Drafting explanation")
        LEGAL_BASIS = "legal_basis", _("Legal basis")
        STEP_RECORD = "step_record", _("Step record")
        RISK_REPORT = "risk_report", _("Risk assessment report")
        OPINION = "opinion", _("Signed opinion")
        MINUTES = "minutes", _("Meeting minutes")
        OTHER = "other", _("Other")

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="attachments"
    )
    step = models.ForeignKey(
        ProcedureStep,
        verbose_name=_("step"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    extension = models.CharField(_("type"), max_length=10)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["decision", "created_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


def current_draft(decision: Decision) -> Attachment | None:
    """The decision's draft as it stands: its latest file of kind "draft" (not a step's record).
    Submission binds it by its SHA-256; the meeting discusses only the text the legality opinion
    covers (reviews.gates)."""
    draft: Attachment | None = (
        decision.attachments.filter(kind=Attachment.Kind.DRAFT, step__isnull=True)
        .order_by("-created_at", "-id")
        .first()
    )
    return draft


class DecisionEvent(WriteOnce):
    """Append-only history: one row per transition of a decision or one of its steps (Art 38–41)."""

    decision = models.ForeignKey(Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    step_kind = models.CharField(_("step"), max_length=30, choices=StepKind.choices, blank=True)
    transition = models.CharField(_("transition"), max_length=40)
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20)
    comment = models.TextField(_("comment"), blank=True, max_length=limits.REASON_MAX_LENGTH)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    # What the row of the step or decision no longer shows, e.g. a waiver's article and approver.
    details = models.JSONField(_("details"), default=dict, blank=True)
    # Set before the insert (not ``auto_now_add``): the time is part of the hashed content.
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    # The government's audit chain (decisions.audit): the event's place in it, the hash of the event
    # before it and its own hash over its content and that link. Blank only before migration 0015
    # chained the events already recorded.
    government = models.ForeignKey(
        Government, verbose_name=_("government"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    seq = models.PositiveBigIntegerField(_("place in the audit chain"), null=True)
    # Empty in the database by default: a row inserted by hand is outside every chain, and told.
    prev_hash = models.CharField(_("hash of the previous event"), max_length=64, blank=True, db_default="")
    hash = models.CharField(_("hash"), max_length=64, blank=True, db_default="")

    class Meta:
        ordering = ["decision", "created_at", "id"]
        verbose_name = _("decision event")
        verbose_name_plural = _("decision events")
        constraints = [
            # One event per place in a government's chain: two writers never fork it.
            models.UniqueConstraint(
                fields=["government", "seq"],
                name="event_one_per_chain_place",
                violation_error_message=_("This place in the government's record is already taken; try again."),
            ),
        ]

    def __str__(self) -> str:
        subject = f"{self.step_kind}." if self.step_kind else ""
        return f"{self.decision_id} {subject}{self.transition}: {self.from_state} → {self.to_state}"


class AuditChainHead(models.Model):
    """The newest link of a government's audit chain: its place and hash. ``record_event`` locks
    this row while it appends, so concurrent writers of one government queue up here and the chain
    never forks; a head ahead of the last event shows events deleted from the end."""

    government = models.OneToOneField(
        Government, verbose_name=_("government"), primary_key=True, on_delete=models.PROTECT, related_name="+"
    )
    seq = models.PositiveBigIntegerField(_("place in the audit chain"), default=0)
    hash = models.CharField(_("hash"), max_length=64, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")

    def __str__(self) -> str:
        return f"{self.government_id} #{self.seq} {self.hash[:12]}"
