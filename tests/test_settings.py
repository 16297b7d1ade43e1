"""Settings come from the environment; production refuses to start without its secrets."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _import_settings(module: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_"))}
    clean.update(env)
    code = (
        f"import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = {module!r}; django.setup(); "
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'], settings.CELERY_BROKER_URL, settings.LANGUAGE_CODE)"
    )
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60)


STRONG_KEY = "k3Y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP"
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": STRONG_KEY,
    "DJANGO_ALLOWED_HOSTS": "decisions.example.gov.cn",
    "DATABASE_URL": "postgres://app@db.example.gov.cn:5432/decisions",
    "CELERY_BROKER_URL": "redis://redis.example.gov.cn:6379/0",
    "DJANGO_SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
}


def _production(**changes: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in {**PRODUCTION_ENV, **changes}.items() if v is not None}
    return _import_settings("config.settings.production", **env)


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY must be set"),
        ("DJANGO_ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS must be set"),
        ("DATABASE_URL", "DATABASE_URL must be set in production"),
        ("CELERY_BROKER_URL", "CELERY_BROKER_URL must be set in production"),
    ],
)
def test_production_refuses_to_start_without_each_required_variable(missing, message):
    """No silent SQLite, filesystem broker, empty key or open host list in production."""
    result = _production(**{missing: None})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


@pytest.mark.parametrize("key", ["short-key", "django-insecure-" + "x" * 60, "ab" * 40])
def test_production_refuses_a_weak_secret_key(key):
    result = _production(DJANGO_SECRET_KEY=key)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is too weak" in result.stderr


def test_production_starts_with_its_environment_on_postgresql_and_redis():
    result = _production()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["django.db.backends.postgresql", "redis://redis.example.gov.cn:6379/0"]


def test_production_settings_pass_the_deployment_checks_with_no_warning():
    """HSTS, SSL redirect, secure cookies, strong key, hosts: `check --deploy` finds nothing."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_"))}
    env.update(PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="config.settings.production")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_trusts_the_tls_proxy_and_the_hosts_origins_from_the_environment():
    code = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings.production'; django.setup(); "
        "from django.conf import settings as s; "
        "print(s.SECURE_PROXY_SSL_HEADER, s.CSRF_TRUSTED_ORIGINS, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_REFERRER_POLICY)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_"))}
    env.update(PRODUCTION_ENV, DJANGO_SECURE_HSTS_SECONDS="600")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "('HTTP_X_FORWARDED_PROTO', 'https') ['https://decisions.example.gov.cn'] 600 True True True same-origin"
    )


@pytest.mark.parametrize("module", ["config.settings.local"])
def test_zero_setup_defaults_are_sqlite_filesystem_broker_and_chinese(module, tmp_path):
    result = _import_settings(module, DT_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "filesystem://localhost/", "zh-hans"]


def test_database_and_broker_urls_switch_to_postgresql_and_redis(tmp_path):
    result = _import_settings(
        "config.settings.local",
        DT_VAR_DIR=str(tmp_path),
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/somedb",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/3",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["django.db.backends.postgresql", "redis://127.0.0.1:6379/3"]


def _connection_settings(**changes: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_"))}
    env.update({**PRODUCTION_ENV, **changes})
    code = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings.production'; django.setup(); "
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['CONN_MAX_AGE'], s.DATABASES['default']['CONN_HEALTH_CHECKS'])"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_production_keeps_its_database_connections_with_a_health_check_unless_told_otherwise():
    assert _connection_settings() == ["60", "True"]
    assert _connection_settings(DATABASE_CONN_MAX_AGE="0", DATABASE_CONN_HEALTH_CHECKS="0") == ["0", "False"]
