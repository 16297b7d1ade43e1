"""Every text typed in has a maximum length (decisions.limits), on every road: the API's input
serializers, the pages' forms, the model fields behind the admin. A text past it is refused (400 in
the API's error shape, a form error on the page) and nothing is stored. A request body is bounded
too: its fields by DATA_UPLOAD_MAX_MEMORY_SIZE, the whole of it by DT_REQUEST_MAX_BYTES (the
largest attachment plus its form)."""

from __future__ import annotations

import importlib
import inspect

import pytest
from django import forms
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from decisions import limits, services
from decisions.models import Attachment, Decision, DecisionEvent, ParticipationRecord

pytestmark = pytest.mark.django_db

FORM_MODULES = ["decisions.forms", "reviews.forms", "deadlines.views", "decisions.admin", "decisions.api.admin"]
# Strings whose values are bounded by their format, not by a length.
BOUNDED_FORMATS = {"date", "date-time", "time", "binary", "uuid"}


def _unbounded_strings(schema: dict) -> list[str]:
    found = []
    for name, component in schema["components"]["schemas"].items():
        if not name.endswith("Request"):  # COMPONENT_SPLIT_REQUEST: the input serializers
            continue
        for prop, value in component.get("properties", {}).items():
            if value.get("readOnly"):
                continue
            if value.get("type") == "array":
                value = value.get("items", {})
            if value.get("type") == "string" and "enum" not in value and value.get("format") not in BOUNDED_FORMATS:
                if "maxLength" not in value:
                    found.append(f"{name}.{prop}")
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                value = parameter.get("schema", {})
                if parameter["in"] == "query" and value.get("type") == "string" and "enum" not in value:
                    if value.get("format") not in BOUNDED_FORMATS and "maxLength" not in value:
                        found.append(f"{method.upper()} {path}?{parameter['name']}")
    return found


def test_every_string_the_api_takes_in_has_a_maximum_length():
    """The schema's request components are the input serializers (COMPONENT_SPLIT_REQUEST), and its
    query parameters the filters: each string field of each has a max_length."""
    schema = SchemaGenerator(patterns=None).get_schema(request=None, public=True)
    requests = [name for name in schema["components"]["schemas"] if name.endswith("Request")]
    assert len(requests) > 20  # the walk sees the input serializers, not nothing
    assert _unbounded_strings(schema) == []


def _our_form_classes() -> list[type[forms.BaseForm]]:
    classes = []
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module_name:
                classes.append(cls)
    return classes


def test_every_text_field_of_every_form_has_a_maximum_length():
    classes = _our_form_classes()
    assert len(classes) > 20
    unbounded = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in classes
        for name, field in cls.base_fields.items()
        if isinstance(field, forms.CharField) and field.max_length is None
    ]
    assert unbounded == []


def test_every_model_text_field_has_a_maximum_length():
    """The admin's and the model forms' fields come from these."""
    from django.apps import apps
    from django.db import models

    ours = ("decisions", "reviews", "deadlines", "reporting")
    unbounded = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in ours
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField) and field.max_length is None and field.editable
    ]
    # Written by the machine only (a delivery's last error), never typed in.
    assert unbounded == ["deadlines.Delivery.last_error"]


def _create_payload(org, **overrides) -> dict:
    return {
        "lead_sponsor": org.sponsor.pk,
        "title": "城市居民生活用水阶梯价格调整",
        "category": "public_policy",
        "catalogue_year": 2026,
        "decision_body": org.government.name,
        **overrides,
    }


