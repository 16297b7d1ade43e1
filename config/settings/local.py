"""Zero-setup development and demo settings (SQLite + filesystem broker unless URLs are set)."""

from config.settings.base import *  # noqa: F403
from config.settings.base import VAR_DIR, env_bool, env_list

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = SECRET_KEY or "local-development-only-not-secret"  # noqa: F405
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "mail"
VAR_DIR.mkdir(parents=True, exist_ok=True)

# The demo's people log in with the password printed by `seed_demo --list-logins` alone: the second
# factor is optional here (anyone may still enrol from the user menu). Production keeps it required
# (docs/security.md, "Accounts and sign-in"); DT_SECOND_FACTOR_REQUIRED=1 turns it on here too.
DT_SECOND_FACTOR_REQUIRED = env_bool("DT_SECOND_FACTOR_REQUIRED", False)
