"""What a person sent is never rewritten nor lost, whatever the road: the admin refuses, and the
database refuses a QuerySet update, raw SQL and a delete (consultations migration 0002)."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from consultations import services as public
from consultations.models import Comment, ExecutionFeedback
from decisions.models import DecisionState
from tests.consultations.conftest import record_of
from tests.factories import decision_in


@pytest.fixture
def comment(consulted):
    return public.comment_submit(record=record_of(consulted), text="原始意见", name="张三", contact="13600000000")


def _refused(write) -> str:
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        write()
    return str(refused.value)


@pytest.mark.parametrize(
    "values",
    [{"text": "改写"}, {"name": "李四"}, {"contact": ""}, {"tracking_number": "YJXXXXXXXXXX"}, {"channel": "letter"}],
)
def test_queryset_update_of_what_was_sent_is_refused(comment, values):
    assert "comment_write_once" in _refused(lambda: Comment.objects.filter(pk=comment.pk).update(**values))

    comment.refresh_from_db()
    assert (comment.text, comment.name, comment.contact) == ("原始意见", "张三", "13600000000")


def test_raw_sql_rewrite_and_delete_are_refused(comment):
    def rewrite():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE consultations_comment SET text = %s WHERE id = %s", ["改写", comment.pk])

    def delete():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM consultations_comment WHERE id = %s", [comment.pk])

    assert "comment_write_once" in _refused(rewrite)
    assert "comment_kept" in _refused(delete)
    assert "comment_kept" in _refused(lambda: Comment.objects.filter(pk=comment.pk).delete())
    assert Comment.objects.get(pk=comment.pk).text == "原始意见"


def test_the_services_still_answer_and_moderate(org, comment):
    public.comment_answer(actor=org.clerk, comment=comment, handling="adopted", answer="采纳。")
    public.comment_hide(actor=org.clerk, comment=comment, reason="重复提交")

    comment.refresh_from_db()
    assert (comment.handling, comment.hidden, comment.text) == ("adopted", True, "原始意见")


def test_feedback_is_write_once_and_kept(org):
    feedback = public.feedback_submit(decision=decision_in(org, DecisionState.IMPLEMENTING), text="停车点不足。")

    assert "execution_feedback_write_once" in _refused(
        lambda: ExecutionFeedback.objects.filter(pk=feedback.pk).update(text="改写")
    )
    assert "execution_feedback_kept" in _refused(lambda: ExecutionFeedback.objects.filter(pk=feedback.pk).delete())
    public.feedback_reply(actor=org.clerk, feedback=feedback, reply="已增设。")
    feedback.refresh_from_db()
    assert (feedback.text, feedback.reply) == ("停车点不足。", "已增设。")


def test_admin_neither_changes_nor_deletes_a_comment(admin_client, comment):
    change = reverse("admin:consultations_comment_change", args=[comment.pk])
    delete = reverse("admin:consultations_comment_delete", args=[comment.pk])

    changed = admin_client.post(change, {"text": "改写", "hidden": "on", "hidden_reason": "x"})
    deleted = admin_client.post(delete, {"post": "yes"})

    assert changed.status_code == 403 and deleted.status_code == 403
    comment.refresh_from_db()
    assert (comment.text, comment.hidden) == ("原始意见", False)
    page = admin_client.get(change).content.decode()
    assert "13600000000" not in page  # personal data stays out of the admin
