"""The Django admin for the directory (superusers only; editors and administrators use the
stewardship pages). familyhelp/stewardship/admin.py keeps services' admin changes in their
version history."""

from django.contrib import admin
from django.db.models import Q, URLField

from familyhelp.directory import models, search


class Reindexed:
    """Admin edits are a write path too: keep the search index (and the feed's cache) current.

    `services_of(obj)` names the services an edit of `obj` can change."""

    def services_of(self, obj) -> list:
        return [obj.pk]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        _reindex(self.services_of(form.instance))

    def delete_model(self, request, obj):
        services = self.services_of(obj)
        super().delete_model(request, obj)
        _reindex(services)

    def delete_queryset(self, request, queryset):
        services = [pk for obj in queryset for pk in self.services_of(obj)]
        super().delete_queryset(request, queryset)
        _reindex(services)


def _reindex(service_ids):
    search.index_services([pk for pk in service_ids if pk is not None])


class HttpsLinks:
    """Links typed without a scheme become https:// (Django 6's default, chosen now)."""

    formfield_overrides = {URLField: {"assume_scheme": "https"}}


class PhoneInline(HttpsLinks, admin.TabularInline):
    model = models.Phone
    extra = 0
    fields = ["number", "extension", "type", "description"]


class ContactInline(HttpsLinks, admin.TabularInline):
    model = models.Contact
    extra = 0
    fields = ["name", "title", "department", "email"]


class ServiceAtLocationInline(HttpsLinks, admin.TabularInline):
    model = models.ServiceAtLocation
    extra = 0
    raw_id_fields = ["location"]
    fields = ["location", "description"]


class ScheduleInline(HttpsLinks, admin.StackedInline):
    model = models.Schedule
    fk_name = "service"
    extra = 0
    raw_id_fields = ["location", "service_at_location"]
    fields = [
        ("freq", "interval", "byday"),
        ("dtstart", "until", "count"),
        ("opens_at", "closes_at"),
        "description",
        ("location", "service_at_location"),
    ]


class CostOptionInline(HttpsLinks, admin.TabularInline):
    model = models.CostOption
    extra = 0
    fields = ["option", "amount", "currency", "amount_description", "valid_from", "valid_to"]


class LanguageInline(HttpsLinks, admin.TabularInline):
    model = models.Language
    fk_name = "service"
    extra = 0
    fields = ["name", "code", "note"]


class ServiceAreaInline(HttpsLinks, admin.TabularInline):
    model = models.ServiceArea
    fk_name = "service"
    extra = 0
    fields = ["name", "description"]


class FundingInline(HttpsLinks, admin.TabularInline):
    model = models.Funding
    extra = 0
    fields = ["source"]


class ServiceAttributeInline(HttpsLinks, admin.TabularInline):
    model = models.Attribute
    fk_name = "service"
    extra = 0
    autocomplete_fields = ["taxonomy_term"]
    fields = ["taxonomy_term"]
    verbose_name = "category"
    verbose_name_plural = "categories"


@admin.register(models.Service)
class ServiceAdmin(Reindexed, HttpsLinks, admin.ModelAdmin):
    list_display = ["name", "organization", "status", "assured_date", "last_modified"]
    list_filter = [
        "status",
        "delivered_in_person",
        "delivered_online",
        "delivered_by_telephone",
        "assured_date",
    ]
    search_fields = ["name", "description", "organization__name"]
    list_select_related = ["organization"]
    raw_id_fields = ["organization"]
    date_hierarchy = "assured_date"
    inlines = [
        ServiceAttributeInline,
        ServiceAtLocationInline,
        ScheduleInline,
        CostOptionInline,
        LanguageInline,
        ContactInline,
        PhoneInline,
        ServiceAreaInline,
        FundingInline,
    ]


class OrganizationIdentifierInline(HttpsLinks, admin.TabularInline):
    model = models.OrganizationIdentifier
    extra = 0
    fields = ["identifier_scheme", "identifier_type", "identifier"]


@admin.register(models.Organization)
class OrganizationAdmin(Reindexed, HttpsLinks, admin.ModelAdmin):
    def services_of(self, obj):
        return list(obj.services.values_list("pk", flat=True))

    list_display = ["name", "legal_status", "email", "last_modified"]
    search_fields = ["name", "alternate_name", "description"]
    raw_id_fields = ["parent_organization"]
    inlines = [OrganizationIdentifierInline, ContactInline, PhoneInline, FundingInline]


class AddressInline(HttpsLinks, admin.StackedInline):
    model = models.Address
    extra = 0
    fields = [
        ("address_1", "address_2"),
        ("city", "state_province"),
        ("postal_code", "country"),
        "address_type",
    ]


class AccessibilityInline(HttpsLinks, admin.TabularInline):
    model = models.Accessibility
    extra = 0
    fields = ["description", "details", "url"]


@admin.register(models.Location)
class LocationAdmin(Reindexed, HttpsLinks, admin.ModelAdmin):
    def services_of(self, obj):
        return list(obj.service_at_locations.values_list("service_id", flat=True))

    list_display = ["__str__", "location_type", "is_confidential", "latitude", "longitude"]
    list_filter = ["location_type", "is_confidential"]
    search_fields = ["name", "addresses__address_1", "addresses__city", "addresses__postal_code"]
    inlines = [AddressInline, AccessibilityInline, PhoneInline]


@admin.register(models.ServiceAtLocation)
class ServiceAtLocationAdmin(Reindexed, HttpsLinks, admin.ModelAdmin):
    def services_of(self, obj):
        return [obj.service_id]

    list_display = ["service", "location"]
    list_select_related = ["service", "location"]
    search_fields = ["service__name", "location__name"]
    raw_id_fields = ["service", "location"]


class TaxonomyTermInline(HttpsLinks, admin.TabularInline):
    model = models.TaxonomyTerm
    fk_name = "taxonomy"
    extra = 0
    fields = ["name", "parent", "slug", "code"]
    raw_id_fields = ["parent"]


@admin.register(models.Taxonomy)
class TaxonomyAdmin(Reindexed, HttpsLinks, admin.ModelAdmin):
    def services_of(self, obj):
        tagged = models.Attribute.objects.filter(taxonomy_term__taxonomy=obj)
        return list(tagged.values_list("service_id", flat=True).distinct())

    list_display = ["name", "version"]
    search_fields = ["name"]
    inlines = [TaxonomyTermInline]


@admin.register(models.TaxonomyTerm)
class TaxonomyTermAdmin(Reindexed, HttpsLinks, admin.ModelAdmin):
    def services_of(self, obj):
        tagged = models.Attribute.objects.filter(
            Q(taxonomy_term=obj) | Q(taxonomy_term__parent=obj)
        )
        return list(tagged.values_list("service_id", flat=True).distinct())

    list_display = ["name", "parent", "taxonomy", "slug"]
    list_filter = ["taxonomy"]
    list_select_related = ["parent", "taxonomy"]
    search_fields = ["name", "slug", "code"]
    raw_id_fields = ["parent"]
