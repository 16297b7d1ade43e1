"""The decision lifecycle (DESIGN.md, "Lifecycle contract"; state and transition names are API).

States and transitions are declared here; services (``decisions.services``) are in charge of
calling them: they lock the row, check the role, check the gates and record the event in one
transaction. The gates are also the transitions' conditions, so no code path that calls a
transition method directly can pass a closed gate either.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import GET_STATE, ConcurrentTransitionMixin, FSMField, transition

from decisions import lifecycle
from decisions.choices import (  # re-exported: decisions.models is where the app's names are looked up
    OUTCOME_TARGET,
    SETTLED_STEP_STATES,
    Category,
    DecisionState,
    DepartmentKind,
    MeetingOutcome,
    Role,
    StepKind,
    StepState,
)


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


# --------------------------------------------------------------------------- organisation


class Government(TimeStamped):
    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        COUNTY = "county", _("County")

    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent government"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    short_name = models.CharField(
        _("short name"), max_length=10, help_text=_("Used in document numbers, e.g. the X in X司法审〔2026〕17号.")
    )

    class Meta:
        ordering = ["level", "name"]
        verbose_name = _("government")
        verbose_name_plural = _("governments")
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="government_unique_name")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        order: list[str] = [self.Level.PROVINCE, self.Level.CITY, self.Level.COUNTY]
        if self.parent and order.index(self.parent.level) >= order.index(self.level):
            raise ValidationError({"parent": _("A government can only be nested under a higher level.")})


class Department(TimeStamped):
    Kind = DepartmentKind

    government = models.ForeignKey(
        Government, verbose_name=_("government"), on_delete=models.PROTECT, related_name="departments"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SPONSOR)

    class Meta:
        ordering = ["government", "kind", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(fields=["government", "name"], name="department_unique_name"),
            # One legal office and one government office per government.
            models.UniqueConstraint(
                fields=["government", "kind"],
                condition=~Q(kind="sponsor"),
                name="department_one_office_of_each_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name


# Which department kind each role belongs to; a membership outside it is refused.
ROLE_DEPARTMENT_KIND = {
    Role.SPONSOR_CLERK: Department.Kind.SPONSOR,
    Role.SPONSOR_HEAD: Department.Kind.SPONSOR,
    Role.LEGAL_REVIEWER: Department.Kind.LEGAL_OFFICE,
    Role.LEGAL_HEAD: Department.Kind.LEGAL_OFFICE,
    Role.LEGAL_ADVISER: Department.Kind.LEGAL_OFFICE,
    Role.EXPERT: Department.Kind.SPONSOR,
    Role.GOVERNMENT_OFFICE: Department.Kind.GOVERNMENT_OFFICE,
    Role.LEADER: Department.Kind.GOVERNMENT_OFFICE,
}


class Membership(TimeStamped):
    """A user's role in a department: user x department x role."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["department", "role", "user"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "department", "role"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.department} · {self.get_role_display()}"

    def clean(self) -> None:
        expected = ROLE_DEPARTMENT_KIND[Role(self.role)]
        if self.department_id and self.department.kind != expected:
            raise ValidationError(
                {"role": _("This role belongs to a department of kind “%(kind)s”.") % {"kind": expected.label}}
            )


