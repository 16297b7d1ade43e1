"""The review page as the legal office works on it: materials open through the permission-checked
download view, a refused form keeps what was typed and marks its field, issuing waits for a
confirmation after the letter's preview, and a "lawful" conclusion that contradicts the recorded
items is warned about and confirmed on the record."""

from django.conf import settings
from django.urls import reverse

from decisions import limits
from decisions.models import DecisionState
from reviews import demo as review_demo
from reviews import services
from reviews.choices import ReviewEvent
from tests.reviews.flow import accepted, add_items, review_of, submitted, submitted_with_waiver


def _page(decision):
    return reverse("reviews:decision", args=[decision.pk])


def _act(decision, action):
    return reverse("reviews:act", args=[decision.pk, action])


def _chinese(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"


def test_materials_open_through_the_download_view_not_the_media_folder(org, client):
    decision = submitted(org)
    review_demo.complete_materials(decision, org)
    draft = review_of(decision).materials.get(kind="draft").attachment
    client.force_login(org.reviewer)

    page = client.get(_page(decision)).content.decode()
    download = client.get(reverse("decisions:attachment_download", args=[draft.pk]))

    assert reverse("decisions:attachment_download", args=[draft.pk]) in page
    assert settings.MEDIA_URL not in page
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"PK")


def test_a_refused_opinion_keeps_the_typed_text_and_marks_the_field(org, client):
    decision = accepted(org)
    client.force_login(org.reviewer)
    _chinese(client)

    response = client.post(
        _act(decision, "record_opinion"),
        {"conclusion": "exploratory_with_risk", "reasons": "改革探索，依据尚待明确。", "legal_risk": ""},
    )
    page = response.content.decode()

    assert response.status_code == 400
    assert "改革探索，依据尚待明确。" in page
    assert 'id="act-record_opinion" open' in page
    legal_risk = page[page.index('for="id_legal_risk"') - 200 : page.index('for="id_legal_risk"')]
    assert "has-error" in legal_risk
    assert "legal_risk:" not in page and "第二十五条" in page
    assert review_of(decision).conclusion == ""


def test_a_form_refused_before_the_service_keeps_its_input_too(org, client):
    decision = submitted(org)
    client.force_login(org.reviewer)

    too_long = "缺" * (limits.REASON_MAX_LENGTH + 1)

    response = client.post(_act(decision, "request_supplement"), {"missing": too_long})

    assert response.status_code == 400
    assert 'id="act-request_supplement" open' in response.content.decode()
    assert too_long in response.content.decode()


def test_issuing_asks_for_confirmation_after_the_preview(org, client):
    decision = accepted(org)
    add_items(decision, org, count=1)
    review_demo.hear_adviser(decision, org)
    client.force_login(org.reviewer)
    client.post(_act(decision, "record_opinion"), {"conclusion": "lawful_with_changes", "reasons": "须修改第五条。"})
    client.force_login(org.legal_head)

    page = client.get(_page(decision)).content.decode()
    preview = client.get(reverse("reviews:issue_preview", args=[decision.pk])).content.decode()
    unconfirmed = client.post(_act(decision, "issue"))

    assert reverse("reviews:issue_preview", args=[decision.pk]) in page
    assert "关于“" in preview and "须修改第五条。" in preview and 'name="confirm"' in preview
    assert unconfirmed.status_code == 400
    assert 'name="confirm"' in unconfirmed.content.decode() and "须修改第五条。" in unconfirmed.content.decode()
    assert not review_of(decision).is_issued
    assert client.post(_act(decision, "issue"), {"confirm": "on"}).status_code == 302
    assert review_of(decision).is_issued


def test_the_preview_before_an_opinion_is_written_names_what_is_missing(org, client):
    decision = accepted(org)
    client.force_login(org.legal_head)

    response = client.get(reverse("reviews:issue_preview", args=[decision.pk]))

    assert response.status_code == 200
    assert 'class="rv-refusals"' in response.content.decode()
    assert 'name="confirm"' not in response.content.decode()


def test_the_preview_is_the_heads_alone(org, client):
    decision = accepted(org)
    client.force_login(org.reviewer)

    assert client.get(reverse("reviews:issue_preview", args=[decision.pk])).status_code == 403


def test_lawful_despite_recorded_items_is_warned_and_the_confirmation_is_logged(org, client):
    decision = accepted(org)
    add_items(decision, org, count=2)
    client.force_login(org.reviewer)
    _chinese(client)
    opinion = {"conclusion": "lawful", "reasons": "经审查合法。"}

    warned = client.post(_act(decision, "record_opinion"), opinion)
    confirmed = client.post(_act(decision, "record_opinion"), {**opinion, "despite_items": "on"})

    assert warned.status_code == 400
    assert "经审查合法。" in warned.content.decode() and 'name="despite_items"' in warned.content.decode()
    assert review_of(decision).conclusion == "lawful"
    assert confirmed.status_code == 302
    event = decision.events.filter(transition=ReviewEvent.RECORD_OPINION).latest("pk")
    assert "2" in event.comment and event.comment != "合法"


def test_a_refusal_cites_its_article_in_chinese(org, client):
    decision = submitted(org)
    client.force_login(org.reviewer)
    _chinese(client)

    page = client.post(_act(decision, "accept")).content.decode()

    assert "第二十六条" in page
    assert "Art 26" not in page
    assert decision.state == DecisionState.LEGALITY_REVIEW


def test_a_refused_edit_of_an_item_keeps_the_text_on_its_row(org, client):
    decision = accepted(org)
    (item,) = add_items(decision, org, count=1)
    client.force_login(org.reviewer)
    edit = {
        "item_id": item.pk,
        "clause": "",
        "problem_type": "content",
        "problem": "改写后的问题描述。",
        "legal_basis": item.legal_basis,
        "suggested_change": item.suggested_change,
    }

    response = client.post(_act(decision, "save_item"), edit)
    page = response.content.decode()

    assert response.status_code == 400
    assert page.count("改写后的问题描述。") == 1
    assert f'id="id_save_item_{item.pk}_problem"' not in page  # the refused form, not a fresh one
    item.refresh_from_db()
    assert item.problem != "改写后的问题描述。"


def test_the_rows_acts_are_labelled_forms_of_their_own(org, client):
    decision = submitted_with_waiver(org)
    review_demo.complete_materials(decision, org)
    services.review_accept(decision=decision, actor=org.reviewer)
    adviser = org.adviser
    request = services.review_request_adviser_opinion(
        decision=decision, actor=org.reviewer, adviser=adviser, question="是否合法？"
    )
    client.force_login(org.reviewer)
    reviewer_page = client.get(_page(decision)).content.decode()
    client.force_login(adviser)
    adviser_page = client.get(_page(decision)).content.decode()

    assert 'for="id_check_waiver_expert_argument_verdict"' in reviewer_page
    assert f'for="id_sign_adviser_opinion_{request.pk}_opinion"' in adviser_page


def test_the_record_names_a_material_in_chinese_whatever_the_writer_s_language(org, client):
    """The event a material's upload leaves in the record names the material's kind in the record's
    language: an English page (the test settings' default) writes the same words as a Chinese one."""
    decision = submitted(org)
    review_demo.complete_materials(decision, org)  # in English: no language is active but the default

    comments = set(decision.events.filter(transition=ReviewEvent.ADD_MATERIAL).values_list("comment", flat=True))

    assert comments == {"决策草案", "起草说明", "法律依据"}
