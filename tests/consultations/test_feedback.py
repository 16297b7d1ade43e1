"""Art 35: public feedback on how a decision is carried out reaches its executing unit."""

import pytest
from django.urls import reverse

from consultations import services as public
from consultations.models import ExecutionFeedback
from decisions.errors import DecisionError
from decisions.models import DecisionState
from tests.factories import decision_in


@pytest.fixture
def implementing(org):
    return decision_in(org, DecisionState.IMPLEMENTING)  # executing unit: org.sponsor


def test_feedback_reaches_the_executing_unit_and_its_reply_is_read_by_number(client, org, implementing):
    response = client.post(
        reverse("public:decision", args=[implementing.pk]), {"text": "新设停车点不足。", "contact": "13600000000"}
    )
    feedback = ExecutionFeedback.objects.get()
    assert response["Location"] == reverse("public:feedback", args=[feedback.tracking_number])

    client.force_login(org.clerk)
    assert "13600000000" in client.get(reverse("consultations:feedback")).content.decode()
    client.post(reverse("consultations:feedback"), {"feedback": feedback.pk, "reply": "已增设停车点。"})
    client.logout()

    page = client.get(reverse("public:feedback", args=[feedback.tracking_number])).content.decode()
    assert "已增设停车点。" in page and "13600000000" not in page


def test_feedback_inbox_shows_nothing_to_another_unit(client, org, implementing):
    public.feedback_submit(decision=implementing, text="意见", contact="13600000000")
    client.force_login(org.other_clerk)

    assert "13600000000" not in client.get(reverse("consultations:feedback")).content.decode()
    with pytest.raises(DecisionError):
        public.feedback_reply(actor=org.other_clerk, feedback=ExecutionFeedback.objects.get(), reply="答复")


def test_feedback_refused_before_the_decision_is_carried_out(org):
    preparing = decision_in(org, DecisionState.PREPARING)

    with pytest.raises(DecisionError) as refused:
        public.feedback_submit(decision=preparing, text="意见")

    assert (refused.value.rule, refused.value.article) == ("feedback_open", "Art 35")
