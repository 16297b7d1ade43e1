from django.urls import path

from deadlines import views

app_name = "deadlines"

urlpatterns = [
    path("", views.deadline_list, name="list"),
    path("decision/<int:pk>/", views.decision_deadlines, name="decision"),
    path("decision/<int:pk>/assign/", views.assign, name="assign"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.mark_read, name="mark_read"),
]
