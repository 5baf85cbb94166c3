from django.urls import path

from familyhelp.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.home, name="home"),
    path("whats-on/", views.whats_on, name="whats-on"),
]
