"""Routes: the front door queue, triage, decisions and approvals (docs/front-door.md)."""

from django.urls import path

from familyhelp.frontdoor.views_triage import decisions, queue, requests

urlpatterns = [
    path("front-door/", queue.queue, name="queue"),
    path("front-door/requests/<int:pk>/", requests.request_page, name="triage"),
    path("front-door/requests/<int:pk>/pick-up/", requests.pick_up, name="triage-pick-up"),
    path("front-door/requests/<int:pk>/release/", requests.release, name="triage-release"),
    path("front-door/requests/<int:pk>/checks/", requests.partner_check, name="triage-check"),
    path("front-door/requests/<int:pk>/family/", requests.link_family, name="triage-link-family"),
    path("front-door/requests/<int:pk>/decision/", decisions.decide, name="triage-decide"),
    path("front-door/approvals/", decisions.approvals, name="approvals"),
    path("front-door/approvals/<int:pk>/", decisions.approval, name="approval"),
    path(
        "front-door/services/<str:token>/",
        decisions.signposted_services,
        name="signposted-services",
    ),
]
