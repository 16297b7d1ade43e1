from django.urls import path

from decisions import views

app_name = "decisions"

urlpatterns = [
    path("", views.decision_list, name="list"),
    path("todo/", views.my_tasks, name="todo"),
    path("todo/count/", views.my_task_count, name="todo_count"),
    path("decisions/register/", views.register, name="register"),
    path("catalogues/", views.catalogues, name="catalogues"),
    path("decisions/<int:pk>/", views.detail, name="detail"),
    path("decisions/<int:pk>/amend/", views.amend, name="amend"),
    path("decisions/<int:pk>/sponsors/", views.change_sponsors, name="change_sponsors"),
    path("decisions/<int:pk>/transitions/<slug:name>/", views.transition, name="transition"),
    path("decisions/<int:pk>/steps/<slug:kind>/<slug:action>/", views.step_action, name="step_action"),
    path("decisions/<int:pk>/steps/<slug:kind>/waiver/<slug:act>/", views.waiver_decide, name="waiver_decide"),
    path("decisions/<int:pk>/participation/", views.participation, name="participation"),
    path("decisions/<int:pk>/hearing/", views.hearing, name="hearing"),
    path("decisions/<int:pk>/hearing/participants/", views.hearing_participant_add, name="hearing_participant_add"),
    path("decisions/<int:pk>/hearing/scan/", views.hearing_scan, name="hearing_scan"),
    path(
        "decisions/<int:pk>/hearing/participants/<int:participant_id>/answer/",
        views.hearing_answer,
        name="hearing_answer",
    ),
    path("decisions/<int:pk>/risk/", views.risk, name="risk"),
    path("decisions/<int:pk>/expert-opinions/", views.expert_opinion_add, name="expert_opinion_add"),
    path("decisions/<int:pk>/expert-selections/", views.expert_select, name="expert_select"),
    path("experts/arguments/", views.expert_arguments, name="expert_arguments"),
    path("experts/arguments/<int:pk>/", views.expert_sign, name="expert_sign"),
    path(
        "decisions/<int:pk>/expert-opinions/<int:opinion_id>/handling/",
        views.expert_opinion_handle,
        name="expert_opinion_handle",
    ),
    path(
        "decisions/<int:pk>/meetings/<int:meeting_id>/corrections/",
        views.meeting_correct,
        name="meeting_correct",
    ),
    path("decisions/<int:pk>/drafting-records/", views.drafting_record_add, name="drafting_record_add"),
    path("decisions/<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("meeting-packets/<int:pk>/", views.meeting_packet_download, name="meeting_packet_download"),
    path("decisions/<int:pk>/execution-reports/", views.execution_report_add, name="execution_report_add"),
    path("decisions/<int:pk>/evaluations/", views.evaluation_record, name="evaluation_record"),
    path(
        "decisions/<int:pk>/party-committee-reports/",
        views.party_committee_report_record,
        name="party_committee_report_record",
    ),
    path("decisions/<int:pk>/execution-problems/", views.execution_problem_report, name="execution_problem_report"),
    path(
        "decisions/<int:pk>/execution-problems/answer/",
        views.execution_problem_answer,
        name="execution_problem_answer",
    ),
]
