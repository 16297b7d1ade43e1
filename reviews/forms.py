"""Input forms of the review page. They parse; the services decide (every rule lives there)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from decisions import limits
from decisions.forms import ListFilterForm
from decisions.models import Department, Role, StepKind
from reviews.gates import current_review
from reviews.models import (
    Conclusion,
    FinalTextKind,
    FinalTextResult,
    ItemResponse,
    LegalAdviser,
    MaterialKind,
    ProblemType,
)

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class QueueFilterForm(ListFilterForm):
    """The review queue's filters (``reviews.selectors.review_queue``; orders ``QUEUE_ORDERS``)."""

    ORDERS = [
        ("", _("By deadline, overdue first")),
        ("code", _("By code")),
        ("sponsor", _("By lead sponsor")),
        ("submitted", _("By submission")),
    ]


def _office_people(decision, roles):
    return (
        get_user_model()
        .objects.filter(
            memberships__department__government_id=decision.government_id,
            memberships__department__kind=Department.Kind.LEGAL_OFFICE,
            memberships__role__in=roles,
        )
        .distinct()
        .order_by("username")
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


class EmptyForm(forms.Form):
    """Actions that take no input (accept, issue, confirm, clear)."""


class MaterialForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(k.value, k.label) for k in MaterialKind if k != MaterialKind.PROCEDURE],
    )
    text = forms.CharField(label=_("Text"), required=False, widget=TEXTAREA, max_length=limits.TEXT_MAX_LENGTH)
    file = forms.FileField(label=_("File"), required=False)


class SupplementRequestForm(forms.Form):
    missing = forms.CharField(label=_("What is missing"), widget=TEXTAREA, max_length=limits.REASON_MAX_LENGTH)


class SupplementAnswerForm(forms.Form):
    answer = forms.CharField(label=_("What was supplemented"), widget=TEXTAREA, max_length=limits.REASON_MAX_LENGTH)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=TEXTAREA, max_length=limits.REASON_MAX_LENGTH)


class AssignForm(forms.Form):
    reviewer = PersonChoiceField(label=_("Reviewer"), queryset=get_user_model().objects.none())

    def __init__(self, *args, decision, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = _office_people(decision, [Role.LEGAL_REVIEWER, Role.LEGAL_HEAD])


class WorkingDaysForm(forms.Form):
    working_days = forms.IntegerField(label=_("Working days"), min_value=0, max_value=60)
    reason = forms.CharField(label=_("Reason"), widget=TEXTAREA, max_length=limits.REASON_MAX_LENGTH)


class WaiverCheckForm(forms.Form):
    step_kind = forms.ChoiceField(choices=StepKind.choices, widget=forms.HiddenInput)
    verdict = forms.ChoiceField(
        label=_("Verdict"), choices=[("confirm", _("Confirm the waiver")), ("reject", _("Reject the waiver"))]
    )
    reason = forms.CharField(
        label=_("Reason (required to reject)"), required=False, widget=TEXTAREA, max_length=limits.REASON_MAX_LENGTH
    )


class PoolAdviserField(PersonChoiceField):
    """A person of the pool of advisers, shown with their capacity, firm and fields of practice."""

    entries: dict[int, LegalAdviser] = {}

    def label_from_instance(self, obj) -> str:
        name = super().label_from_instance(obj)
        entry = self.entries.get(obj.pk)
        if entry is None:
            return name
        parts = [name, entry.get_kind_display(), entry.firm]
        if entry.fields_of_practice:
            parts.append(entry.fields_of_practice)
        return " · ".join(str(part) for part in parts)


class AdviserRequestForm(forms.Form):
    """Art 28: the advisers offered are the government's pool serving today."""

    adviser = PoolAdviserField(label=_("Adviser"), queryset=get_user_model().objects.none())
    question = forms.CharField(label=_("Question"), widget=TEXTAREA, max_length=limits.REASON_MAX_LENGTH)

    def __init__(self, *args, decision, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["adviser"]
        entries = list(
            LegalAdviser.objects.serving(decision.government_id, timezone.localdate()).select_related("user")
        )
        field.entries = {entry.user_id: entry for entry in entries}
        field.queryset = _office_people(decision, [Role.LEGAL_ADVISER]).filter(pk__in=list(field.entries))


class AdviserSignForm(forms.Form):
    opinion_id = forms.IntegerField(widget=forms.HiddenInput)
    opinion = forms.CharField(
        label=_("Your opinion"), widget=forms.Textarea(attrs={"rows": 5}), max_length=limits.TEXT_MAX_LENGTH
    )


class AdviserWithdrawForm(forms.Form):
    opinion_id = forms.IntegerField(widget=forms.HiddenInput)


class ItemForm(forms.Form):
    item_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    clause = forms.CharField(label=_("Clause concerned"), max_length=200)
    problem_type = forms.ChoiceField(label=_("Problem (Art 27)"), choices=ProblemType.choices)
    problem = forms.CharField(label=_("Problem found"), widget=TEXTAREA, max_length=limits.TEXT_MAX_LENGTH)
    legal_basis = forms.CharField(label=_("Legal basis cited"), widget=TEXTAREA, max_length=limits.TEXT_MAX_LENGTH)
    suggested_change = forms.CharField(label=_("Suggested change"), widget=TEXTAREA, max_length=limits.TEXT_MAX_LENGTH)


class ItemDeleteForm(forms.Form):
    item_id = forms.IntegerField(widget=forms.HiddenInput)


class OpinionForm(forms.Form):
    conclusion = forms.ChoiceField(label=_("Conclusion"), choices=Conclusion.choices)
    reasons = forms.CharField(
        label=_("Reasons and legal basis"), widget=forms.Textarea(attrs={"rows": 4}), max_length=limits.TEXT_MAX_LENGTH
    )
    legal_risk = forms.CharField(
        label=_("Legal risk, stated openly (exploratory reforms, Art 25)"),
        required=False,
        widget=TEXTAREA,
        max_length=limits.TEXT_MAX_LENGTH,
    )
    despite_items = forms.BooleanField(
        label=_("I confirm the conclusion “lawful” although problem items are recorded"), required=False
    )

    def __init__(self, *args, decision, **kwargs):
        super().__init__(*args, **kwargs)
        # The confirmation is asked for only where items are recorded (reviews.services warns then).
        review = current_review(decision)
        if review is None or not review.items.exists():
            del self.fields["despite_items"]


class IssueForm(forms.Form):
    """Issuing takes a number and cannot be undone: the head confirms after reading the preview."""

    confirm = forms.BooleanField(
        label=_("I have read the letter above; issue it with the next document number"),
        error_messages={"required": _("Confirm that you have read the letter before issuing it.")},
    )


class AnswerItemForm(forms.Form):
    item_id = forms.IntegerField(widget=forms.HiddenInput)
    response = forms.ChoiceField(label=_("Answer"), choices=ItemResponse.choices)
    reason = forms.CharField(
        label=_("Reason (when not fully adopted)"), required=False, widget=TEXTAREA, max_length=limits.REASON_MAX_LENGTH
    )


class FileForm(forms.Form):
    file = forms.FileField(label=_("File"))


class FinalTextForm(forms.Form):
    text_kind = forms.ChoiceField(label=_("Text"), choices=FinalTextKind.choices)
    file = forms.FileField(label=_("File"))


class FinalTextCheckForm(forms.Form):
    final_text_id = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.ChoiceField(label=_("Result"), choices=FinalTextResult.choices)
    notes = forms.CharField(label=_("Notes"), required=False, widget=TEXTAREA, max_length=limits.REASON_MAX_LENGTH)
