from django.contrib import admin

from .models import JobRun


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    """Each daily job's runs, read-only: `run_daily_jobs --retry-failed` is how to run one again."""

    list_display = ["job", "run_date", "status", "attempts", "started_at", "finished_at", "counts"]
    list_filter = ["status", "job", "run_date"]
    date_hierarchy = "run_date"
    fields = list_display + ["error"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
