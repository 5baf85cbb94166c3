"""The Django admin for review periods (audited); reminders are read-only records."""

from django.contrib import admin
from django.db import transaction

from familyhelp.audit.admin_mixins import AuditedAdminMixin
from familyhelp.directory.changes import directory_changed
from familyhelp.stewardship.models import CategoryReviewPeriod, Reminder


@admin.register(CategoryReviewPeriod)
class CategoryReviewPeriodAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["taxonomy_term", "months"]
    autocomplete_fields = ["taxonomy_term"]

    # A new period can hide or show listings at once: cached public answers are refreshed.
    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            directory_changed()

    def delete_model(self, request, obj):
        with transaction.atomic():
            super().delete_model(request, obj)
            directory_changed()

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            super().delete_queryset(request, queryset)
            directory_changed()


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["service", "kind", "review_by", "created_at", "recipient_count", "sent_count"]
    list_filter = ["kind"]
    list_select_related = ["service"]
    readonly_fields = [f.name for f in Reminder._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
