"""When a consultation takes comments (Art 15): from the first day of its period to the end of its
last day, in the government's time (Asia/Shanghai), judged on the server. One second after the
last day ends, a comment is refused."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from decisions.models import DecisionState, ParticipationRecord, StepState


def opens_at(record: ParticipationRecord) -> dt.datetime | None:
    if record.period_start is None:
        return None
    return dt.datetime.combine(record.period_start, dt.time.min, tzinfo=timezone.get_default_timezone())


def closes_at(record: ParticipationRecord) -> dt.datetime | None:
    """The first instant after the period: midnight starting the day after ``period_end``."""
    if record.period_end is None:
        return None
    return dt.datetime.combine(
        record.period_end + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_default_timezone()
    )


def is_open(record: ParticipationRecord, now: dt.datetime | None = None) -> bool:
    """The call is published, the step runs, the decision is being prepared, and ``now`` lies in
    the period."""
    now = now or timezone.now()
    start, end = opens_at(record), closes_at(record)
    if start is None or end is None or record.call_published_on is None:
        return False
    if record.step.state != StepState.IN_PROGRESS or record.step.decision.state != DecisionState.PREPARING:
        return False
    return record.call_published_on <= timezone.localdate(now) and start <= now < end


def days_left(record: ParticipationRecord, now: dt.datetime | None = None) -> int:
    """Calendar days left, today included (the last day counts as one)."""
    if record.period_end is None:
        return 0
    return max(0, (record.period_end - timezone.localdate(now or timezone.now())).days + 1)
