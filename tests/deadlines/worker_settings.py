"""Settings of the Celery worker and beat processes that test_reminders_worker.py starts.

The test settings, with what a separate process needs: a real broker (no eager mode), the test's own
queue (so stray messages of one run never reach another), e-mail written to files the test reads,
and beat scanning every second instead of every five minutes.
"""

import os

from config.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_DEFAULT_QUEUE = os.environ["DT_TEST_QUEUE"]
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["DT_TEST_MAIL_DIR"]
CELERY_BEAT_SCHEDULE = {
    "scan-reminders": {
        "task": "decisions.scan_reminders",
        "schedule": float(os.environ.get("DT_REMINDER_SCAN_SECONDS", "1")),
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = os.environ.get("DT_TEST_BEAT_FILE", "/tmp/dt-test-celerybeat")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
