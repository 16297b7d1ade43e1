"""The records the gates judge: public participation, expert opinions, the risk assessment (Art
14–24), and after the review the meeting, publication, execution reports and evaluations (Art 29–36)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from decisions import limits
from decisions.choices import (
    OUTCOME_STANCE,
    MeetingOutcome,
    MeetingRole,
    RuleCode,
    Stance,
)
from decisions.errors import Refusal
from decisions.models.base import TimeStamped, WriteOnce
from decisions.models.history import Attachment
from decisions.models.lifecycle import Decision, ProcedureStep
from decisions.models.organisation import Department, Expert


def _as_validation_error(refusals: list[Refusal]) -> ValidationError:
    """Refusals as the admin's form shows them: on their fields, each citing its article in the
    reader's language."""
    # decisions.presentation reads the models (and their forms): imported when a record is cleaned.
    from decisions.presentation import refusal_text

    errors: dict[str, list[str]] = {}
    for refusal in refusals:
        errors.setdefault(refusal.field, []).append(refusal_text(refusal))
    return ValidationError(errors)


class ParticipationRecord(TimeStamped):
    """Public participation outputs (Art 14–18)."""

    class Method(models.TextChoices):
        ONLINE_CALL = "online_call", _("Online call for comments")
        SYMPOSIUM = "symposium", _("Symposium")
        HEARING = "hearing", _("Hearing")
        QUESTIONNAIRE = "questionnaire", _("Questionnaire")
        FIELD_VISIT = "field_visit", _("Field visit")
        OTHER = "other", _("Other")

    # The choices of the list field ``methods``, for the history's change lines (decisions.changes).
    LIST_CHOICES = {"methods": Method.choices}
    # Art 18: generated from the answers to the comments (services.participation_record_adoption),
    # never typed.
    ADOPTION_FIELDS = ("comments_count", "comments_adopted", "comments_partly_adopted", "adoption_summary")

    step = models.OneToOneField(
        ProcedureStep, verbose_name=_("step"), on_delete=models.CASCADE, related_name="participation"
    )
    methods = models.JSONField(_("methods"), default=list, blank=True)
    call_published_on = models.DateField(_("call for comments published on"), null=True, blank=True)
    period_start = models.DateField(_("comment period starts"), null=True, blank=True)
    period_end = models.DateField(_("comment period ends"), null=True, blank=True)
    shortened_period_reason = models.TextField(
        _("reason for a shorter comment period (published with the call)"),
        blank=True,
        max_length=limits.REASON_MAX_LENGTH,
    )
    affected_groups_heard = models.TextField(
        _("specially affected groups heard"), blank=True, max_length=limits.TEXT_MAX_LENGTH
    )
    comments_count = models.PositiveIntegerField(_("comments received"), default=0)
    # Art 18: every comment is answered; the counts make the adoption rate reportable.
    comments_adopted = models.PositiveIntegerField(_("comments adopted"), default=0)
    comments_partly_adopted = models.PositiveIntegerField(_("comments partly adopted"), default=0)
    adoption_summary = models.TextField(
        _("adoption summary (adopted / partly / not adopted, with reasons)"),
        blank=True,
        max_length=limits.TEXT_MAX_LENGTH,
    )

    class Meta:
        ordering = ["step"]
        verbose_name = _("public participation record")
        verbose_name_plural = _("public participation records")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="participation_period_ordered",
                violation_error_message=_("The comment period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(comments_count__gte=models.F("comments_adopted") + models.F("comments_partly_adopted")),
                name="participation_adopted_within_received",
                violation_error_message=_("More comments adopted than received."),
            ),
            # Art 15: the draft and the call are published, then the public comments; a call
            # published after its period began would cut the period short without saying so.
            models.CheckConstraint(
                condition=Q(call_published_on__isnull=True)
                | Q(period_start__isnull=True)
                | Q(call_published_on__lte=models.F("period_start")),
                name="participation_call_before_period",
                violation_error_message=_(
                    "The call for comments must be published no later than the first day of the comment period."
                ),
            ),
        ]

    def __str__(self) -> str:
        return str(self.step)

    def call_date_refusals(self) -> list[Refusal]:
        """Art 15: the draft and the call are published, then the public comments: a call published
        after its period began (on its last day, or after it ended) cut the period short unsaid."""
        call, start = self.call_published_on, self.period_start
        if isinstance(call, dt.date) and isinstance(start, dt.date) and call > start:
            return [
                Refusal(
                    RuleCode.CALL_BEFORE_PERIOD,
                    gettext(
                        "The call for comments must be published no later than the first day of the comment period."
                    ),
                    "Art 15",
                    field="call_published_on",
                )
            ]
        return []

    def clean(self) -> None:
        # The admin's road: the service checks the same before it writes (participation_update).
        refusals = self.call_date_refusals()
        if refusals:
            raise _as_validation_error(refusals)

    @property
    def period_days(self) -> int | None:
        if self.period_start and self.period_end:
            return (self.period_end - self.period_start).days + 1
        return None


