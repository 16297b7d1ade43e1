"""The delivery channels of reminders, one module each, registered here.

A channel says which deliveries a reminder or an event makes through it (``plan``: rows of ids and
an address, no model objects) and how one is sent (``send``, raising on failure, retried with
backoff by the scans); ``fan_out`` writes a whole batch's in a few statements. A channel whose deliveries are
complete when planned (the in-app bell: the notification row is the delivery) is never sent by a
worker. A new channel is a module in this package that subclasses ``Channel`` and registers itself,
and its value in ``Delivery.Channel`` (``deadlines/models.py``).
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from collections.abc import Sequence
from typing import ClassVar, Literal, NamedTuple

from django.conf import settings
from django.utils import translation

from deadlines import batches
from deadlines.models import Delivery
from deadlines.notifications import Message, Recipients, delivery_message

# Which column of a delivery or a bell notification names its source.
SourceField = Literal["reminder", "event"]


class Planned(NamedTuple):
    """One delivery a channel plans: of the reminder or event ``source_id``, to a person (``user_id``)
    or to a department's robot (``department_id``), at ``address`` ("" for the bell)."""

    source_id: int
    user_id: int | None
    department_id: int | None
    address: str


class Channel:
    key: ClassVar[str]  # a value of Delivery.Channel
    # Delivered when planned (no worker sends it): the in-app bell.
    delivered_when_planned: ClassVar[bool] = False

    def plan(self, source_id: int, recipients: Recipients) -> list[Planned]:
        """The deliveries of a reminder or an event that hands someone a task, through this channel."""
        raise NotImplementedError

    def record(self, source: SourceField, planned: Sequence[Planned], now: dt.datetime) -> None:
        """What the channel writes besides its deliveries, with them (the bell: its notifications)."""

    def send(self, delivery: Delivery, text: Message) -> None:
        raise NotImplementedError(f"Channel {self.key} is not sent by a worker.")


CHANNELS: dict[str, Channel] = {}


def register(channel: type[Channel]) -> type[Channel]:
    """Class decorator: add the channel to the registry (in module order: in-app, e-mail, webhook)."""
    if channel.key not in Delivery.Channel.values:
        raise ValueError(f"Add {channel.key!r} to Delivery.Channel first.")
    CHANNELS[channel.key] = channel()
    return channel


def sent_by_workers() -> list[str]:
    return [key for key, channel in CHANNELS.items() if not channel.delivered_when_planned]


def other_source(source: SourceField) -> SourceField:
    """The source column a row of ``source`` leaves empty (a constraint: one or the other)."""
    return "event" if source == "reminder" else "reminder"


def fan_out(source: SourceField, batch: Sequence[tuple[int, Recipients]], now: dt.datetime) -> int:
    """Plan and write every delivery of a batch of reminders or events (their ids, with their
    recipients) through every channel, in the caller's transaction: a statement or two per channel
    for the whole batch, whatever its size, and none of them builds a model object. A delivery
    already there (the same source, channel and person or robot) is skipped: exactly once. Returns
    how many deliveries now wait for a worker (e-mail, webhook)."""
    waiting = 0
    for channel in CHANNELS.values():
        planned = [row for source_id, recipients in batch for row in channel.plan(source_id, recipients)]
        if not planned:
            continue
        channel.record(source, planned, now)
        _write_deliveries(channel, source, planned, now)
        if not channel.delivered_when_planned:
            waiting += len(planned)
    return waiting


def _write_deliveries(channel: Channel, source: SourceField, planned: Sequence[Planned], now: dt.datetime) -> None:
    sent = channel.delivered_when_planned
    shared: dict[str, object] = {
        other_source(source): None,
        "channel": channel.key,
        "status": Delivery.Status.SENT if sent else Delivery.Status.PENDING,
        "attempts": 1 if sent else 0,
        "sent_at": now if sent else None,
        "next_attempt_at": None if sent else now,
        "last_error": "",
        "created_at": now,
        "updated_at": now,
    }
    to_people = [row for row in planned if row.user_id is not None]
    to_robots = [row for row in planned if row.user_id is None]
    for to, other, rows in (("user", "department", to_people), ("department", "user", to_robots)):
        if not rows:
            continue
        ids = [(row.source_id, row.user_id if to == "user" else row.department_id) for row in rows]
        if any(row.address for row in rows):
            values = [(*pair, row.address) for pair, row in zip(ids, rows, strict=True)]
            batches.insert_values(Delivery, [source, to, "address"], values, {**shared, other: None})
        else:  # the bell's: no address to bind per row
            batches.insert_values(Delivery, [source, to], ids, {**shared, other: None, "address": ""})


def send(delivery: Delivery) -> None:
    """Send one delivery through its channel, in the site's language; raises on any failure."""
    with translation.override(settings.LANGUAGE_CODE):
        CHANNELS[delivery.channel].send(delivery, delivery_message(delivery))


def idempotency_key(delivery: Delivery) -> str:
    """Stable across retries of one delivery: a receiver that sees it twice knows it is one message."""
    return f"dt-delivery-{delivery.pk}"


# The built-in channels, in the order a reminder is planned through them; then any other module here.
_BUILT_IN = ("in_app", "email", "webhook")
for _name in (*_BUILT_IN, *sorted({m.name for m in pkgutil.iter_modules(__path__)} - set(_BUILT_IN))):
    importlib.import_module(f"{__name__}.{_name}")
