"""The project's URLs: each app mounts its pages under its own prefix; /api/v1/ is ``config.api_urls``."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from config.health import healthz
from consultations import urls as consultation_urls
from decisions import urls as decision_urls
from decisions.accounts import views as account_views
from reporting import urls as reporting_urls

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico where a page names no icon (the admin, files): the site's icon.
    # (lazy: the static files' storage is asked when the icon is asked for, not at import)
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.svg"), permanent=True)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("config.api_urls")),
    path("reports/", include("reporting.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/second-factor/", account_views.second_factor_verify, name="second_factor_verify"),
    path("accounts/second-factor/enrol/", account_views.second_factor_enrol, name="second_factor_enrol"),
    path("accounts/password/done/", account_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("deadlines/", include("deadlines.urls")),
    path("reviews/", include("reviews.urls")),
    # The public side: no login (catalogues, consultations, comments, published decisions, the feed).
    path("public/", include(consultation_urls.public_patterns)),
    path("consultations/", include(consultation_urls.inbox_patterns)),
    # The leader overview is reporting's page but keeps its address and name (decisions:overview).
    path("", include(([*decision_urls.urlpatterns, *reporting_urls.overview_patterns], "decisions"))),
]
