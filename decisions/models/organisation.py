"""Governments (province > city > county), their departments, who holds which role, and each
government's rule settings (Art 43: provinces may add detail; settings tighten, never loosen)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from decisions.choices import DepartmentKind, Role, WaiverApprover
from decisions.models.base import TimeStamped
from decisions.rules import BINDING_SWITCHES, BOUNDS, FLOORS, STRICTEST_BINDS, rules_for


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
    # Art 37 (and Art 30: the head speaks last at the meeting): the government's head (行政首长), one
    # of its leaders, named by the government office. Urgent suspension is the head's alone.
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("government head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The head of the government (行政首长): one of its leaders."),
    )

    class Meta:
        ordering = ["level", "name"]
        verbose_name = _("government")
        verbose_name_plural = _("governments")
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"],
                name="government_unique_name",
                violation_error_message=_("A government of this name already exists at this level."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        order: list[str] = [self.Level.PROVINCE, self.Level.CITY, self.Level.COUNTY]
        if self.parent and order.index(self.parent.level) >= order.index(self.level):
            raise ValidationError({"parent": _("A government can only be nested under a higher level.")})
        if self.head_id is not None and not self.head_is_leader():
            raise ValidationError({"head": _("The government head must hold the leader role in this government.")})

    def head_is_leader(self) -> bool:
        """Art 37: the head is one of the government's leaders (a membership of the leader role in
        one of its departments)."""
        return (
            self.pk is not None
            and self.head_id is not None
            and Membership.objects.filter(user_id=self.head_id, department__government=self, role=Role.LEADER).exists()
        )


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
            models.UniqueConstraint(
                fields=["government", "name"],
                name="department_unique_name",
                violation_error_message=_("This government already has a department of this name."),
            ),
            # One legal office and one government office per government.
            models.UniqueConstraint(
                fields=["government", "kind"],
                condition=~Q(kind="sponsor"),
                name="department_one_office_of_each_kind",
                violation_error_message=_("This government already has an office of this kind."),
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
            models.UniqueConstraint(
                fields=["user", "department", "role"],
                name="membership_unique",
                violation_error_message=_("This person already holds this role in this department."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.department} · {self.get_role_display()}"

    def clean(self) -> None:
        expected = ROLE_DEPARTMENT_KIND[Role(self.role)]
        if self.department_id and self.department.kind != expected:
            raise ValidationError(
                {"role": _("This role belongs to a department of kind “%(kind)s”.") % {"kind": expected.label}}
            )


class Expert(TimeStamped):
    """An expert of a government's pool (Art 19–20): who they are, what they know, and the ties they
    declared, by which an argument of a department they are tied to excludes them."""

    government = models.ForeignKey(
        Government, verbose_name=_("government"), on_delete=models.PROTECT, related_name="experts"
    )
    name = models.CharField(_("name"), max_length=100)
    field = models.CharField(_("field of expertise"), max_length=100)
    title = models.CharField(_("professional title"), max_length=100, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expert",
        help_text=_("A person holding the expert role in this government, who signs opinions in their own login."),
    )
    related_departments = models.ManyToManyField(
        Department,
        verbose_name=_("departments the expert works for or has ties with"),
        blank=True,
        related_name="tied_experts",
    )
    declared_interests = models.TextField(_("other declared interests"), blank=True, max_length=2000)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["government", "name", "id"]
        verbose_name = _("expert")
        verbose_name_plural = _("expert pool")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "name", "organisation"],
                name="expert_unique_in_pool",
                violation_error_message=_("This pool already has an expert of this name and organisation."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.organisation}）" if self.organisation else self.name

    def clean(self) -> None:
        # The login is a person who holds the expert role in this government, so an expert signs in
        # their own name and reads nothing else of the government's decisions.
        if self.user_id and self.government_id:
            holds_role = Membership.objects.filter(
                user_id=self.user_id, role=Role.EXPERT, department__government_id=self.government_id
            ).exists()
            if not holds_role:
                raise ValidationError({"user": _("This person does not hold the expert role in this government.")})


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
    hearing_notice_lead_days = models.PositiveSmallIntegerField(
        _("hearing notice published before the hearing (calendar days, Art 16)"), null=True, blank=True
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
    adviser_opinion_required = models.BooleanField(
        _("an issued legality opinion needs a legal adviser's signed opinion (Art 28)"), null=True, blank=True
    )
    min_independent_experts = models.PositiveSmallIntegerField(
        _("minimum independent experts per argument (Art 20)"), null=True, blank=True
    )
    waiver_approver = models.CharField(
        _("who approves a preparatory step's waiver"),
        max_length=20,
        choices=WaiverApprover.choices,
        blank=True,
        default="",
    )
    legal_office_attends_meeting = models.BooleanField(
        _("the legal office's head and the legal advisers attend the meeting (Art 30)"),
        null=True,
        blank=True,
        help_text=_("Set by a higher government, it binds the governments below it."),
    )
    party_committee_report_required = models.BooleanField(
        _("decisions are reported to the Party committee before publication (Art 31)"),
        null=True,
        blank=True,
        help_text=_("Set by a higher government, it binds the governments below it."),
    )
    execution_problem_answer_working_days = models.PositiveSmallIntegerField(
        _("an execution problem is answered within (working days, Art 35)"), null=True, blank=True
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
                violation_error_message=_("The maximum review time cannot be shorter than the minimum."),
            ),
            # Tighten, never loosen: no number below the law's floor, whatever road it comes by
            # (the admin is stopped by clean(), a raw UPDATE here).
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": floor.least}),
                    name=f"rule_settings_{name}_floor",
                    violation_error_message=_("A number is below the minimum the law allows."),
                )
                for name, floor in (FLOORS | BOUNDS).items()
            ),
        ]

    def __str__(self) -> str:
        return str(self.government)

    def clean(self) -> None:
        # Art 15, 16, 26 (and Art 43: provinces add detail, they do not take it away): a government
        # may tighten the national minimums, never loosen them. Each error names its article.
        errors: dict[str, ValidationError] = {}
        for name, floor in (FLOORS | BOUNDS).items():
            value = getattr(self, name)
            if isinstance(value, int) and value < floor.least:
                errors[name] = ValidationError(floor.message, code="below_floor", params={"least": floor.least})
        if self.government_id and self.government.parent_id:
            # Art 43: what a higher government tightened binds the governments below it.
            inherited = rules_for(self.government.parent)
            for name in sorted(STRICTEST_BINDS):
                value, least = getattr(self, name), getattr(inherited, name)
                if isinstance(value, int) and value < least and name not in errors:
                    errors[name] = ValidationError(
                        _(
                            "The government above sets at least %(least)s here: "
                            "a lower government may tighten it, never loosen it."
                        ),
                        code="below_parent",
                        params={"least": least},
                    )
            for name in BINDING_SWITCHES:
                if getattr(self, name) is False and getattr(inherited, name):
                    errors[name] = ValidationError(
                        _("The government above requires this: a lower government cannot turn it off."),
                        code="below_parent",
                    )
        leads = self.reminder_lead_working_days
        if leads is not None and (
            not isinstance(leads, list) or not all(isinstance(v, int) and 0 < v <= 30 for v in leads)
        ):
            errors["reminder_lead_working_days"] = ValidationError(
                _("Give a list of whole numbers of working days, e.g. [3, 1].")
            )
        minimum, maximum = self.min_review_working_days, self.max_review_working_days
        if (
            isinstance(minimum, int)
            and isinstance(maximum, int)
            and maximum < minimum
            and "max_review_working_days" not in errors
        ):
            errors["max_review_working_days"] = ValidationError(
                _("The maximum review time cannot be shorter than the minimum.")
            )
        if errors:
            raise ValidationError(errors)
