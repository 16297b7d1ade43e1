"""The Celery application.

With no CELERY_BROKER_URL the broker is kombu's filesystem transport in the project's var
folder, so worker and beat run as separate processes with no server at all.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("decision_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
