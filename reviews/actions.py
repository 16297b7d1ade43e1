"""The acts of the legality review, one table for the page and the API.

Each ``ReviewAction`` names the service that does the act, the page's form and the API's input that
parse it, and what the page says afterwards. The API offers each act with an input as
``POST /api/v1/decisions/{id}/review/{name}/``; the page posts its forms to
``/reviews/decision/{id}/act/{page_name}/``. Both call the same service with the same arguments.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from django import forms as django_forms
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers as drf_serializers

from decisions import services as decision_services
from decisions.api.serializers import ReasonInput
from reviews import forms, services
from reviews import serializers as s

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django_stubs_ext import StrPromise

    from decisions.models import Decision

# An uploaded file is the service's ``uploaded_file``.
_FILE = MappingProxyType({"file": "uploaded_file"})


@dataclass(frozen=True)
class ReviewAction:
    name: str  # the API's name of the act
    service: Callable[..., Any]
    done: StrPromise  # the page's message after it (lazy: translated when shown)
    api_input: type[drf_serializers.Serializer] | None  # None: not offered on its own by the API
    form: Callable[..., django_forms.Form] | None  # None: not on the page (a Form class)
    page_name: str = ""  # the page's name of the act, where it differs
    renames: Mapping[str, str] = field(default_factory=dict)  # input field -> service argument
    files: bool = False  # takes an uploaded file (multipart in the API)
    needs_decision: bool = False  # the page form's choices depend on the decision
    with_ip: bool = False  # the service records the client's address (a lifecycle transition)
    # The page form's cleaned data as the service's arguments, where more than renaming is needed.
    from_form: Callable[[dict[str, Any]], dict[str, Any]] | None = None

    def arguments(self, values: Mapping[str, Any]) -> dict[str, Any]:
        return {self.renames.get(name, name): value for name, value in values.items()}

    def run_from_form(self, *, decision: Decision, actor: User, cleaned: dict[str, Any], ip: str | None) -> Any:
        values = self.from_form(cleaned) if self.from_form is not None else self.arguments(cleaned)
        if self.with_ip:
            values["ip"] = ip
        return self.service(decision=decision, actor=actor, **values)


def _waiver_verdict(cleaned: dict[str, Any]) -> dict[str, Any]:
    return {
        "step_kind": cleaned["step_kind"],
        "confirmed": cleaned["verdict"] == "confirm",
        "reason": cleaned["reason"],
    }


def _save_item(*, decision: Decision, actor: User, item_id: int | None = None, **values: Any) -> Any:
    """The page's one form for a new item and for changing one (the API has an act for each)."""
    if item_id:
        return services.review_update_item(decision=decision, actor=actor, item_id=item_id, **values)
    return services.review_add_item(decision=decision, actor=actor, **values)


