"""Routes: case audits under /case-audits/ (docs/case-audits.md)."""

from django.urls import path

from familyhelp.casework import views_audits as views

urlpatterns = [
    path("case-audits/", views.case_audits, name="case-audits"),
    path("case-audits/sample/", views.case_audit_sample, name="case-audit-sample"),
    path("case-audits/results/", views.case_audit_results, name="case-audit-results"),
    path(
        "case-audits/results/download/",
        views.case_audit_results_download,
        name="case-audit-results-download",
    ),
    path("case-audits/<int:pk>/", views.case_audit, name="case-audit"),
    path("case-audits/<int:pk>/complete/", views.case_audit_complete, name="case-audit-complete"),
    path("case-audits/<int:pk>/respond/", views.case_audit_respond, name="case-audit-respond"),
    path("case-audits/<int:pk>/moderate/", views.case_audit_moderate, name="case-audit-moderate"),
    path("case-audits/tools/", views.audit_tools, name="audit-tools"),
    path("case-audits/tools/new/", views.audit_tool_new, name="audit-tool-new"),
    path(
        "case-audits/tools/stepped-down-cases/",
        views.audit_tool_install_default,
        name="audit-tool-install-default",
    ),
    path("case-audits/tools/<int:pk>/", views.audit_tool, name="audit-tool"),
    path("case-audits/tools/<int:pk>/sections/new/", views.audit_section, name="audit-section-new"),
    path(
        "case-audits/tools/<int:pk>/sections/<int:section_pk>/",
        views.audit_section,
        name="audit-section",
    ),
    path(
        "case-audits/tools/<int:pk>/sections/<int:section_pk>/questions/new/",
        views.audit_question,
        name="audit-question-new",
    ),
    path(
        "case-audits/tools/<int:pk>/questions/<int:question_pk>/",
        views.audit_question,
        name="audit-question",
    ),
]