class ExpertSelection(TimeStamped):
    """One expert of the pool chosen for one argument (Art 20): how, by whom and when; and, for an
    expert tied to a sponsor or with an interest in the matter, that they were excluded and why.
    An excluded expert stays on the record and is not counted."""

    class Method(models.TextChoices):
        RANDOM = "random", _("Drawn at random from the pool")
        CHOSEN = "chosen", _("Chosen from the pool by the sponsor")
        RECOMMENDED = "recommended", _("Recommended by the relevant body")

    step = models.ForeignKey(
        ProcedureStep, verbose_name=_("step"), on_delete=models.CASCADE, related_name="expert_selections"
    )
    expert = models.ForeignKey(Expert, verbose_name=_("expert"), on_delete=models.PROTECT, related_name="selections")
    method = models.CharField(_("how the expert was chosen"), max_length=20, choices=Method.choices)
    recommended_by = models.CharField(_("recommended by"), max_length=200, blank=True)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chosen by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    excluded = models.BooleanField(_("excluded"), default=False)
    exclusion_reason = models.TextField(_("reason for the exclusion"), blank=True, max_length=limits.REASON_MAX_LENGTH)

    class Meta:
        ordering = ["step", "created_at", "id"]
        verbose_name = _("expert selection")
        verbose_name_plural = _("expert selections")
        constraints = [
            models.UniqueConstraint(
                fields=["step", "expert"],
                name="expert_selection_once_per_step",
                violation_error_message=_("This expert is already chosen for this argument."),
            ),
            models.CheckConstraint(
                condition=Q(excluded=False) | ~Q(exclusion_reason=""),
                name="expert_selection_exclusion_has_reason",
                violation_error_message=_("An excluded expert is recorded with the reason for the exclusion."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expert} · {self.step}"


class ExpertOpinion(TimeStamped):
    """One expert's written, signed opinion (Art 19–21)."""

    class Handling(models.TextChoices):
        ADOPTED = "adopted", _("Adopted")
        PARTLY = "partly", _("Partly adopted")
        NOT_ADOPTED = "not_adopted", _("Not adopted")

    class Stance(models.TextChoices):
        SUPPORTS = "supports", _("Supports")
        SUPPORTS_WITH_CHANGES = "supports_with_changes", _("Supports with changes")
        DISSENTS = "dissents", _("Dissents")

    step = models.ForeignKey(
        ProcedureStep, verbose_name=_("step"), on_delete=models.CASCADE, related_name="expert_opinions"
    )
    # Opinions recorded before the pool kept only the expert's name: their ``expert`` is empty.
    expert = models.ForeignKey(
        Expert,
        verbose_name=_("expert of the pool"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opinions",
    )
    stance = models.CharField(_("stance"), max_length=30, choices=Stance.choices, blank=True)
    # Art 20: signed either by the expert in their own login, or on paper, the signed scan filed.
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed in the login of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_scan = models.ForeignKey(
        Attachment,
        verbose_name=_("signed scan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    expert_name = models.CharField(_("expert"), max_length=100)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    speciality = models.CharField(_("speciality"), max_length=100, blank=True)
    opinion = models.TextField(_("opinion (necessity, feasibility, soundness)"), max_length=limits.TEXT_MAX_LENGTH)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    declared_interest = models.BooleanField(_("declared a direct interest"), default=False)
    interest_detail = models.TextField(_("interest declared"), blank=True, max_length=limits.TEXT_MAX_LENGTH)
    handling = models.CharField(_("handling"), max_length=20, choices=Handling.choices, blank=True)
    handling_reason = models.TextField(_("reason for the handling"), blank=True, max_length=limits.REASON_MAX_LENGTH)

    class Meta:
        ordering = ["step", "created_at", "id"]
        verbose_name = _("expert opinion")
        verbose_name_plural = _("expert opinions")
        constraints = [
            # Art 20: an opinion of a pool's expert is signed in the expert's own login or on paper
            # with its scan filed; one from before the pool keeps what it had.
            models.CheckConstraint(
                condition=Q(expert__isnull=True)
                | Q(signed_on__isnull=True)
                | Q(signed_by__isnull=False)
                | Q(signed_scan__isnull=False),
                name="expert_opinion_signature_shown",
                violation_error_message=_(
                    "A signed opinion is signed in the expert's own login or filed with its signed scan."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expert_name} · {self.step}"

    @property
    def counts(self) -> bool:
        """Art 20: an expert with a direct interest is excluded and not counted."""
        return not self.declared_interest

    @property
    def dissents(self) -> bool:
        return self.stance == self.Stance.DISSENTS

    def date_refusals(self, *, registered_on: dt.date, today: dt.date) -> list[Refusal]:
        """Art 19: an opinion is signed when it is given: not on a day still to come, and not before
        the decision it argues was registered."""
        signed = self.signed_on
        if not isinstance(signed, dt.date):
            return []
        if signed > today:
            message = gettext("An expert opinion cannot be signed on a day still to come.")
        elif signed < registered_on:
            message = gettext("An expert opinion cannot be signed before the decision was registered (%(date)s).") % {
                "date": formats.date_format(registered_on)
            }
        else:
            return []
        return [Refusal(RuleCode.EXPERT_OPINION_DATE, message, "Art 19", field="signed_on")]

    def clean(self) -> None:
        # The admin's road: the service checks the same before it writes (expert_opinion_add).
        if self.step_id is None:
            return
        refusals = self.date_refusals(
            registered_on=timezone.localdate(self.step.decision.created_at), today=timezone.localdate()
        )
        if refusals:
            raise _as_validation_error(refusals)


def independent_opinions(
    opinions: Iterable[ExpertOpinion], selections: Iterable[ExpertSelection]
) -> list[ExpertOpinion]:
    """Art 20: the opinions an argument counts: signed, of an expert without a declared interest and,
    for a pool's expert, one chosen for it and not excluded. (An opinion recorded before the pool has
    only its name and its declaration to go by.)"""
    chosen = {s.expert_id for s in selections if not s.excluded}
    return [
        o for o in opinions if o.signed_on is not None and o.counts and (o.expert_id is None or o.expert_id in chosen)
    ]


def independent_experts(opinions: Iterable[ExpertOpinion], selections: Iterable[ExpertSelection]) -> int:
    """Art 20: how many independent experts signed an opinion. An expert who gave a new opinion on
    a revised draft (the step reopened) is one expert."""
    return len({o.expert_id or o.expert_name for o in independent_opinions(opinions, selections)})


class RiskAssessmentRecord(TimeStamped):
    """Risk assessment outputs (Art 22–24)."""

    class Level(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    step = models.OneToOneField(ProcedureStep, verbose_name=_("step"), on_delete=models.CASCADE, related_name="risk")
    assessor = models.CharField(_("assessor"), max_length=200, blank=True)
    third_party = models.BooleanField(_("done by a third party"), default=False)
    risk_points = models.TextField(_("risk points"), blank=True, max_length=limits.TEXT_MAX_LENGTH)
    measures = models.TextField(_("prevention and mitigation measures"), blank=True, max_length=limits.TEXT_MAX_LENGTH)
    contingency_plan = models.TextField(_("contingency plan"), blank=True, max_length=limits.TEXT_MAX_LENGTH)
    level = models.CharField(_("risk level"), max_length=10, choices=Level.choices, blank=True)
    controllable = models.BooleanField(_("judged controllable"), null=True, blank=True)

    class Meta:
        ordering = ["step"]
        verbose_name = _("risk assessment record")
        verbose_name_plural = _("risk assessment records")

    def __str__(self) -> str:
        return str(self.step)


def meeting_majority(stances: Iterable[str]) -> str | None:
    """Art 30: the position of the majority of the meeting's members, computed from what each said,
    never typed. The head, who decides, is not counted among them: the rule compares the head's
    decision with the members' majority. A majority is more than half of the members: with 3 for,
    2 against and 2 abstaining of 7 there is none (None), and no outcome goes against it."""
    counts = Counter(stances)
    total = sum(counts.values())
    for stance, count in counts.items():
        if count * 2 > total:
            return stance
    return None


def goes_against_majority(outcome: str, majority: str | None) -> bool:
    """Art 30: whether the head's decision goes against the members' majority, and so must be
    explained. What each outcome says of the draft (``choices.OUTCOME_STANCE``):

    - approved adopts the draft: against a majority of members against it;
    - rejected, and revise (sent back to the sponsor), refuse to adopt it as it stands: against a
      majority of members for it;
    - deferred and discuss again decide nothing at this meeting: never against the majority; the
      decision is taken at a later meeting, with its own positions and this same check.

    A majority of members abstaining takes no side, and no outcome goes against it."""
    stance = OUTCOME_STANCE.get(outcome)
    return stance is not None and majority in (Stance.FOR, Stance.AGAINST) and majority != stance


class FinalRecord(WriteOnce, TimeStamped):
    """A row that is final once written (the meeting record, Art 30). A correction is a new row
    (``MeetingCorrection``), with its reason."""

    class Meta:
        abstract = True


class Meeting(FinalRecord):
    """A collective discussion of the decision (Art 29–31). Final once recorded, with the outcome:
    each member's position is a ``MeetingPosition``, a correction a ``MeetingCorrection``."""

    class Type(models.TextChoices):
        EXECUTIVE = "executive", _("Executive meeting")
        PLENARY = "plenary", _("Plenary meeting")

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="meetings"
    )
    meeting_type = models.CharField(_("meeting type"), max_length=20, choices=Type.choices)
    held_on = models.DateField(_("held on"))
    # The members are the positions; here only who sat in without one (e.g. the sponsor presenting).
    attendees = models.TextField(_("others present (sitting in)"), blank=True, max_length=limits.REASON_MAX_LENGTH)
    # Art 30, where the government's practice has the legal office attend the meeting (the rule
    # setting ``legal_office_attends_meeting``): who attended for it, and its legal advisers.
    legal_office_attendee = models.CharField(_("attended for the legal office (its head)"), max_length=100, blank=True)
    legal_advisers_present = models.TextField(
        _("legal advisers and public lawyers present"), blank=True, max_length=limits.REASON_MAX_LENGTH
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=MeetingOutcome.choices)
    head_final_statement = models.TextField(
        _("head's final statement (the head speaks last)"), max_length=limits.TEXT_MAX_LENGTH
    )
    # Computed by the service from the positions (goes_against_majority), never taken from input; a
    # column so the yearly figures can count it and the constraint below can hold it.
    head_against_majority = models.BooleanField(_("the head decided against the majority"), default=False)
    head_reasons = models.TextField(_("reasons given by the head"), blank=True, max_length=limits.TEXT_MAX_LENGTH)
    dissent = models.TextField(_("further dissent, as said"), blank=True, max_length=limits.TEXT_MAX_LENGTH)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    # The meeting packet the members had before them (Art 29): the newest one generated when the
    # meeting was recorded; none for a meeting held without one.
    packet = models.ForeignKey(
        "MeetingPacket",
        verbose_name=_("meeting packet"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )

    class Meta:
        ordering = ["decision", "held_on", "id"]
        verbose_name = _("meeting record")
        verbose_name_plural = _("meeting records")
        constraints = [
            models.CheckConstraint(
                condition=Q(head_against_majority=False) | Q(head_reasons__gt=""),
                name="meeting_head_against_majority_gives_reasons",
                violation_error_message=_("When the head decides against the majority, the reasons must be recorded."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision.code} · {self.held_on}"

    # Read from ``positions.all()``: the decision page prefetches them.
    @property
    def members(self) -> list[MeetingPosition]:
        return [p for p in self.positions.all() if p.role == MeetingRole.MEMBER]

    @property
    def head(self) -> MeetingPosition | None:
        return next((p for p in self.positions.all() if p.role == MeetingRole.HEAD), None)

    @property
    def majority(self) -> str | None:
        """The members' majority position (Art 30), computed; None without one."""
        return meeting_majority(p.position for p in self.members)

    @property
    def majority_label(self) -> str:
        majority = self.majority
        return str(Stance(majority).label) if majority else ""

    @property
    def tally(self) -> dict[str, int]:
        counts = Counter(p.position for p in self.members)
        return {stance: counts.get(stance, 0) for stance in Stance.values}

    @property
    def dissenting(self) -> list[MeetingPosition]:
        """The dissent, attributed: the members whose position opposes what the meeting decided
        (against an approval; for a rejection or a revision). None when nothing was decided."""
        stance = OUTCOME_STANCE.get(self.outcome)
        if stance is None:
            return []
        return [p for p in self.members if p.position not in (stance, Stance.ABSTAIN)]


class MeetingPosition(FinalRecord):
    """Art 30: one member's position at the meeting, as said, with the reasons given. The head is one
    of them, marked as head, and speaks last (the highest ``order``)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting record"), on_delete=models.PROTECT, related_name="positions"
    )
    order = models.PositiveSmallIntegerField(_("order of speaking"))
    member_name = models.CharField(_("member"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField(_("role at the meeting"), max_length=10, choices=MeetingRole.choices)
    position = models.CharField(_("position"), max_length=10, choices=Stance.choices)
    reasons = models.TextField(_("reasons given"), blank=True, max_length=limits.TEXT_MAX_LENGTH)

    class Meta:
        ordering = ["meeting", "order"]
        verbose_name = _("member's position")
        verbose_name_plural = _("members' positions")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "order"],
                name="meeting_position_order_unique",
                violation_error_message=_("Two positions share one place in the record."),
            ),
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(role=MeetingRole.HEAD),
                name="meeting_position_one_head",
                violation_error_message=_("A meeting has one head."),
            ),
            models.CheckConstraint(
                condition=Q(role__in=MeetingRole.values),
                name="meeting_position_role_known",
                violation_error_message=_("Unknown role at the meeting."),
            ),
            models.CheckConstraint(
                condition=Q(position__in=Stance.values),
                name="meeting_position_known",
                violation_error_message=_("Unknown position (for, against or abstain)."),
            ),
            models.CheckConstraint(
                condition=Q(member_name__gt=""),
                name="meeting_position_names_member",
                violation_error_message=_("Each position names the member who took it."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_name} · {self.get_position_display()}"


class MeetingCorrection(FinalRecord):
    """A correction of a final meeting record (Art 30): appended beside it with its reason, never
    written over it. The record keeps what was recorded; the page shows both."""

    class Field(models.TextChoices):
        POSITIONS = "positions", _("The members' positions")
        HEAD_FINAL_STATEMENT = "head_final_statement", _("The head's final statement")
        HEAD_REASONS = "head_reasons", _("The head's reasons")
        ATTENDEES = "attendees", _("Others present")
        LEGAL_OFFICE_ATTENDANCE = "legal_office_attendance", _("The legal office's attendance")
        DISSENT = "dissent", _("Further dissent")
        OTHER = "other", _("Other")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting record"), on_delete=models.PROTECT, related_name="corrections"
    )
    field = models.CharField(_("what is corrected"), max_length=30, choices=Field.choices)
    text = models.TextField(_("corrected text"), max_length=limits.TEXT_MAX_LENGTH)
    reason = models.TextField(_("reason for the correction"), max_length=limits.REASON_MAX_LENGTH)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("corrected by"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["meeting", "created_at", "id"]
        verbose_name = _("meeting record correction")
        verbose_name_plural = _("meeting record corrections")
        constraints = [
            models.CheckConstraint(
                condition=Q(text__gt="") & Q(reason__gt=""),
                name="meeting_correction_text_and_reason",
                violation_error_message=_("A correction states the corrected text and its reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.get_field_display()}"


class DraftingKind(models.TextChoices):
    """The entries of the drafting record (Art 10–13)."""

    PROPOSAL = "proposal", _("Proposal of the decision")  # Art 10
    RESEARCH = "research", _("Research")  # Art 12: 调查研究
    COST_BENEFIT = "cost_benefit", _("Cost-benefit analysis")  # Art 12: 成本效益分析
    ALTERNATIVES = "alternatives", _("Alternatives considered")  # Art 12: 拟订备选方案
    CONSULTATION = "consultation", _("Consultation of the units concerned")  # Art 13: 征求有关部门意见
    DISAGREEMENT = "disagreement", _("Disagreement not settled by consultation")  # Art 13: 协商不成的说明
    # Art 29 (1): a draft that touches market actors' economic activity carries its fair-competition
    # review (公平竞争审查), which goes to the meeting in the packet's section seven.
    FAIR_COMPETITION = "fair_competition", _("Fair-competition review")


class DraftingProposer(models.TextChoices):
    """Who proposed the decision (Art 10)."""

    GOVERNMENT_LEADER = "government_leader", _("A leader of the government")
    DEPARTMENT = "department", _("A department of the government or a lower government")
    DEPUTIES = "deputies", _("Deputies to the people's congress")
    CPPCC_MEMBERS = "cppcc_members", _("Members of the CPPCC committee")
    PUBLIC = "public", _("The public, enterprises or organisations")
    OTHER = "other", _("Other")


class DraftingRecord(FinalRecord):
    """How the draft was made (Art 10–13): the proposal and who made it, the research, the cost and
    benefit, the alternatives weighed, the consultation of the units concerned and what they could
    not agree on. Written by the lead sponsor's staff while the draft is prepared, each entry final
    once written (a later entry adds to it), each an event."""

    Kind = DraftingKind
    Proposer = DraftingProposer

    # The article each kind of entry records.
    ARTICLES = {
        Kind.PROPOSAL: "Art 10",
        Kind.RESEARCH: "Art 12",
        Kind.COST_BENEFIT: "Art 12",
        Kind.ALTERNATIVES: "Art 12",
        Kind.CONSULTATION: "Art 13",
        Kind.DISAGREEMENT: "Art 13",
    }

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="drafting_records"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    proposer = models.CharField(_("proposed by"), max_length=20, choices=Proposer.choices, blank=True)
    text = models.TextField(_("text"), max_length=limits.TEXT_MAX_LENGTH)
    attachment = models.ForeignKey(
        Attachment,
        verbose_name=_("attachment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["decision", "created_at", "id"]
        verbose_name = _("drafting record")
        verbose_name_plural = _("drafting records")
        constraints = [
            models.CheckConstraint(
                condition=Q(text__gt=""),
                name="drafting_record_has_text",
                violation_error_message=_("A drafting record states what was done."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DraftingKind.values),
                name="drafting_record_kind_known",
                violation_error_message=_("Unknown kind of drafting record."),
            ),
            # Art 10: a proposal names who made it; no other entry does.
            models.CheckConstraint(
                condition=(Q(kind="proposal") & Q(proposer__in=DraftingProposer.values))
                | (~Q(kind="proposal") & Q(proposer="")),
                name="drafting_record_proposer_with_proposal",
                violation_error_message=_(
                    "A proposal names who proposed the decision; other entries name no proposer."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision.code} · {self.get_kind_display()}"


def meeting_packet_path(instance: MeetingPacket, filename: str) -> str:
    # Stored under the checksum, as the attachments are.
    return f"packets/{instance.decision_id}/{instance.sha256}.pdf"


class MeetingPacket(FinalRecord):
    """The materials of the collective discussion (Art 29–30) as one PDF, assembled from the record
    by the government office before the meeting. Each generation is a new row and an event; the
    meeting record names the packet it was held on."""

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="meeting_packets"
    )
    file = models.FileField(_("file"), upload_to=meeting_packet_path, max_length=300)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)
    page_count = models.PositiveIntegerField(_("pages"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("generated by"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["decision", "created_at", "id"]
        verbose_name = _("meeting packet")
        verbose_name_plural = _("meeting packets")
        constraints = [
            models.CheckConstraint(
                condition=Q(page_count__gt=0) & Q(size__gt=0),
                name="meeting_packet_not_empty",
                violation_error_message=_("A meeting packet has at least one page."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision.code} · {self.sha256[:12]}"

    @property
    def generated_at(self) -> dt.datetime:
        return self.created_at

    @property
    def filename(self) -> str:
        return f"{self.decision.code}-meeting-packet-{self.sha256[:8]}.pdf"


def latest_meeting_packet(decision: Decision) -> MeetingPacket | None:
    """The newest packet of the decision, the one the next meeting is held on."""
    packet: MeetingPacket | None = decision.meeting_packets.order_by("-created_at", "-id").first()
    return packet


class Publication(TimeStamped):
    """Art 32: publication through the gazette and the website. A decision made again after a major
    adjustment (Art 37) is published again: each publication is its own row, none is replaced."""

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="publications"
    )
    published_on = models.DateField(_("published on"))
    document_number = models.CharField(_("document number"), max_length=100)
    in_gazette = models.BooleanField(_("in the government gazette"), default=False)
    website_url = models.URLField(_("website address"), blank=True)

    class Meta:
        ordering = ["decision", "published_on", "id"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        constraints = [
            models.CheckConstraint(
                condition=Q(in_gazette=True) | Q(website_url__gt=""),
                name="publication_has_a_channel",
                violation_error_message=_("Name where it was published: the gazette or a web address."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision.code} · {self.document_number}"


class ExecutionReport(TimeStamped):
    """Art 34–35: progress reported by the executing unit."""

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="execution_reports"
    )
    reported_on = models.DateField(_("reported on"))
    progress = models.TextField(_("progress"), max_length=limits.TEXT_MAX_LENGTH)
    public_feedback = models.TextField(_("public feedback received"), blank=True, max_length=limits.TEXT_MAX_LENGTH)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["decision", "reported_on", "id"]
        verbose_name = _("execution report")
        verbose_name_plural = _("execution reports")

    def __str__(self) -> str:
        return f"{self.decision.code} · {self.reported_on}"


class Evaluation(TimeStamped):
    """Art 36: post-decision evaluation, by someone other than who prepared the decision."""

    class Trigger(models.TextChoices):
        GOALS_MISSED = "goals_missed", _("Goals not met")
        MANY_OBJECTIONS = "many_objections", _("Many objections")
        BODY_REQUEST = "body_request", _("Requested by the decision body")

    class Proposal(models.TextChoices):
        """What the evaluation proposes to the decision body (Art 36–37)."""

        CONTINUE = "continue", _("Continue carrying it out")
        ADJUST = "adjust", _("Adjust the decision")
        SUSPEND = "suspend", _("Suspend carrying it out")
        STOP = "stop", _("Stop carrying it out")

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="evaluations"
    )
    trigger = models.CharField(_("trigger"), max_length=20, choices=Trigger.choices)
    evaluator = models.CharField(_("evaluator"), max_length=200)
    evaluator_department = models.ForeignKey(
        Department,
        verbose_name=_("evaluating department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Art 36: the evaluation may be entrusted to a third party (a professional body, a social
    # organisation), which is no department of the government.
    third_party = models.BooleanField(_("entrusted to a third party"), default=False)
    public_views = models.TextField(
        _("how the public's views were sought"), blank=True, max_length=limits.REASON_MAX_LENGTH
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True, max_length=limits.TEXT_MAX_LENGTH)
    proposal = models.CharField(_("proposal"), max_length=10, choices=Proposal.choices, default=Proposal.CONTINUE)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(third_party=False) | models.Q(evaluator_department__isnull=True),
                name="evaluation_third_party_is_no_department",
                violation_error_message=_("A third party entrusted with the evaluation is not a department."),
            ),
        ]
        ordering = ["decision", "created_at"]
        verbose_name = _("post-decision evaluation")
        verbose_name_plural = _("post-decision evaluations")

    def __str__(self) -> str:
        return f"{self.decision.code} · {self.get_trigger_display()}"

    @staticmethod
    def assessors(lead_sponsor: str, risk_assessors: Iterable[str], organisations: Iterable[str]) -> set[str]:
        """Who did the main argument and assessment work before the decision, by name (Art 36
        excludes them from evaluating it): the lead sponsor, the risk assessment's assessor and the
        organisations of the experts who argued it. Spaces do not tell names apart."""
        return {"".join(name.split()) for name in (lead_sponsor, *risk_assessors, *organisations) if name}

    def independence_problem(self, assessors: set[str], lead_sponsor_id: int) -> tuple[str, str] | None:
        """Art 36, in every case (the service refuses it, the record's check finds it): the field
        and the reason when the evaluator did the work it evaluates, or a third party names a
        department; None when the evaluation is independent."""
        department = self.evaluator_department
        if self.third_party and department is not None:
            return "evaluator_department", gettext("A third party entrusted with the evaluation is not a department.")
        if department is not None and (
            department.pk == lead_sponsor_id or "".join(department.name.split()) in assessors
        ):
            return "evaluator_department", gettext(
                "The evaluation must be done by someone other than the department that prepared the decision."
            )
        if "".join(self.evaluator.split()) in assessors:
            return "evaluator", gettext(
                "The evaluation must not be done by a unit that did the argument or the assessment before "
                "the decision: %(evaluator)s did."
            ) % {"evaluator": self.evaluator}
        return None
