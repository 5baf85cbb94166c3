"""The directory, modelled on HSDS 3.0 as profiled by Open Referral UK 3.0.

Field names follow the standard so that the API, the tabular data package and the models line up.
Extensions beyond the standard are marked as such.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from familyhelp.core.models import OpenReferralModel

TEXT = {"blank": True, "default": ""}


class Taxonomy(OpenReferralModel):
    name = models.CharField(max_length=255)
    description = models.TextField()
    uri = models.URLField(max_length=500, **TEXT)
    version = models.CharField(max_length=50, **TEXT)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "taxonomies"

    def __str__(self):
        return self.name


class TaxonomyTerm(OpenReferralModel):
    taxonomy = models.ForeignKey(
        Taxonomy, on_delete=models.CASCADE, related_name="terms", null=True, blank=True
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, related_name="children", null=True, blank=True
    )
    code = models.CharField(max_length=100, **TEXT)
    name = models.CharField(max_length=255)
    description = models.TextField()
    language = models.CharField(max_length=10, **TEXT)
    term_uri = models.URLField(max_length=500, **TEXT)
    # Extension: the URL slug of a category page ("family-support").
    slug = models.SlugField(max_length=120, **TEXT)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["taxonomy", "parent", "name"], name="taxonomy_term_unique_name"
            )
        ]
        indexes = [models.Index(fields=["slug"])]

    def __str__(self):
        return self.name


class Organization(OpenReferralModel):
    parent_organization = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    name = models.CharField(max_length=255)
    alternate_name = models.CharField(max_length=255, **TEXT)
    description = models.TextField()
    email = models.EmailField(**TEXT)
    website = models.URLField(max_length=500, **TEXT)
    logo = models.URLField(max_length=500, **TEXT)
    uri = models.URLField(max_length=500, **TEXT)
    legal_status = models.CharField(max_length=255, **TEXT)
    year_incorporated = models.PositiveSmallIntegerField(null=True, blank=True)
    last_modified = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class OrganizationIdentifier(OpenReferralModel):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="organization_identifiers"
    )
    identifier_scheme = models.CharField(max_length=100, **TEXT)  # e.g. "GB-CHC"
    identifier_type = models.CharField(max_length=100)  # e.g. "Charity number"
    identifier = models.CharField(max_length=100)


class ServiceQuerySet(models.QuerySet):
    def published(self):
        """What the public and the open API may see."""
        # Freshness (familyhelp/stewardship): listings long past their review-by date are hidden.
        from familyhelp.stewardship.freshness import not_hidden

        return self.filter(status=Service.Status.ACTIVE).filter(not_hidden())

    def free(self):
        charged = CostOption.objects.filter(service=OuterRef("pk"), amount__gt=0)
        return self.filter(~Exists(charged))

    def for_age(self, age: int):
        return self.filter(
            Q(minimum_age__isnull=True) | Q(minimum_age__lte=age),
            Q(maximum_age__isnull=True) | Q(maximum_age__gte=age),
        )

    def in_taxonomy_terms(self, terms):
        """Services tagged with any of `terms` (TaxonomyTerm ids or a queryset)."""
        tagged = Attribute.objects.filter(service=OuterRef("pk"), taxonomy_term__in=terms)
        return self.filter(Exists(tagged))

    def delivered_by(self, methods):
        """Services delivered any of `methods`: "in_person", "online", "telephone"."""
        fields = {
            "in_person": "delivered_in_person",
            "online": "delivered_online",
            "telephone": "delivered_by_telephone",
        }
        condition = Q()
        for method in methods:
            condition |= Q(**{fields[method]: True})
        return self.filter(condition)

    def open_on(self, days):
        """Services with a schedule on any of `days` ("MO" … "SU"); daily schedules count."""
        on_day = Q(freq=Schedule.Freq.DAILY)
        for day in days:
            on_day |= Q(byday__contains=day)
        own = Schedule.objects.filter(on_day, service=OuterRef("pk"))
        at_location = Schedule.objects.filter(on_day, service_at_location__service=OuterRef("pk"))
        return self.filter(Exists(own) | Exists(at_location))

    def in_language(self, code: str):
        spoken = Language.objects.filter(service=OuterRef("pk"), code__iexact=code)
        return self.filter(Exists(spoken))


class Service(OpenReferralModel):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"
        DEFUNCT = "defunct", "Defunct"
        TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="services"
    )
    name = models.CharField(max_length=255)
    alternate_name = models.CharField(max_length=255, **TEXT)
    description = models.TextField(**TEXT)
    url = models.URLField(max_length=500, **TEXT)
    email = models.EmailField(**TEXT)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    interpretation_services = models.TextField(**TEXT)
    application_process = models.TextField(**TEXT)
    fees_description = models.TextField(**TEXT)
    wait_time = models.CharField(max_length=255, **TEXT)
    accreditations = models.TextField(**TEXT)
    eligibility_description = models.TextField(**TEXT)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    assured_date = models.DateField(null=True, blank=True, db_index=True)
    assurer_email = models.EmailField(**TEXT)
    alert = models.TextField(**TEXT)
    last_modified = models.DateTimeField(db_index=True)
    # Extension: how the service is delivered (DfE's service directory records the same).
    delivered_in_person = models.BooleanField(default=True)
    delivered_online = models.BooleanField(default=False)
    delivered_by_telephone = models.BooleanField(default=False)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "name"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum_age__isnull=True)
                | Q(maximum_age__isnull=True)
                | Q(minimum_age__lte=models.F("maximum_age")),
                name="service_age_range_ordered",
            )
        ]

    def __str__(self):
        return self.name


class Location(OpenReferralModel):
    class LocationType(models.TextChoices):
        PHYSICAL = "physical", "Physical"
        POSTAL = "postal", "Postal"
        VIRTUAL = "virtual", "Virtual"

    location_type = models.CharField(
        max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL
    )
    url = models.URLField(max_length=500, **TEXT)
    name = models.CharField(max_length=255, **TEXT)
    alternate_name = models.CharField(max_length=255, **TEXT)
    description = models.TextField(**TEXT)
    transportation = models.TextField(**TEXT)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    external_identifier = models.CharField(max_length=255, **TEXT)
    external_identifier_type = models.CharField(max_length=255, **TEXT)
    # Extension: a confidential venue (a refuge) never shows its address or position publicly.
    is_confidential = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["latitude", "longitude"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="location_coordinates_in_range",
            )
        ]

    def __str__(self):
        return self.name or str(self.id)


class Address(OpenReferralModel):
    class AddressType(models.TextChoices):
        PHYSICAL = "physical", "Physical"
        POSTAL = "postal", "Postal"
        VIRTUAL = "virtual", "Virtual"

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(max_length=255, **TEXT)
    address_1 = models.CharField(max_length=255)
    address_2 = models.CharField(max_length=255, **TEXT)
    city = models.CharField(max_length=100)
    region = models.CharField(max_length=100, **TEXT)
    state_province = models.CharField(max_length=100)
    postal_code = models.CharField(max_length=10, db_index=True)
    country = models.CharField(max_length=2, default="GB")
    address_type = models.CharField(
        max_length=10, choices=AddressType.choices, default=AddressType.PHYSICAL
    )

    class Meta:
        verbose_name_plural = "addresses"


class ServiceAtLocation(OpenReferralModel):
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    description = models.TextField(**TEXT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="service_at_location_once")
        ]


class Contact(OpenReferralModel):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    name = models.CharField(max_length=255, **TEXT)
    title = models.CharField(max_length=255, **TEXT)
    department = models.CharField(max_length=255, **TEXT)
    email = models.EmailField(**TEXT)


class Phone(OpenReferralModel):
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    number = models.CharField(max_length=50)
    extension = models.CharField(max_length=20, **TEXT)
    type = models.CharField(
        max_length=20, **TEXT
    )  # text, voice, fax, cell, video, pager, textphone
    description = models.TextField(**TEXT)


class Schedule(OpenReferralModel):
    """Opening hours (a weekly rule with no dtstart) or sessions and events (from a dtstart).

    Follows RFC 5545 recurrence rules as HSDS does: freq, interval, byday, until, count.
    A schedule with a `dtstart` is a dated session or event and appears in "What's on".
    """

    class Freq(models.TextChoices):
        DAILY = "DAILY", "Daily"
        WEEKLY = "WEEKLY", "Weekly"
        MONTHLY = "MONTHLY", "Monthly"

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="schedules",
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    dtstart = models.DateField(null=True, blank=True, db_index=True)
    timezone = models.CharField(max_length=50, **TEXT)
    until = models.DateField(null=True, blank=True)
    count = models.PositiveIntegerField(null=True, blank=True)
    wkst = models.CharField(max_length=2, **TEXT)
    freq = models.CharField(max_length=10, choices=Freq.choices, **TEXT)
    interval = models.PositiveSmallIntegerField(null=True, blank=True)
    byday = models.CharField(max_length=50, **TEXT)  # "MO,WE" or "1MO" (first Monday)
    byweekno = models.CharField(max_length=50, **TEXT)
    bymonthday = models.CharField(max_length=50, **TEXT)
    byyearday = models.CharField(max_length=50, **TEXT)
    description = models.TextField(**TEXT)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    schedule_link = models.URLField(max_length=500, **TEXT)
    attending_type = models.CharField(max_length=255, **TEXT)
    notes = models.TextField(**TEXT)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(opens_at__lt=models.F("closes_at")),
                name="schedule_opens_before_closes",
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True)
                | Q(dtstart__isnull=True)
                | Q(dtstart__lte=models.F("until")),
                name="schedule_starts_before_until",
            ),
        ]


class ServiceArea(OpenReferralModel):
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="service_areas"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="service_areas",
    )
    name = models.CharField(max_length=255, **TEXT)
    description = models.TextField(**TEXT)
    extent = models.TextField(**TEXT)
    extent_type = models.CharField(max_length=50, **TEXT)
    uri = models.CharField(max_length=500, **TEXT)


class CostOption(OpenReferralModel):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    option = models.CharField(max_length=255, **TEXT)  # "Per session"
    currency = models.CharField(max_length=3, default="GBP")
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    amount_description = models.CharField(max_length=255, **TEXT)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="cost_not_negative"
            )
        ]


class Language(OpenReferralModel):
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="languages"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="languages"
    )
    phone = models.ForeignKey(
        Phone, on_delete=models.CASCADE, null=True, blank=True, related_name="languages"
    )
    name = models.CharField(max_length=100)
    code = models.CharField(max_length=10, **TEXT)  # ISO 639-1, e.g. "pl"
    note = models.CharField(max_length=255, **TEXT)

    class Meta:
        indexes = [models.Index(fields=["code"])]


class Accessibility(OpenReferralModel):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="accessibility")
    description = models.TextField(**TEXT)
    details = models.TextField(**TEXT)
    url = models.URLField(max_length=500, **TEXT)

    class Meta:
        verbose_name_plural = "accessibility"


class Funding(OpenReferralModel):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="funding"
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="funding"
    )
    source = models.TextField()


class Attribute(OpenReferralModel):
    """Links a taxonomy term to a service, organisation or location (HSDS `link_id`)."""

    taxonomy_term = models.ForeignKey(
        TaxonomyTerm, on_delete=models.CASCADE, related_name="attributes"
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="attributes"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="attributes"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="attributes"
    )
    link_type = models.CharField(max_length=100, **TEXT)
    value = models.TextField(**TEXT)
    label = models.CharField(max_length=255, **TEXT)

    class Meta:
        indexes = [models.Index(fields=["taxonomy_term", "service"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(service__isnull=False, organization__isnull=True, location__isnull=True)
                    | Q(service__isnull=True, organization__isnull=False, location__isnull=True)
                    | Q(service__isnull=True, organization__isnull=True, location__isnull=False)
                ),
                name="attribute_links_one_record",
            )
        ]

    @property
    def link_entity(self) -> str:
        if self.service_id:
            return "service"
        if self.organization_id:
            return "organization"
        return "location"

    @property
    def link_id(self):
        return self.service_id or self.organization_id or self.location_id


class OrganisationEditor(models.Model):
    """A person who may edit an organisation's listings (Family Help's own, not in HSDS)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisations_edited"
    )
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="editors")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="directory_one_editor_link"
            )
        ]

    def __str__(self):
        return f"{self.user} edits {self.organization}"


