"""Routes: plan (see casework/README.md)."""

urlpatterns = []
