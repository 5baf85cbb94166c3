"""Routes: figures (see frontdoor/README.md)."""

urlpatterns = []
