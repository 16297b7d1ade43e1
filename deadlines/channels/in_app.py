"""The in-app bell: a Notification row per person, created with the reminder or event, so it exists exactly
once; the delivery is recorded as sent at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from deadlines.channels import Channel, of, register
from deadlines.models import Delivery, Notification
from deadlines.notifications import Recipients, Source


@register
class InApp(Channel):
    key = Delivery.Channel.IN_APP
    delivered_when_planned = True

    def plan(self, source: Source, recipients: Recipients, now: dt.datetime) -> list[Delivery]:
        return self.plan_many([(source, recipients)], now)[0]

    def plan_many(self, batch: Sequence[tuple[Source, Recipients]], now: dt.datetime) -> list[list[Delivery]]:
        """The whole batch's notifications in one INSERT (in the caller's transaction, with the rest
        of the batch's writes: exactly once)."""
        Notification.objects.bulk_create(
            [Notification(user=user, **of(source)) for source, recipients in batch for user in recipients.users],
            ignore_conflicts=True,
        )
        return [
            [
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
            for source, recipients in batch
        ]
