"""The lead sponsor's comment inbox of a consultation: answer, hide, group, enter comments received
by letter or at a symposium, set how the call takes comments. Personal data is shown here and
nowhere else."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from consultations import selectors, services
from consultations.articles import split_articles
from consultations.forms import AnswerForm, EntryForm, GroupForm, HideForm, ReplyForm, SettingsForm
from consultations.models import Comment, Consultation
from consultations.summary import summarise
from decisions import permissions
from decisions.errors import DecisionError, ErrorCode
from decisions.models import ParticipationRecord
from decisions.views.common import saved_or_refused
from decisions.visibility import visible_decision


def _sponsor_decision(request: HttpRequest, pk: int):
    """Only the lead sponsor's staff read the inbox (personal data); anyone else gets a 404."""
    decision = visible_decision(request.user, pk)
    if not permissions.may(request.user, "step", decision):  # type: ignore[arg-type]  # logged in
        raise Http404
    return decision


@login_required
@require_http_methods(["GET", "POST"])
def inbox(request: HttpRequest, pk: int) -> HttpResponse:
    decision = _sponsor_decision(request, pk)
    record = ParticipationRecord.objects.filter(step__decision=decision).first()
    consultation = Consultation.objects.filter(record=record).first() if record else None
    articles = split_articles(consultation.draft_text if consultation else "")
    action = request.POST.get("action", "")
    failed: dict[str, object] = {}
    if request.method == "POST":
        form, call = _act(request, decision, consultation, articles, action)
        done = saved_or_refused(request, form, call, reverse("consultations:inbox", kwargs={"pk": decision.pk}))
        if done is not None:
            return done
        failed = {"action": action, "comment": request.POST.get("comment", ""), "form": form}
    comments = selectors.inbox(consultation) if consultation else []
    settings_form = SettingsForm(
        initial={
            "name_required": consultation.name_required,
            "draft_text": consultation.draft_text,
            "postal_address": consultation.postal_address,
            "email": consultation.email,
            "symposium_note": consultation.symposium_note,
        }
        if consultation
        else None
    )
    return render(
        request,
        "consultations/inbox.html",
        {
            "decision": decision,
            "record": record,
            "consultation": consultation,
            "comments": comments,
            "summary": summarise(comments),
            "answer_form": AnswerForm(),
            "hide_form": HideForm(),
            "group_form": GroupForm(),
            "entry_form": failed["form"] if failed.get("action") == "enter" else EntryForm(articles=articles),
            "settings_form": failed["form"] if failed.get("action") == "settings" else settings_form,
            "failed": failed,
        },
        status=400 if failed else 200,
    )


def _comment(decision, pk: str) -> Comment:
    comment = (
        Comment.objects.select_related("consultation__record__step__decision")
        .filter(consultation__record__step__decision=decision, pk=pk if pk.isdigit() else 0)
        .first()
    )
    if comment is None:
        raise Http404
    return comment


def _act(request, decision, consultation, articles, action):
    """The form of the posted ``action`` and the service call it makes with its cleaned data."""
    data, user = request.POST, request.user
    if action == "settings":
        return SettingsForm(data), lambda d: services.consultation_configure(actor=user, decision=decision, **d)
    if action == "summary":
        return SettingsForm({}), lambda d: services.summary_record(actor=user, decision=decision)
    if action == "enter":
        return EntryForm(data, articles=articles), lambda d: services.comment_enter(actor=user, decision=decision, **d)
    comment = _comment(decision, data.get("comment", ""))
    if action == "answer":
        return AnswerForm(data), lambda d: services.comment_answer(actor=user, comment=comment, **d)
    if action == "hide":
        return HideForm(data), lambda d: services.comment_hide(actor=user, comment=comment, reason=d["reason"])
    if action == "unhide":
        return HideForm({"reason": "-"}), lambda d: services.comment_unhide(actor=user, comment=comment)
    if action == "group":

        def group(d):
            lead = None
            if d["lead"]:
                lead = Comment.objects.filter(
                    consultation=comment.consultation, tracking_number=d["lead"].strip().upper()
                ).first()
                if lead is None:
                    raise DecisionError(
                        ErrorCode.INVALID, _("No comment of this consultation has that tracking number.")
                    )
            return services.comment_group(actor=user, comment=comment, lead=lead)

        return GroupForm(data), group
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest) -> HttpResponse:
    """The executing unit's inbox of public feedback on the execution (Art 35)."""
    user = request.user
    assert user.is_authenticated  # login_required
    items = selectors.feedback_inbox(user)
    failed: dict[str, object] = {}
    if request.method == "POST":
        item = items.filter(pk=request.POST.get("feedback") or 0).first()
        if item is None:
            raise Http404
        form = ReplyForm(request.POST)
        done = saved_or_refused(
            request,
            form,
            lambda d: services.feedback_reply(actor=user, feedback=item, reply=d["reply"]),
            reverse("consultations:feedback"),
        )
        if done is not None:
            return done
        failed = {"feedback": str(item.pk), "form": form}
    return render(
        request,
        "consultations/feedback_inbox.html",
        {"items": items, "reply_form": ReplyForm(), "failed": failed},
        status=400 if failed else 200,
    )
