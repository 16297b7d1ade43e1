"""Fixtures of the review tests. The clock starts on Monday 2 March 2026 (no public holiday for
weeks either side, so weekdays and Chinese working days agree) and stands still unless moved."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
START = dt.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def clock(time_machine):
    """``clock.go(day)`` moves the time to 10:00 in Shanghai on ``day``."""

    class Clock:
        def go(self, day: dt.date) -> None:
            time_machine.move_to(dt.datetime.combine(day, dt.time(10), tzinfo=SHANGHAI), tick=False)

    travel = Clock()
    travel.go(START)
    return travel
