"""Files and history: attachments with their SHA-256, and the append-only event log (Art 38–41)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from decisions import limits
from decisions.choices import (
    StepKind,
)
from decisions.models.base import TimeStamped
from decisions.models.lifecycle import Decision, ProcedureStep


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


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The decision event log is append-only.")

    def delete(self):
        raise PermissionError("The decision event log is append-only.")


class DecisionEvent(models.Model):
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
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["decision", "created_at", "id"]
        verbose_name = _("decision event")
        verbose_name_plural = _("decision events")

    def __str__(self) -> str:
        subject = f"{self.step_kind}." if self.step_kind else ""
        return f"{self.decision_id} {subject}{self.transition}: {self.from_state} → {self.to_state}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise PermissionError("The decision event log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The decision event log is append-only.")
