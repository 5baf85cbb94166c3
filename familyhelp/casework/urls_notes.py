"""Routes: case notes, the chronology, documents (docs/case-notes-and-chronology.md)."""

from django.urls import path

from familyhelp.casework.views_notes import chronology, documents, notes

urlpatterns = [
    path("episodes/<int:pk>/notes/", notes.note_list, name="notes"),
    path("episodes/<int:pk>/notes/add/", notes.note_add, name="note-add"),
    path("families/<int:pk>/chronology/", chronology.family_chronology, name="chronology"),
    path(
        "families/<int:pk>/chronology.csv",
        chronology.family_chronology_csv,
        name="chronology-csv",
    ),
    path(
        "episodes/<int:pk>/chronology/",
        chronology.episode_chronology,
        name="episode-chronology",
    ),
    path(
        "episodes/<int:pk>/chronology.csv",
        chronology.episode_chronology_csv,
        name="episode-chronology-csv",
    ),
    path("episodes/<int:pk>/documents/", documents.document_list, name="documents"),
    path(
        "episodes/<int:pk>/documents/<int:document_pk>/download/",
        documents.document_download,
        name="document-download",
    ),
]
