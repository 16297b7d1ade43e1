"""What follows the meeting's decision besides publication: the report to the Party committee (Art
31) and the problems found while the decision is carried out, each with its answer (Art 35)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from decisions import limits
from decisions.models.base import TimeStamped
from decisions.models.history import Attachment
from decisions.models.lifecycle import Decision
from decisions.models.records import ExecutionReport, FinalRecord, Meeting


class PartyCommitteeReport(FinalRecord):
    """Art 31: the decision the meeting approved, reported to the Party committee of the same level
    before it is published (where the government's practice requires it: the rule setting
    ``party_committee_report_required``). One per approving meeting; final once written."""

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="party_committee_reports"
    )
    meeting = models.OneToOneField(
        Meeting, verbose_name=_("meeting record"), on_delete=models.PROTECT, related_name="party_committee_report"
    )
    reported_on = models.DateField(_("reported on"))
    document_number = models.CharField(_("reference or document number"), max_length=100)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    attachment = models.ForeignKey(
        Attachment,
        verbose_name=_("report document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["decision", "reported_on", "id"]
        verbose_name = _("report to the Party committee")
        verbose_name_plural = _("reports to the Party committee")
        constraints = [
            models.CheckConstraint(
                condition=Q(document_number__gt=""),
                name="party_committee_report_has_reference",
                violation_error_message=_("Give the report's reference or document number."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision.code} · {self.document_number}"


class ExecutionProblem(TimeStamped):
    """Art 35: a problem found while the decision is carried out, reported by the executing unit (from
    one of its progress reports) or taken from the public's feedback, and its answer: the measures
    taken, where it was forwarded, or why nothing is done. Kept as reported; answered once."""

    class Source(models.TextChoices):
        EXECUTING_UNIT = "executing_unit", _("Reported by the executing unit")
        PUBLIC_FEEDBACK = "public_feedback", _("Taken from public feedback")

    class Answer(models.TextChoices):
        MEASURES_TAKEN = "measures_taken", _("Measures taken")
        FORWARDED = "forwarded", _("Forwarded to the competent body")
        NO_ACTION = "no_action", _("No action, with the reason")

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="execution_problems"
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    execution_report = models.ForeignKey(
        ExecutionReport,
        verbose_name=_("execution report"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    source_reference = models.CharField(
        _("reference of the feedback (e.g. its tracking number)"), max_length=200, blank=True
    )
    description = models.TextField(_("problem found"), max_length=limits.TEXT_MAX_LENGTH)
    reported_on = models.DateField(_("reported on"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    answer = models.CharField(_("answer"), max_length=20, choices=Answer.choices, blank=True)
    answer_text = models.TextField(
        _("measures taken, where it was forwarded, or the reason"), blank=True, max_length=limits.TEXT_MAX_LENGTH
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_on = models.DateField(_("answered on"), null=True, blank=True)

    class Meta:
        ordering = ["decision", "reported_on", "id"]
        verbose_name = _("execution problem")
        verbose_name_plural = _("execution problems")
        constraints = [
            models.CheckConstraint(
                condition=Q(description__gt=""),
                name="execution_problem_described",
                violation_error_message=_("Describe the problem found."),
            ),
            models.CheckConstraint(
                condition=Q(source="executing_unit") | Q(execution_report__isnull=True),
                name="execution_problem_report_only_from_unit",
                violation_error_message=_("Only a problem the executing unit reported comes from its progress report."),
            ),
            # Answered all at once or not at all: what was done, by whom, when, and its content.
            models.CheckConstraint(
                condition=(Q(answer="") & Q(answered_on__isnull=True) & Q(answered_by__isnull=True))
                | (~Q(answer="") & Q(answered_on__isnull=False) & Q(answer_text__gt="")),
                name="execution_problem_answer_complete",
                violation_error_message=_("An answer states what was done, with its content, and when."),
            ),
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True) | Q(answered_on__gte=models.F("reported_on")),
                name="execution_problem_answered_after_reported",
                violation_error_message=_("A problem cannot be answered before it was reported."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision.code} · {self.reported_on}"

    @property
    def is_answered(self) -> bool:
        return bool(self.answer)
