from django.urls import path

from . import views

app_name = "credentials"

urlpatterns = [
    # did:web resolves the issuer's DID to this address (credentials/keys.py).
    path(".well-known/did.json", views.did_document, name="did_document"),
    path("credentials/status/<int:status_list_id>/", views.status_list, name="status_list"),
    path("credentials/verify/", views.verify, name="verify"),
    path("credentials/verify.json", views.verify_json, name="verify_json"),
    path("credentials/record.json", views.record, name="record"),
]