ACTIONS: tuple[ReviewAction, ...] = (
    # Art 26: the submission and its materials.
    ReviewAction(
        "add_material",
        services.review_add_material,
        _("Material added."),
        s.MaterialInput,
        forms.MaterialForm,
        renames=_FILE,
        files=True,
    ),
    ReviewAction(
        "request_supplement",
        services.review_request_supplement,
        _("Supplements requested; the review clock waits."),
        s.MissingInput,
        forms.SupplementRequestForm,
    ),
    ReviewAction(
        "answer_supplement",
        services.review_answer_supplement,
        _("Supplements handed in."),
        s.AnswerInput,
        forms.SupplementAnswerForm,
    ),
    ReviewAction(
        "return", services.review_return, _("Submission returned to the sponsor."), ReasonInput, forms.ReasonForm
    ),
    ReviewAction("accept", services.review_accept, _("Submission accepted."), s.Empty, forms.EmptyForm),
    ReviewAction(
        "assign", services.review_assign, _("Review assigned."), s.UserInput, forms.AssignForm, needs_decision=True
    ),
    # Review time (Art 26 and the local rules).
    ReviewAction("extend", services.review_extend, _("Review time extended."), s.DaysInput, forms.WorkingDaysForm),
    ReviewAction(
        "shorten_minimum",
        services.review_shorten_minimum,
        _("Minimum review time shortened."),
        s.DaysInput,
        forms.WorkingDaysForm,
    ),
    # Art 25: every waiver checked.
    ReviewAction(
        "check_waiver",
        services.review_check_waiver,
        _("Waiver checked."),
        s.WaiverVerdictInput,
        forms.WaiverCheckForm,
        from_form=_waiver_verdict,
    ),
    # Art 28: legal advisers and public lawyers.
    ReviewAction(
        "request_adviser_opinion",
        services.review_request_adviser_opinion,
        _("Opinion requested."),
        s.AdviserRequestInput,
        forms.AdviserRequestForm,
        needs_decision=True,
    ),
    ReviewAction(
        "sign_adviser_opinion",
        services.review_sign_adviser_opinion,
        _("Opinion signed."),
        s.AdviserSignInput,
        forms.AdviserSignForm,
    ),
    ReviewAction(
        "withdraw_adviser_request",
        services.review_withdraw_adviser_request,
        _("Request withdrawn."),
        s.OpinionIdInput,
        forms.AdviserWithdrawForm,
    ),
    # Art 27: the items found.
    ReviewAction("add_item", services.review_add_item, _("Item saved."), s.ItemInput, None),
    ReviewAction("update_item", services.review_update_item, _("Item saved."), s.ItemUpdateInput, None),
    ReviewAction("save_item", _save_item, _("Item saved."), None, forms.ItemForm),
    ReviewAction("delete_item", services.review_delete_item, _("Item removed."), s.ItemIdInput, forms.ItemDeleteForm),
    # Art 28: the opinion, issued by the head.
    ReviewAction(
        "record_opinion",
        services.review_record_opinion,
        _("Opinion saved."),
        s.OpinionInput,
        forms.OpinionForm,
        needs_decision=True,
    ),
    ReviewAction(
        "issue_opinion",
        services.review_issue_opinion,
        _("Opinion issued."),
        s.Empty,
        forms.IssueForm,
        page_name="issue",
        # The confirmation is the page's; the service takes no input.
        from_form=lambda cleaned: {},
    ),
    # The sponsor's answer to the changes asked for, and the reviewer's confirmation.
    ReviewAction(
        "answer_item", services.review_answer_item, _("Answer saved."), s.ItemAnswerInput, forms.AnswerItemForm
    ),
    ReviewAction(
        "hand_in_revised_draft",
        services.review_hand_in_revised_draft,
        _("Revised draft handed in."),
        s.FileInput,
        forms.FileForm,
        page_name="revised_draft",
        renames=_FILE,
        files=True,
    ),
    ReviewAction(
        "confirm_changes",
        services.review_confirm_changes,
        _("The sponsor's answer is confirmed."),
        s.Empty,
        forms.EmptyForm,
    ),
    # Art 25: the lifecycle's transition, offered on the review page (the API has it as a transition).
    ReviewAction(
        "clear_for_meeting",
        decision_services.decision_clear_for_meeting,
        _("Cleared for the meeting."),
        None,
        forms.EmptyForm,
        with_ip=True,
    ),
    # The second review of the final text (a per-government setting).
    ReviewAction(
        "send_final_text",
        services.review_send_final_text,
        _("Final text sent for the second review."),
        s.FinalTextInput,
        forms.FinalTextForm,
        renames=_FILE,
        files=True,
    ),
    ReviewAction(
        "check_final_text",
        services.review_check_final_text,
        _("Second review recorded."),
        s.FinalTextCheckInput,
        forms.FinalTextCheckForm,
    ),
)

API_ACTIONS: dict[str, ReviewAction] = {action.name: action for action in ACTIONS if action.api_input is not None}
PAGE_ACTIONS: dict[str, ReviewAction] = {
    action.page_name or action.name: action for action in ACTIONS if action.form is not None
}
