"""The decision and its three preparatory steps, as state machines (DESIGN.md, "Lifecycle
contract"; state and transition names are API).

States and transitions are declared here and wired from their specs (``decisions.lifecycle``);
services (``decisions.services``) are in charge of calling them: they lock the row, check the role,
check the gates and record the event in one transaction. The gates are also the transitions'
conditions, so no code path that calls a transition method directly can pass a closed gate either.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import GET_STATE, ConcurrentTransitionMixin, FSMField, transition

from decisions import lifecycle, limits
from decisions.choices import (
    OUTCOME_TARGET,
    SETTLED_STEP_STATES,
    Category,
    DecisionState,
    MeetingOutcome,
    StepKind,
    StepState,
)
from decisions.models.base import TimeStamped
from decisions.models.organisation import Department, Government


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
    summary = models.TextField(_("summary"), blank=True, max_length=limits.TEXT_MAX_LENGTH)
    category = models.CharField(_("category (Art 3)"), max_length=20, choices=Category.choices)
    lead_sponsor = models.ForeignKey(
        Department, verbose_name=_("lead sponsor"), on_delete=models.PROTECT, related_name="led_decisions"
    )
    co_sponsors = models.ManyToManyField(
        Department, verbose_name=_("co-sponsors"), blank=True, related_name="co_sponsored_decisions"
    )
    decision_body = models.CharField(_("decision body"), max_length=100)
    # Kept by the catalogue's services (decisions.services.catalogue): true while a published
    # catalogue holds the decision (Art 3). Registering never sets it.
    in_catalogue = models.BooleanField(_("in the yearly public catalogue (Art 3)"), default=False)
    legal_basis = models.TextField(_("legal basis"), blank=True, max_length=limits.TEXT_MAX_LENGTH)
    # The government's kind of matter; one that requires a hearing holds the participation step
    # until a hearing is held with its record confirmed (Art 16, decisions.gates).
    matter_type = models.ForeignKey(
        "decisions.MatterType",
        verbose_name=_("matter type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )
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
            models.UniqueConstraint(
                fields=["government", "code"],
                name="decision_unique_code",
                violation_error_message=_("This government already has a decision with this number."),
            ),
            models.UniqueConstraint(
                fields=["government", "catalogue_year", "sequence"],
                name="decision_unique_sequence",
                violation_error_message=_("This place in the year's catalogue is already taken."),
            ),
        ]
        indexes = [
            models.Index(fields=["government", "state"], name="decision_gov_state"),
            # The API's keyset order (decisions.api.pagination): a page reads 51 index entries
            # instead of sorting every visible decision.
            models.Index(fields=["-created_at", "-id"], name="decision_created_keyset"),
            # The same order within one state (the lists' most used filter): a page of one state
            # reads its own index entries instead of walking the whole order past the others.
            models.Index(fields=["state", "-created_at", "-id"], name="decision_state_keyset"),
            # The lists' default order (newest catalogue first, ``selectors.LIST_ORDERS``), read
            # backwards: a leader's page reads its 25 rows instead of sorting every decision seen.
            models.Index(fields=["-catalogue_year", "-sequence"], name="decision_catalogue_order"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def publication(self) -> Any:
        """The latest publication (Art 32), or None; reads the prefetched ones when there are."""
        publications = list(self.publications.all())
        return publications[-1] if publications else None

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


class ProcedureStep(ConcurrentTransitionMixin, TimeStamped):
    """One of the three preparatory steps of a decision; each ends done or waived (不适用)."""

    decision = models.ForeignKey(Decision, verbose_name=_("decision"), on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=30, choices=StepKind.choices)
    state = FSMField(_("state"), max_length=20, choices=StepState.choices, default=StepState.PENDING, protected=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    waiver_reason = models.TextField(_("reason it does not apply"), blank=True, max_length=limits.REASON_MAX_LENGTH)
    waiver_article = models.CharField(_("article relied on"), max_length=100, blank=True)
    waiver_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("waiver approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The approved request the waiver stands on (its basis, note and requester); blank for a waiver
    # recorded before waivers were requested and approved.
    waiver_request = models.ForeignKey(
        "decisions.WaiverRequest",
        verbose_name=_("waiver request"),
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
            models.UniqueConstraint(
                fields=["decision", "kind"],
                name="step_one_of_each_kind",
                violation_error_message=_("The decision already has this preparatory step."),
            ),
            models.CheckConstraint(
                condition=~Q(state="waived")
                | (Q(waiver_reason__gt="") & Q(waiver_article__gt="") & Q(waiver_approved_by__isnull=False)),
                name="step_waiver_has_reason_article_approver",
                violation_error_message=_(
                    "A step marked not applicable needs its reason, its legal basis and who approved it."
                ),
            ),
        ]
        indexes = [
            # The steps marked not applicable, by decision: a few among a province's 300,000 steps,
            # read by the overview's list of them and the annual figures without scanning the rest.
            models.Index(fields=["decision"], condition=Q(state="waived"), name="step_waived"),
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
        """Not applicable: reason, article and approver on the record, from the request the
        approver approved (decisions.services.waivers)."""

    @transition(field=state, source=[StepState.DONE, StepState.WAIVED], target=StepState.IN_PROGRESS)
    def reopen(self) -> None:
        """The draft changed materially: the step is open again."""


STEP_TRANSITIONS = lifecycle.STEP_TRANSITIONS


def step_state_pairs() -> frozenset[tuple[str, str]]:
    """Every (from, to) of a step's state its state machine allows: what the database lets a raw
    UPDATE of ``decisions_procedurestep.state`` do (migration 0016 reads this when it runs)."""
    field = ProcedureStep._meta.get_field("state")
    return frozenset((str(t.source), str(t.target)) for t in field.get_all_transitions(ProcedureStep))
