"""Routes: export (see casework/README.md)."""

urlpatterns = []
