from django.urls import path

from decisions import views_reports

app_name = "reports"

urlpatterns = [
    path("figures/", views_reports.figures_page, name="figures"),
    path("figures/print/", views_reports.figures_print, name="figures-print"),
    path("figures.xlsx", views_reports.figures_xlsx, name="figures-xlsx"),
]
