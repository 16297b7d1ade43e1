"""Background work of the reports: the nightly check of the record (``reporting.integrity_alerts``)."""

from __future__ import annotations

from celery import shared_task

from reporting.integrity_alerts import integrity_notify_admins


@shared_task(name="reporting.check_integrity", ignore_result=True)
def check_integrity() -> int:
    """Check every rule of the record and tell the administrators of any finding (nightly)."""
    return integrity_notify_admins()
