"""/api/v1/: the whole REST API, assembled from each app's routes under one namespace ("api").

The machinery every endpoint shares (token authentication, throttling, keyset paging, the one error
shape, the schema) is ``decisions.api``, wired by ``REST_FRAMEWORK`` in the settings; each app keeps
its endpoints in its own ``api`` module. Order matters only for the catch-all, which is last.
"""

from csp.decorators import csp_update
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from consultations import api as consultations_api
from deadlines import api as deadlines_api
from decisions.api import urls as decisions_api
from decisions.api.errors import not_found_view
from reporting import api as reporting_api
from reviews import api as reviews_api

app_name = "api"

# The documentation pages are third-party bundles (Swagger UI, Redoc) that set styles inline; only
# they may, and only styles. Swagger's set-up script is served as a file (the split view), so no
# page of the site runs an inline script. Redoc parses the schema in a worker made from a blob.
_docs_csp = csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["'self'", "blob:"]})

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", _docs_csp(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"),
    path("redoc/", _docs_csp(SpectacularRedocView.as_view(url_name="api:schema")), name="redoc"),
    *decisions_api.urlpatterns,
    *reviews_api.urlpatterns,
    *deadlines_api.urlpatterns,
    *consultations_api.urlpatterns,
    *reporting_api.urlpatterns,
    # Anything else under /api/v1/ is a 404 in the API's error shape.
    re_path(r"^[\s\S]*$", not_found_view),
]
