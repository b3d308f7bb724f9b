from django.urls import path

from . import views

app_name = "certificates"
urlpatterns = [
    # Link workers
    path("progress/qualifications/", views.my_qualifications, name="my_qualifications"),
]