class RuleSettings(TimeStamped):
    """A government's overrides of the national numbers; blank means inherit (see decisions.rules)."""

    government = models.OneToOneField(
        Government, verbose_name=_("government"), on_delete=models.CASCADE, related_name="rule_settings"
    )
    min_comment_period_days = models.PositiveSmallIntegerField(
        _("minimum public comment period (calendar days, Art 15)"), null=True, blank=True
    )
    hearing_materials_lead_days = models.PositiveSmallIntegerField(
        _("hearing materials sent before the hearing (calendar days, Art 16)"), null=True, blank=True
    )
    min_review_working_days = models.PositiveSmallIntegerField(
        _("minimum legality review time (working days, Art 26)"), null=True, blank=True
    )
    max_review_working_days = models.PositiveSmallIntegerField(
        _("maximum legality review time (working days, local rule)"), null=True, blank=True
    )
    review_extension_working_days = models.PositiveSmallIntegerField(
        _("legality review extension (working days, local rule)"), null=True, blank=True
    )
    reminder_lead_working_days = models.JSONField(
        _("reminder lead times (working days before the due date)"), null=True, blank=True
    )
    remind_on_due_day = models.BooleanField(_("remind on the due day"), null=True, blank=True)
    remind_daily_when_overdue = models.BooleanField(_("remind daily when overdue"), null=True, blank=True)
    escalate_to_leader_after_working_days = models.PositiveSmallIntegerField(
        _("escalate overdue work to the leader after (working days)"), null=True, blank=True
    )
    deferral_limit_days = models.PositiveSmallIntegerField(
        _("deferral after which a decision leaves the catalogue (days)"), null=True, blank=True
    )
    supplement_time_counts = models.BooleanField(
        _("time waiting for supplementary materials counts toward the review"), null=True, blank=True
    )
    second_review_enabled = models.BooleanField(
        _("second review of the final text before publication"), null=True, blank=True
    )

    class Meta:
        ordering = ["government"]
        verbose_name = _("rule settings")
        verbose_name_plural = _("rule settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_review_working_days__isnull=True)
                | Q(max_review_working_days__isnull=True)
                | Q(max_review_working_days__gte=models.F("min_review_working_days")),
                name="rule_settings_review_max_not_below_min",
            ),
        ]

    def __str__(self) -> str:
        return str(self.government)

    def clean(self) -> None:
        leads = self.reminder_lead_working_days
        if leads is not None and (
            not isinstance(leads, list) or not all(isinstance(v, int) and 0 < v <= 30 for v in leads)
        ):
            raise ValidationError(
                {"reminder_lead_working_days": _("Give a list of whole numbers of working days, e.g. [3, 1].")}
            )


# --------------------------------------------------------------------------- the decision


def _outcome_target(decision: Decision, outcome: str, **kwargs: object) -> str:
    return OUTCOME_TARGET[MeetingOutcome(outcome)]


# django_fsm types a condition as Callable[[Model], bool]; each of these checks one model.
def _gate(name: str) -> Callable[[Any], bool]:
    """The transition's condition: its gates (decisions.gates) all open. The model layer refuses
    what the services refuse, so no code path that calls a transition method passes a closed gate."""

    def check(decision: Decision) -> bool:
        from decisions import gates  # the gates read these models: imported when first checked

        return not gates.refusals(name, decision)

    check.__name__ = f"gate_{name}"
    return check


def _step_gate(name: str) -> Callable[[Any], bool]:
    def check(step: ProcedureStep) -> bool:
        from decisions import gates  # as in _gate

        return not gates.step_refusals(name, step)

    check.__name__ = f"step_gate_{name}"
    return check


