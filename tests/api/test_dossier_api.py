"""The dossier over the API: a zip for whoever may see the decision, 404 for anyone else."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.reporting.test_dossier import build_archived


@pytest.fixture
def archived(org):
    return build_archived(org)


def test_dossier_over_the_api(api, archived):
    response = api.as_("secretary").get(f"/api/v1/decisions/{archived.pk}/dossier/")
    assert response.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(response.content)).read("manifest.json")
    assert api.as_("other_clerk").get(f"/api/v1/decisions/{archived.pk}/dossier/").status_code == 404
