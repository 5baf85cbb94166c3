"""factory_boy factories for the directory: every test builds the records it needs from these."""

import datetime

import factory
from django.utils import timezone

from familyhelp.directory import models, search


def _reindex(service_id):
    """Factories stand in for the app's write paths, which keep the search index current."""
    search.index_services([service_id])


class TaxonomyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Taxonomy

    name = factory.Sequence(lambda n: f"Taxonomy {n}")
    description = "Categories of family services"


class TaxonomyTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.TaxonomyTerm

    taxonomy = factory.SubFactory(TaxonomyFactory)
    name = factory.Sequence(lambda n: f"Term {n}")
    description = factory.LazyAttribute(lambda o: o.name)
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organization

    name = factory.Sequence(lambda n: f"Organisation {n}")
    description = "A fictional organisation that helps families."
    email = factory.Sequence(lambda n: f"hello{n}@example.org")
    website = "https://example.org/"


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Service
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    description = "A fictional service for families."
    status = models.Service.Status.ACTIVE
    assured_date = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=30))
    last_modified = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def index(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy's signature
        if create:
            _reindex(obj.pk)


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Location

    name = factory.Sequence(lambda n: f"Location {n}")
    latitude = 51.05
    longitude = -2.05


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Address

    location = factory.SubFactory(LocationFactory)
    address_1 = factory.Sequence(lambda n: f"{n} High Street")
    city = "Ashcombe"
    state_province = "Wessex Vale"
    postal_code = "WX1 2AB"
    country = "GB"


class ServiceAtLocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ServiceAtLocation
        skip_postgeneration_save = True

    service = factory.SubFactory(ServiceFactory)
    location = factory.SubFactory(LocationFactory)

    @factory.post_generation
    def index(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            _reindex(obj.service_id)


class ScheduleFactory(factory.django.DjangoModelFactory):
    """Weekly opening hours by default: Mondays and Wednesdays, 9:30am to midday."""

    class Meta:
        model = models.Schedule

    service = factory.SubFactory(ServiceFactory)
    freq = models.Schedule.Freq.WEEKLY
    byday = "MO,WE"
    opens_at = datetime.time(9, 30)
    closes_at = datetime.time(12, 0)


class CostOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CostOption

    service = factory.SubFactory(ServiceFactory)
    option = "Per session"
    amount = 3


class LanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Language

    service = factory.SubFactory(ServiceFactory)
    name = "Polish"
    code = "pl"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Contact

    service = factory.SubFactory(ServiceFactory)
    name = "Sam Taylor"
    title = "Family hub coordinator"
    email = "sam.taylor@example.org"


class PhoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Phone

    service = factory.SubFactory(ServiceFactory)
    number = "01632 960123"


class AccessibilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Accessibility

    location = factory.SubFactory(LocationFactory)
    description = "Step-free access and an accessible toilet"


class AttributeFactory(factory.django.DjangoModelFactory):
    """Tags a service with a taxonomy term."""

    class Meta:
        model = models.Attribute
        skip_postgeneration_save = True

    taxonomy_term = factory.SubFactory(TaxonomyTermFactory)
    service = factory.SubFactory(ServiceFactory)

    @factory.post_generation
    def index(obj, create, extracted, **kwargs):  # noqa: N805
        if create and obj.service_id:
            _reindex(obj.service_id)


class OrganizationIdentifierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.OrganizationIdentifier

    organization = factory.SubFactory(OrganizationFactory)
    identifier_scheme = "GB-CHC"
    identifier_type = "Charity number"
    identifier = factory.Sequence(lambda n: f"{1100000 + n}")


class ServiceAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ServiceArea

    service = factory.SubFactory(ServiceFactory)
    name = "Wessex Vale"
    description = "Families living anywhere in Wessex Vale"


class FundingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Funding

    service = factory.SubFactory(ServiceFactory)
    source = "Wessex Vale Council family hubs grant"


def fully_described_service(*, term=None, location=None, **service_fields):
    """A published service with every relation the Open Referral UK feed nests filled in."""
    service = ServiceFactory(
        **{
            "url": "https://example.org/service",
            "email": "service@example.org",
            "minimum_age": 0,
            "maximum_age": 5,
            "alert": "Closed on bank holidays",
            **service_fields,
        }
    )
    OrganizationIdentifierFactory(organization=service.organization)
    location = location or AddressFactory().location
    AccessibilityFactory(location=location)
    at_location = ServiceAtLocationFactory(service=service, location=location)
    ScheduleFactory(service=service)
    ScheduleFactory(service=None, service_at_location=at_location, byday="SA")
    ServiceAreaFactory(service=service)
    LanguageFactory(service=service)
    FundingFactory(service=service)
    CostOptionFactory(service=service)
    contact = ContactFactory(service=service)
    PhoneFactory(service=None, contact=contact)
    PhoneFactory(service=service)
    AttributeFactory(service=service, taxonomy_term=term or TaxonomyTermFactory())
    return service
