"""Pages for the public: no login, rendered on the server, working without JavaScript."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from consultations import selectors, services
from consultations.forms import CommentForm, FeedbackForm, TrackForm
from decisions.errors import DecisionError
from decisions.views.common import add_error, client_ip
from decisions.visibility import public_attachment


def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "consultations/index.html",
        {
            "catalogues": selectors.published_catalogues().order_by("government__name", "-year"),
            "open_records": selectors.open_records(),
            "decisions": selectors.published_decisions()[:20],
            "track_form": TrackForm(),
        },
    )


def catalogue(request: HttpRequest, government: int, year: int) -> HttpResponse:
    return render(request, "consultations/catalogue.html", {"page": selectors.catalogue_page(government, year)})


@require_http_methods(["GET", "POST"])
def consultation(request: HttpRequest, pk: int) -> HttpResponse:
    page = selectors.consultation_page(pk)
    form = CommentForm(request.POST or None, articles=page.articles, name_required=page.consultation.name_required)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                comment = services.comment_submit(
                    record=page.record,
                    text=form.cleaned_data["text"],
                    article=form.cleaned_data["article"],
                    name=form.cleaned_data["name"],
                    contact=form.cleaned_data["contact"],
                    ip=client_ip(request),
                )
            except DecisionError as err:
                add_error(form, err)
                status = err.status
            else:
                return redirect("public:receipt", number=comment.tracking_number)
    return render(request, "consultations/consultation.html", {"page": page, "form": form}, status=status)


def receipt(request: HttpRequest, number: str) -> HttpResponse:
    comment = selectors.tracked_comment(number)
    if comment is None:
        return render(request, "consultations/track.html", {"form": TrackForm(), "missing": True}, status=404)
    return render(request, "consultations/receipt.html", {"comment": comment})


def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.GET or None)
    comment = None
    missing = False
    if form.is_valid():
        if form.cleaned_data["number"].strip().upper().startswith("FK"):
            return redirect("public:feedback", number=form.cleaned_data["number"].strip().upper())
        comment = selectors.tracked_comment(form.cleaned_data["number"])
        missing = comment is None
    return render(
        request,
        "consultations/track.html",
        {"form": form, "comment": comment, "missing": missing},
        status=404 if missing else 200,
    )


@require_http_methods(["GET", "POST"])
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    made, record = selectors.published_decision(pk)
    form = FeedbackForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                feedback = services.feedback_submit(
                    decision=made,
                    text=form.cleaned_data["text"],
                    name=form.cleaned_data["name"],
                    contact=form.cleaned_data["contact"],
                    ip=client_ip(request),
                )
            except DecisionError as err:
                add_error(form, err)
                status = err.status
            else:
                return redirect("public:feedback", number=feedback.tracking_number)
    return render(
        request,
        "consultations/decision.html",
        {"decision": made, "record": record, "documents": selectors.public_documents(made), "form": form},
        status=status,
    )


def feedback(request: HttpRequest, number: str) -> HttpResponse:
    """The receipt and, later, the executing unit's reply: by tracking number only."""
    item = selectors.tracked_feedback(number)
    if item is None:
        return render(request, "consultations/track.html", {"form": TrackForm(), "missing": True}, status=404)
    return render(request, "consultations/feedback.html", {"feedback": item})


def download(request: HttpRequest, pk: int) -> FileResponse:
    """Only a draft or an explanation of a decision the public side shows; 404 for anything else."""
    attachment = public_attachment(pk)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type="application/octet-stream",
    )
