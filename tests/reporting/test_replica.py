"""Reports read from a replica through the database router (config/routers.py), shown with two
connections to the real PostgreSQL: a process configured with ``DATABASE_REPLICA_URL`` (here the
same database under another connection name, as a replica's copy would be) serves the annual
figures, and every statement the figures make is counted on each connection."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from decisions.models import DecisionState
from demo import builder as demo
from tests.factories import make_org, register

pytestmark = pytest.mark.django_db(transaction=True)

# Run in a process of its own with the replica configured; prints what each connection was asked.
SCRIPT = """
import json, sys
import django
django.setup()
from django.contrib.auth.models import User
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

username, government, year = sys.argv[1], sys.argv[2], sys.argv[3]
client = Client()
client.force_login(User.objects.get(username=username))
out = {}
for name, url in (
    ("page", f"/reports/figures/?government={government}&year={year}"),
    ("api", f"/api/v1/figures/?government={government}&year={year}"),
):
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(
        connections["replica"]
    ) as replica:
        response = client.get(url)
    out[name] = {
        "status": response.status_code,
        "primary": [q["sql"] for q in primary.captured_queries],
        "replica": [q["sql"] for q in replica.captured_queries],
        "body": response.content.decode(),
    }
print(json.dumps(out))
"""


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def _postgres():
    if connection.vendor != "postgresql":
        pytest.fail("The replica is a PostgreSQL feature; run the suite on PostgreSQL (DATABASE_URL).")


def test_the_figures_read_from_the_replica_and_say_as_of_when(_postgres):
    org = make_org()
    demo.walk(register(org), DecisionState.IMPLEMENTING, org)
    year = timezone.localdate().year
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
        "DATABASE_REPLICA_URL": _database_url() + "?application_name=dt_reports_replica",
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, org.leader.username, str(org.government.pk), str(year)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])

    for name in ("page", "api"):
        served = out[name]
        assert served["status"] == 200, name
        # The figures were read on the replica: the decisions, the event log, the reviews...
        assert any("decisions_decisionevent" in sql for sql in served["replica"]), name
        assert any("decisions_decision" in sql for sql in served["replica"]), name
        # ...and nothing of them on the primary, which kept the login's reads (session, user, token).
        assert not [sql for sql in served["primary"] if "decisions_decision" in sql], name
    # The page says what the copy is current to (a primary replays nothing: the moment it was read).
    assert "Read from the reporting copy of the database" in out["page"]["body"]
    answer = json.loads(out["api"]["body"])
    assert answer["government"]["id"] == org.government.pk and answer["tables"]


def test_without_a_replica_the_figures_are_read_live_and_say_nothing_of_a_copy(client, _postgres):
    org = make_org()
    client.force_login(org.leader)
    page = client.get("/reports/figures/", {"government": org.government.pk})
    assert page.status_code == 200
    assert "Read from the reporting copy of the database" not in page.content.decode()
    assert "replica" not in settings.DATABASES
