"""The in-app bell: a Notification row per person, created with the reminder or event, so it exists exactly
once; the delivery is recorded as sent at once."""

from __future__ import annotations

import datetime as dt

from deadlines.channels import Channel, of, register
from deadlines.models import Delivery, Notification
from deadlines.notifications import Recipients, Source


@register
class InApp(Channel):
    key = Delivery.Channel.IN_APP
    delivered_when_planned = True

    def plan(self, source: Source, recipients: Recipients, now: dt.datetime) -> list[Delivery]:
        Notification.objects.bulk_create(
            [Notification(user=user, **of(source)) for user in recipients.users], ignore_conflicts=True
        )
        return [
            Delivery(
                **of(source),
                channel=self.key,
                user=user,
                status=Delivery.Status.SENT,
                attempts=1,
                sent_at=now,
            )
            for user in recipients.users
        ]
