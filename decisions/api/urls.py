"""The core's routes of /api/v1/ (``config.api_urls`` assembles the whole API). Transition and
step-action routes are generated from the lifecycle contract's names, so the schema documents each
with its own input."""

from django.urls import path

from decisions.models import DECISION_TRANSITIONS, STEP_TRANSITIONS

from . import converters, views  # noqa: F401  (converters: registers <id:…>, <step_kind:…>)

decision = "decisions/<id:pk>/"

urlpatterns = [
    path("users/me/", views.MeView.as_view(), name="me"),
    path("todo/", views.TodoView.as_view(), name="todo"),
    path("governments/", views.GovernmentList.as_view(), name="government-list"),
    path("governments/<id:pk>/", views.GovernmentDetail.as_view(), name="government-detail"),
    path("departments/", views.DepartmentList.as_view(), name="department-list"),
    path("departments/<id:pk>/", views.DepartmentDetail.as_view(), name="department-detail"),
    path("decisions/", views.DecisionListCreate.as_view(), name="decision-list"),
    path(decision, views.DecisionDetail.as_view(), name="decision-detail"),
    path(decision + "amend/", views.DecisionAmend.as_view(), name="decision-amend"),
    path(decision + "sponsors/", views.DecisionSponsors.as_view(), name="decision-sponsors"),
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
    path(decision + "steps/public_participation/hearing/", views.HearingView.as_view(), name="hearing"),
    path(
        decision + "steps/public_participation/hearing/participants/",
        views.HearingParticipantCreate.as_view(),
        name="hearing-participants",
    ),
    path(
        decision + "steps/public_participation/hearing/participants/<id:participant_pk>/answer/",
        views.HearingParticipantAnswer.as_view(),
        name="hearing-participant-answer",
    ),
    path(decision + "steps/risk_assessment/record/", views.RiskRecordView.as_view(), name="risk-record"),
    path(decision + "steps/expert_argument/opinions/", views.ExpertOpinionCreate.as_view(), name="expert-opinions"),
    path(decision + "steps/expert_argument/selections/", views.ExpertSelect.as_view(), name="expert-selections"),
    path("expert/arguments/", views.ExpertArgumentList.as_view(), name="expert-arguments"),
    path("expert/arguments/<id:pk>/opinion/", views.ExpertArgumentSign.as_view(), name="expert-argument-sign"),
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
    path(decision + "steps/<step_kind:kind>/waiver-bases/", views.WaiverBasisList.as_view(), name="waiver-bases"),
    *[
        path(
            decision + f"steps/<step_kind:kind>/waiver/{act}/",
            views.make_waiver_decision_view(act).as_view(),
            name=f"waiver-{act}",
        )
        for act in ("approve", "refuse", "withdraw")
    ],
    path(decision + "meetings/", views.MeetingList.as_view(), name="meeting-list"),
    path(
        decision + "meetings/<id:meeting_pk>/corrections/",
        views.MeetingCorrectionCreate.as_view(),
        name="meeting-correction-create",
    ),
    path(decision + "drafting-records/", views.DraftingRecordListCreate.as_view(), name="drafting-records"),
    path(decision + "execution-reports/", views.ExecutionReportListCreate.as_view(), name="execution-reports"),
    path(decision + "evaluations/", views.EvaluationListCreate.as_view(), name="evaluations"),
    path(
        decision + "party-committee-reports/",
        views.PartyCommitteeReportListCreate.as_view(),
        name="party-committee-reports",
    ),
    path(decision + "execution-problems/", views.ExecutionProblemListCreate.as_view(), name="execution-problems"),
    path(
        decision + "execution-problems/<id:problem_pk>/answer/",
        views.ExecutionProblemAnswer.as_view(),
        name="execution-problem-answer",
    ),
    path(decision + "attachments/", views.AttachmentListCreate.as_view(), name="attachment-list"),
    path(
        decision + "attachments/<id:attachment_pk>/download/",
        views.AttachmentDownload.as_view(),
        name="attachment-download",
    ),
    path(decision + "events/", views.DecisionEventList.as_view(), name="decision-events"),
    path("events/", views.EventList.as_view(), name="event-list"),
    path("public/catalogue/", views.PublicCatalogue.as_view(), name="public-catalogue"),
    path("public/consultations/", views.PublicConsultations.as_view(), name="public-consultations"),
]
