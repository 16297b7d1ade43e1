"""The in-app bell: a Notification row per person, created with the reminder or event, so it exists exactly
once; the delivery is recorded as sent at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from deadlines import batches
from deadlines.channels import Channel, Planned, SourceField, other_source, register
from deadlines.models import Delivery, Notification
from deadlines.notifications import Recipients


@register
class InApp(Channel):
    key = Delivery.Channel.IN_APP
    delivered_when_planned = True

    def plan(self, source_id: int, recipients: Recipients) -> list[Planned]:
        return [Planned(source_id, user.pk, None, "") for user in recipients.users]

    def record(self, source: SourceField, planned: Sequence[Planned], now: dt.datetime) -> None:
        """The batch's notifications in one INSERT (in the caller's transaction, with the rest of the
        batch's writes: exactly once)."""
        batches.insert_values(
            Notification,
            [source, "user"],
            [(row.source_id, row.user_id) for row in planned],
            {other_source(source): None, "read_at": None, "created_at": now, "updated_at": now},
        )
