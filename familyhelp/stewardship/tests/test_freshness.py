"""Review-by dates, and what overdue and hidden listings look like to the public and the API."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from familyhelp.directory.models import Attribute, Service
from familyhelp.directory.tests.factories import (
    AttributeFactory,
    LocationFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    TaxonomyTermFactory,
)
from familyhelp.stewardship import freshness
from familyhelp.stewardship.models import CategoryReviewPeriod

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
API = "/api/oruk"
OUT_OF_DATE = "This information may be out of date"


def days_ago(n):
    return TODAY - datetime.timedelta(days=n)


def months_ago(n, extra_days=0):
    return TODAY - relativedelta(months=n) - datetime.timedelta(days=extra_days)


# Review-by dates -------------------------------------------------------------------------------


def test_review_by_is_six_months_after_it_was_checked_by_default():
    service = ServiceFactory(assured_date=datetime.date(2026, 2, 10))

    state = freshness.freshness_of(service, on=datetime.date(2026, 5, 1))

    assert state.months == 6
    assert state.review_by == datetime.date(2026, 8, 10)
    assert not state.overdue and not state.hidden


def test_month_ends_follow_the_calendar():
    assert freshness.review_by_date(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 2, 28)


def test_the_default_period_is_a_setting(settings):
    settings.DIRECTORY_REVIEW_MONTHS = 3
    service = ServiceFactory(assured_date=datetime.date(2026, 2, 10))

    assert freshness.freshness_of(service).review_by == datetime.date(2026, 5, 10)


def test_a_service_takes_the_shortest_period_of_its_categories_and_their_parents():
    parent = TaxonomyTermFactory(name="Childcare")
    child = TaxonomyTermFactory(name="Nursery", parent=parent, taxonomy=parent.taxonomy)
    other = TaxonomyTermFactory(name="Health")
    CategoryReviewPeriod.objects.create(taxonomy_term=parent, months=4)
    CategoryReviewPeriod.objects.create(taxonomy_term=other, months=12)
    nursery = ServiceFactory(assured_date=datetime.date(2026, 1, 1))
    AttributeFactory(service=nursery, taxonomy_term=child)
    AttributeFactory(service=nursery, taxonomy_term=other)
    clinic = ServiceFactory(assured_date=datetime.date(2026, 1, 1))
    AttributeFactory(service=clinic, taxonomy_term=other)
    untagged = ServiceFactory(assured_date=datetime.date(2026, 1, 1))

    periods = freshness.review_periods([nursery.pk, clinic.pk, untagged.pk])

    assert periods == {nursery.pk: 4, clinic.pk: 12, untagged.pk: 6}


def test_review_dates_of_many_services_take_one_query(django_assert_num_queries):
    term = TaxonomyTermFactory()
    CategoryReviewPeriod.objects.create(taxonomy_term=term, months=3)
    services = [ServiceFactory() for _ in range(8)]
    for service in services[:4]:
        AttributeFactory(service=service, taxonomy_term=term)

    with django_assert_num_queries(1):
        states = freshness.freshness_of_many(services)

    assert [states[s.pk].months for s in services] == [3] * 4 + [6] * 4


@pytest.mark.parametrize("months", [1, 3, 6, 12, 24])
def test_the_sql_conditions_agree_with_the_dates_worked_out_in_python(months):
    """Over every day of a year and a half (month ends and a leap day included)."""
    term = TaxonomyTermFactory()
    if months != 6:
        CategoryReviewPeriod.objects.create(taxonomy_term=term, months=months)
    on = datetime.date(2028, 3, 31)
    start = on - datetime.timedelta(days=31 * months + 120)
    dates = [start + datetime.timedelta(days=n) for n in range((on - start).days + 10)]
    organization = ServiceFactory().organization
    services = Service.objects.bulk_create(
        Service(
            organization=organization,
            name=str(assured),
            assured_date=assured,
            last_modified=timezone.now(),
        )
        for assured in dates
    )
    Attribute.objects.bulk_create(Attribute(service=s, taxonomy_term=term) for s in services)

    tested = Service.objects.filter(organization=organization, attributes__isnull=False)
    overdue = set(tested.filter(freshness.overdue_q(on=on)).values_list("pk", flat=True))
    hidden = set(tested.filter(freshness.hidden_q(on=on)).values_list("pk", flat=True))
    states = freshness.freshness_of_many(services, on)

    assert overdue == {pk for pk, state in states.items() if state.overdue}
    assert hidden == {pk for pk, state in states.items() if state.hidden}
    assert overdue and hidden and len(overdue) < len(services)  # the test crosses both edges


# The public pages and the API ----------------------------------------------------------------


@pytest.fixture
def listings():
    return {
        "fresh": ServiceFactory(name="Fresh", assured_date=days_ago(30)),
        "overdue": ServiceFactory(name="Overdue", assured_date=months_ago(6, extra_days=10)),
        "hidden": ServiceFactory(name="Hidden", assured_date=months_ago(6, extra_days=61)),
        "never": ServiceFactory(name="Never", assured_date=None),
    }


def test_an_overdue_listing_says_it_may_be_out_of_date(client, listings):
    fresh = client.get(reverse("directory:service", args=[listings["fresh"].pk]))
    overdue = client.get(reverse("directory:service", args=[listings["overdue"].pk]))
    never = client.get(reverse("directory:service", args=[listings["never"].pk]))

    assert OUT_OF_DATE not in fresh.content.decode()
    assert OUT_OF_DATE in overdue.content.decode()
    assert "It has not been checked since" in overdue.content.decode()
    assert never.status_code == 200
    assert "It has not been checked." in never.content.decode()


def test_a_listing_past_the_grace_period_is_hidden_from_the_public_but_not_deleted(
    client, listings
):
    hidden = listings["hidden"]

    page = client.get(reverse("directory:service", args=[hidden.pk]))
    results = client.get(reverse("directory:search"), {"q": ""}).content.decode()
    organisation = client.get(reverse("directory:organisation", args=[hidden.organization_id]))

    assert page.status_code == 404
    assert "Overdue" in results and "Fresh" in results and "Hidden" not in results
    assert "Hidden" not in organisation.content.decode()
    assert Service.objects.filter(pk=hidden.pk).exists()


def test_the_grace_period_is_a_setting(client, listings, settings):
    settings.DIRECTORY_REVIEW_GRACE_DAYS = 5

    response = client.get(reverse("directory:service", args=[listings["overdue"].pk]))

    assert response.status_code == 404


def test_hidden_listings_are_left_out_of_the_open_referral_api(client, listings):
    hidden = listings["hidden"]
    venue = ServiceAtLocationFactory(service=hidden, location=LocationFactory())
    ServiceAtLocationFactory(service=listings["fresh"], location=LocationFactory())

    services = client.get(f"{API}/services").json()
    names = {item["name"] for item in services["contents"]}
    one = client.get(f"{API}/services/{hidden.pk}")
    venues = client.get(f"{API}/service_at_locations").json()
    one_venue = client.get(f"{API}/service_at_locations/{venue.pk}")
    organisation = client.get(f"{API}/organizations/{hidden.organization_id}").json()

    assert names == {"Fresh", "Overdue", "Never"}
    assert one.status_code == 404
    assert {item["service"]["name"] for item in venues["contents"]} == {"Fresh"}
    assert one_venue.status_code == 404
    assert organisation.get("services", []) == []


def test_a_category_period_can_hide_a_listing_sooner(client):
    term = TaxonomyTermFactory()
    CategoryReviewPeriod.objects.create(taxonomy_term=term, months=1)
    service = ServiceFactory(assured_date=days_ago(100))
    url = reverse("directory:service", args=[service.pk])
    assert client.get(url).status_code == 200

    AttributeFactory(service=service, taxonomy_term=term)

    assert client.get(url).status_code == 404
