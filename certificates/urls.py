from django.urls import path, re_path

from . import views

# Verification codes are 32 URL-safe characters; anything else is not a code (404, no query).
CODE = r"(?P<code>[A-Za-z0-9_-]{32})"

app_name = "certificates"
urlpatterns = [
    # Anyone, without an account. First: the busiest requests there are, and URL resolution
    # tries each pattern in turn.
    path("verify/", views.verify_start, name="verify_start"),
    re_path(rf"^verify/{CODE}\.json$", views.verify_json, name="verify_json"),
    re_path(rf"^verify/{CODE}/$", views.verify, name="verify"),
    re_path(
        rf"^verify/{CODE}/credential\.json$", views.verify_credential, name="verify_credential"
    ),
    # Link workers
    path("progress/qualifications/", views.my_qualifications, name="my_qualifications"),
    path("progress/certificates/", views.my_certificates, name="my_certificates"),
    path(
        "progress/certificates/<str:number>/pdf/",
        views.my_certificate_pdf,
        name="my_certificate_pdf",
    ),
    # Managers
    path("team/certificates/", views.register, name="register"),
    re_path(
        r"^team/certificates/register\.(?P<file_format>csv|xlsx)$",
        views.register_export,
        name="register_export",
    ),
    path("team/certificates/issue/<str:code>/<int:worker_id>/", views.issue, name="issue"),
    path("team/certificates/issue/<str:code>/", views.bulk_issue, name="bulk_issue"),
    path("team/certificates/bulk/<int:pk>/", views.bulk_progress, name="bulk_progress"),
    path("team/certificates/bulk/<int:pk>/status/", views.bulk_status, name="bulk_status"),
    path("team/certificates/bulk/<int:pk>/certificates.zip", views.bulk_zip, name="bulk_zip"),
    path("team/certificates/<str:number>/", views.manage, name="manage"),
    path("team/certificates/<str:number>/pdf/", views.manage_pdf, name="manage_pdf"),
    path("team/certificates/<str:number>/revoke/", views.revoke, name="revoke"),
    path("team/certificates/<str:number>/renew/", views.renew, name="renew"),
    path("team/certify/", views.certify, name="certify"),
    path("team/supervisors/", views.supervisors, name="supervisors"),
    path("team/supervisors/<int:membership_id>/", views.supervisor_set, name="supervisor_set"),
    # Assessors
    path("caseload/<int:worker_id>/sign-off/", views.sign_off, name="sign_off"),
    path("countersign/awards/", views.countersign_list, name="countersign_list"),
    path("countersign/awards/<int:pk>/", views.countersign, name="countersign"),
]
