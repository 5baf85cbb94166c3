from django.urls import path

from familyhelp.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.home, name="home"),
    path("services/", views.search_results, name="search"),
    path("services/<uuid:service_id>/", views.service_detail, name="service"),
    path("organisations/<uuid:organisation_id>/", views.organisation_detail, name="organisation"),
    path("whats-on/", views.whats_on, name="whats-on"),
]
