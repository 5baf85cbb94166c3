"""Case work's pages (namespace `casework`), one module of routes per area."""

from familyhelp.casework import (
    urls_audits,
    urls_caseloads,
    urls_episodes,
    urls_export,
    urls_notes,
    urls_plan,
)

app_name = "casework"

urlpatterns = [
    *urls_episodes.urlpatterns,
    *urls_plan.urlpatterns,
    *urls_notes.urlpatterns,
    *urls_caseloads.urlpatterns,
    *urls_audits.urlpatterns,
    *urls_export.urlpatterns,
]
