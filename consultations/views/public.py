"""Pages for the public: no login, rendered on the server, working without JavaScript."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from consultations import selectors, services
from consultations.forms import CommentForm, TrackForm
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
        comment = selectors.tracked_comment(form.cleaned_data["number"])
        missing = comment is None
    return render(
        request,
        "consultations/track.html",
        {"form": form, "comment": comment, "missing": missing},
        status=404 if missing else 200,
    )


def decision(request: HttpRequest, pk: int) -> HttpResponse:
    made, record = selectors.published_decision(pk)
    return render(
        request,
        "consultations/decision.html",
        {"decision": made, "record": record, "documents": selectors.public_documents(made)},
    )


def download(request: HttpRequest, pk: int) -> FileResponse:
    """Only a draft or an explanation of a decision the public side shows; 404 for anything else."""
    attachment = public_attachment(pk)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type="application/octet-stream",
    )


def receipt_url(number: str) -> str:
    return reverse("public:receipt", kwargs={"number": number})
