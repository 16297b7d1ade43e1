"""The delivery channels are a registry: every Delivery.Channel has its module, and a channel that
is not a Delivery.Channel is refused at start-up rather than at the first reminder."""

import pytest

from deadlines import channels
from deadlines.models import Delivery


def test_every_delivery_channel_has_its_registered_module_in_planning_order():
    assert list(channels.CHANNELS) == [Delivery.Channel.IN_APP, Delivery.Channel.EMAIL, Delivery.Channel.WEBHOOK]


def test_only_the_bell_is_delivered_when_planned():
    assert channels.sent_by_workers() == [Delivery.Channel.EMAIL, Delivery.Channel.WEBHOOK]


def test_a_channel_outside_delivery_channel_is_refused():
    class Pager(channels.Channel):
        key = "pager"

    with pytest.raises(ValueError, match="Delivery.Channel"):
        channels.register(Pager)
    assert "pager" not in channels.CHANNELS
