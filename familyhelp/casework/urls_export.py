"""Routes: the subject access export (see casework/README.md)."""

from django.urls import path

from familyhelp.casework import views_export

urlpatterns = [
    path("subject-access/", views_export.subject_access_start, name="subject-access-start"),
    path(
        "subject-access/<int:person_pk>/",
        views_export.subject_access_person,
        name="subject-access",
    ),
    path(
        "subject-access/<int:person_pk>/export.<str:fmt>",
        views_export.subject_access_download,
        name="subject-access-download",
    ),
]
