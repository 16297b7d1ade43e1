"""The legal office's pages: the queue, a decision's review with all its rounds, the actions on it
(each a form parsed here and one service call), and the opinion letter downloads.

A refused action is answered once, from the error's code (400, 403, 404, 409), on the same page
with the reason; a user who may not see the review gets 404 whatever they try.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from decisions import services as decision_services
from decisions import visibility
from decisions.errors import DecisionError
from decisions.http import AuthenticatedRequest
from decisions.models import Decision
from decisions.rules import rules_for
from reviews import access, forms, gates, selectors, services
from reviews.models import FinalTextResult, ItemResponse, LegalityReview, LetterFormat, ProblemType

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Action:
    form: type
    run: Callable[..., Any]
    done: StrOrPromise  # lazy: ACTIONS is built at import, the message is translated when shown
    needs_decision: bool = False  # the form's choices depend on the decision


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


ACTIONS: dict[str, Action] = {
    "add_material": Action(
        forms.MaterialForm,
        lambda d, u, c, r: services.review_add_material(
            decision=d, actor=u, kind=c["kind"], text=c["text"], uploaded_file=c["file"]
        ),
        _lazy("Material added."),
    ),
    "request_supplement": Action(
        forms.SupplementRequestForm,
        lambda d, u, c, r: services.review_request_supplement(decision=d, actor=u, missing=c["missing"]),
        _lazy("Supplements requested; the review clock waits."),
    ),
    "answer_supplement": Action(
        forms.SupplementAnswerForm,
        lambda d, u, c, r: services.review_answer_supplement(decision=d, actor=u, answer=c["answer"]),
        _lazy("Supplements handed in."),
    ),
    "accept": Action(
        forms.EmptyForm, lambda d, u, c, r: services.review_accept(decision=d, actor=u), _lazy("Submission accepted.")
    ),
    "return": Action(
        forms.ReasonForm,
        lambda d, u, c, r: services.review_return(decision=d, actor=u, reason=c["reason"]),
        _lazy("Submission returned to the sponsor."),
    ),
    "assign": Action(
        forms.AssignForm,
        lambda d, u, c, r: services.review_assign(decision=d, actor=u, reviewer=c["reviewer"]),
        _lazy("Review assigned."),
        needs_decision=True,
    ),
    "extend": Action(
        forms.WorkingDaysForm,
        lambda d, u, c, r: services.review_extend(
            decision=d, actor=u, working_days=c["working_days"], reason=c["reason"]
        ),
        _lazy("Review time extended."),
    ),
    "shorten_minimum": Action(
        forms.WorkingDaysForm,
        lambda d, u, c, r: services.review_shorten_minimum(
            decision=d, actor=u, working_days=c["working_days"], reason=c["reason"]
        ),
        _lazy("Minimum review time shortened."),
    ),
    "check_waiver": Action(
        forms.WaiverCheckForm,
        lambda d, u, c, r: services.review_check_waiver(
            decision=d, actor=u, step_kind=c["step_kind"], confirmed=c["verdict"] == "confirm", reason=c["reason"]
        ),
        _lazy("Waiver checked."),
    ),
    "request_adviser_opinion": Action(
        forms.AdviserRequestForm,
        lambda d, u, c, r: services.review_request_adviser_opinion(
            decision=d, actor=u, adviser=c["adviser"], question=c["question"]
        ),
        _lazy("Opinion requested."),
        needs_decision=True,
    ),
    "sign_adviser_opinion": Action(
        forms.AdviserSignForm,
        lambda d, u, c, r: services.review_sign_adviser_opinion(
            decision=d, actor=u, opinion_id=c["opinion_id"], opinion=c["opinion"]
        ),
        _lazy("Opinion signed."),
    ),
    "withdraw_adviser_request": Action(
        forms.AdviserWithdrawForm,
        lambda d, u, c, r: services.review_withdraw_adviser_request(decision=d, actor=u, opinion_id=c["opinion_id"]),
        _lazy("Request withdrawn."),
    ),
    "save_item": Action(forms.ItemForm, lambda d, u, c, r: _save_item(d, u, c), _lazy("Item saved.")),
    "delete_item": Action(
        forms.ItemDeleteForm,
        lambda d, u, c, r: services.review_delete_item(decision=d, actor=u, item_id=c["item_id"]),
        _lazy("Item removed."),
    ),
    "record_opinion": Action(
        forms.OpinionForm,
        lambda d, u, c, r: services.review_record_opinion(
            decision=d, actor=u, conclusion=c["conclusion"], reasons=c["reasons"], legal_risk=c["legal_risk"]
        ),
        _lazy("Opinion saved."),
    ),
    "issue": Action(
        forms.EmptyForm,
        lambda d, u, c, r: services.review_issue_opinion(decision=d, actor=u),
        _lazy("Opinion issued."),
    ),
    "answer_item": Action(
        forms.AnswerItemForm,
        lambda d, u, c, r: services.review_answer_item(
            decision=d, actor=u, item_id=c["item_id"], response=c["response"], reason=c["reason"]
        ),
        _lazy("Answer saved."),
    ),
    "revised_draft": Action(
        forms.FileForm,
        lambda d, u, c, r: services.review_hand_in_revised_draft(decision=d, actor=u, uploaded_file=c["file"]),
        _lazy("Revised draft handed in."),
    ),
    "confirm_changes": Action(
        forms.EmptyForm,
        lambda d, u, c, r: services.review_confirm_changes(decision=d, actor=u),
        _lazy("The sponsor's answer is confirmed."),
    ),
    "clear_for_meeting": Action(
        forms.EmptyForm,
        lambda d, u, c, r: decision_services.decision_clear_for_meeting(decision=d, actor=u, ip=_client_ip(r)),
        _lazy("Cleared for the meeting."),
    ),
    "send_final_text": Action(
        forms.FinalTextForm,
        lambda d, u, c, r: services.review_send_final_text(
            decision=d, actor=u, text_kind=c["text_kind"], uploaded_file=c["file"]
        ),
        _lazy("Final text sent for the second review."),
    ),
    "check_final_text": Action(
        forms.FinalTextCheckForm,
        lambda d, u, c, r: services.review_check_final_text(
            decision=d, actor=u, final_text_id=c["final_text_id"], result=c["result"], notes=c["notes"]
        ),
        _lazy("Second review recorded."),
    ),
}


def _save_item(decision, user, cleaned):
    values = {name: cleaned[name] for name in ("clause", "problem_type", "problem", "legal_basis", "suggested_change")}
    if cleaned.get("item_id"):
        return services.review_update_item(decision=decision, actor=user, item_id=cleaned["item_id"], **values)
    return services.review_add_item(decision=decision, actor=user, **values)


def _decision_or_404(request: AuthenticatedRequest, decision_id: int) -> Decision:
    """The decision whose review ``request.user`` may see; 404 otherwise, so another government's
    reviewer cannot even tell it exists."""
    return visibility.visible_decision(request.user, decision_id)


def _page(request: AuthenticatedRequest, decision, *, status: int = 200, bound: dict | None = None) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    rounds = selectors.decision_rounds(decision, today=today)
    current = rounds[0] if rounds else None
    can_write = access.may_write(user, decision)
    can_issue = access.may_issue(user, decision)
    bound = bound or {}

    def form(name: str, **initial):
        if name in bound:
            return bound[name]
        action = ACTIONS[name]
        kwargs = {"decision": decision} if action.needs_decision else {}
        return action.form(initial=initial or None, **kwargs)

    context = {
        "decision": decision,
        "rounds": rounds,
        "current": current,
        "under_review": decision.state == "legality_review",
        "can_write": can_write,
        "can_issue": can_issue,
        "can_answer": access.may_answer(user, decision),
        "is_adviser": access.is_adviser(user, decision),
        "rules": rules_for(decision.government),
        "history": selectors.review_history(decision),
        "final_texts": decision.final_text_reviews.select_related("attachment", "requested_by", "reviewed_by"),
        "can_send_final_text": access.may_send_final_text(user, decision),
        "problem_types": ProblemType.choices,
        "item_responses": ItemResponse.choices,
        "final_text_results": FinalTextResult.choices,
        "forms": {
            "material": form("add_material"),
            "request_supplement": form("request_supplement"),
            "answer_supplement": form("answer_supplement"),
            "return": form("return"),
            "assign": form("assign", **({"reviewer": current.review.assigned_to_id} if current else {})),
            "extend": form("extend"),
            "shorten_minimum": form("shorten_minimum"),
            "adviser_request": form("request_adviser_opinion"),
            "item": form("save_item"),
            "opinion": form(
                "record_opinion",
                **(
                    {
                        "conclusion": current.review.conclusion,
                        "reasons": current.review.reasons,
                        "legal_risk": current.review.legal_risk,
                    }
                    if current and current.review.conclusion
                    else {}
                ),
            ),
            "revised_draft": form("revised_draft"),
            "final_text": form("send_final_text"),
        },
    }
    if current is not None and current.latest and decision.state == "legality_review":
        review = current.review
        context["issue_refusals"] = gates.issue_refusals(review) if not review.is_issued else []
        context["clear_refusals"] = gates.clearance_refusals(decision) if review.is_issued else []
    return render(request, "reviews/decision.html", context, status=status)


@login_required
def decision_review(request: AuthenticatedRequest, decision_id: int) -> HttpResponse:
    """reviews:decision — the decision's review, all rounds, and what the user can do now."""
    return _page(request, _decision_or_404(request, decision_id))


