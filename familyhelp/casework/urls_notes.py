"""Routes: notes (see casework/README.md)."""

urlpatterns = []
