"""Routes: thresholds (see frontdoor/README.md)."""

urlpatterns = []
