from django.urls import path

from . import views

app_name = "competencies"
urlpatterns = [
    # Link workers
    path("progress/", views.my_progress, name="my_progress"),
    path("evidence/", views.my_evidence, name="my_evidence"),
    path("evidence/submit/", views.evidence_submit, name="evidence_submit"),
    path("evidence/<int:pk>/", views.evidence_detail, name="evidence"),
    path("evidence/<int:pk>/file/", views.evidence_file, name="evidence_file"),
    path("supervision/", views.my_supervision, name="supervision"),
    path("supervision/log/", views.supervision_log, name="supervision_log"),
    path("cpd/", views.my_cpd, name="cpd"),
    path("cpd/add/", views.cpd_add, name="cpd_add"),
    # Anyone who may see the worker's records: the worker, their assessors and managers
    path(
        "workers/<int:worker_id>/competencies/<int:competency_id>/",
        views.competency_history,
        name="history",
    ),
    # Assessors
    path("caseload/", views.caseload, name="caseload"),
    path("caseload/<int:worker_id>/", views.worker_detail, name="worker"),
    path("caseload/to-confirm/", views.confirmations, name="confirmations"),
    path(
        "caseload/<int:worker_id>/competencies/<int:competency_id>/record/",
        views.assessment_record,
        name="assessment_record",
    ),
    path("assessments/<int:pk>/correct/", views.assessment_correct, name="assessment_correct"),
    path("reviews/", views.review_queue, name="review_queue"),
    path("evidence/<int:pk>/accept/", views.evidence_accept, name="evidence_accept"),
    path("evidence/<int:pk>/return/", views.evidence_return, name="evidence_return"),
    path("countersign/", views.countersign_requests, name="countersign_requests"),
    path("countersign/<int:pk>/", views.assessment_countersign, name="assessment_countersign"),
    path("supervision/to-confirm/", views.sessions_to_confirm, name="sessions_to_confirm"),
    path("supervision/<int:pk>/confirm/", views.supervision_confirm, name="supervision_confirm"),
]
