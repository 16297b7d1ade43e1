"""What the reports keep of their own: the gate record of each decision, which the database itself
keeps current, so that the overview counts a province's decisions lacking a gate without reading
every step and review round of the province on each visit."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from decisions.models import Decision


class GateRecord(models.Model):
    """Whether a decision's record holds each gate the overview proves (``reporting.overview.GATES``
    but the executing unit, a column of the decision itself), and whether it lacks one its state
    requires: one row per decision, written only by the database's triggers on the decision and its
    record tables (migration ``reporting/0002``), whatever writes them — a service, the admin, an
    import or raw SQL. The nightly check of the record
    compares every row with the records it stands for (``reporting.gate_records``)."""

    decision = models.OneToOneField(
        Decision, verbose_name=_("decision"), on_delete=models.CASCADE, primary_key=True, related_name="gate_record"
    )
    steps_settled = models.BooleanField(_("preparatory steps settled"))
    risk_controllable = models.BooleanField(_("risk judged controllable"))
    review_allows = models.BooleanField(_("legality review allows the meeting"))
    meeting_recorded = models.BooleanField(_("meeting recorded"))
    publication_recorded = models.BooleanField(_("publication recorded"))
    # Past the legality review and lacking a gate its state requires (``reporting.overview.GATE_STATES``),
    # the executing unit included: what the overview counts, read through the partial index below.
    lacking = models.BooleanField(_("lacking a gate's record"))

    class Meta:
        verbose_name = _("gate record")
        verbose_name_plural = _("gate records")
        indexes = [models.Index(fields=["decision"], condition=models.Q(lacking=True), name="gate_record_lacking")]

    def __str__(self) -> str:
        return str(self.decision_id)
