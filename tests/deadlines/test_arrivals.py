"""Work arriving is told: whoever an event hands a task to gets the bell, and e-mail and the robot as
their department's settings say (deadlines.arrivals)."""

import pytest
from django.test import override_settings
from django.utils import translation

from deadlines import notifications
from deadlines.models import Delivery, DepartmentNotificationSettings, Notification
from decisions import services
from decisions.models import DecisionState
from demo import builder as demo
from tests.reviews import flow

pytestmark = pytest.mark.django_db


def _told(decision, transition):
    return set(
        Notification.objects.filter(event__decision=decision, event__transition=transition).values_list(
            "user_id", flat=True
        )
    )


def test_the_legal_office_is_told_of_a_new_submission(org):
    decision = flow.submitted(org)
    assert _told(decision, "submit_for_review") == {org.reviewer.pk, org.legal_head.pk}


def test_the_sponsor_is_told_of_an_issued_opinion_and_the_head_of_one_to_issue(org):
    decision = flow.issued(org)
    assert _told(decision, "review_record_opinion") == {org.legal_head.pk}
    assert _told(decision, "review_issue") == {org.clerk.pk, org.sponsor_head.pk}


def test_the_government_office_is_told_when_a_decision_is_ready_for_the_meeting(org):
    decision = services.decision_register(**org.decision_kwargs())
    decision = demo.walk(decision, DecisionState.AWAITING_DECISION, org)
    assert _told(decision, "clear_for_meeting") == {org.secretary.pk}  # the office records the meeting


def test_nobody_is_told_of_their_own_act(org):
    decision = flow.submitted(org)
    assert org.sponsor_head.pk not in _told(decision, "submit_for_review")
    assert _told(decision, "start") == {org.clerk.pk, org.sponsor_head.pk}  # the secretary started it
    assert org.secretary.pk not in _told(decision, "start")


def test_e_mail_and_the_robot_follow_the_departments_settings(org):
    org.reviewer.email = "reviewer@example.gov.cn"
    org.reviewer.save(update_fields=["email"])
    DepartmentNotificationSettings.objects.create(
        department=org.legal_office, webhook_kind="generic", webhook_url="http://127.0.0.1:9/legal"
    )
    decision = flow.submitted(org)
    deliveries = Delivery.objects.filter(event__decision=decision, event__transition="submit_for_review")
    assert set(deliveries.values_list("channel", "address")) == {
        (Delivery.Channel.IN_APP, ""),
        (Delivery.Channel.EMAIL, "reviewer@example.gov.cn"),
        (Delivery.Channel.WEBHOOK, "http://127.0.0.1:9/legal"),
    }
    assert deliveries.filter(channel=Delivery.Channel.EMAIL, status=Delivery.Status.PENDING).exists()

    DepartmentNotificationSettings.objects.filter(department=org.legal_office).update(
        email_enabled=False, webhook_enabled=False
    )
    again = flow.submitted(org)
    channels = Delivery.objects.filter(event__decision=again).values_list("channel", flat=True)
    assert set(channels) == {Delivery.Channel.IN_APP}


@override_settings(LANGUAGE_CODE="zh-hans")
def test_the_message_says_who_did_what_and_links_to_the_review(org):
    decision = flow.submitted(org)
    notification = Notification.objects.get(event__transition="submit_for_review", user=org.reviewer)
    with translation.override("zh-hans"):
        text = notifications.notification_message(notification)
    assert decision.code in text.subject
    assert "提交合法性审查" in text.headline
    assert "待您办理" in text.headline
    assert text.url == f"/reviews/decision/{decision.pk}/"