# --- Report a problem (issue 5 §5; familyhelp/directory/services/problems.py) ---

PROBLEM_DETAILS_MAX_LENGTH = 1200


class ProblemReport(models.Model):
    """Someone told us a public service page is wrong (Family Help's own, not in HSDS).

    Tracked until an editor of the organisation or a directory administrator resolves it. The
    reporter is anonymous: only a salted hash of their IP address is kept (for the rate limit),
    and their optional email address is kept only until they have been told it is resolved.
    """

    DETAILS_MAX_LENGTH = PROBLEM_DETAILS_MAX_LENGTH
    NOTE_MAX_LENGTH = 1000

    class Kind(models.TextChoices):
        CLOSED = "closed", "The service has closed"
        WRONG_DETAILS = "wrong_details", "Some of the details are wrong"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # What the reporter is shown and can quote, like "K7QP-3XMD".
    reference = models.CharField(max_length=9, unique=True)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="problem_reports")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    details = models.TextField(**TEXT)
    reporter_email = models.EmailField(**TEXT)
    # HMAC-SHA256 of the IP address under a key derived from SECRET_KEY; never the address.
    ip_hash = models.CharField(max_length=64, **TEXT)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="problem_reports_resolved",
    )
    resolution_note = models.TextField(**TEXT)
    # When the reporter was emailed that it was resolved (their address is then forgotten).
    reporter_told_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="problem_status_created"),
            models.Index(fields=["ip_hash", "created_at"], name="problem_ip_created"),
            models.Index(fields=["service", "created_at"], name="problem_service_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", resolved_at__isnull=True)
                | Q(status="resolved", resolved_at__isnull=False),
                name="problem_resolved_has_a_time",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("details"), PROBLEM_DETAILS_MAX_LENGTH),
                name="problem_details_not_too_long",
            ),
        ]

    def __str__(self):
        return f"Problem {self.reference} with {self.service_id}"
