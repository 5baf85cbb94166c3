"""Routes: assessment (see frontdoor/README.md)."""

urlpatterns = []
