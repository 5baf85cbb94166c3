"""Routes: threshold guidance and the front door's settings (see docs/threshold-guidance.md)."""

from django.urls import path

from familyhelp.frontdoor import views_thresholds as views

urlpatterns = [
    path("front-door/thresholds/", views.threshold_guidance, name="thresholds"),
    path(
        "front-door/thresholds/<int:number>/change/",
        views.threshold_level_edit,
        name="threshold-level-edit",
    ),
    path("front-door/settings/", views.front_door_settings, name="front-door-settings"),
]
