import pytest
from django.db import connection

from tests.factories import make_org


@pytest.fixture
def org(db):
    return make_org()


@pytest.fixture(autouse=True)
def _postgresql_only(request):
    """Tests marked ``postgres`` need its row locks and concurrent writers; CI runs on PostgreSQL,
    so there they always run. On a SQLite run they are reported as skipped, with the reason."""
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip(f"needs PostgreSQL row locks and concurrent writers (running on {connection.vendor})")
