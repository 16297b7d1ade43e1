"""The government office's page for the yearly catalogue (Art 3): draw it up from the registered
decisions, record the Party committee's consent, publish it, adjust it with reasons. Each form
calls one service of ``decisions.services.catalogue``."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from decisions import limits, services
from decisions.models import Catalogue, CatalogueAdjustment, Decision, DepartmentKind, Government, Role
from decisions.views.common import saved_or_refused


class DraftForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)


class IncludeForm(forms.Form):
    decision = forms.ModelChoiceField(label=gettext_lazy("Decision"), queryset=Decision.objects.none())


class ApproveForm(forms.Form):
    approved_on = forms.DateField(label=gettext_lazy("approved on"), widget=forms.DateInput(attrs={"type": "date"}))
    approval_reference = forms.CharField(
        label=gettext_lazy("reference of the Party committee's consent"), max_length=limits.LINE_MAX_LENGTH
    )


class AdjustForm(forms.Form):
    decision = forms.ModelChoiceField(label=gettext_lazy("Decision"), queryset=Decision.objects.none())
    kind = forms.ChoiceField(label=gettext_lazy("adjustment"), choices=CatalogueAdjustment.Kind.choices)
    reason = forms.CharField(label=gettext_lazy("reason"), max_length=limits.REASON_MAX_LENGTH)


def _office_governments(user) -> list[Government]:
    return list(
        Government.objects.filter(
            departments__memberships__user=user,
            departments__kind=DepartmentKind.GOVERNMENT_OFFICE,
            departments__memberships__role=Role.GOVERNMENT_OFFICE,
        ).distinct()
    )


@login_required
@require_http_methods(["GET", "POST"])
def catalogues(request: HttpRequest) -> HttpResponse:
    governments = _office_governments(request.user)
    if not governments:
        raise Http404
    rows = (
        Catalogue.objects.filter(government__in=governments)
        .select_related("government")
        .prefetch_related("entries__decision", "adjustments__decision")
    )
    choices = Decision.objects.filter(government__in=governments).order_by("-catalogue_year", "sequence")
    failed: dict[str, object] = {}
    if request.method == "POST":
        form, call = _act(request, governments, choices)
        done = saved_or_refused(request, form, call, reverse("decisions:catalogues"))
        if done is not None:
            return done
        failed = {
            "action": request.POST.get("action", ""),
            "catalogue": request.POST.get("catalogue", ""),
            "form": form,
        }
    include, adjust = IncludeForm(), AdjustForm()
    include.fields["decision"].queryset = adjust.fields["decision"].queryset = choices  # type: ignore[attr-defined]
    return render(
        request,
        "decisions/catalogues.html",
        {
            "catalogues": rows,
            "draft_form": DraftForm(initial={"year": timezone.localdate().year}),
            "include_form": include,
            "approve_form": ApproveForm(),
            "adjust_form": adjust,
            "failed": failed,
        },
        status=400 if failed else 200,
    )


def _act(request, governments, choices):
    data, user = request.POST, request.user
    action = data.get("action", "")
    if action == "draft":
        return DraftForm(data), lambda d: services.catalogue_draft(
            actor=user, government=governments[0], year=d["year"]
        )
    catalogue = Catalogue.objects.filter(government__in=governments, pk=data.get("catalogue") or 0).first()
    if catalogue is None:
        raise Http404
    if action in ("include", "exclude"):
        form = IncludeForm(data)
        form.fields["decision"].queryset = choices
        service = services.catalogue_include if action == "include" else services.catalogue_exclude
        return form, lambda d: service(actor=user, catalogue=catalogue, decision=d["decision"])
    if action == "approve":
        return ApproveForm(data), lambda d: services.catalogue_approve(actor=user, catalogue=catalogue, **d)
    if action == "publish":
        return DraftForm({"year": catalogue.year}), lambda d: services.catalogue_publish(
            actor=user, catalogue=catalogue
        )
    if action == "adjust":
        form = AdjustForm(data)
        form.fields["decision"].queryset = choices
        return form, lambda d: services.catalogue_adjust(actor=user, catalogue=catalogue, **d)
    raise Http404
