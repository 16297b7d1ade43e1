"""The Celery application.

With no CELERY_BROKER_URL the broker is kombu's filesystem transport in the project's var
folder, so worker and beat run as separate processes with no server at all.
"""

import logging
import os

from celery import Celery, signals

logger = logging.getLogger(__name__)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("decision_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def enqueue_safely(task, *args, **kwargs) -> None:
    """Publish a Celery task; a broker that is down is logged, never raised to the user.

    Every app publishes through this: nothing is lost by a failed publish, because the work is in
    the database and the next scheduled scan (or the first download of a letter) does it.
    """
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=False)
    except Exception:  # noqa: BLE001 - kombu raises many kinds of connection errors
        logger.warning("Could not enqueue %s; the next scheduled scan will do the work.", task.name, exc_info=True)


# Exactly one beat per installation (config.beat_guard): a second one exits at start.
@signals.beat_init.connect
def _one_beat_only(sender=None, **kwargs) -> None:
    from config import beat_guard  # needs Django's settings, read only once beat starts

    beat_guard.hold_for_this_process()
