"""Routes: caseloads (see casework/README.md)."""

urlpatterns = []
