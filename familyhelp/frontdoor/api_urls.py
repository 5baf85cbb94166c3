"""The practitioners' API for requests for support, mounted at /api/frontdoor/."""

from django.urls import path

from familyhelp.frontdoor import api

app_name = "frontdoor-api"

urlpatterns = [
    path("requests/", api.RequestListView.as_view(), name="requests"),
    path("requests/<int:pk>/", api.RequestDetailView.as_view(), name="request"),
]
