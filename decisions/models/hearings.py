"""The hearing of a public participation step (Art 16–17) and the matter types that require one.

A hearing is noticed (the draft heard, when, where, how to apply and by when), its participants are
selected and published with the method used, the materials reach them ahead of it, and its record
is confirmed by each participant, or their objection is recorded. Which matters must be heard is
the government's data (``MatterType``): prices of public utilities and services under the Price
Law, for instance.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from decisions import limits
from decisions.choices import RuleCode
from decisions.errors import Refusal
from decisions.models.base import TimeStamped
from decisions.models.history import Attachment
from decisions.models.lifecycle import ProcedureStep
from decisions.models.organisation import Government


class MatterType(TimeStamped):
    """A kind of matter a government names, with the law that governs it and whether such a
    decision must hold a hearing before its public participation is done (Art 16)."""

    government = models.ForeignKey(
        Government, verbose_name=_("government"), on_delete=models.CASCADE, related_name="matter_types"
    )
    name = models.CharField(_("name"), max_length=limits.LINE_MAX_LENGTH)
    legal_basis = models.TextField(_("legal basis"), blank=True, max_length=limits.TEXT_MAX_LENGTH)
    hearing_required = models.BooleanField(_("a hearing is required"), default=False)

    class Meta:
        ordering = ["government", "name"]
        verbose_name = _("matter type")
        verbose_name_plural = _("matter types")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "name"],
                name="matter_type_unique_name",
                violation_error_message=_("This government already has a matter type of this name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # Art 16: a hearing required of a type binds its decisions still to be consulted; it cannot
        # be laid over one whose public participation was completed without a hearing held.
        if not self.hearing_required or self.pk is None:
            return
        done = ProcedureStep.objects.filter(
            decision__matter_type=self, kind="public_participation", state="done"
        ).select_related("hearing", "decision")
        for step in done.prefetch_related("hearing__participants"):
            hearing = getattr(step, "hearing", None)
            if hearing is None or not hearing.held(list(hearing.participants.all())):
                raise ValidationError(
                    {
                        "hearing_required": _(
                            "%(code)s completed its public participation without a hearing held: reopen "
                            "that step before this type requires a hearing."
                        )
                        % {"code": step.decision.code}
                    }
                )


class Hearing(TimeStamped):
    """The hearing of a participation step (Art 16–17): its notice, its participants and how they
    were selected, the materials sent to them, and its record with each participant's confirmation."""

    class Selection(models.TextChoices):
        RANDOM_DRAW = "random_draw", _("Open application with a random draw")
        BY_CATEGORY = "by_category", _("By category of interest")
        OTHER = "other", _("Other")

    step = models.OneToOneField(ProcedureStep, verbose_name=_("step"), on_delete=models.CASCADE, related_name="hearing")
    # The notice (Art 16): the draft heard, the time and place, how to apply and by when.
    draft = models.ForeignKey(
        Attachment,
        verbose_name=_("draft heard"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    hearing_on = models.DateField(_("hearing date"), null=True, blank=True)
    hearing_time = models.TimeField(_("hearing time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=limits.LINE_MAX_LENGTH, blank=True)
    how_to_apply = models.TextField(_("how to apply to take part"), blank=True, max_length=limits.REASON_MAX_LENGTH)
    application_deadline = models.DateField(_("application deadline"), null=True, blank=True)
    notice_published_on = models.DateField(_("notice published on"), null=True, blank=True)
    selection_method = models.CharField(
        _("how participants are selected"), max_length=20, choices=Selection.choices, blank=True
    )
    selection_detail = models.TextField(
        _("selection method described"), blank=True, max_length=limits.REASON_MAX_LENGTH
    )
    participants_published_on = models.DateField(
        _("participants and selection method published on"), null=True, blank=True
    )
    materials_sent_on = models.DateField(_("materials sent to participants on"), null=True, blank=True)
    # The record (Art 17): its text and/or the signed scan.
    record_text = models.TextField(_("hearing record"), blank=True, max_length=limits.TEXT_MAX_LENGTH)
    record_scan = models.ForeignKey(
        Attachment,
        verbose_name=_("signed record (scan)"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["step"]
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        constraints = [
            models.CheckConstraint(
                condition=~Q(selection_method="other") | ~Q(selection_detail=""),
                name="hearing_other_selection_described",
                violation_error_message=_("Describe how the participants are selected."),
            ),
            models.CheckConstraint(
                condition=Q(application_deadline__isnull=True)
                | Q(hearing_on__isnull=True)
                | Q(application_deadline__lt=models.F("hearing_on")),
                name="hearing_applications_close_before",
                violation_error_message=_("Applications to take part must close before the hearing."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.step)

    def clean(self) -> None:
        # The constraint hearing_other_selection_described, on the field a form marks.
        if self.selection_method == self.Selection.OTHER and not self.selection_detail.strip():
            raise ValidationError({"selection_detail": _("Describe how the participants are selected.")})

    @property
    def has_record(self) -> bool:
        return bool(self.record_text.strip()) or self.record_scan_id is not None

    def held(self, participants: Sequence[HearingParticipant]) -> bool:
        """Art 17: the hearing counts as held once its record is made and every participant (there
        is at least one) confirmed it or had their objection recorded."""
        return self.has_record and bool(participants) and all(p.answered for p in participants)

    def date_refusals(self, *, notice_lead_days: int, materials_lead_days: int) -> list[Refusal]:
        """Art 16, on the dates recorded so far: the notice published ``notice_lead_days`` ahead,
        the participants and how they were selected published before the hearing, the materials
        sent ``materials_lead_days`` ahead (the government's numbers, never below the law's)."""
        day = self.hearing_on
        if not isinstance(day, dt.date):
            return []
        out = []
        notice = self.notice_published_on
        if isinstance(notice, dt.date) and (day - notice).days < notice_lead_days:
            out.append(
                Refusal(
                    RuleCode.HEARING_NOTICE_LEAD_TIME,
                    gettext("The hearing notice must be published at least %(days)s days before the hearing.")
                    % {"days": notice_lead_days},
                    "Art 16",
                    field="notice_published_on",
                )
            )
        published = self.participants_published_on
        if isinstance(published, dt.date) and published >= day:
            out.append(
                Refusal(
                    RuleCode.HEARING_PARTICIPANTS_PUBLISHED,
                    gettext(
                        "The hearing participants and how they were selected must be published before the hearing."
                    ),
                    "Art 16",
                    field="participants_published_on",
                )
            )
        sent = self.materials_sent_on
        if isinstance(sent, dt.date) and (day - sent).days < materials_lead_days:
            out.append(
                Refusal(
                    RuleCode.HEARING_MATERIALS_LEAD_TIME,
                    gettext("Hearing materials must reach participants at least %(days)s days before the hearing.")
                    % {"days": materials_lead_days},
                    "Art 16",
                    field="materials_sent_on",
                )
            )
        return out

    def completion_refusals(
        self, participants: Sequence[HearingParticipant], *, notice_lead_days: int, materials_lead_days: int
    ) -> list[Refusal]:
        """Art 16–17: what keeps the hearing from counting as held: each act missing or late, the
        record not made, or a participant who neither confirmed it nor had their objection recorded."""
        if self.hearing_on is None:
            return [Refusal(RuleCode.HEARING_DATE, gettext("Record the date of the hearing."), "Art 16")]
        out = []
        if self.notice_published_on is None:
            out.append(
                Refusal(
                    RuleCode.HEARING_NOTICE_LEAD_TIME,
                    gettext("Record when the hearing notice was published."),
                    "Art 16",
                    field="notice_published_on",
                )
            )
        if self.participants_published_on is None or not self.selection_method or not participants:
            out.append(
                Refusal(
                    RuleCode.HEARING_PARTICIPANTS_PUBLISHED,
                    gettext(
                        "The hearing participants and how they were selected must be published before the hearing."
                    ),
                    "Art 16",
                    field="participants_published_on",
                )
            )
        if self.materials_sent_on is None:
            out.append(
                Refusal(
                    RuleCode.HEARING_MATERIALS_LEAD_TIME,
                    gettext("Hearing materials must reach participants at least %(days)s days before the hearing.")
                    % {"days": materials_lead_days},
                    "Art 16",
                    field="materials_sent_on",
                )
            )
        out.extend(self.date_refusals(notice_lead_days=notice_lead_days, materials_lead_days=materials_lead_days))
        if not self.has_record:
            out.append(
                Refusal(
                    RuleCode.HEARING_RECORD_SIGNED,
                    gettext("Make the hearing record: its text or the signed scan."),
                    "Art 17",
                    field="record_text",
                )
            )
        unanswered = [p.name for p in participants if not p.answered]
        if unanswered:
            out.append(
                Refusal(
                    RuleCode.HEARING_RECORD_CONFIRMED,
                    gettext(
                        "The hearing record is not yet confirmed by %(names)s: record each confirmation, "
                        "or the participant's objection."
                    )
                    % {"names": "、".join(unanswered)},
                    "Art 17",
                )
            )
        return out


class HearingParticipant(TimeStamped):
    """A participant of a hearing: who, which interest or group they represent, how they were
    selected, and their confirmation of the record or their objection to it (Art 17). A
    confirmation or an objection, once recorded, is kept as it was (``services.hearing_confirm``)."""

    class SelectedHow(models.TextChoices):
        DRAWN = "drawn", _("Drawn from the applicants")
        BY_CATEGORY = "by_category", _("Chosen for the interest represented")
        INVITED = "invited", _("Invited")
        OTHER = "other", _("Other")

    hearing = models.ForeignKey(
        Hearing, verbose_name=_("hearing"), on_delete=models.CASCADE, related_name="participants"
    )
    name = models.CharField(_("name"), max_length=100)
    represents = models.CharField(_("interest or group represented"), max_length=limits.LINE_MAX_LENGTH)
    selected_how = models.CharField(_("selected how"), max_length=20, choices=SelectedHow.choices)
    confirmed_on = models.DateField(_("record confirmed on"), null=True, blank=True)
    objected_on = models.DateField(_("record refused on"), null=True, blank=True)
    objection = models.TextField(_("objection to the record"), blank=True, max_length=limits.REASON_MAX_LENGTH)

    class Meta:
        ordering = ["hearing", "id"]
        verbose_name = _("hearing participant")
        verbose_name_plural = _("hearing participants")
        constraints = [
            models.CheckConstraint(
                condition=Q(confirmed_on__isnull=True) | Q(objected_on__isnull=True),
                name="hearing_participant_confirms_or_objects",
                violation_error_message=_("A participant either confirms the record or objects to it, not both."),
            ),
            models.CheckConstraint(
                condition=Q(objected_on__isnull=True) | ~Q(objection=""),
                name="hearing_participant_objection_stated",
                violation_error_message=_("A participant's refusal to confirm the record states their objection."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.represents}"

    @property
    def answered(self) -> bool:
        """The participant confirmed the record or their objection is on it."""
        return self.confirmed_on is not None or self.objected_on is not None
