from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("advisers/", views.advisers, name="advisers"),
    path("decision/<int:decision_id>/", views.decision_review, name="decision"),
    path("decision/<int:decision_id>/issue/preview/", views.issue_preview, name="issue_preview"),
    path("decision/<int:decision_id>/<slug:action>/", views.act, name="act"),
    path("letter/<int:review_id>.<str:fmt>", views.letter, name="letter"),
]
