"""Webhooks: the responsible department's group robot (WeCom, DingTalk with signing) or a generic
JSON receiver, with a timeout; an Idempotency-Key header that stays the same across retries."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
import urllib.request
from typing import Any

from django.conf import settings

from deadlines.channels import Channel, Planned, idempotency_key, register
from deadlines.clocks import basis
from deadlines.models import Delivery, DepartmentNotificationSettings
from deadlines.notifications import Message, Recipients


class WebhookError(Exception):
    pass


@register
class Webhook(Channel):
    key = Delivery.Channel.WEBHOOK

    def plan(self, source_id: int, recipients: Recipients) -> list[Planned]:
        robot = recipients.settings
        if robot is None or not robot.webhook_enabled or not robot.webhook_url:
            return []
        return [Planned(source_id, None, recipients.department_id, robot.webhook_url)]

    def send(self, delivery: Delivery, text: Message) -> None:
        """POST the reminder as JSON to the department's robot, with a timeout; a non-2xx answer or a
        robot's non-zero ``errcode`` is a failure (retried with backoff by the scans)."""
        # A delivery without a department finds no settings (Django reads "= None" as IS NULL); the
        # plugin's lookup check does not allow None for a non-null key.
        channel = DepartmentNotificationSettings.objects.filter(department_id=delivery.department_id).first()  # type: ignore[misc]
        if channel is None or not channel.webhook_enabled or not channel.webhook_url:
            raise WebhookError("The department has no webhook configured any more.")
        url = channel.webhook_url
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise WebhookError("Only http and https webhook addresses are allowed.")
        delivery.address = url
        if channel.webhook_kind == DepartmentNotificationSettings.WebhookKind.DINGTALK and channel.webhook_secret:
            url = _signed(url, channel.webhook_secret)
        body = json.dumps(_payload(delivery, channel, text), ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Idempotency-Key": idempotency_key(delivery),
                "User-Agent": "decision-tracker-reminders",
            },
        )
        with urllib.request.urlopen(request, timeout=settings.DT_WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
            raw = response.read(65536)
        try:
            answer = json.loads(raw or b"{}")
        except ValueError:
            return
        if isinstance(answer, dict) and answer.get("errcode", 0) not in (0, "0"):
            raise WebhookError(f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}")


def _payload(delivery: Delivery, channel: DepartmentNotificationSettings, text: Message) -> dict[str, Any]:
    if channel.webhook_kind in (
        DepartmentNotificationSettings.WebhookKind.WECOM,
        DepartmentNotificationSettings.WebhookKind.DINGTALK,
    ):
        # Both group robots take the same plain-text message.
        return {"msgtype": "text", "text": {"content": f"{text.subject}\n{text.text.split(chr(10), 1)[1]}"}}
    reminder = delivery.reminder
    if reminder is None:
        assert delivery.event is not None  # one or the other (a constraint)
        event = delivery.event
        return {
            "id": idempotency_key(delivery),
            "event": "decision.task",
            "transition": event.transition,
            "decision": {"id": event.decision_id, "code": event.decision.code, "title": event.decision.title},
            "department": str(delivery.department or ""),
            "subject": text.subject,
            "text": text.text,
            "url": settings.DT_SITE_URL.rstrip("/") + text.url,
        }
    deadline = reminder.deadline
    return {
        "id": idempotency_key(delivery),
        "event": "deadline.reminder",
        "reminder": {"kind": reminder.kind, "due_day": reminder.due_day.isoformat()},
        "deadline": {
            "id": deadline.pk,
            "kind": deadline.kind,
            "label": str(deadline.get_kind_display()),
            "due_date": deadline.due_date.isoformat(),
            "status": deadline.status,
            "basis": basis(deadline),
        },
        "decision": {"id": deadline.decision_id, "code": deadline.decision.code, "title": deadline.decision.title},
        "department": str(deadline.department),
        "subject": text.subject,
        "text": text.text,
        "url": settings.DT_SITE_URL.rstrip("/") + text.url,
    }


def _signed(url: str, secret: str) -> str:
    """DingTalk's 加签: HMAC-SHA256 of "timestamp\\nsecret", base64, as query parameters."""
    timestamp = str(round(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={sign}"
