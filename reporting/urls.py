from django.urls import path

from reporting import views

app_name = "reports"

urlpatterns = [
    path("figures/", views.figures_page, name="figures"),
    path("figures/print/", views.figures_print, name="figures-print"),
    path("figures.xlsx", views.figures_xlsx, name="figures-xlsx"),
    path("decisions.xlsx", views.decisions_xlsx, name="decisions-xlsx"),
    path("reviews.xlsx", views.reviews_xlsx, name="reviews-xlsx"),
    path("deadlines.xlsx", views.deadlines_xlsx, name="deadlines-xlsx"),
    path("decisions/<int:pk>/dossier.zip", views.dossier_download, name="dossier"),
    path("decisions/<int:pk>/meeting-packet/", views.meeting_packet_generate, name="meeting-packet"),
]

# The overview keeps its address (/overview/) and its name (decisions:overview): config.urls mounts
# it into the decisions namespace.
overview_patterns = [path("overview/", views.overview, name="overview")]
