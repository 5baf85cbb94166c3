"""Routes: episodes and their lifecycle (docs/case-work.md)."""

from django.urls import path

from familyhelp.casework.views_episodes import pages, steps

urlpatterns = [
    path("episodes/", pages.episode_list, name="episodes"),
    path("episodes/step-down/", pages.step_down_new, name="episode-step-down-new"),
    path("episodes/<int:pk>/", pages.episode_detail, name="episode"),
    path("episodes/<int:pk>/allocate/", steps.allocate, name="episode-allocate"),
    path("episodes/<int:pk>/reallocate/", steps.reallocate, name="episode-reallocate"),
    path("episodes/<int:pk>/team/add/", steps.taf_add, name="episode-taf-add"),
    path(
        "episodes/<int:pk>/team/<int:member_pk>/remove/",
        steps.taf_remove,
        name="episode-taf-remove",
    ),
    path("episodes/<int:pk>/step-up/", steps.step_up, name="episode-step-up"),
    path("episodes/<int:pk>/step-down/", steps.step_down, name="episode-step-down"),
    path("episodes/<int:pk>/close/", steps.close, name="episode-close"),
    path("episodes/<int:pk>/re-open/", steps.reopen, name="episode-reopen"),
]
