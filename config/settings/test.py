"""Test settings: PostgreSQL when DATABASE_URL says so (as in CI), SQLite otherwise."""

import tempfile
from datetime import timedelta
from pathlib import Path

from config.settings.base import *  # noqa: F403

SECRET_KEY = "test-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="dt-test-media-"))
CELERY_TASK_ALWAYS_EAGER = True
LANGUAGE_CODE = "en"
# The existing tests log in with force_login and are about other things; the second factor's own
# tests (tests/accounts/test_second_factor.py) turn the requirement on.
DT_SECOND_FACTOR_REQUIRED = False
# Many tests travel in time (time-machine) with a logged-in client to reach a deadline; the session
# limits would log them out. tests/accounts/test_session_timeouts.py puts base.py's limits back.
SESSION_IDLE_TIMEOUT = timedelta(days=3650)
SESSION_ABSOLUTE_TIMEOUT = timedelta(days=3650)
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
