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

# --- Report a problem (familyhelp/directory/views_problems.py; docs/problem-reports.md) ---
from familyhelp.directory import views_problems  # noqa: E402

urlpatterns += [
    path(
        "services/<uuid:service_id>/report-a-problem/",
        views_problems.report_problem,
        name="report-problem",
    ),
    path(
        "services/<uuid:service_id>/report-a-problem/sent/",
        views_problems.report_problem_sent,
        name="report-problem-sent",
    ),
    path("problem-reports/", views_problems.problem_reports, name="problem-reports"),
    path(
        "problem-reports/<uuid:report_id>/",
        views_problems.problem_report_detail,
        name="problem-report",
    ),
]
