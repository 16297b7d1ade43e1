"""Forms of the web UI. They only parse input; every rule is the services' (decisions.services), so a
form never saves anything itself and the model forms here are used for their fields and labels."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, cast

from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from decisions import lifecycle, limits
from decisions.models import (
    Attachment,
    Category,
    Decision,
    DecisionState,
    Department,
    DraftingRecord,
    Evaluation,
    ExecutionProblem,
    Expert,
    ExpertOpinion,
    ExpertSelection,
    Hearing,
    HearingParticipant,
    MatterType,
    Meeting,
    MeetingCorrection,
    MeetingOutcome,
    Membership,
    ParticipationRecord,
    RiskAssessmentRecord,
    Role,
    Stance,
    StepKind,
    WaiverBasis,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # the project uses Django's user model
    from django.db.models import QuerySet
    from django_stubs_ext import StrOrPromise


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _text(rows: int = 3, **attrs) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


def user_label(user) -> str:
    return user.get_full_name() or user.get_username()


# --------------------------------------------------------------------------- list and register


class ListSelect(forms.Select):
    """A select whose options are written in Python, in the markup of Django's widget templates,
    which render each option through a template of its own and escape it through lazy wrappers: a
    province's filter lists 270 departments, 17 ms a page that way. A select's options carry no
    attribute but ``selected`` (``option_inherits_attrs`` is False)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{escape(widget["name"])}"{flatatt(widget["attrs"])}>']
        for label, options, _index in widget["optgroups"]:
            if label:
                parts.append(f'<optgroup label="{escape(str(label))}">')
            parts.extend(
                f'<option value="{escape(str(option["value"]))}"{" selected" if option["selected"] else ""}>'
                f"{escape(str(option['label']))}</option>"
                for option in options
            )
            if label:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # every value and label escaped above


