"""The lifecycle's vocabulary: states, steps, roles, outcomes, and the names of events and rules.

Plain ``TextChoices`` with no model behind them, so the lifecycle spec (``decisions.lifecycle``)
and the gates can use them without importing the models. ``decisions.models`` re-exports them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# --------------------------------------------------------------------------- organisation


class DepartmentKind(models.TextChoices):
    SPONSOR = "sponsor", _("Sponsoring department")
    LEGAL_OFFICE = "legal_office", _("Legal office")
    GOVERNMENT_OFFICE = "government_office", _("Government office")


class Role(models.TextChoices):
    SPONSOR_CLERK = "sponsor_clerk", _("Sponsor clerk")
    SPONSOR_HEAD = "sponsor_head", _("Sponsor head")
    LEGAL_REVIEWER = "legal_reviewer", _("Legal reviewer")
    LEGAL_HEAD = "legal_head", _("Legal office head")
    LEGAL_ADVISER = "legal_adviser", _("Legal adviser / public lawyer")
    EXPERT = "expert", _("Expert")
    GOVERNMENT_OFFICE = "government_office", _("Government office secretary")
    LEADER = "leader", _("Government leader")


# --------------------------------------------------------------------------- the decision


class DecisionState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")  # registered; the body has not started the procedure (Art 10)
    PREPARING = "preparing", _("Preparing the draft")  # procedure started, sponsor named (Art 11)
    LEGALITY_REVIEW = "legality_review", _("Under legality review")  # with the legal office (Art 25)
    AWAITING_DECISION = "awaiting_decision", _("Awaiting collective discussion")  # cleared (Art 28)
    DEFERRED = "deferred", _("Deferred")  # the meeting deferred it
    DECIDED = "decided", _("Decided")  # approved at the meeting (Art 30)
    REJECTED = "rejected", _("Rejected")  # the meeting rejected it
    PUBLISHED = "published", _("Published")  # Art 32
    IMPLEMENTING = "implementing", _("Implementing")  # executing unit named (Art 34)
    SUSPENDED = "suspended", _("Suspended")  # by the head (Art 37)
    WITHDRAWN = "withdrawn", _("Withdrawn")  # stopped before a decision
    ARCHIVED = "archived", _("Archived")  # one file per decision closed (Art 33)


# States a decision can only be in after passing both hard gates (legality review and meeting
# materials): the invariant the property tests check.
STATES_PAST_REVIEW = frozenset(
    {
        DecisionState.AWAITING_DECISION,
        DecisionState.DEFERRED,
        DecisionState.DECIDED,
        DecisionState.REJECTED,
        DecisionState.PUBLISHED,
        DecisionState.IMPLEMENTING,
        DecisionState.SUSPENDED,
    }
)
STATES_BEFORE_DECISION = (
    DecisionState.PROPOSED,
    DecisionState.PREPARING,
    DecisionState.LEGALITY_REVIEW,
    DecisionState.AWAITING_DECISION,
    DecisionState.DEFERRED,
)


class Category(models.TextChoices):
    """The kinds of major decision of Art 3."""

    PUBLIC_POLICY = "public_policy", _("Major public policy or measure (public services, market, society, environment)")
    DEVELOPMENT_PLAN = "development_plan", _("Important economic or social development plan")
    RESOURCES = "resources", _("Use or protection of important natural or cultural resources")
    CONSTRUCTION = "construction", _("Major public construction project")
    OTHER = "other", _("Other matter of major public interest")


class MeetingOutcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    REVISE = "revise", _("Revise the draft")
    DEFERRED = "deferred", _("Deferred")
    DISCUSS_AGAIN = "discuss_again", _("Discuss again")


OUTCOME_TARGET = {
    MeetingOutcome.APPROVED: DecisionState.DECIDED,
    MeetingOutcome.REJECTED: DecisionState.REJECTED,
    MeetingOutcome.DEFERRED: DecisionState.DEFERRED,
    MeetingOutcome.REVISE: DecisionState.PREPARING,
    # Not settled at this meeting: it waits for the next one.
    MeetingOutcome.DISCUSS_AGAIN: DecisionState.AWAITING_DECISION,
}


# --------------------------------------------------------------------------- preparatory steps


class StepKind(models.TextChoices):
    PUBLIC_PARTICIPATION = "public_participation", _("Public participation")  # Art 14–18
    EXPERT_ARGUMENT = "expert_argument", _("Expert argument")  # Art 19–21
    RISK_ASSESSMENT = "risk_assessment", _("Risk assessment")  # Art 22–24


STEP_ARTICLE = {
    StepKind.PUBLIC_PARTICIPATION: "Art 14",
    StepKind.EXPERT_ARGUMENT: "Art 19",
    StepKind.RISK_ASSESSMENT: "Art 22",
}


class StepState(models.TextChoices):
    PENDING = "pending", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    WAIVED = "waived", _("Not applicable")


SETTLED_STEP_STATES = (StepState.DONE, StepState.WAIVED)

# The steps in the law's order (Art 14–24), not the database's.
STEP_ORDER = {kind: index for index, kind in enumerate(StepKind.values)}
