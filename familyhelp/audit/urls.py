"""The audit log's pages for auditors and managers: namespace "audit", under /audit/."""

app_name = "audit"

urlpatterns = []
