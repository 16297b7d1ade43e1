"""The legal office's pages: the queue, a decision's review with all its rounds, the actions on it
(each a form parsed here and one service call), and the opinion letter downloads.

A refused action is answered once, from the error's code (400, 403, 404, 409), on the same page
with the reason; a user who may not see the review gets 404 whatever they try.
"""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from decisions import visibility
from decisions.accounts.security_log import refused_access
from decisions.errors import DecisionError
from decisions.http import AuthenticatedRequest
from decisions.models import Decision, Government
from decisions.presentation import query_without, reasons, refusal_text
from decisions.rules import rules_for
from decisions.views.common import add_error
from reviews import access, forms, gates, letters, selectors, services
from reviews.actions import PAGE_ACTIONS
from reviews.models import LegalityReview, LetterFormat


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _decision_or_404(request: AuthenticatedRequest, decision_id: int) -> Decision:
    """The decision whose review ``request.user`` may see; 404 otherwise, so another government's
    reviewer cannot even tell it exists."""
    return visibility.visible_decision(request.user, decision_id)


# The acts whose forms the page shows (the others are small inline forms of the rounds' tables).
_PAGE_FORMS = (
    "add_material",
    "request_supplement",
    "answer_supplement",
    "return",
    "assign",
    "extend",
    "shorten_minimum",
    "request_adviser_opinion",
    "save_item",
    "record_opinion",
    "revised_draft",
    "send_final_text",
)


def _page(request: AuthenticatedRequest, decision, *, status: int = 200, bound: dict | None = None) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    rounds = selectors.decision_rounds(decision, today=today)
    current = rounds[0] if rounds else None
    can_write = access.may_write(user, decision)
    can_issue = access.may_issue(user, decision)
    bound = bound or {}

    def form(name: str, **initial):
        """The page's form of the act ``name``: the one just submitted (with its input and errors)
        if that act was refused, otherwise a new one."""
        # A refused edit of an existing item is shown on its row (reviews.templatetags.row_form),
        # not in the form for a new item.
        if name in bound and not bound[name].data.get("item_id"):
            return bound[name]
        action = PAGE_ACTIONS[name]
        assert action.form is not None  # PAGE_ACTIONS holds the acts with a form
        kwargs = {"decision": decision} if action.needs_decision else {}
        return action.form(initial=initial or None, **kwargs)

    review = current.review if current else None
    initial: dict[str, dict[str, object]] = {}
    if review is not None:
        initial["assign"] = {"reviewer": review.assigned_to_id}
        if review.conclusion:
            initial["record_opinion"] = {
                "conclusion": review.conclusion,
                "reasons": review.reasons,
                "legal_risk": review.legal_risk,
            }
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
        # Keyed by the act's page name, the same key ``act`` stores a refused form under.
        "forms": {name: form(name, **initial.get(name, {})) for name in _PAGE_FORMS},
        "refused": next(iter(bound), ""),
        "bound_forms": bound,
    }
    if current is not None and current.latest and decision.state == "legality_review":
        review = current.review
        context["issue_refusals"] = reasons(gates.issue_refusals(review)) if not review.is_issued else []
        context["clear_refusals"] = reasons(gates.clearance_refusals(decision)) if review.is_issued else []
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
    spec = PAGE_ACTIONS.get(action)
    if spec is None or spec.form is None:
        raise Http404(_("Unknown action."))
    kwargs = {"decision": decision} if spec.needs_decision else {}
    form = spec.form(request.POST, request.FILES, **kwargs)
    if not form.is_valid():
        messages.error(request, _("Please correct the fields marked below."))
        if action == "issue":  # the confirmation is asked for under the letter's preview
            return _preview_page(request, decision, form, status=400)
        return _page(request, decision, status=400, bound={action: form})
    try:
        spec.run_from_form(decision=decision, actor=request.user, cleaned=form.cleaned_data, ip=_client_ip(request))
    except DecisionError as exc:
        # The refusal goes on the form the reviewer filled in, which keeps the typed text; a field's
        # message goes on that field under the form's name for it (the service may call it otherwise).
        form_names = {argument: name for name, argument in spec.renames.items()}
        exc.fields = {form_names.get(name, name): errors for name, errors in exc.fields.items()}
        add_error(form, exc)
        messages.error(request, refusal_text(exc))
        decision.refresh_from_db()
        return _page(request, decision, status=exc.status, bound={action: form})
    messages.success(request, spec.done)
    return redirect("reviews:decision", decision_id=decision.pk)


