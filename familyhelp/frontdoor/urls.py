"""The front door's pages (namespace `frontdoor`), one module of routes per area."""

from familyhelp.frontdoor import (
    urls_assessment,
    urls_figures,
    urls_self_referral,
    urls_thresholds,
    urls_triage,
)

app_name = "frontdoor"

urlpatterns = [
    *urls_assessment.urlpatterns,
    *urls_self_referral.urlpatterns,
    *urls_triage.urlpatterns,
    *urls_thresholds.urlpatterns,
    *urls_figures.urlpatterns,
]
