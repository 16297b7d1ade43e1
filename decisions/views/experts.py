"""An expert's own pages (Art 19–20): the arguments they are asked for, and the form on which they
write and sign their opinion in their own login. They show only those decisions."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from decisions import forms, selectors, services
from decisions.http import AuthenticatedRequest
from decisions.views.common import saved_or_refused


@login_required
def expert_arguments(request: AuthenticatedRequest) -> HttpResponse:
    rows = selectors.arguments_asked_of(request.user)
    return render(request, "decisions/expert_arguments.html", {"rows": rows})


@login_required
def expert_sign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    row = selectors.argument_asked_of(request.user, pk)
    decision = row.step.decision
    form = forms.ExpertSignForm(request.POST or None)
    if request.method == "POST":
        done = saved_or_refused(
            request,
            form,
            lambda data: services.expert_opinion_sign(decision=decision, actor=request.user, **data),
            reverse("decisions:expert_arguments"),
        )
        if done is not None:
            return done
    status = 400 if form.errors else 200
    return render(
        request, "decisions/expert_sign.html", {"row": row, "decision": decision, "form": form}, status=status
    )
