import pytest

from tests.factories import make_org


@pytest.fixture
def org(db):
    return make_org()