class ListFilterForm(forms.Form):
    """The filters every list of decisions offers (the decision list, the review queue): the
    catalogue year, the lead sponsor, the overdue ones, an order (``ORDERS``, the first the default)."""

    ORDERS: list[tuple[str, StrOrPromise]] = [("", _("Default order"))]

    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None, widget=ListSelect)
    department = forms.TypedChoiceField(
        label=_("Department"), required=False, coerce=int, empty_value=None, widget=ListSelect
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    sort = forms.ChoiceField(label=_("Order"), required=False, widget=ListSelect)

    def __init__(self, *args, years=(), departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years")), *[(y, y) for y in years]]
        self.fields["department"].choices = [("", _("All departments")), *[(d.pk, d.name) for d in departments]]
        self.fields["sort"].choices = self.ORDERS
        # The filters are shown without their labels: each says what it is to a screen reader.
        for name, field in self.fields.items():
            if name != "overdue":  # a checkbox keeps its visible label
                field.widget.attrs["aria-label"] = field.label

    def filters(self) -> dict:
        """The valid filters of a bound form (an unusable one is ignored, the others still apply)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data


class DecisionFilterForm(ListFilterForm):
    ORDERS = [
        ("", _("Newest first")),
        ("code", _("By code")),
        ("title", _("By title")),
        ("sponsor", _("By lead sponsor")),
        ("state", _("By state")),
        ("updated", _("Recently changed")),
    ]

    q = forms.CharField(label=_("Title or code"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("State"), required=False, widget=ListSelect)
    field_order = ["q", "year", "state", "department", "overdue", "sort"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Search title or code")
        self.fields["state"].choices = [("", _("All states")), *DecisionState.choices]


class DecisionRegisterForm(forms.Form):
    lead_sponsor = forms.ModelChoiceField(label=_("Lead sponsor"), queryset=Department.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ChoiceField(label=_("Category (Art 3)"), choices=Category.choices)
    catalogue_year = forms.IntegerField(label=_("Catalogue year"), min_value=2000, max_value=2100)
    decision_body = forms.CharField(label=_("Decision body"), max_length=100)
    summary = forms.CharField(label=_("Summary"), required=False, widget=_text(4), max_length=limits.TEXT_MAX_LENGTH)
    legal_basis = forms.CharField(
        label=_("Legal basis"), required=False, widget=_text(3), max_length=limits.TEXT_MAX_LENGTH
    )
    co_sponsors = forms.ModelMultipleChoiceField(
        label=_("Co-sponsors"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    matter_type = forms.ModelChoiceField(
        label=_("Matter type"),
        queryset=MatterType.objects.none(),
        required=False,
        help_text=_("A matter type that requires a hearing holds the public participation until one is held."),
    )

    def __init__(self, *args, lead_sponsors, co_sponsors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_sponsor"].queryset = lead_sponsors
        self.fields["co_sponsors"].queryset = co_sponsors
        self.fields["matter_type"].queryset = MatterType.objects.filter(
            government__in=lead_sponsors.values("government")
        )
        self.fields["catalogue_year"].initial = timezone.localdate().year
        sponsors = list(lead_sponsors)
        if len(sponsors) == 1:
            self.fields["lead_sponsor"].initial = sponsors[0].pk
        if sponsors:
            self.fields["decision_body"].initial = sponsors[0].government.name


class DecisionAmendForm(forms.Form):
    """The sponsor's correction of the description before submission (decision_amend)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ChoiceField(label=_("Category (Art 3)"), choices=Category.choices)
    decision_body = forms.CharField(label=_("Decision body"), max_length=100)
    summary = forms.CharField(label=_("Summary"), required=False, widget=_text(4), max_length=limits.TEXT_MAX_LENGTH)
    legal_basis = forms.CharField(
        label=_("Legal basis"), required=False, widget=_text(3), max_length=limits.TEXT_MAX_LENGTH
    )
    matter_type = forms.ModelChoiceField(label=_("Matter type"), queryset=MatterType.objects.none(), required=False)
    reason = forms.CharField(label=_("Reason for the amendment"), widget=_text(2), max_length=limits.REASON_MAX_LENGTH)

    def __init__(self, *args, decision: Decision, **kwargs):
        super().__init__(*args, **kwargs)
        matter_type = cast(forms.ModelChoiceField, self.fields["matter_type"])
        matter_type.queryset = MatterType.objects.filter(government_id=decision.government_id)


class ChangeSponsorsForm(forms.Form):
    """The government moves a decision to other sponsoring departments (decision_change_sponsors)."""

    lead_sponsor = forms.ModelChoiceField(label=_("Lead sponsor"), queryset=Department.objects.none())
    co_sponsors = forms.ModelMultipleChoiceField(
        label=_("Co-sponsors"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(label=_("Reason for the change"), widget=_text(2), max_length=limits.REASON_MAX_LENGTH)

    def __init__(self, *args, decision, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Department.objects.filter(government_id=decision.government_id, kind=Department.Kind.SPONSOR)
        self.fields["lead_sponsor"].queryset = departments
        self.fields["co_sponsors"].queryset = departments


# --------------------------------------------------------------------------- decision transitions


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, widget=_text(2), max_length=limits.REASON_MAX_LENGTH
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=_text(2), max_length=limits.REASON_MAX_LENGTH)


class MeetingPositionForm(forms.Form):
    """Art 30: one member's position, as said. A row left blank is no member."""

    name = forms.CharField(label=_("Member"), max_length=100, required=False)
    user = forms.TypedChoiceField(label=_("Account (optional)"), required=False, coerce=int, empty_value=None)
    position = forms.ChoiceField(label=_("Position"), choices=[("", "---------"), *Stance.choices], required=False)
    reasons = forms.CharField(
        label=_("Reasons given"), required=False, widget=_text(1), max_length=limits.TEXT_MAX_LENGTH
    )
    is_head = forms.BooleanField(label=_("Head (speaks last)"), required=False)

    def __init__(self, *args, accounts=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["user"]).choices = [("", "---------"), *accounts]


class BaseMeetingPositionFormSet(forms.BaseFormSet):
    def positions(self) -> list[dict]:
        """The filled rows, in the order given; the service checks them (Art 30)."""
        return [
            {key: value for key, value in form.cleaned_data.items() if value not in (None, "")}
            for form in self.forms
            if form.has_changed() and form.cleaned_data
        ]


# Rows enough for an executive meeting's members; a blank row is ignored. No script is needed.
MeetingPositionFormSet = forms.formset_factory(
    MeetingPositionForm, formset=BaseMeetingPositionFormSet, extra=12, max_num=60, validate_max=True
)


class RecordOutcomeForm(forms.Form):
    """Art 29–30: the meeting's record, with each member's position (a row each); the service
    refuses what the law refuses. Whether the head went against the majority is computed there."""

    outcome = forms.ChoiceField(label=_("Outcome"), choices=MeetingOutcome.choices)
    meeting_type = forms.ChoiceField(label=_("Meeting type"), choices=Meeting.Type.choices)
    held_on = forms.DateField(label=_("Held on"), widget=DateInput(), initial=timezone.localdate)
    head_final_statement = forms.CharField(
        label=_("Head's final statement (the head speaks last)"), widget=_text(2), max_length=limits.TEXT_MAX_LENGTH
    )
    head_reasons = forms.CharField(
        label=_("Reasons given by the head"),
        required=False,
        widget=_text(2),
        help_text=_("Required when the head decides against the majority of the members (Art 30)."),
        max_length=limits.TEXT_MAX_LENGTH,
    )
    attendees = forms.CharField(
        label=_("Others present (sitting in)"), required=False, widget=_text(1), max_length=limits.REASON_MAX_LENGTH
    )
    legal_office_attendee = forms.CharField(
        label=_("Attended for the legal office (its head)"),
        required=False,
        max_length=100,
        help_text=_("Required where the government's practice has the legal office attend the meeting (Art 30)."),
    )
    legal_advisers_present = forms.CharField(
        label=_("Legal advisers and public lawyers present"),
        required=False,
        widget=_text(1),
        max_length=limits.REASON_MAX_LENGTH,
    )
    dissent = forms.CharField(
        label=_("Further dissent, as said"), required=False, widget=_text(2), max_length=limits.TEXT_MAX_LENGTH
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, widget=_text(2), max_length=limits.REASON_MAX_LENGTH
    )

    def __init__(self, *args, decision, **kwargs):
        super().__init__(*args, **kwargs)
        leaders = (
            Membership.objects.filter(department__government_id=decision.government_id, role=Role.LEADER)
            .select_related("user")
            .order_by("user__last_name", "user__first_name", "user__username")
        )
        accounts = list(dict.fromkeys((m.user_id, user_label(m.user)) for m in leaders))
        self.positions = MeetingPositionFormSet(
            data=self.data if self.is_bound else None,
            prefix=f"{self.prefix}-positions",
            form_kwargs={"accounts": accounts},
        )
        # Shown by decisions/_form.html after the fields.
        self.formsets = [self.positions]

    def clean(self):
        data = super().clean()
        if not self.positions.is_valid():
            raise forms.ValidationError(_("Check the members' positions."))
        data["positions"] = self.positions.positions()
        return data


class PublishForm(forms.Form):
    """Art 32: where and under which number the decision was published."""

    published_on = forms.DateField(label=_("Published on"), widget=DateInput(), initial=timezone.localdate)
    document_number = forms.CharField(label=_("Document number"), max_length=100)
    in_gazette = forms.BooleanField(label=_("In the government gazette"), required=False)
    website_url = forms.URLField(
        label=_("Website address"), required=False, assume_scheme="https", max_length=limits.LINE_MAX_LENGTH
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, widget=_text(2), max_length=limits.REASON_MAX_LENGTH
    )


class BeginImplementationForm(forms.Form):
    """Art 34: the executing unit."""

    executing_unit = forms.ModelChoiceField(label=_("Executing unit"), queryset=Department.objects.none())
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, widget=_text(2), max_length=limits.REASON_MAX_LENGTH
    )

    def __init__(self, *args, decision, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["executing_unit"]
        field.queryset = Department.objects.filter(government_id=decision.government_id).order_by("kind", "name")
        field.initial = decision.lead_sponsor_id


# transition name -> the form of its payload (DESIGN.md lifecycle contract).
# One form per input shape of the lifecycle spec (decisions.lifecycle.Inputs).
INPUT_FORMS: dict[str, type[forms.Form]] = {
    lifecycle.Inputs.COMMENT: CommentForm,
    lifecycle.Inputs.REASON: ReasonForm,
    lifecycle.Inputs.RECORD_OUTCOME: RecordOutcomeForm,
    lifecycle.Inputs.PUBLISH: PublishForm,
    lifecycle.Inputs.BEGIN_IMPLEMENTATION: BeginImplementationForm,
}
assert set(INPUT_FORMS) == set(lifecycle.Inputs.ALL)
TRANSITION_FORMS: dict[str, type[forms.Form]] = {
    name: INPUT_FORMS[spec.inputs] for name, spec in lifecycle.TRANSITIONS.items()
}


def transition_form(name: str, decision, data=None, prefix: str | None = None) -> forms.Form:
    form_class = TRANSITION_FORMS[name]
    kwargs = {"data": data, "prefix": prefix or f"t-{name}"}
    if form_class in (BeginImplementationForm, RecordOutcomeForm):
        kwargs["decision"] = decision
    return form_class(**kwargs)


# --------------------------------------------------------------------------- preparatory steps


class StepCommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, widget=_text(2), max_length=limits.REASON_MAX_LENGTH
    )


class StepReopenForm(forms.Form):
    reason = forms.CharField(label=_("What changed in the draft"), widget=_text(2), max_length=limits.REASON_MAX_LENGTH)


class WaiverRequestForm(forms.Form):
    """Asking for not applicable (不适用): the reason, a legal basis from the maintained list (a note
    beside it at most, never free text alone), and who is to approve it."""

    reason = forms.CharField(label=_("Reason it does not apply"), widget=_text(2), max_length=limits.REASON_MAX_LENGTH)
    basis = forms.TypedChoiceField(label=_("Legal basis"), coerce=int)
    basis_note = forms.CharField(
        label=_("Note on the legal basis (optional)"),
        required=False,
        widget=_text(2),
        help_text=_("An addition to the basis chosen above, e.g. the fact it applies to."),
        max_length=limits.REASON_MAX_LENGTH,
    )
    approver = forms.TypedChoiceField(
        label=_("To be approved by"),
        coerce=int,
        help_text=_("The request goes to this person, who approves or refuses it in their own login."),
    )

    def __init__(self, *args, approvers: list[Membership], bases: list[WaiverBasis], **kwargs):
        super().__init__(*args, **kwargs)
        # Imported here: decisions.presentation imports this module.
        from decisions.presentation import article_label

        self._bases = {basis.pk: basis for basis in bases}
        basis_choices: list[tuple[int | str, str]] = [("", "---------")]
        basis_choices += [(basis.pk, f"{article_label(basis.citation)} {basis.title}") for basis in bases]
        cast(forms.TypedChoiceField, self.fields["basis"]).choices = basis_choices  # the field declared above
        self._users: dict[int, User] = {}
        choices: list[tuple[int | str, str]] = [("", "---------")]
        for membership in approvers:
            if membership.user_id not in self._users:
                self._users[membership.user_id] = membership.user
                label = (
                    f"{user_label(membership.user)} · {membership.department.name} · {membership.get_role_display()}"
                )
                choices.append((membership.user_id, label))
        cast(forms.TypedChoiceField, self.fields["approver"]).choices = choices  # the field declared above

    def clean_basis(self):
        return self._bases[self.cleaned_data["basis"]]

    def clean_approver(self):
        return self._users[self.cleaned_data["approver"]]


STEP_ACTION_FORMS: dict[str, type[forms.Form]] = {
    "start": StepCommentForm,
    "complete": StepCommentForm,
    "waive": WaiverRequestForm,
    "reopen": StepReopenForm,
}


def step_action_form(kind: str, action: str, *, approvers, bases=(), data=None) -> forms.Form:
    form_class = STEP_ACTION_FORMS[action]
    kwargs = {"data": data, "prefix": f"s-{kind}-{action}"}
    if form_class is WaiverRequestForm:
        kwargs["approvers"] = approvers
        kwargs["bases"] = list(bases)
    return form_class(**kwargs)


class WaiverApproveForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"), required=False, widget=_text(2), max_length=limits.REASON_MAX_LENGTH
    )


class WaiverRefuseForm(forms.Form):
    reason = forms.CharField(label=_("Why the waiver is refused"), widget=_text(2), max_length=limits.REASON_MAX_LENGTH)


class WaiverWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the request is withdrawn (optional)"),
        required=False,
        widget=_text(2),
        max_length=limits.REASON_MAX_LENGTH,
    )


# The approver's and the requester's answers to a waiver request (decisions.services.waivers).
WAIVER_DECISION_FORMS: dict[str, type[forms.Form]] = {
    "approve": WaiverApproveForm,
    "refuse": WaiverRefuseForm,
    "withdraw": WaiverWithdrawForm,
}


def waiver_decision_form(kind: str, act: str, data=None) -> forms.Form:
    return WAIVER_DECISION_FORMS[act](data=data, prefix=f"w-{kind}-{act}")


class ParticipationForm(forms.ModelForm):
    """Art 14–18. Used for its fields only: the service writes the record."""

    methods = forms.MultipleChoiceField(
        label=_("Methods"),
        choices=ParticipationRecord.Method.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ParticipationRecord
        fields = [
            "methods",
            "call_published_on",
            "period_start",
            "period_end",
            "shortened_period_reason",
            "affected_groups_heard",
        ]
        widgets = {
            "call_published_on": DateInput(),
            "period_start": DateInput(),
            "period_end": DateInput(),
            "shortened_period_reason": _text(2),
            "affected_groups_heard": _text(2),
        }

    def _post_clean(self):
        # Model validation is the service's job (it names the rule); the form only parses.
        pass


class HearingForm(forms.ModelForm):
    """Art 16–17: the hearing's notice, the participants' publication, the materials, the record.
    Used for its fields only: the service writes the hearing."""

    class Meta:
        model = Hearing
        fields = [
            "draft",
            "hearing_on",
            "hearing_time",
            "place",
            "how_to_apply",
            "application_deadline",
            "notice_published_on",
            "selection_method",
            "selection_detail",
            "participants_published_on",
            "materials_sent_on",
            "record_text",
        ]
        widgets = {
            "hearing_on": DateInput(),
            "hearing_time": forms.TimeInput(attrs={"type": "time"}),
            "application_deadline": DateInput(),
            "notice_published_on": DateInput(),
            "participants_published_on": DateInput(),
            "materials_sent_on": DateInput(),
            "how_to_apply": _text(2),
            "selection_detail": _text(2),
            "record_text": _text(4),
        }

    def __init__(self, *args, decision: Decision, **kwargs):
        super().__init__(*args, **kwargs)
        draft = cast(forms.ModelChoiceField, self.fields["draft"])
        draft.queryset = Attachment.objects.filter(decision=decision, kind=Attachment.Kind.DRAFT)

    def _post_clean(self):
        # Model validation is the service's job (it names the rule); the form only parses.
        pass


class HearingParticipantForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    represents = forms.CharField(label=_("Interest or group represented"), max_length=limits.LINE_MAX_LENGTH)
    selected_how = forms.ChoiceField(label=_("Selected how"), choices=HearingParticipant.SelectedHow.choices)


class HearingAnswerForm(forms.Form):
    """A participant's confirmation of the record, or their objection (Art 17)."""

    participant_id = forms.IntegerField(widget=forms.HiddenInput)
    confirmed_on = forms.DateField(label=_("Record confirmed on"), required=False, widget=DateInput())
    objected_on = forms.DateField(label=_("Record refused on"), required=False, widget=DateInput())
    objection = forms.CharField(
        label=_("Objection to the record"), required=False, widget=_text(2), max_length=limits.REASON_MAX_LENGTH
    )


class HearingScanForm(forms.Form):
    file = forms.FileField(label=_("Signed record (scan)"))


class RiskForm(forms.ModelForm):
    """Art 22–24. Used for its fields only: the service writes the record."""

    class Meta:
        model = RiskAssessmentRecord
        fields = ["assessor", "third_party", "risk_points", "measures", "contingency_plan", "level", "controllable"]
        widgets = {
            "risk_points": _text(3),
            "measures": _text(3),
            "contingency_plan": _text(3),
            "controllable": forms.NullBooleanSelect(),
        }

    def _post_clean(self):
        pass


def _pool_experts(government_id: int | None) -> QuerySet[Expert]:
    """The active experts of a government's pool (none without a government)."""
    if government_id is None:
        return Expert.objects.none()
    return Expert.objects.filter(government_id=government_id, active=True)


def _pool(government_id: int | None) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=_("Experts of the pool"),
        queryset=_pool_experts(government_id),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ExpertSelectionForm(forms.Form):
    """Art 20: how experts of the pool were chosen for the argument."""

    method = forms.ChoiceField(label=_("How the experts were chosen"), choices=ExpertSelection.Method.choices)
    count = forms.IntegerField(
        label=_("Number to draw at random"),
        required=False,
        min_value=1,
        max_value=50,
        help_text=_("For a random draw, leave the experts unticked and give how many to draw."),
    )
    recommended_by = forms.CharField(label=_("Recommended by"), required=False, max_length=200)

    def __init__(self, *args, government_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["experts"] = _pool(government_id)

    def clean_count(self) -> int:
        return self.cleaned_data.get("count") or 0


class ExpertOpinionForm(forms.ModelForm):
    """Art 19–21: one expert's written opinion, signed on paper and filed with its scan (an expert
    with a login signs it in their own login instead)."""

    signed_scan = forms.FileField(label=_("Signed scan"), required=False)

    class Meta:
        model = ExpertOpinion
        fields = [
            "expert",
            "expert_name",
            "organisation",
            "speciality",
            "stance",
            "opinion",
            "signed_on",
            "declared_interest",
            "interest_detail",
            "handling",
            "handling_reason",
        ]
        widgets = {
            "opinion": _text(3),
            "signed_on": DateInput(),
            "interest_detail": _text(2),
            "handling_reason": _text(2),
        }

    def __init__(self, *args, government_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        expert = cast(forms.ModelChoiceField, self.fields["expert"])
        expert.queryset = _pool_experts(government_id)
        # An expert of the pool brings their name; the name is typed only for one outside it.
        self.fields["expert_name"].required = False

    def _post_clean(self):
        pass


class ExpertSignForm(forms.Form):
    """Art 19–20: the expert's own opinion, signed in their own login on the day it is sent."""

    stance = forms.ChoiceField(label=_("Stance"), choices=ExpertOpinion.Stance.choices, widget=forms.RadioSelect)
    opinion = forms.CharField(
        label=_("Opinion (necessity, feasibility, soundness)"), widget=_text(8), max_length=limits.TEXT_MAX_LENGTH
    )
    declared_interest = forms.BooleanField(label=_("I declare a direct interest in the matter"), required=False)
    interest_detail = forms.CharField(
        label=_("Interest declared"), widget=_text(2), required=False, max_length=limits.TEXT_MAX_LENGTH
    )


class ExpertHandlingForm(forms.Form):
    """Art 29 (3): how one expert opinion was handled."""

    handling = forms.ChoiceField(label=_("Handling"), choices=ExpertOpinion.Handling.choices)
    handling_reason = forms.CharField(
        label=_("Reason for the handling"), required=False, widget=_text(2), max_length=limits.REASON_MAX_LENGTH
    )


class MeetingCorrectionForm(forms.Form):
    """Art 30: a correction appended to a final meeting record, with its reason."""

    field = forms.ChoiceField(label=_("What is corrected"), choices=MeetingCorrection.Field.choices)
    text = forms.CharField(label=_("Corrected text"), widget=_text(2), max_length=limits.TEXT_MAX_LENGTH)
    reason = forms.CharField(label=_("Reason for the correction"), widget=_text(2), max_length=limits.REASON_MAX_LENGTH)


# --------------------------------------------------------------------------- files, execution, evaluation


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Attachment.Kind.choices, initial=Attachment.Kind.DRAFT)
    step = forms.ChoiceField(label=_("Step (optional)"), required=False, choices=[("", _("None")), *StepKind.choices])

    def __init__(self, *args, kinds=None, with_steps=True, **kwargs):
        """``kinds``: the kinds the decision's state accepts now (services.upload_kinds)."""
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = [(value, label) for value, label in Attachment.Kind.choices if value in kinds]
            if Attachment.Kind.DRAFT not in kinds and kinds:
                self.fields["kind"].initial = Attachment.Kind.OTHER if Attachment.Kind.OTHER in kinds else min(kinds)
        if not with_steps:
            del self.fields["step"]


class DraftingRecordForm(forms.Form):
    """Art 10–13: an entry of the drafting record."""

    kind = forms.ChoiceField(label=_("Kind"), choices=DraftingRecord.Kind.choices)
    proposer = forms.ChoiceField(
        label=_("Proposed by (for a proposal)"),
        required=False,
        choices=[("", "—"), *DraftingRecord.Proposer.choices],
    )
    text = forms.CharField(label=_("Text"), widget=_text(4), max_length=limits.TEXT_MAX_LENGTH)
    uploaded_file = forms.FileField(label=_("Document (optional)"), required=False)


class ExecutionReportForm(forms.Form):
    """Art 34–35."""

    reported_on = forms.DateField(label=_("Reported on"), widget=DateInput(), initial=timezone.localdate)
    progress = forms.CharField(label=_("Progress"), widget=_text(3), max_length=limits.TEXT_MAX_LENGTH)
    public_feedback = forms.CharField(
        label=_("Public feedback received"), required=False, widget=_text(2), max_length=limits.TEXT_MAX_LENGTH
    )
    uploaded_file = forms.FileField(label=_("Report document (optional)"), required=False)


class PartyCommitteeReportForm(forms.Form):
    """Art 31: the report of the approved decision to the Party committee."""

    reported_on = forms.DateField(label=_("Reported on"), widget=DateInput(), initial=timezone.localdate)
    document_number = forms.CharField(label=_("Reference or document number"), max_length=100)
    uploaded_file = forms.FileField(label=_("Report document (optional)"), required=False)


class ExecutionProblemForm(forms.Form):
    """Art 35: a problem found in execution, from the executing unit or the public's feedback."""

    source = forms.ChoiceField(label=_("Source"), choices=ExecutionProblem.Source.choices)
    source_reference = forms.CharField(label=_("Reference of the feedback (optional)"), required=False, max_length=200)
    description = forms.CharField(label=_("Problem found"), widget=_text(3), max_length=limits.TEXT_MAX_LENGTH)
    reported_on = forms.DateField(label=_("Reported on"), widget=DateInput(), initial=timezone.localdate)


class ExecutionProblemAnswerForm(forms.Form):
    """Art 35: the answer to one of the open problems."""

    problem_id = forms.TypedChoiceField(label=_("Problem"), coerce=int)
    answer = forms.ChoiceField(label=_("Answer"), choices=ExecutionProblem.Answer.choices)
    answer_text = forms.CharField(
        label=_("Measures taken, where it was forwarded, or the reason"),
        widget=_text(3),
        max_length=limits.TEXT_MAX_LENGTH,
    )
    answered_on = forms.DateField(label=_("Answered on"), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args, problems=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["problem_id"]).choices = [
            (p.pk, f"{p.reported_on:%Y-%m-%d} · {p.description[:40]}") for p in problems
        ]


class EvaluationForm(forms.Form):
    """Art 36: by someone other than who prepared the decision (the service checks)."""

    trigger = forms.ChoiceField(label=_("Trigger"), choices=Evaluation.Trigger.choices)
    evaluator = forms.CharField(label=_("Evaluator"), max_length=200)
    evaluator_department = forms.ModelChoiceField(
        label=_("Evaluating department"), queryset=Department.objects.none(), required=False
    )
    third_party = forms.BooleanField(
        label=_("Entrusted to a third party (a professional body or social organisation)"), required=False
    )
    public_views = forms.CharField(
        label=_("How the public's views were sought"),
        required=False,
        widget=_text(2),
        max_length=limits.REASON_MAX_LENGTH,
    )
    completed_on = forms.DateField(label=_("Completed on"), required=False, widget=DateInput())
    conclusion = forms.CharField(
        label=_("Conclusion"), required=False, widget=_text(3), max_length=limits.TEXT_MAX_LENGTH
    )
    proposal = forms.ChoiceField(
        label=_("Proposal to the decision body"),
        choices=Evaluation.Proposal.choices,
        initial=Evaluation.Proposal.CONTINUE,
    )
    uploaded_file = forms.FileField(label=_("Evaluation report (optional)"), required=False)

    def __init__(self, *args, decision, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluator_department"].queryset = Department.objects.filter(
            government_id=decision.government_id
        ).order_by("kind", "name")
