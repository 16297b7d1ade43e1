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


def test_production_refuses_to_start_without_secret_key():
    result = _import_settings("config.settings.production", DJANGO_ALLOWED_HOSTS="example.gov.cn")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _import_settings("config.settings.production", DJANGO_SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set" in result.stderr


def test_production_starts_with_secret_key_and_hosts():
    result = _import_settings(
        "config.settings.production", DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="example.gov.cn"
    )
    assert result.returncode == 0, result.stderr


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
