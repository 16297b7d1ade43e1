"""The legal office's pages: visibility, the queue, actions and their answers, letter downloads."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from decisions.models import DecisionState
from reviews import demo as review_demo
from reviews import selectors, services
from reviews.clock import add_working_days
from reviews.models import Conclusion
from reviews.templatetags.review_tags import EVENT_LABELS
from tests.factories import make_org
from tests.reviews.conftest import START
from tests.reviews.flow import accepted, add_items, issued, review_of, submitted


def _page(decision):
    return reverse("reviews:decision", args=[decision.pk])


def _act(decision, action):
    return reverse("reviews:act", args=[decision.pk, action])


def _docx_upload(name="草案.docx"):
    return SimpleUploadedFile(name, review_demo._docx("草案", "正文。"))


def test_review_page_url_is_the_one_the_decisions_ui_links_to(org):
    decision = submitted(org)

    assert _page(decision) == f"/reviews/decision/{decision.pk}/"


def test_reviewer_of_another_government_cannot_see_the_review(org, client):
    decision = issued(org, Conclusion.LAWFUL)
    stranger = make_org()
    client.force_login(stranger.reviewer)

    assert client.get(_page(decision)).status_code == 404
    assert client.post(_act(decision, "accept")).status_code == 404
    assert client.get(reverse("reviews:letter", args=[review_of(decision).pk, "pdf"])).status_code == 404


def test_another_sponsoring_department_cannot_see_the_review(org, client):
    decision = submitted(org)
    client.force_login(org.other_clerk)

    assert client.get(_page(decision)).status_code == 404


@pytest.mark.parametrize("who", ["clerk", "sponsor_head", "reviewer", "legal_head", "secretary", "leader"])
def test_sponsor_legal_office_and_government_office_see_the_review(org, client, who):
    decision = submitted(org)
    client.force_login(getattr(org, who))

    assert client.get(_page(decision)).status_code == 200


def test_review_page_shows_every_round(org, client):
    decision = submitted(org)
    services.review_return(decision=decision, actor=org.reviewer, reason="缺少起草说明，请补正后报送。")
    from decisions import services as decision_services

    decision_services.decision_submit_for_review(decision=decision, actor=org.sponsor_head)
    client.force_login(org.reviewer)

    page = client.get(_page(decision)).content.decode()

    assert 'id="round-1"' in page and 'id="round-2"' in page
    assert "缺少起草说明，请补正后报送。" in page


def test_queue_sorted_by_deadline_with_overdue_first(org, clock, client):
    clock.go(START)
    answered = issued(org, Conclusion.LAWFUL, title="戊 已出具")
    overdue = accepted(org, title="甲 逾期")
    clock.go(dt.date(2026, 3, 9))
    soon = accepted(org, title="乙 三日")
    clock.go(dt.date(2026, 3, 16))
    later = accepted(org, title="丙 八日")
    clock.go(dt.date(2026, 3, 20))
    waiting = submitted(org, title="丁 待受理")
    clock.go(dt.date(2026, 3, 25))

    rows = selectors.review_queue(org.reviewer, today=dt.date(2026, 3, 25))

    assert [row.review.decision for row in rows] == [overdue, soon, later, waiting, answered]
    assert [row.clock.days_left for row in rows[:3]] == [-2, 3, 8]
    assert rows[0].clock.overdue and rows[0].clock.days_overdue == 2
    client.force_login(org.reviewer)
    page = client.get(reverse("reviews:queue")).content.decode()
    assert page.index("甲 逾期") < page.index("乙 三日") < page.index("丙 八日") < page.index("丁 待受理")
    assert page.index("丁 待受理") < page.index("戊 已出具")


def test_queue_is_the_legal_offices(org, client):
    client.force_login(org.clerk)

    assert client.get(reverse("reviews:queue")).status_code == 403


def test_queue_shows_only_the_reviewers_own_government(org):
    submitted(org)
    stranger = make_org()

    assert selectors.review_queue(stranger.reviewer, today=START) == []


def test_queue_reads_a_fixed_number_of_queries(org, django_assert_max_num_queries):
    for _ in range(2):
        accepted(org)
    with django_assert_max_num_queries(8) as two:
        selectors.review_queue(org.reviewer, today=START)
    for _ in range(3):
        accepted(org)
    with django_assert_max_num_queries(len(two.captured_queries)):
        assert len(selectors.review_queue(org.reviewer, today=START)) == 5


def test_letter_downloads_as_pdf_and_docx(org, client):
    review = review_of(issued(org, Conclusion.LAWFUL))
    client.force_login(org.clerk)  # the addressee

    pdf = client.get(reverse("reviews:letter", args=[review.pk, "pdf"]))
    word = client.get(reverse("reviews:letter", args=[review.pk, "docx"]))

    assert pdf.status_code == word.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert b"".join(word.streaming_content).startswith(b"PK")
    assert "attachment" in word["Content-Disposition"]
    assert pdf["X-Checksum-SHA256"] == review.letters.get(format="pdf").sha256


def test_refused_action_answers_with_the_error_status(org, client):
    decision = submitted(org)
    client.force_login(org.reviewer)

    missing_materials = client.post(_act(decision, "accept"))
    no_reason = client.post(_act(decision, "return"), {"reason": ""})
    client.force_login(org.clerk)
    wrong_role = client.post(_act(decision, "accept"))

    assert missing_materials.status_code == 409
    assert "Art 26" in missing_materials.content.decode()
    assert no_reason.status_code == 400
    assert wrong_role.status_code == 403
    assert review_of(decision).accepted_on is None


def test_unknown_action_is_404(org, client):
    decision = submitted(org)
    client.force_login(org.reviewer)

    assert client.post(_act(decision, "approve_everything")).status_code == 404


def test_advisers_opinions_are_shown_side_by_side(org, client):
    from decisions.models import Role
    from tests.factories import MembershipFactory

    decision = accepted(org)
    for name in ("律师甲", "律师乙"):
        adviser = MembershipFactory(department=org.legal_office, role=Role.LEGAL_ADVISER, user__first_name=name).user
        review_demo.add_to_pool(org.government, adviser)
        request = services.review_request_adviser_opinion(
            decision=decision, actor=org.reviewer, adviser=adviser, question="是否合法？"
        )
        services.review_sign_adviser_opinion(
            decision=decision, actor=adviser, opinion_id=request.pk, opinion=f"{name}的意见：合法。"
        )
    client.force_login(org.reviewer)

    page = client.get(_page(decision)).content.decode()

    assert page.count('class="rv-card"') == 2
    assert "律师甲的意见：合法。" in page and "律师乙的意见：合法。" in page


def test_reviewer_takes_a_submission_from_the_queue_to_an_issued_letter_and_the_sponsor_gets_it_cleared(
    org, client, clock
):
    decision = submitted(org)
    # The sponsor completes the submission.
    client.force_login(org.clerk)
    for kind, upload in (("draft", _docx_upload()), ("explanation", _docx_upload("起草说明.docx"))):
        assert client.post(_act(decision, "add_material"), {"kind": kind, "file": upload}).status_code == 302
    client.post(_act(decision, "add_material"), {"kind": "legal_basis", "text": "《中华人民共和国价格法》"})
    # The reviewer takes it from the queue, accepts it and writes the opinion.
    client.force_login(org.reviewer)
    assert _page(decision) in client.get(reverse("reviews:queue")).content.decode()
    assert client.post(_act(decision, "accept")).status_code == 302
    # Art 28: the reviewer asks the pool's adviser, who signs an opinion on their own page.
    asked = {"adviser": org.adviser.pk, "question": "第五条是否合法？"}
    assert client.post(_act(decision, "request_adviser_opinion"), asked).status_code == 302
    request = review_of(decision).adviser_opinions.get()
    client.force_login(org.adviser)
    signed = {"opinion_id": request.pk, "opinion": "第五条第二款表述不明确，建议修改。"}
    assert client.post(_act(decision, "sign_adviser_opinion"), signed).status_code == 302
    client.force_login(org.reviewer)
    item = dict(review_demo.DEMO_ITEMS[0])
    assert client.post(_act(decision, "save_item"), item).status_code == 302
    opinion = {"conclusion": "lawful_with_changes", "reasons": "基本合法，第五条第二款需修改。"}
    assert client.post(_act(decision, "record_opinion"), opinion).status_code == 302
    # The office head reads the letter's preview, confirms, and issues it; the letter downloads in both formats.
    client.force_login(org.legal_head)
    preview = client.get(reverse("reviews:issue_preview", args=[decision.pk])).content.decode()
    assert "基本合法，第五条第二款需修改。" in preview and review_demo.DEMO_ITEMS[0]["clause"] in preview
    assert client.post(_act(decision, "issue"), {"confirm": "on"}).status_code == 302
    review = review_of(decision)
    assert review.document_number
    for fmt in ("pdf", "docx"):
        assert client.get(reverse("reviews:letter", args=[review.pk, fmt])).status_code == 200
    # The sponsor answers the item and hands in the revised draft.
    client.force_login(org.clerk)
    answer = {"item_id": review.items.get().pk, "response": "adopted", "reason": ""}
    assert client.post(_act(decision, "answer_item"), answer).status_code == 302
    assert client.post(_act(decision, "revised_draft"), {"file": _docx_upload("修改稿.docx")}).status_code == 302
    # The reviewer confirms and, once the minimum review time is over, clears it for the meeting.
    client.force_login(org.reviewer)
    assert client.post(_act(decision, "confirm_changes")).status_code == 302
    assert client.post(_act(decision, "clear_for_meeting")).status_code == 409
    clock.go(add_working_days(START, 7))
    assert client.post(_act(decision, "clear_for_meeting")).status_code == 302
    decision.refresh_from_db()
    assert decision.state == DecisionState.AWAITING_DECISION
    # and every step is on the page's history in words, not codes.
    logged = set(decision.events.filter(transition__startswith="review_").values_list("transition", flat=True))
    assert logged <= set(EVENT_LABELS)


def test_items_added_on_the_page_are_numbered(org, client):
    decision = accepted(org)
    add_items(decision, org, 1)
    client.force_login(org.reviewer)

    client.post(_act(decision, "save_item"), dict(review_demo.DEMO_ITEMS[1]))

    assert list(review_of(decision).items.values_list("number", flat=True)) == [1, 2]
