"""Art 28: legal advisers and public lawyers in the legality review. The government's pool, the
requests to those serving on the day, the signed opinion an issued opinion needs (unless the rules
say otherwise, and never against a government above), what an adviser sees, the record's check."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from decisions.errors import DecisionError
from decisions.integrity import findings_for
from decisions.models import Government, Role, RuleSettings
from decisions.rules import rules_for
from reviews import demo as review_demo
from reviews import services
from reviews.models import AdviserKind, LegalAdviser
from tests.factories import GovernmentFactory, MembershipFactory, snapshot
from tests.reviews.conftest import START
from tests.reviews.flow import accepted, review_of

QUESTION = "第九条罚款规定是否有上位法依据？"


def _written(decision, org) -> None:
    services.review_record_opinion(decision=decision, actor=org.reviewer, conclusion="lawful", reasons="合法。")


def _ask(decision, org, adviser=None):
    return services.review_request_adviser_opinion(
        decision=decision, actor=org.reviewer, adviser=adviser or org.adviser, question=QUESTION
    )


def _sign(decision, adviser, request):
    return services.review_sign_adviser_opinion(
        decision=decision, actor=adviser, opinion_id=request.pk, opinion="有上位法依据，合法。"
    )


def _issue(decision, org):
    return services.review_issue_opinion(decision=decision, actor=org.legal_head)


def test_opinion_cannot_be_issued_without_a_signed_adviser_opinion(org):
    decision = accepted(org)
    _written(decision, org)
    before = snapshot(decision)
    with pytest.raises(DecisionError) as refused:
        _issue(decision, org)
    assert (refused.value.rule, refused.value.article) == ("adviser_opinion_signed", "Art 28")
    assert snapshot(decision) == before

    _sign(decision, org.adviser, _ask(decision, org))
    assert _issue(decision, org).is_issued


def test_withdrawn_request_does_not_satisfy_art_28(org):
    decision = accepted(org)
    request = _ask(decision, org)
    services.review_withdraw_adviser_request(decision=decision, actor=org.reviewer, opinion_id=request.pk)
    _written(decision, org)
    with pytest.raises(DecisionError) as refused:
        _issue(decision, org)
    assert refused.value.rule == "adviser_opinion_signed"
    assert not review_of(decision).is_issued


def test_setting_off_allows_issuing_without_adviser(org):
    RuleSettings.objects.create(government=org.government, adviser_opinion_required=False)
    decision = accepted(org)
    _written(decision, org)
    review = _issue(decision, org)
    assert review.is_issued and not review.adviser_opinions.exists()
    assert findings_for(decision) == []


def test_national_default_requires_an_adviser_opinion():
    assert rules_for(None).adviser_opinion_required is True


def test_higher_government_requirement_binds_lower(org):
    province = GovernmentFactory(level=Government.Level.PROVINCE, name="测试省人民政府")
    org.government.parent = province
    org.government.save(update_fields=["parent", "updated_at"])
    RuleSettings.objects.create(government=org.government, adviser_opinion_required=False)
    assert rules_for(Government.objects.get(pk=org.government.pk)).adviser_opinion_required is False

    RuleSettings.objects.create(government=province, adviser_opinion_required=True)
    assert rules_for(Government.objects.get(pk=org.government.pk)).adviser_opinion_required is True
    decision = accepted(org)
    _written(decision, org)
    with pytest.raises(DecisionError) as refused:
        _issue(decision, org)
    assert refused.value.rule == "adviser_opinion_signed"


def test_adviser_outside_pool_or_term_is_refused(org):
    decision = accepted(org)
    outside = MembershipFactory(department=org.legal_office, role=Role.LEGAL_ADVISER).user
    ended = MembershipFactory(department=org.legal_office, role=Role.LEGAL_ADVISER).user
    review_demo.add_to_pool(org.government, ended, term_start=START - dt.timedelta(days=365), term_end=START)
    LegalAdviser.objects.filter(user=ended).update(term_end=START - dt.timedelta(days=1))
    inactive = MembershipFactory(department=org.legal_office, role=Role.LEGAL_ADVISER).user
    review_demo.add_to_pool(org.government, inactive, active=False)
    before = snapshot(decision)
    for adviser in (outside, ended, inactive):
        with pytest.raises(DecisionError) as refused:
            _ask(decision, org, adviser)
        assert (refused.value.rule, refused.value.article) == ("adviser_in_pool", "Art 28")
        assert "adviser" in refused.value.fields
    assert snapshot(decision) == before
    assert _ask(decision, org).adviser == org.adviser  # serving: term covers the day, active


def test_pool_entry_term_ends_after_it_starts_and_user_holds_the_adviser_role(org):
    entry = LegalAdviser(
        government=org.government,
        user=org.clerk,
        kind=AdviserKind.PUBLIC_LAWYER,
        firm="市司法局公职律师办公室",
        term_start=START,
        term_end=START,
    )
    with pytest.raises(ValidationError) as invalid:
        entry.full_clean()
    assert {"term_end", "user"} <= set(invalid.value.message_dict)


def test_adviser_sees_only_reviews_asked(org, client):
    asked = accepted(org, title="已征询法律顾问的决策事项")
    other = accepted(org, title="未征询法律顾问的决策事项")
    _ask(asked, org)
    client.force_login(org.adviser)
    for name, args in (("reviews:decision", "review"), ("decisions:detail", "pk")):
        assert client.get(reverse(name, args=[asked.pk])).status_code == 200, args
        assert client.get(reverse(name, args=[other.pk])).status_code == 404, args
    draft = other.attachments.first()
    assert client.get(reverse("decisions:attachment_download", args=[draft.pk])).status_code == 404
    queue = client.get(reverse("reviews:queue")).content.decode()
    assert asked.title in queue and other.title not in queue
    todo = client.get(reverse("decisions:todo")).content.decode()
    assert other.title not in todo
    listing = client.get(reverse("decisions:list")).content.decode()
    assert asked.title in listing and other.title not in listing

    api = APIClient()
    api.force_authenticate(org.adviser)
    assert api.get(f"/api/v1/decisions/{asked.pk}/review/").status_code == 200
    assert api.get(f"/api/v1/decisions/{other.pk}/review/").status_code == 404
    assert api.get(f"/api/v1/decisions/{other.pk}/").status_code == 404


def test_issued_letters_of_other_decisions_are_not_found_for_an_adviser(org, client):
    decision = accepted(org)
    _sign(decision, org.adviser, _ask(decision, org))
    _written(decision, org)
    review = _issue(decision, org)
    services.review_generate_letters(review=review)
    someone = MembershipFactory(department=org.legal_office, role=Role.LEGAL_ADVISER).user
    review_demo.add_to_pool(org.government, someone)
    client.force_login(someone)
    assert client.get(reverse("reviews:letter", args=[review.pk, "pdf"])).status_code == 404
    client.force_login(org.adviser)
    assert client.get(reverse("reviews:letter", args=[review.pk, "pdf"])).status_code == 200


def test_withdrawn_request_closes_the_review_to_the_adviser(org, client):
    decision = accepted(org)
    request = _ask(decision, org)
    services.review_withdraw_adviser_request(decision=decision, actor=org.reviewer, opinion_id=request.pk)
    client.force_login(org.adviser)
    assert client.get(reverse("reviews:decision", args=[decision.pk])).status_code == 404


def test_integrity_flags_issued_opinion_without_adviser(org):
    settings_row = RuleSettings.objects.create(government=org.government, adviser_opinion_required=False)
    decision = accepted(org)
    _written(decision, org)
    review = _issue(decision, org)
    assert findings_for(decision) == []

    settings_row.delete()  # the national rule (Art 28) again
    found = [f for f in findings_for(decision) if f.rule == "adviser_opinion_signed"]
    assert len(found) == 1
    assert found[0].article == "Art 28" and review.document_number in found[0].message


def test_walked_decisions_heard_a_signed_adviser_opinion(org):
    decision = accepted(org)
    review_demo.hear_adviser(decision, org)
    opinions = list(review_of(decision).adviser_opinions.all())
    assert len(opinions) == 1 and opinions[0].signed_at is not None
    _written(decision, org)
    assert _issue(decision, org).is_issued
    assert findings_for(decision) == []


def test_request_form_offers_the_pool_with_firm_kind_and_fields(org, client):
    decision = accepted(org)
    outside = MembershipFactory(department=org.legal_office, role=Role.LEGAL_ADVISER, user__first_name="池外")
    client.force_login(org.reviewer)
    page = client.get(reverse("reviews:decision", args=[decision.pk])).content.decode()
    entry = LegalAdviser.objects.get(user=org.adviser)
    assert f'value="{org.adviser.pk}"' in page
    assert entry.firm in page and entry.fields_of_practice in page
    assert f'value="{outside.user.pk}"' not in page


def test_pool_page_and_api_are_the_legal_offices(org, client):
    client.force_login(org.reviewer)
    page = client.get(reverse("reviews:advisers"))
    assert page.status_code == 200
    assert LegalAdviser.objects.get(user=org.adviser).firm in page.content.decode()
    client.force_login(org.clerk)
    assert client.get(reverse("reviews:advisers")).status_code == 403

    api = APIClient()
    api.force_authenticate(org.legal_head)
    rows = api.get("/api/v1/reviews/advisers/").json()["results"]
    assert [row["user"] for row in rows] == [org.adviser.pk]
    api.force_authenticate(org.clerk)
    assert api.get("/api/v1/reviews/advisers/").status_code == 403


def test_figures_count_opinions_that_heard_an_adviser_and_the_signed_opinions(org):
    from reporting.figures import AnnualFigures

    heard = accepted(org, title="听取法律顾问意见的事项")
    _sign(heard, org.adviser, _ask(heard, org))
    withdrawn = _ask(heard, org, adviser=None)
    services.review_withdraw_adviser_request(decision=heard, actor=org.reviewer, opinion_id=withdrawn.pk)
    _written(heard, org)
    _issue(heard, org)
    settings_row = RuleSettings.objects.create(government=org.government, adviser_opinion_required=False)
    unheard = accepted(org, title="未听取法律顾问意见的事项")
    _written(unheard, org)
    _issue(unheard, org)
    settings_row.delete()

    figures = {f.key: f for table in AnnualFigures(org.government, START.year).tables() for f in table.figures}
    assert figures["opinions_issued"].value == 2
    assert figures["opinions_with_adviser"].value == 1
    assert figures["opinions_with_adviser"].records == [heard.code]
    assert figures["adviser_opinions"].value == 1


def test_dossier_import_refuses_an_issued_opinion_whose_adviser_opinion_was_taken_out(org):
    from decisions.models import Decision
    from reporting.dossier import dossier_export, dossier_import
    from tests.reporting.test_dossier import _edited, build_archived, empty_the_database

    exported = dossier_export(build_archived(org), with_index=False)
    empty_the_database()

    def forge(data: dict) -> None:
        data["objects"] = [row for row in data["objects"] if row["model"] != "reviews.adviseropinion"]

    with pytest.raises(DecisionError) as refused:
        dossier_import(_edited(exported, forge))

    assert (refused.value.rule, refused.value.article) == ("adviser_opinion_signed", "Art 28")
    assert not Decision.objects.exists()


def test_admin_keeps_the_pool_with_its_rules(org, admin_client):
    url = reverse("admin:reviews_legaladviser_add")
    values = {
        "government": org.government.pk,
        "user": org.clerk.pk,
        "kind": AdviserKind.LEGAL_ADVISER,
        "firm": "示范律师事务所",
        "fields_of_practice": "行政法",
        "term_start": "2026-01-01",
        "term_end": "2025-12-31",
        "active": "on",
    }
    refused = admin_client.post(url, values)
    assert refused.status_code == 200
    assert not LegalAdviser.objects.filter(user=org.clerk).exists()

    newcomer = MembershipFactory(department=org.legal_office, role=Role.LEGAL_ADVISER).user
    assert admin_client.post(url, {**values, "user": newcomer.pk, "term_end": "2027-12-31"}).status_code == 302
    assert LegalAdviser.objects.get(user=newcomer).covers(START)
