from rest_framework.test import APIClient

from consultations import services as public
from consultations.models import Comment
from tests.consultations.conftest import record_of


def test_api_submits_a_comment_and_answers_with_the_tracking_number(consulted):
    response = APIClient().post(
        "/api/v1/public/comments/",
        {"decision": consulted.pk, "text": "建议分类标识统一。", "article": 1, "contact": "13900000000"},
        format="json",
    )

    assert response.status_code == 201
    comment = Comment.objects.get()
    assert response.json()["tracking_number"] == comment.tracking_number
    assert "contact" not in response.json() and "name" not in response.json()


def test_api_lookup_by_tracking_number(org, consulted):
    comment = public.comment_submit(record=record_of(consulted), text="意见", name="王五")
    public.comment_answer(actor=org.clerk, comment=comment, handling="partly", answer="部分采纳。")

    body = APIClient().get(f"/api/v1/public/comments/{comment.tracking_number}/").json()

    assert (body["status"], body["handling"], body["answer"]) == ("answered", "partly", "部分采纳。")
    assert "王五" not in str(body)


def test_api_refuses_a_comment_without_text_and_stores_nothing(consulted):
    response = APIClient().post("/api/v1/public/comments/", {"decision": consulted.pk, "text": ""}, format="json")

    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_api_has_no_comment_for_an_unknown_number(db):
    assert APIClient().get("/api/v1/public/comments/YJNOSUCH0000/").status_code == 404
