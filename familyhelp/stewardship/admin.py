"""The Django admin for review periods (audited); reminders are read-only records."""

from django.contrib import admin
from django.db import transaction

from familyhelp.audit.admin_mixins import AuditedAdminMixin
from familyhelp.directory.admin import ServiceAdmin
from familyhelp.directory.changes import directory_changed
from familyhelp.directory.models import Service
from familyhelp.stewardship.models import CategoryReviewPeriod, ListingVersion, Reminder
from familyhelp.stewardship.services.publishing import version_baseline, version_record


class VersionedServiceAdmin(ServiceAdmin):
    """The directory's service admin, with every change kept in the listing's version history
    (and audited) like a change made through the stewardship pages."""

    def save_model(self, request, obj, form, change):
        if change:
            # The listing as it was, before this form changes anything (the admin's whole save
            # is one transaction).
            version_baseline(service=Service.objects.get(pk=obj.pk), actor=request.user)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        version_record(
            actor=request.user,
            service=form.instance,
            reason=ListingVersion.Reason.ADMIN,
            request=request,
        )


admin.site.unregister(Service)
admin.site.register(Service, VersionedServiceAdmin)


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
