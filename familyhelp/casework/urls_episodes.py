"""Routes: episodes (see casework/README.md)."""

urlpatterns = []