@login_required
@require_POST
def act(request: AuthenticatedRequest, decision_id: int, action: str) -> HttpResponse:
    """One action on the review: parse the form, call the service, answer."""
    decision = _decision_or_404(request, decision_id)
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404(_("Unknown action."))
    kwargs = {"decision": decision} if spec.needs_decision else {}
    form = spec.form(request.POST, request.FILES, **kwargs)
    if not form.is_valid():
        messages.error(request, _("Please correct the fields marked below."))
        return _page(request, decision, status=400, bound={_FORM_SLOT.get(action, action): form})
    try:
        spec.run(decision, request.user, form.cleaned_data, request)
    except DecisionError as exc:
        messages.error(request, str(exc))
        for field, errors in exc.fields.items():
            for error in errors:
                messages.error(request, f"{field}: {error}")
        decision.refresh_from_db()
        return _page(request, decision, status=exc.status)
    messages.success(request, spec.done)
    return redirect("reviews:decision", decision_id=decision.pk)


# The page's form slots, for the actions whose slot name differs from the action's.
_FORM_SLOT = {
    "add_material": "material",
    "request_adviser_opinion": "adviser_request",
    "save_item": "item",
    "record_opinion": "opinion",
    "send_final_text": "final_text",
}


@login_required
def letter(request: AuthenticatedRequest, review_id: int, fmt: str) -> FileResponse:
    """The issued opinion letter as PDF or Word (generated on first need, then served as stored)."""
    review = LegalityReview.objects.filter(pk=review_id).select_related("decision").first()
    if review is None or not access.may_see(request.user, review.decision) or fmt not in LetterFormat.values:
        raise Http404(_("No such letter."))
    if not review.is_issued:
        raise Http404(_("The opinion has not been issued."))
    # Normally the letters were rendered right after the issue (reviews.tasks); if the worker has not
    # got to it yet, or a file was lost, the service renders them now from the content fixed at
    # issue, which gives the same bytes, so this GET stays safe to repeat.
    stored = next(item for item in services.review_generate_letters(review=review) if item.format == fmt)
    content_type = {
        "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }[fmt]
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=f"{review.document_number}.{fmt}",
        content_type=content_type,
    )
    response["X-Checksum-SHA256"] = stored.sha256
    return response


@login_required
def queue(request: AuthenticatedRequest) -> HttpResponse:
    """reviews:queue — the legal office's open reviews, overdue first, then by working days left."""
    if not access.legal_office_governments(request.user):
        raise PermissionDenied(_("The review queue is the legal office's."))
    rows = selectors.review_queue(request.user, today=timezone.localdate())
    return render(request, "reviews/queue.html", {"rows": rows})
