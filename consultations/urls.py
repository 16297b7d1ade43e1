"""The public side's pages under /public/ (no login) and the sponsor's inbox under /consultations/."""

from django.urls import path

from consultations.feeds import PublicFeed
from consultations.views import inbox, public

public_patterns = (
    [
        path("", public.index, name="index"),
        path("catalogue/<int:government>/<int:year>/", public.catalogue, name="catalogue"),
        path("consultations/<int:pk>/", public.consultation, name="consultation"),
        path("comments/<str:number>/receipt/", public.receipt, name="receipt"),
        path("track/", public.track, name="track"),
        path("decisions/<int:pk>/", public.decision, name="decision"),
        path("feedback/<str:number>/", public.feedback, name="feedback"),
        path("files/<int:pk>/", public.download, name="download"),
        path("feed/", PublicFeed(), name="feed"),
    ],
    "public",
)

inbox_patterns = (
    [
        path("<int:pk>/inbox/", inbox.inbox, name="inbox"),
        path("feedback/", inbox.feedback, name="feedback"),
    ],
    "consultations",
)