@login_required
def issue_preview(request: AuthenticatedRequest, decision_id: int) -> HttpResponse:
    """reviews:issue_preview — the letter as it will be issued, before the head confirms the issue
    (a document number is taken and the letter cannot be withdrawn)."""
    confirmation = PAGE_ACTIONS["issue"].form()  # type: ignore[misc]  # the issue act has a form
    return _preview_page(request, _decision_or_404(request, decision_id), confirmation)


def _preview_page(
    request: AuthenticatedRequest, decision: Decision, form: django_forms.Form, *, status: int = 200
) -> HttpResponse:
    review = gates.current_review(decision)
    if not access.may_issue(request.user, decision) or review is None or review.is_issued:
        raise PermissionDenied(_("Only the legal office head issues an opinion not yet issued."))
    # Without a conclusion there is no letter to read yet: the refusals say what is missing.
    content, paragraphs = letters.preview(review) if review.conclusion else (None, [])
    context = {
        "decision": decision,
        "review": review,
        "letter": content,
        "paragraphs": paragraphs,
        "refusals": reasons(gates.issue_refusals(review)),
        "form": form,
    }
    return render(request, "reviews/issue_preview.html", context, status=status)


@login_required
def letter(request: AuthenticatedRequest, review_id: int, fmt: str) -> FileResponse:
    """The issued opinion letter as PDF or Word (generated on first need, then served as stored)."""
    review = LegalityReview.objects.filter(pk=review_id).select_related("decision").first()
    if review is not None and not access.may_see(request.user, review.decision):
        refused_access("legality review", review_id)
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
    """reviews:queue — the legal office's open reviews, overdue first, then by working days left;
    a page at a time."""
    governments, form, filters = _queue_filters(request)
    page = selectors.review_queue_page(
        request.user, today=timezone.localdate(), number=request.GET.get("page"), governments=governments, **filters
    )
    context = {
        "page": page,
        "rows": page.object_list,
        "form": form,
        "query": query_without(request, "page"),
        # The legal office's menus, as the governments just read say (no second read).
        "review_menu": True,
        "adviser_pool_menu": any(getattr(government, "staffed", False) for government in governments),
    }
    return render(request, "reviews/queue.html", context)


def queued(request: AuthenticatedRequest) -> tuple[forms.QueueFilterForm, list[selectors.QueueRow]]:
    """The queue's filters as the request gives them, and every row they select, in the page's
    order (the export). The legal office's only (403 otherwise)."""
    governments, form, filters = _queue_filters(request)
    rows = selectors.review_queue(request.user, today=timezone.localdate(), governments=governments, **filters)
    return form, rows


def _queue_filters(request: AuthenticatedRequest) -> tuple[list[Government], forms.QueueFilterForm, dict]:
    """The legal office's governments (403 for anyone else), the queue's filter form as the request
    gives it, and the selector's filter arguments read from it."""
    governments = access.legal_office_governments(request.user)
    if not governments:
        raise PermissionDenied(_("The review queue is the legal office's."))
    years, departments = selectors.queue_filter_choices(governments)
    form = forms.QueueFilterForm(request.GET or None, years=years, departments=departments)
    filters = form.filters()
    return (
        governments,
        form,
        {
            "department": filters.get("department"),
            "year": filters.get("year"),
            "overdue": bool(filters.get("overdue")),
            "sort": filters.get("sort") or "",
        },
    )


@login_required
def advisers(request: AuthenticatedRequest) -> HttpResponse:
    """reviews:advisers — the pool of legal advisers and public lawyers (Art 28) of the governments
    whose legal office the user staffs, read-only (the administrators keep it)."""
    governments = access.adviser_pool_governments(request.user)
    if not governments:
        raise PermissionDenied(_("The pool of advisers is the legal office's."))
    rows = selectors.adviser_pool(governments)
    return render(request, "reviews/advisers.html", {"rows": rows, "today": timezone.localdate()})
