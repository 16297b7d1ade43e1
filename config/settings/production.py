"""Production settings: no secret, host, database or broker defaults; refuse to start without them.

Everything a deployment differs by comes from the environment (docs/security.md, "Production
settings and bad input"); `manage.py check --deploy --fail-level WARNING` finds nothing with these
settings (tests/test_settings.py). The site is served over HTTPS only, usually behind a TLS proxy.
"""

import os

from django.core.exceptions import ImproperlyConfigured


def _require(name: str, why: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in production ({why}).")
    return value


# Checked before the shared settings are read: without them those would quietly fall back to a
# SQLite file and the filesystem broker, which lose work when more than one machine serves the site.
_require("DATABASE_URL", "postgres://user:password@host:5432/name; there is no SQLite fallback")
_require("CELERY_BROKER_URL", "redis://host:6379/0; there is no filesystem broker fallback")

from config.settings.base import *  # noqa: E402, F403
from config.settings.base import DATABASES, SECRET_KEY, env_bool, env_list  # noqa: E402

# Persistent connections: opening a PostgreSQL connection per request costs more than most pages
# (a bare `SELECT 1` view served 240 requests a second without, 2,900 with). Sixty seconds unless
# DATABASE_CONN_MAX_AGE says otherwise (0 closes after each request, as behind a transaction pooler);
# the health check (base.py) drops a connection the database closed.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DATABASE_CONN_MAX_AGE", "60"))

DEBUG = False
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")
# Django's own test of a strong key (security.W009): long, varied, not one it generated for a demo.
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-"):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is too weak for production: at least 50 characters, 5 of them different, "
        "not a django-insecure- key (python -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set in production.")

# HTTPS only. Behind a TLS proxy, DJANGO_SECURE_PROXY_SSL_HEADER names the header the proxy sets
# (and strips from clients), e.g. "HTTP_X_FORWARDED_PROTO,https"; without it every request looks
# like plain HTTP to Django, so the redirect loops and CSRF refuses every form.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
# The health check of a load balancer or container asks over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
_proxy_header = env_list("DJANGO_SECURE_PROXY_SSL_HEADER")
if _proxy_header:
    if len(_proxy_header) != 2:
        raise ImproperlyConfigured(
            "DJANGO_SECURE_PROXY_SSL_HEADER must be a header and its value, e.g. HTTP_X_FORWARDED_PROTO,https."
        )
    SECURE_PROXY_SSL_HEADER = (_proxy_header[0], _proxy_header[1])
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
# The origins a form may be posted from (scheme included); by default each allowed host over HTTPS.
CSRF_TRUSTED_ORIGINS = env_list(
    "DJANGO_CSRF_TRUSTED_ORIGINS",
    ",".join(f"https://{host.lstrip('.')}" for host in ALLOWED_HOSTS if host != "*" and not host.startswith(".")),
)

SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
