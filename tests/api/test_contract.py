"""The API's contract: one error shape, the statuses of issue 5, tokens, throttling, paging, schema."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from rest_framework.test import APIClient

from decisions import services
from decisions.api.tokens import api_token_issue, api_token_revoke
from decisions.errors import DecisionError
from decisions.models import ApiToken, DecisionEvent, DecisionState
from demo import builder as demo
from tests.factories import MembershipFactory, make_org


@pytest.fixture
def decision(org):
    return services.decision_register(**org.decision_kwargs())


def test_anonymous_call_is_401_in_the_error_shape(db):
    response = APIClient().get("/api/v1/decisions/")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert response["WWW-Authenticate"] == "Token"


def test_revoked_token_is_refused_with_401(api):
    token = ApiToken.objects.get(user=api.org.clerk)
    api_token_revoke(token=token)
    assert api.as_("clerk").get("/api/v1/users/me/").status_code == 401


def test_token_records_its_last_use(api):
    assert api.as_("clerk").get("/api/v1/users/me/", REMOTE_ADDR="10.1.2.3").json()["token"]["name"] == "OA clerk"
    token = ApiToken.objects.get(user=api.org.clerk)
    assert token.last_used_at is not None
    assert token.last_used_ip == "10.1.2.3"


def test_token_is_only_for_an_account_of_one_department(org):
    MembershipFactory(user=org.clerk, department=org.other_sponsor)
    with pytest.raises(DecisionError) as refused:
        api_token_issue(user=org.clerk, department=org.sponsor, name="OA")
    assert refused.value.code == "invalid"


def test_token_stops_working_when_its_account_gains_a_role_elsewhere(api):
    MembershipFactory(user=api.org.clerk, department=api.org.other_sponsor)
    assert api.as_("clerk").get("/api/v1/users/me/").status_code == 401


def test_key_is_stored_only_as_a_digest(api):
    token = ApiToken.objects.get(user=api.org.clerk)
    assert api.keys["clerk"] not in (token.key_digest, token.key_prefix)


def test_decision_of_another_government_is_404_like_an_unknown_one(api):
    stranger = make_org("外市人民政府")
    theirs = services.decision_register(**stranger.decision_kwargs())
    for path in (f"/api/v1/decisions/{theirs.pk}/", "/api/v1/decisions/999999/"):
        response = api.as_("secretary").get(path)
        assert response.status_code == 404
        assert response.json() == {"code": "not_found", "detail": response.json()["detail"]}
    assert (
        api.as_("secretary").post(f"/api/v1/decisions/{theirs.pk}/transitions/start/", {}, format="json").status_code
        == 404
    )


def test_another_departments_draft_is_404_for_a_sponsor(api, decision):
    assert api.as_("other_clerk").get(f"/api/v1/decisions/{decision.pk}/").status_code == 404
    assert api.as_("clerk").get(f"/api/v1/decisions/{decision.pk}/").status_code == 200


def test_wrong_role_is_403_and_changes_nothing(api, decision):
    response = api.as_("clerk").post(f"/api/v1/decisions/{decision.pk}/transitions/start/", {}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    decision.refresh_from_db()
    assert decision.state == DecisionState.PROPOSED


def test_closed_gate_is_409_naming_rule_and_article(api, decision):
    services.decision_start(decision=decision, actor=api.org.secretary)
    response = api.as_("sponsor_head").post(
        f"/api/v1/decisions/{decision.pk}/transitions/submit_for_review/", {}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "rule"
    assert body["rule"] == "steps_settled"
    assert body["article"].startswith("Art ")


@override_settings(LANGUAGE_CODE="zh-hans")
def test_a_refusal_keeps_its_machine_article_and_adds_the_readers_label(api, decision):
    services.decision_start(decision=decision, actor=api.org.secretary)

    body = (
        api.as_("sponsor_head")
        .post(f"/api/v1/decisions/{decision.pk}/transitions/submit_for_review/", {}, format="json")
        .json()
    )
    options = api.as_("sponsor_head").get(f"/api/v1/decisions/{decision.pk}/transitions/").json()

    assert (body["article"], body["article_label"]) == ("Art 19", "第十九条")
    options = options["transitions"] if isinstance(options, dict) else options
    refusals = [r for t in options for r in t["reasons"] if r.get("article")]
    assert refusals and all(r["article_label"].startswith("第") for r in refusals)


def test_wrong_state_is_409(api, decision):
    response = api.as_("leader").post(
        f"/api/v1/decisions/{decision.pk}/transitions/suspend/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "wrong_state"


def test_invalid_input_is_400_with_fields(api, decision):
    services.decision_start(decision=decision, actor=api.org.secretary)
    response = api.as_("clerk").post(
        f"/api/v1/decisions/{decision.pk}/steps/risk_assessment/waive/", {"reason": ""}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) >= {"reason", "basis", "approver"}


def test_malformed_json_is_400_not_500(api):
    response = api.as_("clerk").generic("POST", "/api/v1/decisions/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_unknown_api_path_is_a_json_404(api):
    response = api.as_("clerk").get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@override_settings(ATTACHMENT_MAX_BYTES=10)
def test_oversize_upload_is_413(api, decision):
    upload = SimpleUploadedFile("draft.pdf", b"%PDF-1.4 more than ten bytes", content_type="application/pdf")
    response = api.as_("clerk").post(
        f"/api/v1/decisions/{decision.pk}/attachments/", {"file": upload, "kind": "draft"}, format="multipart"
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_upload_checks_type_and_stores_checksum(api, decision):
    client = api.as_("clerk")
    bad = SimpleUploadedFile("draft.pdf", b"MZ not a pdf", content_type="application/pdf")
    assert (
        client.post(f"/api/v1/decisions/{decision.pk}/attachments/", {"file": bad}, format="multipart").status_code
        == 400
    )
    good = SimpleUploadedFile("draft.pdf", b"%PDF-1.4 a draft", content_type="application/pdf")
    created = client.post(f"/api/v1/decisions/{decision.pk}/attachments/", {"file": good}, format="multipart")
    assert created.status_code == 201, created.content
    body = created.json()
    assert len(body["sha256"]) == 64
    download = client.get(f"/api/v1/decisions/{decision.pk}/attachments/{body['id']}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 a draft"


def test_throttling_is_per_token(api, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "3/minute"}}
    clerk = api.as_("clerk")
    codes = [clerk.get("/api/v1/users/me/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = clerk.get("/api/v1/users/me/")
    assert limited.json()["code"] == "throttled"
    assert "Retry-After" in limited
    # Another system's token has its own budget.
    assert api.as_("reviewer").get("/api/v1/users/me/").status_code == 200


def test_transitions_list_what_the_caller_may_do_and_why_not(api, decision):
    services.decision_start(decision=decision, actor=api.org.secretary)
    body = api.as_("sponsor_head").get(f"/api/v1/decisions/{decision.pk}/transitions/").json()
    options = {t["name"]: t for t in body["transitions"]}
    assert set(options) >= {"start", "submit_for_review", "record_outcome", "archive"}
    submit = options["submit_for_review"]
    assert submit["allowed"] is False
    assert {r["rule"] for r in submit["reasons"] if r["code"] == "rule"} == {"steps_settled"}
    assert options["start"]["reasons"][0]["code"] in {"forbidden", "wrong_state"}
    clerk_steps = api.as_("clerk").get(f"/api/v1/decisions/{decision.pk}/transitions/").json()["step_actions"]
    assert {(a["kind"], a["name"]) for a in clerk_steps if a["allowed"]} == {
        ("public_participation", "start"),
        ("public_participation", "waive"),
        ("expert_argument", "start"),
        ("expert_argument", "waive"),
        ("risk_assessment", "start"),
        ("risk_assessment", "waive"),
    }


def test_transitions_become_allowed_once_the_gates_open(api, decision):
    demo.settle_steps(services.decision_start(decision=decision, actor=api.org.secretary), api.org)
    options = api.as_("sponsor_head").get(f"/api/v1/decisions/{decision.pk}/transitions/").json()["transitions"]
    assert {t["name"] for t in options if t["allowed"]} == {"submit_for_review"}


def test_event_pages_are_stable_when_events_are_added(api, decision):
    demo.walk(decision, DecisionState.PREPARING, api.org)
    demo.settle_steps(decision, api.org)
    client = api.as_("clerk")
    first = client.get(f"/api/v1/decisions/{decision.pk}/events/?page_size=3").json()
    services.decision_withdraw(decision=decision, actor=api.org.leader, reason="情况变化")
    second = client.get(first["next"]).json()
    seen = [e["id"] for e in first["results"] + second["results"]]
    assert len(seen) == len(set(seen))
    expected = list(
        DecisionEvent.objects.filter(decision=decision).order_by("-created_at", "-id").values_list("id", flat=True)
    )
    assert seen == expected[1 : 1 + len(seen)]


def test_invalid_cursor_is_400(api):
    response = api.as_("clerk").get("/api/v1/events/?cursor=not-a-cursor")
    assert response.status_code == 400
    assert "cursor" in response.json()["fields"]


def test_public_catalogue_needs_no_login(api, org, decision):
    assert APIClient().get("/api/v1/public/catalogue/").json()["results"] == []  # registered, not catalogued
    catalogue = services.catalogue_draft(actor=org.secretary, government=org.government, year=decision.catalogue_year)
    services.catalogue_include(actor=org.secretary, catalogue=catalogue, decision=decision)
    services.catalogue_approve(
        actor=org.secretary, catalogue=catalogue, approved_on=dt.date(2026, 1, 5), approval_reference="市委批复"
    )
    services.catalogue_publish(actor=org.secretary, catalogue=catalogue)

    body = APIClient().get("/api/v1/public/catalogue/").json()
    assert [row["code"] for row in body["results"]] == [decision.code]


def test_schema_documents_the_waiver_request_and_its_answers(db):
    schema = APIClient().get("/api/v1/schema/?format=json").json()
    waive = schema["paths"]["/api/v1/decisions/{id}/steps/{kind}/waive/"]["post"]
    body = schema["components"]["schemas"]["WaiveInputRequest"]
    assert set(body["required"]) == {"reason", "basis", "approver"}
    assert "article" not in body["properties"]
    assert waive["operationId"] == "decisions_steps_waive"
    for act in ("approve", "refuse", "withdraw"):
        assert "post" in schema["paths"][f"/api/v1/decisions/{{id}}/steps/{{kind}}/waiver/{act}/"]
    assert "get" in schema["paths"]["/api/v1/decisions/{id}/steps/{kind}/waiver-bases/"]
    assert schema["components"]["schemas"]["WaiverRequestStatusEnum"]["enum"] == [
        "requested",
        "approved",
        "refused",
        "withdrawn",
    ]
    events = set(schema["components"]["schemas"]["Event"]["properties"]["transition"]["enum"])
    assert {"request_waiver", "refuse_waiver", "withdraw_waiver_request", "waive"} <= events


def test_schema_and_docs_are_served_without_a_cdn(db):
    client = APIClient()
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    assert "drf_spectacular_sidecar" in html


def test_admin_issues_a_token_and_shows_its_key_once(client, org, django_user_model):
    admin_user = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin_user)
    response = client.post(
        "/admin/decisions/apitoken/add/",
        {"name": "市住建局OA", "user": org.clerk.pk, "department": org.sponsor.pk},
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(name="市住建局OA")
    shown = [str(m) for m in response.context["messages"]]
    assert any(token.key_prefix in m for m in shown)
    refused = client.post(
        "/admin/decisions/apitoken/add/", {"name": "x", "user": org.clerk.pk, "department": org.other_sponsor.pk}
    )
    assert refused.status_code == 200 and ApiToken.objects.count() == 1


def test_transition_through_the_api_logs_the_callers_address(api, decision):
    api.as_("secretary").post(
        f"/api/v1/decisions/{decision.pk}/transitions/start/",
        {"comment": "启动"},
        format="json",
        REMOTE_ADDR="192.0.2.7",
    )
    event = DecisionEvent.objects.get(decision=decision, transition="start")
    assert (event.ip_address, event.actor, event.comment) == ("192.0.2.7", api.org.secretary, "启动")


def test_decision_list_costs_the_same_queries_whatever_its_length(api, django_assert_max_num_queries):
    client = api.as_("secretary")
    services.decision_register(**api.org.decision_kwargs())
    # The token with its scope (one statement), the page, its prefetches; the token's last use is
    # written at most once a minute (by the first request, below the bound).
    with django_assert_max_num_queries(4) as few:
        client.get("/api/v1/decisions/")
    for _ in range(5):
        services.decision_register(**api.org.decision_kwargs())
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get("/api/v1/decisions/").json()["results"]) == 6


def test_json_nested_a_thousand_deep_is_bad_input_not_a_server_error(api):
    body = "[" * 5000 + "]" * 5000
    for path in ("/api/v1/decisions/", "/api/v1/notifications/read/"):
        response = api.as_("clerk").generic("POST", path, body, content_type="application/json")
        assert response.status_code == 400, path
        assert response.json()["code"] == "invalid"
