"""The delivery channels of reminders, one module each, registered here.

A channel says which deliveries a reminder makes through it (``plan``) and how one is sent
(``send``, raising on failure, retried with backoff by the scans). A channel whose deliveries are
complete when planned (the in-app bell: the notification row is the delivery) is never sent by a
worker. A new channel is a module in this package that subclasses ``Channel`` and registers itself,
and its value in ``Delivery.Channel`` (``deadlines/models.py``).
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from collections.abc import Sequence
from typing import ClassVar

from django.conf import settings
from django.utils import translation

from deadlines.models import Delivery, Reminder
from deadlines.notifications import Message, Recipients, Source, delivery_message


class Channel:
    key: ClassVar[str]  # a value of Delivery.Channel
    # Delivered when planned (no worker sends it): the in-app bell.
    delivered_when_planned: ClassVar[bool] = False

    def plan(self, source: Source, recipients: Recipients, now: dt.datetime) -> list[Delivery]:
        """The deliveries of ``source`` (a reminder, or an event that hands someone a task) through
        this channel; each sets its source with ``of(source)``."""
        raise NotImplementedError

    def plan_many(self, batch: Sequence[tuple[Source, Recipients]], now: dt.datetime) -> list[list[Delivery]]:
        """``plan`` of each (source, recipients) of a batch, in order. A channel that writes as it
        plans (the bell) overrides this to write once per batch, not once per source."""
        return [self.plan(source, recipients, now) for source, recipients in batch]

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


def of(source: Source) -> dict[str, Source]:
    """The fields of a delivery or a bell notification that name its source."""
    return {"reminder": source} if isinstance(source, Reminder) else {"event": source}


def plan(source: Source, recipients: Recipients, now: dt.datetime) -> list[Delivery]:
    """Every delivery of one reminder or event, through every channel."""
    return plan_many([(source, recipients)], now)


def plan_many(batch: Sequence[tuple[Source, Recipients]], now: dt.datetime) -> list[Delivery]:
    """Every delivery of several reminders or events, through every channel, in the order ``plan``
    gives them one by one (source after source, channel after channel), each channel's writes made
    once for the whole batch."""
    by_channel = [channel.plan_many(batch, now) for channel in CHANNELS.values()]
    return [delivery for i in range(len(batch)) for planned in by_channel for delivery in planned[i]]


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
