"""How the deadlines app follows the core without the core knowing it.

- ``sync_clocks``: an event hook (``decisions.extensions.on_event``): every recorded change may
  open, move or close a clock, inside the same transaction.
- ``filter_overdue``: the ``overdue`` filter of the decision lists.
- Model signals on rule settings and holiday-schedule days: those are edited from the admin and the
  shell by code that knows nothing of clocks, so a signal is the honest wiring here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models, transaction

from deadlines import clocks, reminders
from deadlines.tasks import refresh_deadlines
from decisions.models import CalendarDay, RuleSettings

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from decisions.models import Decision, DecisionEvent


def sync_clocks(event: DecisionEvent) -> None:
    clocks.sync_for_decision(event.decision)


def filter_overdue(queryset: QuerySet[Decision], overdue: bool) -> QuerySet[Decision]:
    """Decisions with (or without) an open, chased deadline past its due date."""
    ids = clocks.overdue_decision_ids(queryset)
    return queryset.filter(pk__in=ids) if overdue else queryset.exclude(pk__in=ids)


def _refresh_deadlines_after_commit(sender, instance, **kwargs) -> None:
    """A rule setting or a holiday-schedule day changed: recompute the open deadlines it affects.

    A signal on purpose: rule settings and calendar days are edited from the admin (and the shell)
    by code that knows nothing of deadlines. The recomputation runs in the worker after the commit;
    if the broker is down it is logged, and the nightly refresh catches up.
    """
    government_id = getattr(instance, "government_id", None)
    marker = ("refresh_deadlines", government_id)
    # One refresh per transaction, however many rows it changed (a whole year of holidays at once).
    pending = getattr(transaction.get_connection(), "run_on_commit", [])
    if any(getattr(entry[1], "dt_marker", None) == marker for entry in pending):
        return

    def enqueue() -> None:
        reminders.enqueue_safely(refresh_deadlines, government_id=government_id)

    # The mark read back above, kept on the callback itself (in its __dict__, where a function's
    # attributes live; mypy knows no attributes of a function).
    vars(enqueue)["dt_marker"] = marker
    transaction.on_commit(enqueue)


def connect() -> None:
    for model in (RuleSettings, CalendarDay):
        models.signals.post_save.connect(
            _refresh_deadlines_after_commit, sender=model, dispatch_uid=f"deadlines-{model.__name__}"
        )
        models.signals.post_delete.connect(
            _refresh_deadlines_after_commit, sender=model, dispatch_uid=f"deadlines-del-{model.__name__}"
        )
