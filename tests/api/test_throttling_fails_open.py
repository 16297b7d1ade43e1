"""Throttling fails open: with the Redis behind the cache down, API calls (the public ones too) are
served, unthrottled, and a warning is logged; a rate limit must not take the service down.

A throwaway redis-server on a free loopback port is the cache; it is stopped in the middle of the test.
"""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import time

import pytest
import redis

pytestmark = pytest.mark.django_db

URLS = {"clerk": "/api/v1/users/me/", None: "/api/v1/public/catalogue/"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_cache(settings, tmp_path):
    """The default cache on a redis-server of this test's own; yields the server's process."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    port = _free_port()
    process = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=0.5).ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise AssertionError("redis-server did not start") from None
                time.sleep(0.1)
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{port}/0",
                "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
            }
        }
        process.port = port  # type: ignore[attr-defined]
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(10)


def test_api_calls_are_served_and_a_warning_logged_when_the_throttle_cache_is_down(api, redis_cache, caplog):
    port = redis_cache.port
    for role, url in URLS.items():
        assert api.as_(role).get(url).status_code == 200
    # The budgets were counted in this Redis: the throttle really uses it.
    keys = {key.decode() for key in redis.Redis(host="127.0.0.1", port=port).keys("*throttle_*")}
    assert any("throttle_token_" in key for key in keys) and any("throttle_anon_" in key for key in keys), keys

    redis_cache.terminate()
    redis_cache.wait(10)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="decisions.api.throttling"):
        for role, url in URLS.items():
            response = api.as_(role).get(url)
            assert response.status_code == 200, response.content
    warnings = [r for r in caplog.records if r.name == "decisions.api.throttling" and r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert all("cache is unreachable" in r.getMessage() for r in warnings)


def test_throttling_still_refuses_over_budget_callers_while_the_cache_is_up(api, redis_cache, settings):
    """Failing open is for an unreachable cache only: with Redis up the budget holds (429)."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "2/hour", "user": "2/hour", "anon": "2/hour"},
    }
    client = api.as_(None)
    codes = [client.get(URLS[None]).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
