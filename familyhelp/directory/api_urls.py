from django.urls import path

from familyhelp.directory import api

app_name = "oruk"

urlpatterns = [
    path("", api.ApiDetailsView.as_view(), name="api-details"),
]
