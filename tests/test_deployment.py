"""What a deployment on several nodes relies on: the health check, the client's address behind the
installation's own proxy, and deploy/compose.yaml's layout (two web nodes, two workers, exactly one
beat, one PostgreSQL, one Redis, each with a health check)."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.test import RequestFactory

from decisions.middleware import TrustedProxyMiddleware

DEPLOY = Path(settings.BASE_DIR) / "deploy"


@pytest.mark.django_db
def test_healthz_answers_ok_without_a_login_and_says_nothing_else(client):
    response = client.get("/healthz")

    assert (response.status_code, response.content) == (200, b"ok")
    assert "no-cache" in response.headers["Cache-Control"]
    assert client.post("/healthz").status_code == 405


def _address_seen(remote: str, forwarded: str | None, trusted: list[str], settings) -> str:
    settings.DT_TRUSTED_PROXIES = trusted
    seen = {}

    def view(request):
        seen["ip"] = request.META["REMOTE_ADDR"]

    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    TrustedProxyMiddleware(view)(RequestFactory().get("/", **extra))
    return seen["ip"]


def test_behind_a_trusted_proxy_the_client_is_the_address_it_forwarded(settings):
    assert _address_seen("10.77.0.5", "203.0.113.9", ["10.77.0.0/24"], settings) == "203.0.113.9"


def test_a_client_cannot_choose_its_address_through_a_trusted_proxy(settings):
    # The client sent "198.51.100.1" itself; the proxy appended the address it saw.
    assert _address_seen("10.77.0.5", "198.51.100.1, 203.0.113.9", ["10.77.0.0/24"], settings) == "203.0.113.9"


def test_forwarded_header_from_an_untrusted_address_is_ignored(settings):
    assert _address_seen("203.0.113.50", "198.51.100.1", ["10.77.0.0/24"], settings) == "203.0.113.50"
    assert _address_seen("10.77.0.5", "198.51.100.1", [], settings) == "10.77.0.5"


def test_a_broken_forwarded_entry_keeps_the_proxys_address(settings):
    assert _address_seen("10.77.0.5", "not-an-address", ["10.77.0.0/24"], settings) == "10.77.0.5"


def test_compose_runs_two_web_nodes_two_workers_and_exactly_one_beat_with_health_checks():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]

    def role(name: str) -> str:
        command = " ".join(services[name].get("command", []))
        if "gunicorn" in command:
            return "web"
        if " worker" in command:
            return "worker"
        if " beat" in command:
            return "beat"
        return name

    roles = sorted(role(name) for name in services)
    assert roles.count("web") == 2 and roles.count("worker") == 2 and roles.count("beat") == 1
    assert {"postgres", "redis", "proxy", "migrate"} <= set(services)
    (beat,) = [name for name in services if role(name) == "beat"]
    assert services[beat]["deploy"]["replicas"] == 1
    for name, service in services.items():
        if name != "migrate":
            assert "healthcheck" in service, name
    # Every node reads one database and one broker, and shares the uploaded files.
    app_env = [services[n]["environment"] for n in services if role(n) in {"web", "worker", "beat"}]
    assert len({env["DATABASE_URL"] for env in app_env}) == 1
    assert len({env["CELERY_BROKER_URL"] for env in app_env}) == 1
    assert all(any(v.startswith("media:") for v in services[n]["volumes"]) for n in services if role(n) == "web")
    # The proxy balances over both web nodes, and the nodes trust the proxy's network only.
    nginx = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    assert "server web-1:8000" in nginx and "server web-2:8000" in nginx
    subnet = compose["networks"]["default"]["ipam"]["config"][0]["subnet"]
    assert {env["DT_TRUSTED_PROXIES"] for env in app_env} == {subnet}
