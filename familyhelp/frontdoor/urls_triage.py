"""Routes: triage (see frontdoor/README.md)."""

urlpatterns = []
