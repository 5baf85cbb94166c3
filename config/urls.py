from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("", include("familyhelp.core.urls")),
    path("", include("familyhelp.directory.urls")),
    path("", include("familyhelp.accounts.urls")),
    # Freshness (familyhelp/stewardship): reminder links and the overdue listings.
    path("", include("familyhelp.stewardship.urls")),
    # Families and the front door (issue 6): people and families, requests for support, triage.
    path("", include("familyhelp.families.urls")),
    path("", include("familyhelp.frontdoor.urls")),
    # Case work (issue 7): episodes of Family Help.
    path("", include("familyhelp.casework.urls")),
    path("audit/", include("familyhelp.audit.urls")),
    path("api/oruk/", include("familyhelp.directory.api_urls")),
    path("api/frontdoor/", include("familyhelp.frontdoor.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file, so the page needs no inline script;
    # Swagger UI sets inline styles, so this one developer page allows those (never scripts).
    path(
        "api/docs/",
        csp_update({"style-src": [UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
    path("django-admin/", admin.site.urls),
]

handler400 = "familyhelp.core.views.bad_request"
handler404 = "familyhelp.core.views.page_not_found"
handler500 = "familyhelp.core.views.server_error"