def _fsm(name: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """django-fsm's ``transition`` for the decision's transition ``name``, from its spec."""
    spec = lifecycle.TRANSITIONS[name]
    target: str | GET_STATE = (
        spec.target if spec.target is not None else GET_STATE(_outcome_target, states=list(spec.targets))
    )
    source = list(spec.source) if len(spec.source) > 1 else spec.source[0]
    return transition(field="state", source=source, target=target, conditions=[_gate(name)])


class Decision(ConcurrentTransitionMixin, TimeStamped):
    government = models.ForeignKey(
        Government, verbose_name=_("government"), on_delete=models.PROTECT, related_name="decisions"
    )
    code = models.CharField(_("code"), max_length=20, help_text=_("Year and sequence, e.g. 2026-007."))
    catalogue_year = models.PositiveSmallIntegerField(_("catalogue year"))
    sequence = models.PositiveIntegerField(_("sequence in the year"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    category = models.CharField(_("category (Art 3)"), max_length=20, choices=Category.choices)
    lead_sponsor = models.ForeignKey(
        Department, verbose_name=_("lead sponsor"), on_delete=models.PROTECT, related_name="led_decisions"
    )
    co_sponsors = models.ManyToManyField(
        Department, verbose_name=_("co-sponsors"), blank=True, related_name="co_sponsored_decisions"
    )
    decision_body = models.CharField(_("decision body"), max_length=100)
    in_catalogue = models.BooleanField(_("in the yearly public catalogue (Art 3)"), default=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    state = FSMField(
        _("state"), max_length=20, choices=DecisionState.choices, default=DecisionState.PROPOSED, protected=True
    )
    executing_unit = models.ForeignKey(
        Department,
        verbose_name=_("executing unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="executed_decisions",
    )
    deferred_on = models.DateField(_("deferred on"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-catalogue_year", "-sequence"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.UniqueConstraint(fields=["government", "code"], name="decision_unique_code"),
            models.UniqueConstraint(
                fields=["government", "catalogue_year", "sequence"], name="decision_unique_sequence"
            ),
        ]
        indexes = [models.Index(fields=["government", "state"], name="decision_gov_state")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    # The transitions, wired from their specs (decisions.lifecycle: source, target, gates). Their
    # bodies are empty on purpose: the services own the side effects.
    @_fsm("start")
    def start(self) -> None:
        """Art 10–11: the decision body starts the procedure and names the lead sponsor."""

    @_fsm("submit_for_review")
    def submit_for_review(self) -> None:
        """Art 25: only with all three preparatory steps settled."""

    @_fsm("return_for_revision")
    def return_for_revision(self) -> None:
        """Art 26: incomplete material or an unlawful draft goes back to the sponsor."""

    @_fsm("clear_for_meeting")
    def clear_for_meeting(self) -> None:
        """Art 25: no draft reaches the meeting without an issued review that allows it."""

    @_fsm("record_outcome")
    def record_outcome(self, outcome: str) -> None:
        """Art 29–30: the collective discussion's outcome."""

    @_fsm("resume")
    def resume(self) -> None:
        """A deferred decision goes back on the meeting agenda."""

    @_fsm("publish")
    def publish(self) -> None:
        """Art 32: publication through the gazette and the website."""

    @_fsm("begin_implementation")
    def begin_implementation(self) -> None:
        """Art 34: an executing unit is named."""

    @_fsm("suspend")
    def suspend(self) -> None:
        """Art 37: suspension by the head."""

    @_fsm("resume_implementation")
    def resume_implementation(self) -> None:
        """Art 37: implementation resumes."""

    @_fsm("adjust")
    def adjust(self) -> None:
        """Art 37: a major adjustment repeats the procedure."""

    @_fsm("withdraw")
    def withdraw(self) -> None:
        """Stopped before a decision."""

    @_fsm("archive")
    def archive(self) -> None:
        """Art 33: the one-file-per-decision record is closed."""


DECISION_TRANSITIONS = lifecycle.TRANSITION_NAMES
assert all(callable(getattr(Decision, name, None)) for name in DECISION_TRANSITIONS), "a spec without its method"


# --------------------------------------------------------------------------- preparatory steps


class ProcedureStep(ConcurrentTransitionMixin, TimeStamped):
    """One of the three preparatory steps of a decision; each ends done or waived (不适用)."""

    decision = models.ForeignKey(Decision, verbose_name=_("decision"), on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=30, choices=StepKind.choices)
    state = FSMField(_("state"), max_length=20, choices=StepState.choices, default=StepState.PENDING, protected=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    waiver_reason = models.TextField(_("reason it does not apply"), blank=True)
    waiver_article = models.CharField(_("article relied on"), max_length=100, blank=True)
    waiver_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("waiver approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["decision", "kind"]
        verbose_name = _("procedure step")
        verbose_name_plural = _("procedure steps")
        constraints = [
            models.UniqueConstraint(fields=["decision", "kind"], name="step_one_of_each_kind"),
            models.CheckConstraint(
                condition=~Q(state="waived")
                | (Q(waiver_reason__gt="") & Q(waiver_article__gt="") & Q(waiver_approved_by__isnull=False)),
                name="step_waiver_has_reason_article_approver",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision.code} · {self.get_kind_display()}"

    @property
    def is_settled(self) -> bool:
        return self.state in SETTLED_STEP_STATES

    @transition(field=state, source=StepState.PENDING, target=StepState.IN_PROGRESS)
    def start(self) -> None:
        """The step begins."""

    @transition(field=state, source=StepState.IN_PROGRESS, target=StepState.DONE, conditions=[_step_gate("complete")])
    def complete(self) -> None:
        """A done step has its outputs (Art 15–18, 19–21, 22–24)."""

    @transition(
        field=state,
        source=[StepState.PENDING, StepState.IN_PROGRESS],
        target=StepState.WAIVED,
        conditions=[_step_gate("waive")],
    )
    def waive(self) -> None:
        """Not applicable: reason, article and approver on the record."""

    @transition(field=state, source=[StepState.DONE, StepState.WAIVED], target=StepState.IN_PROGRESS)
    def reopen(self) -> None:
        """The draft changed materially: the step is open again."""


STEP_TRANSITIONS = lifecycle.STEP_TRANSITIONS


class ParticipationRecord(TimeStamped):
    """Public participation outputs (Art 14–18)."""

    class Method(models.TextChoices):
        ONLINE_CALL = "online_call", _("Online call for comments")
        SYMPOSIUM = "symposium", _("Symposium")
        HEARING = "hearing", _("Hearing")
        QUESTIONNAIRE = "questionnaire", _("Questionnaire")
        FIELD_VISIT = "field_visit", _("Field visit")
        OTHER = "other", _("Other")

    step = models.OneToOneField(
        ProcedureStep, verbose_name=_("step"), on_delete=models.CASCADE, related_name="participation"
    )
    methods = models.JSONField(_("methods"), default=list, blank=True)
    call_published_on = models.DateField(_("call for comments published on"), null=True, blank=True)
    period_start = models.DateField(_("comment period starts"), null=True, blank=True)
    period_end = models.DateField(_("comment period ends"), null=True, blank=True)
    shortened_period_reason = models.TextField(
        _("reason for a shorter comment period (published with the call)"), blank=True
    )
    affected_groups_heard = models.TextField(_("specially affected groups heard"), blank=True)
    comments_count = models.PositiveIntegerField(_("comments received"), default=0)
    # Art 18: every comment is answered; the counts make the adoption rate reportable.
    comments_adopted = models.PositiveIntegerField(_("comments adopted"), default=0)
    comments_partly_adopted = models.PositiveIntegerField(_("comments partly adopted"), default=0)
    adoption_summary = models.TextField(
        _("adoption summary (adopted / partly / not adopted, with reasons)"), blank=True
    )
    hearing_date = models.DateField(_("hearing date"), null=True, blank=True)
    hearing_participants_published_on = models.DateField(
        _("hearing participant selection published on"), null=True, blank=True
    )
    hearing_materials_sent_on = models.DateField(_("hearing materials sent on"), null=True, blank=True)
    hearing_record = models.TextField(_("hearing record"), blank=True)
    hearing_record_signed = models.BooleanField(_("hearing record confirmed and signed"), default=False)

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
            ),
            models.CheckConstraint(
                condition=Q(comments_count__gte=models.F("comments_adopted") + models.F("comments_partly_adopted")),
                name="participation_adopted_within_received",
            ),
        ]

    def __str__(self) -> str:
        return str(self.step)

    @property
    def period_days(self) -> int | None:
        if self.period_start and self.period_end:
            return (self.period_end - self.period_start).days + 1
        return None


class ExpertOpinion(TimeStamped):
    """One expert's written, signed opinion (Art 19–21)."""

    class Handling(models.TextChoices):
        ADOPTED = "adopted", _("Adopted")
        PARTLY = "partly", _("Partly adopted")
        NOT_ADOPTED = "not_adopted", _("Not adopted")

    step = models.ForeignKey(
        ProcedureStep, verbose_name=_("step"), on_delete=models.CASCADE, related_name="expert_opinions"
    )
    expert_name = models.CharField(_("expert"), max_length=100)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    speciality = models.CharField(_("speciality"), max_length=100, blank=True)
    opinion = models.TextField(_("opinion (necessity, feasibility, soundness)"))
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    declared_interest = models.BooleanField(_("declared a direct interest"), default=False)
    interest_detail = models.TextField(_("interest declared"), blank=True)
    handling = models.CharField(_("handling"), max_length=20, choices=Handling.choices, blank=True)
    handling_reason = models.TextField(_("reason for the handling"), blank=True)

    class Meta:
        ordering = ["step", "created_at", "id"]
        verbose_name = _("expert opinion")
        verbose_name_plural = _("expert opinions")

    def __str__(self) -> str:
        return f"{self.expert_name} · {self.step}"

    @property
    def counts(self) -> bool:
        """Art 20: an expert with a direct interest is excluded and not counted."""
        return not self.declared_interest


class RiskAssessmentRecord(TimeStamped):
    """Risk assessment outputs (Art 22–24)."""

    class Level(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    step = models.OneToOneField(ProcedureStep, verbose_name=_("step"), on_delete=models.CASCADE, related_name="risk")
    assessor = models.CharField(_("assessor"), max_length=200, blank=True)
    third_party = models.BooleanField(_("done by a third party"), default=False)
    risk_points = models.TextField(_("risk points"), blank=True)
    measures = models.TextField(_("prevention and mitigation measures"), blank=True)
    contingency_plan = models.TextField(_("contingency plan"), blank=True)
    level = models.CharField(_("risk level"), max_length=10, choices=Level.choices, blank=True)
    controllable = models.BooleanField(_("judged controllable"), null=True, blank=True)

    class Meta:
        ordering = ["step"]
        verbose_name = _("risk assessment record")
        verbose_name_plural = _("risk assessment records")

    def __str__(self) -> str:
        return str(self.step)


# --------------------------------------------------------------------------- after the review


class Meeting(TimeStamped):
    """A collective discussion of the decision (Art 29–31)."""

    class Type(models.TextChoices):
        EXECUTIVE = "executive", _("Executive meeting")
        PLENARY = "plenary", _("Plenary meeting")

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="meetings"
    )
    meeting_type = models.CharField(_("meeting type"), max_length=20, choices=Type.choices)
    held_on = models.DateField(_("held on"))
    attendees = models.TextField(_("attendees"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=MeetingOutcome.choices)
    head_final_statement = models.TextField(_("head's final statement (the head speaks last)"))
    head_against_majority = models.BooleanField(_("the head decided against the majority"), default=False)
    head_reasons = models.TextField(_("reasons given by the head"), blank=True)
    dissent = models.TextField(_("dissent, as said"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["decision", "held_on", "id"]
        verbose_name = _("meeting record")
        verbose_name_plural = _("meeting records")
        constraints = [
            models.CheckConstraint(
                condition=Q(head_against_majority=False) | Q(head_reasons__gt=""),
                name="meeting_head_against_majority_gives_reasons",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision.code} · {self.held_on}"


class Publication(TimeStamped):
    """Art 32: publication through the gazette and the website."""

    decision = models.OneToOneField(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="publication"
    )
    published_on = models.DateField(_("published on"))
    document_number = models.CharField(_("document number"), max_length=100)
    in_gazette = models.BooleanField(_("in the government gazette"), default=False)
    website_url = models.URLField(_("website address"), blank=True)

    class Meta:
        ordering = ["-published_on"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        constraints = [
            models.CheckConstraint(
                condition=Q(in_gazette=True) | Q(website_url__gt=""), name="publication_has_a_channel"
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
    progress = models.TextField(_("progress"))
    public_feedback = models.TextField(_("public feedback received"), blank=True)
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
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)

    class Meta:
        ordering = ["decision", "created_at"]
        verbose_name = _("post-decision evaluation")
        verbose_name_plural = _("post-decision evaluations")

    def __str__(self) -> str:
        return f"{self.decision.code} · {self.get_trigger_display()}"


# --------------------------------------------------------------------------- files and history


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
    comment = models.TextField(_("comment"), blank=True)
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


# --------------------------------------------------------------------------- the working-day calendar
# (Chinese working days: decisions.workdays; the clocks that count them are the deadlines app's)


class CalendarDay(TimeStamped):
    """An administrator's entry of the holiday schedule; it wins over the chinesecalendar package.

    A year with at least one row counts as entered: load the State Council's notice for a year
    whole (``manage.py load_holidays``) rather than day by day. See ``decisions.workdays``.
    """

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=50, blank=True, help_text=_("e.g. 国庆节, 国庆节调休上班"))
    note = models.CharField(_("source"), max_length=200, blank=True, help_text=_("e.g. the notice's number"))

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday schedule day")
        verbose_name_plural = _("holiday schedule days")

    def __str__(self) -> str:
        kind = _("working day") if self.is_working_day else _("day off")
        return f"{self.date} {kind} {self.name}".strip()


# The API's token model is part of this app (its table is decisions_apitoken) but lives beside the
# API's machinery; Django finds an app's models through this module, and that model imports the
# organisation models above, so it is imported last.
from decisions.api.models import ApiToken  # noqa: E402,F401
