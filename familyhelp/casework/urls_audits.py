"""Routes: audits (see casework/README.md)."""

urlpatterns = []
