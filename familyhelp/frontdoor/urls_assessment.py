"""Routes: the Early Support Assessment (docs/early-support-assessment.md)."""

from django.urls import path

from familyhelp.frontdoor.views_assessment import people, requests, sections

urlpatterns = [
    path("requests/", requests.request_list, name="requests"),
    path("requests/new/", requests.request_new, name="request-new"),
    path("requests/<int:pk>/", requests.request_detail, name="request"),
    path("requests/<int:pk>/assessment.pdf", requests.request_pdf, name="request-pdf"),
    path("requests/<int:pk>/share/", requests.request_share, name="request-share"),
    path("requests/<int:pk>/check/", requests.request_check, name="request-check"),
    path("requests/<int:pk>/sent/", requests.request_sent, name="request-sent"),
    path("requests/<int:pk>/people/", people.people, name="request-people"),
    path("requests/<int:pk>/people/add/", people.person_add, name="request-person-add"),
    path(
        "requests/<int:pk>/people/<int:person_id>/remove/",
        people.person_remove,
        name="request-person-remove",
    ),
    path("requests/<int:pk>/relationships/", people.relationships, name="request-relationships"),
    path("requests/<int:pk>/level/", sections.level, name="request-level"),
    path("requests/<int:pk>/consent/", sections.consent, name="request-consent"),
    path(
        "requests/<int:pk>/consent-not-sought/",
        sections.consent_not_sought,
        name="request-consent-not-sought",
    ),
    path("requests/<int:pk>/<slug:key>/", sections.text_section, name="request-section"),
]
