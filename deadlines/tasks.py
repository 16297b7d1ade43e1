"""Celery tasks: thin entry points to the reminder machinery (``deadlines.reminders``).

No task is scheduled with an ETA or countdown: Redis would redeliver such a task after its
visibility timeout. Beat runs the scan every few minutes and the scan finds what is due in the
database; a task that is lost, killed or run twice changes nothing that the next scan would not.
"""

from celery import shared_task

from deadlines import clocks, reminders
from decisions import services


@shared_task(name="decisions.scan_reminders", ignore_result=True)
def scan_reminders() -> dict:
    """Plan, dispatch and deliver every reminder that has fallen due."""
    return reminders.run_scan().as_dict()


@shared_task(name="decisions.refresh_deadlines", ignore_result=True)
def refresh_deadlines(government_id: int | None = None) -> int:
    """Recompute open deadlines after a rule setting or the holiday calendar changed (and nightly)."""
    return clocks.refresh_open(government_id=government_id)


@shared_task(name="decisions.drop_long_deferred", ignore_result=True)
def drop_long_deferred() -> int:
    """Deferred decisions leave the catalogue after the deferral limit (daily)."""
    return services.decisions_drop_long_deferred()
