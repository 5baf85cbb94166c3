"""The service, organisation and "What's on" pages."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from familyhelp.core.formatting import long_date
from familyhelp.core.tests.factories import PostcodeFactory
from familyhelp.directory.forms import (
    ERROR_DATE,
    ERROR_DATE_ORDER,
    ERROR_DATE_PAST,
    ERROR_DATE_RANGE,
)
from familyhelp.directory.models import Service
from familyhelp.directory.tests.factories import (
    AccessibilityFactory,
    AddressFactory,
    AttributeFactory,
    ContactFactory,
    CostOptionFactory,
    LanguageFactory,
    LocationFactory,
    OrganizationFactory,
    PhoneFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    TaxonomyTermFactory,
)

pytestmark = pytest.mark.django_db

WHATS_ON = reverse("directory:whats-on")
TODAY = datetime.date(2026, 11, 27)  # a Friday


def title(response) -> str:
    return re.search(r"<title[^>]*>(.*?)</title>", response.content.decode(), re.S).group(1).strip()


def text(response) -> str:
    return response.content.decode()


def test_service_page_shows_what_a_parent_needs_to_decide_and_get_in_touch(client):
    service = ServiceFactory(
        name="Chatterbox",
        description="Songs and rhymes.\n\nFor babies and toddlers.",
        minimum_age=0,
        maximum_age=4,
        eligibility_description="Families living in Ashcombe.",
        application_process="Self-referral",
        url="https://chatterbox.example.org/",
        email="hello@chatterbox.example.org",
        # Recent: a listing long past its review-by date is hidden (familyhelp/stewardship).
        assured_date=datetime.date.today() - datetime.timedelta(days=10),
    )
    CostOptionFactory(service=service, amount=0, option="First session")
    CostOptionFactory(service=service, amount=3, option="Per session")
    PhoneFactory(service=service, number="01632 960001")
    ContactFactory(service=service, email="sam@example.org")
    LanguageFactory(service=service, name="Polish")
    location = LocationFactory(name="Ashcombe Family Hub")
    AddressFactory(
        location=location, address_1="1 Mill Lane", city="Ashcombe", postal_code="WX1 2AB"
    )
    AccessibilityFactory(location=location, description="Step-free access")
    link = ServiceAtLocationFactory(service=service, location=location)
    ScheduleFactory(service=None, service_at_location=link, byday="MO,WE")

    response = client.get(reverse("directory:service", args=[service.id]))

    page = text(response)
    assert title(response) == "Chatterbox – Family Help"
    for expected in [
        "Songs and rhymes.",
        "For babies and toddlers.",
        "From birth to 4 years",
        "Families living in Ashcombe.",
        "Free, or from £3",
        "You can refer yourself.",
        "01632 960001",
        "mailto:hello@chatterbox.example.org",
        "mailto:sam@example.org",
        'href="https://chatterbox.example.org/"',
        "1 Mill Lane",
        "WX1 2AB",
        "Mondays and Wednesdays, 9:30am to midday",
        "Step-free access",
        "Polish",
        "Last checked: " + long_date(service.assured_date),
        reverse("directory:organisation", args=[service.organization_id]),
    ]:
        assert expected in page, expected


def test_a_javascript_website_address_is_never_a_link(client):
    service = ServiceFactory(url="javascript:alert(1)")

    response = client.get(reverse("directory:service", args=[service.id]))

    assert "javascript:" not in text(response)


@pytest.mark.parametrize("status", [Service.Status.INACTIVE, Service.Status.DEFUNCT])
def test_unpublished_service_is_not_found(client, status):
    service = ServiceFactory(status=status)

    response = client.get(reverse("directory:service", args=[service.id]))

    assert response.status_code == 404
    assert "Page not found" in text(response)


@pytest.mark.parametrize(
    "path",
    [
        "/services/2f1c8f4e-0d7c-4d61-9b59-7e0c8d0f0b11/",
        "/services/not-a-uuid/",
        "/organisations/2f1c8f4e-0d7c-4d61-9b59-7e0c8d0f0b11/",
        "/organisations/1' OR '1'='1/",
    ],
)
def test_unknown_or_malformed_ids_are_not_found(client, path):
    assert client.get(path).status_code == 404


def test_organisation_page_lists_only_its_published_services_with_constant_queries(
    client, django_assert_num_queries
):
    organisation = OrganizationFactory(name="Ashcombe Family Hub", description="A family hub.")
    first = ServiceFactory(organization=organisation, name="Baby group")
    AttributeFactory(service=first)
    CostOptionFactory(service=first)
    ServiceFactory(organization=organisation, name="Old group", status=Service.Status.DEFUNCT)
    ServiceFactory(name="Someone else's group")
    url = reverse("directory:organisation", args=[organisation.id])

    with CaptureQueriesContext(connection) as one:
        response = client.get(url)
    page = text(response)
    assert "Baby group" in page and "Old group" not in page and "Someone else" not in page
    assert "Services (1)" in page

    for n in range(10):
        service = ServiceFactory(organization=organisation, name=f"Group {n}")
        AttributeFactory(service=service)
        CostOptionFactory(service=service)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert "Services (11)" in text(response)


def event_days(response) -> list[str]:
    return re.findall(r'<h3 class="govuk-heading-s app-day-heading">([^<]+)</h3>', text(response))


def event_names(response) -> list[str]:
    return re.findall(
        r'<h4 class="govuk-heading-s[^"]*"><a class="govuk-link" href="[^"]+">([^<]+)</a>',
        text(response),
    )


@time_machine.travel(datetime.datetime(2026, 11, 27, 9, 0), tick=False)
def test_whats_on_lists_upcoming_sessions_by_day_for_the_next_two_weeks(client):
    ServiceFactory(name="Opening hours only")  # a weekly schedule with no dtstart: not an event
    fair = ServiceFactory(name="Winter fair")
    ScheduleFactory(
        service=fair,
        dtstart=datetime.date(2026, 12, 5),
        freq="",
        byday="",
        opens_at=datetime.time(10),
        closes_at=datetime.time(12),
    )
    rhyme = ServiceFactory(name="Rhyme time")
    ScheduleFactory(service=rhyme, dtstart=datetime.date(2026, 11, 3), byday="TU", until=None)
    ScheduleFactory(
        service=ServiceFactory(name="Past fair"), dtstart=datetime.date(2026, 11, 1), freq=""
    )

    response = client.get(WHATS_ON)

    assert event_days(response) == [
        "Tuesday 1 December 2026",
        "Saturday 5 December 2026",
        "Tuesday 8 December 2026",
    ]
    assert event_names(response) == ["Rhyme time", "Winter fair", "Rhyme time"]
    assert "10am to midday" in text(response)
    assert title(response).startswith(
        "What's on: 3 sessions and events from 27 November 2026 to 10 December 2026"
    )


@time_machine.travel(datetime.datetime(2026, 11, 27, 9, 0), tick=False)
def test_whats_on_expands_monthly_ordinals_counts_and_intervals(client):
    ScheduleFactory(
        service=ServiceFactory(name="First Tuesday club"),
        dtstart=datetime.date(2026, 1, 6),
        freq="MONTHLY",
        byday="1TU",
    )
    ScheduleFactory(
        service=ServiceFactory(name="Fortnightly"),
        dtstart=datetime.date(2026, 11, 30),
        freq="WEEKLY",
        interval=2,
        byday="MO",
    )
    ScheduleFactory(
        service=ServiceFactory(name="Three weeks only"),
        dtstart=datetime.date(2026, 11, 27),
        freq="WEEKLY",
        byday="FR",
        count=3,
    )

    response = client.get(WHATS_ON, {"date_from": "27/11/2026", "date_to": "31/1/2027"})

    page = text(response)
    assert event_days(response) == [
        "Friday 27 November 2026",
        "Monday 30 November 2026",
        "Tuesday 1 December 2026",
        "Friday 4 December 2026",
        "Friday 11 December 2026",
        "Monday 14 December 2026",
        "Monday 28 December 2026",
        "Tuesday 5 January 2027",
        "Monday 11 January 2027",
        "Monday 25 January 2027",
    ]
    assert "Three weeks only" in page


@time_machine.travel(datetime.datetime(2026, 11, 27, 9, 0), tick=False)
def test_whats_on_filters_by_category_age_and_place(client):
    PostcodeFactory(postcode="WX1 2AB", latitude=51.05, longitude=-2.05)
    term = TaxonomyTermFactory(name="Activities", slug="activities")
    TaxonomyTermFactory(name="Clubs", parent=term, taxonomy=term.taxonomy)
    wanted = ServiceFactory(name="Wanted", minimum_age=2, maximum_age=5)
    AttributeFactory(service=wanted, taxonomy_term=term)
    near = LocationFactory(latitude=51.06, longitude=-2.05, name="Village hall")
    AddressFactory(location=near, city="Ashcombe")
    ServiceAtLocationFactory(service=wanted, location=near)
    ScheduleFactory(service=wanted, dtstart=TODAY, freq="", byday="")
    too_old = ServiceFactory(name="Teens only", minimum_age=13)
    AttributeFactory(service=too_old, taxonomy_term=term)
    ScheduleFactory(service=too_old, dtstart=TODAY, freq="", byday="")
    far = ServiceFactory(name="Far away")
    AttributeFactory(service=far, taxonomy_term=term)
    ServiceAtLocationFactory(service=far, location=LocationFactory(latitude=52.5, longitude=-2.05))
    ScheduleFactory(service=far, dtstart=TODAY, freq="", byday="")
    ScheduleFactory(service=ServiceFactory(name="Other category"), dtstart=TODAY, freq="")

    response = client.get(
        WHATS_ON, {"category": "activities", "age": "3", "where": "WX1 2AB", "radius": "5"}
    )

    assert event_names(response) == ["Wanted"]
    assert "Village hall, Ashcombe, 0.7 miles away" in text(response)


@time_machine.travel(datetime.datetime(2026, 11, 27, 9, 0), tick=False)
@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"date_from": "31/2/2027"}, "date_from", ERROR_DATE),
        ({"date_from": "tomorrow"}, "date_from", ERROR_DATE),
        ({"date_from": "1/11/2026"}, "date_from", ERROR_DATE_PAST),
        ({"date_from": "10/12/2026", "date_to": "1/12/2026"}, "date_to", ERROR_DATE_ORDER),
        ({"date_to": "1/6/2027"}, "date_to", ERROR_DATE_RANGE),
        ({"where": "WX9 9ZZ"}, "where", "We could not find WX9 9ZZ"),
        ({"age": "-3"}, "age", "Age must be 0 or more"),
        ({"category": "<b>x</b>"}, "category", "Select a category from the list"),
    ],
)
def test_whats_on_bad_input_shows_the_error_summary(client, params, field, message):
    response = client.get(WHATS_ON, params)

    assert response.status_code == 200
    assert title(response).startswith("Error: ")
    assert f'<a href="#id_{field}">{message}' in text(response)
    assert "<b>x</b>" not in text(response)


@time_machine.travel(datetime.datetime(2026, 11, 27, 9, 0), tick=False)
def test_whats_on_is_paged_and_makes_constant_queries(client, django_assert_num_queries):
    def add_event(n):
        service = ServiceFactory(name=f"Session {n:02d}")
        location = LocationFactory()
        AddressFactory(location=location)
        link = ServiceAtLocationFactory(service=service, location=location)
        ScheduleFactory(service=None, service_at_location=link, dtstart=TODAY, freq="")
        ScheduleFactory(service=service, dtstart=TODAY, freq="")

    add_event(0)
    with CaptureQueriesContext(connection) as one:
        client.get(WHATS_ON)
    for n in range(1, 20):
        add_event(n)

    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(WHATS_ON)
    assert len(event_names(response)) == 30
    second = client.get(WHATS_ON, {"page": "2"})
    assert len(event_names(second)) == 10
    assert title(client.get(WHATS_ON, {"page": "3"})).startswith("Error: ")
