from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("decisions.api.urls")),
    path("reports/", include("decisions.urls_reports")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("deadlines/", include("decisions.urls_deadlines")),
    path("reviews/", include("reviews.urls")),
    path("", include("decisions.urls")),
]
