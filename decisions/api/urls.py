"""/api/v1/: the REST API. Transition and step-action routes are generated from the lifecycle
contract's names, so the schema documents each with its own input."""

from django.urls import path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from decisions.models import DECISION_TRANSITIONS, STEP_TRANSITIONS, StepKind

from . import deadlines, reviews, views
from .errors import not_found_view
from .serializers import MAX_ID


class IdConverter:
    """Database ids: digits that fit PostgreSQL's bigint, so no lookup can overflow."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


class StepKindConverter:
    regex = "|".join(StepKind.values)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "id")
register_converter(StepKindConverter, "step_kind")
assert MAX_ID < 10**18

app_name = "api"

decision = "decisions/<id:pk>/"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("users/me/", views.MeView.as_view(), name="me"),
    path("governments/", views.GovernmentList.as_view(), name="government-list"),
    path("governments/<id:pk>/", views.GovernmentDetail.as_view(), name="government-detail"),
    path("departments/", views.DepartmentList.as_view(), name="department-list"),
    path("departments/<id:pk>/", views.DepartmentDetail.as_view(), name="department-detail"),
    path("decisions/", views.DecisionListCreate.as_view(), name="decision-list"),
    path(decision, views.DecisionDetail.as_view(), name="decision-detail"),
    path(decision + "transitions/", views.TransitionOptions.as_view(), name="decision-transitions"),
    *[
        path(decision + f"transitions/{name}/", views.make_transition_view(name).as_view(), name=f"transition-{name}")
        for name in DECISION_TRANSITIONS
    ],
    path(decision + "steps/", views.StepList.as_view(), name="step-list"),
    path(
        decision + "steps/public_participation/record/",
        views.ParticipationRecordView.as_view(),
        name="participation-record",
    ),
    path(decision + "steps/risk_assessment/record/", views.RiskRecordView.as_view(), name="risk-record"),
    path(decision + "steps/expert_argument/opinions/", views.ExpertOpinionCreate.as_view(), name="expert-opinions"),
    path(
        decision + "steps/expert_argument/opinions/<id:opinion_pk>/handling/",
        views.ExpertOpinionHandling.as_view(),
        name="expert-opinion-handling",
    ),
    path(decision + "steps/<step_kind:kind>/", views.StepDetail.as_view(), name="step-detail"),
    *[
        path(
            decision + f"steps/<step_kind:kind>/{action}/",
            views.make_step_action_view(action).as_view(),
            name=f"step-{action}",
        )
        for action in STEP_TRANSITIONS
    ],
    path(decision + "meetings/", views.MeetingList.as_view(), name="meeting-list"),
    path(decision + "execution-reports/", views.ExecutionReportListCreate.as_view(), name="execution-reports"),
    path(decision + "evaluations/", views.EvaluationListCreate.as_view(), name="evaluations"),
    path(decision + "attachments/", views.AttachmentListCreate.as_view(), name="attachment-list"),
    path(
        decision + "attachments/<id:attachment_pk>/download/",
        views.AttachmentDownload.as_view(),
        name="attachment-download",
    ),
    path(decision + "events/", views.DecisionEventList.as_view(), name="decision-events"),
    path(decision + "dossier/", views.DossierView.as_view(), name="decision-dossier"),
    path(decision + "deadlines/", deadlines.DecisionDeadlines.as_view(), name="decision-deadlines"),
    path(decision + "review/", reviews.ReviewRecordView.as_view(), name="review"),
    path(
        decision + "review/letters/<id:letter_pk>/download/",
        reviews.LetterDownload.as_view(),
        name="review-letter-download",
    ),
    *[
        path(decision + f"review/{action}/", reviews.make_review_action_view(action).as_view(), name=f"review-{action}")
        for action in reviews.REVIEW_ACTIONS
    ],
    path("events/", views.EventList.as_view(), name="event-list"),
    path("deadlines/", deadlines.DeadlineList.as_view(), name="deadline-list"),
    path("notifications/", deadlines.NotificationList.as_view(), name="notification-list"),
    path("notifications/read/", deadlines.NotificationsRead.as_view(), name="notifications-read"),
    path("figures/", views.FiguresView.as_view(), name="figures"),
    path("figures/xlsx/", views.FiguresWorkbook.as_view(), name="figures-xlsx"),
    path("public/catalogue/", views.PublicCatalogue.as_view(), name="public-catalogue"),
    path("public/consultations/", views.PublicConsultations.as_view(), name="public-consultations"),
    # Anything else under /api/v1/ is a 404 in the API's error shape.
    re_path(r"^[\s\S]*$", not_found_view),
]