def test_a_summary_past_its_limit_is_a_400_in_the_error_shape_and_nothing_is_stored(api, org):
    too_long = "长" * (limits.TEXT_MAX_LENGTH + 1)
    response = api.as_("clerk").post("/api/v1/decisions/", _create_payload(org, summary=too_long), format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "summary" in body["fields"]
    assert not Decision.objects.exists()
    at_limit = "长" * limits.TEXT_MAX_LENGTH
    response = api.as_("clerk").post("/api/v1/decisions/", _create_payload(org, summary=at_limit), format="json")
    assert response.status_code == 201, response.json()


def test_a_reason_past_its_limit_is_refused_and_changes_nothing(api, org):
    decision = services.decision_register(**org.decision_kwargs())
    events = DecisionEvent.objects.count()
    response = api.as_("clerk").post(
        f"/api/v1/decisions/{decision.pk}/amend/",
        {"summary": "新摘要", "reason": "理" * (limits.REASON_MAX_LENGTH + 1)},
        format="json",
    )
    assert response.status_code == 400, response.json()
    assert "reason" in response.json()["fields"]
    decision.refresh_from_db()
    assert decision.summary != "新摘要"
    assert DecisionEvent.objects.count() == events


def test_a_record_field_past_its_limit_is_refused_through_the_model_serializer(api, org):
    decision = services.decision_register(**org.decision_kwargs())
    services.decision_start(decision=decision, actor=org.secretary)
    client = api.as_("clerk")
    base = f"/api/v1/decisions/{decision.pk}/steps/public_participation/"
    assert client.post(base + "start/", {}, format="json").status_code == 200
    response = client.patch(
        base + "record/", {"affected_groups_heard": "听" * (limits.TEXT_MAX_LENGTH + 1)}, format="json"
    )
    assert response.status_code == 400
    assert "affected_groups_heard" in response.json()["fields"]
    assert not ParticipationRecord.objects.filter(affected_groups_heard__startswith="听").exists()


def test_a_4_5_mb_summary_is_refused_before_it_is_parsed(api, org):
    huge = "x" * (4_500_000)
    response = api.as_("clerk").post("/api/v1/decisions/", _create_payload(org, summary=huge), format="json")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert not Decision.objects.exists()


def test_a_json_body_over_the_field_limit_is_413_in_the_error_shape(api, org):
    body = _create_payload(org, summary="x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10))
    response = api.as_("clerk").post("/api/v1/decisions/", body, format="json")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert not Decision.objects.exists()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_an_attachment_larger_than_the_field_limit_is_still_accepted(api, org):
    """File contents do not count against DATA_UPLOAD_MAX_MEMORY_SIZE: only the attachment's own
    limit (ATTACHMENT_MAX_BYTES) applies to them."""
    decision = services.decision_register(**org.decision_kwargs())
    upload = SimpleUploadedFile("draft.pdf", b"%PDF-1.7\n" + b"0" * 5000, content_type="application/pdf")
    response = api.as_("clerk").post(
        f"/api/v1/decisions/{decision.pk}/attachments/", {"file": upload, "kind": "draft"}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    assert Attachment.objects.filter(decision=decision).count() == 1


@override_settings(DT_REQUEST_MAX_BYTES=2000)
def test_a_body_larger_than_any_accepted_request_is_413_before_it_is_read(api, org, client):
    decision = services.decision_register(**org.decision_kwargs())
    upload = SimpleUploadedFile("draft.pdf", b"%PDF-1.7\n" + b"0" * 5000, content_type="application/pdf")
    response = api.as_("clerk").post(
        f"/api/v1/decisions/{decision.pk}/attachments/", {"file": upload, "kind": "draft"}, format="multipart"
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    client.force_login(org.clerk)
    page = client.post(reverse("decisions:register"), {"summary": "x" * 5000})
    assert page.status_code == 413
    assert not Attachment.objects.exists() and Decision.objects.count() == 1


def test_a_summary_past_its_limit_on_the_page_is_a_form_error_and_nothing_is_stored(client, org):
    client.force_login(org.clerk)
    form_page = client.get(reverse("decisions:register")).content.decode()
    assert f'maxlength="{limits.TEXT_MAX_LENGTH}"' in form_page
    response = client.post(
        reverse("decisions:register"),
        {
            "lead_sponsor": org.sponsor.pk,
            "title": "城市居民生活用水阶梯价格调整",
            "category": "public_policy",
            "catalogue_year": 2026,
            "decision_body": org.government.name,
            "summary": "长" * (limits.TEXT_MAX_LENGTH + 1),
        },
    )
    assert response.status_code == 400
    assert "summary" in response.context["form"].errors
    assert not Decision.objects.exists()
