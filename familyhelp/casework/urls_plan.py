"""Routes: the Family Help plan and reviews (docs/family-help-plan.md)."""

from django.urls import path

from familyhelp.casework import views_plan as views

urlpatterns = [
    path("episodes/<int:pk>/plan/", views.plan_page, name="plan"),
    path("episodes/<int:pk>/plan/start/", views.plan_start, name="plan-start"),
    path("episodes/<int:pk>/plan/words/", views.plan_words, name="plan-words"),
    path("episodes/<int:pk>/plan/needs/new/", views.need_add, name="plan-need-add"),
    path("episodes/<int:pk>/plan/goals/new/", views.goal_add, name="plan-goal-add"),
    path("episodes/<int:pk>/plan/goals/<int:goal_pk>/", views.goal_change, name="plan-goal"),
    path(
        "episodes/<int:pk>/plan/goals/<int:goal_pk>/actions/new/",
        views.action_add,
        name="plan-action-add",
    ),
    path(
        "episodes/<int:pk>/plan/actions/<int:action_pk>/status/",
        views.action_status,
        name="plan-action-status",
    ),
    path("episodes/<int:pk>/plan/history/", views.plan_history, name="plan-history"),
    path("episodes/<int:pk>/plan/history/<int:number>/", views.plan_version, name="plan-version"),
    path("episodes/<int:pk>/plan/print/", views.plan_print, name="plan-print"),
    path("episodes/<int:pk>/plan.pdf", views.plan_pdf_download, name="plan-pdf"),
    path("episodes/<int:pk>/reviews/", views.reviews_page, name="reviews"),
    path("episodes/<int:pk>/reviews/new/", views.review_new, name="review-new"),
]
