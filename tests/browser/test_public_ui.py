"""The public side in a real browser, without logging in: a person comments on one article of a
draft, keeps the tracking number, and later reads the answer the sponsor gave."""

from django.urls import reverse
from playwright.sync_api import expect

from consultations import services as public
from consultations.models import Comment
from tests.consultations.conftest import open_consultation


def test_a_person_comments_gets_a_tracking_number_and_later_reads_the_answer(org, new_page):
    decision = open_consultation(org)
    page = new_page()

    page.goto(reverse("public:consultation", args=[decision.pk]))
    page.get_by_label("Comment on").select_option(label="第二条")
    page.get_by_label("Your comment").fill("建议把城乡结合部也纳入适用范围。")
    page.get_by_label("Contact (telephone or e-mail; never published)").fill("13700000000")
    page.get_by_role("button", name="Send comment").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your comment was received")
    number = page.locator(".tracking-number").inner_text()
    comment = Comment.objects.get(tracking_number=number)
    assert (comment.article, comment.contact) == (2, "13700000000")
    expect(page.locator(".comment-status")).to_have_text("Received, not answered yet")

    # The sponsor answers in the inbox; the person comes back with the number.
    public.comment_answer(actor=org.clerk, comment=comment, handling="partly", answer="将在配套文件中研究。")
    page.goto(reverse("public:track"))
    page.get_by_label("Tracking number").fill(number)
    page.get_by_role("button", name="Look up").click()

    expect(page.locator(".comment-handling")).to_have_text("Partly adopted")
    expect(page.locator(".comment-answer")).to_have_text("将在配套文件中研究。")
    expect(page.get_by_text("13700000000")).to_have_count(0)
