"""E-mail: one message per person who has an address, unless the department turned e-mail off.
Sent by the worker with a stable Message-ID, so a retried send is recognisably the same message."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage

from deadlines.channels import Channel, Planned, idempotency_key, register
from deadlines.models import Delivery
from deadlines.notifications import Message, Recipients


@register
class Email(Channel):
    key = Delivery.Channel.EMAIL

    def plan(self, source_id: int, recipients: Recipients) -> list[Planned]:
        if recipients.settings is not None and not recipients.settings.email_enabled:
            return []
        return [Planned(source_id, user.pk, None, user.email) for user in recipients.users if user.email]

    def send(self, delivery: Delivery, text: Message) -> None:
        key = idempotency_key(delivery)
        email = EmailMessage(
            subject=text.subject,
            body=text.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[delivery.address],
            headers={"Message-ID": f"<{key}@{settings.DT_MAIL_DOMAIN}>", "X-Idempotency-Key": key},
        )
        email.send(fail_silently=False)
