"""The public directory pages: what a parent sees when they search, filter and open a service."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from familyhelp.core.tests.factories import PlaceFactory, PostcodeFactory
from familyhelp.directory import search
from familyhelp.directory.forms import (
    ERROR_AGE,
    ERROR_AGE_NEGATIVE,
    ERROR_AGE_TOO_HIGH,
    ERROR_CATEGORY,
    ERROR_DAY,
    ERROR_DELIVERY,
    ERROR_LANGUAGE,
    ERROR_PAGE,
    ERROR_RADIUS,
    ERROR_SORT_NEEDS_PLACE,
    ERROR_SUBCATEGORY,
    ERROR_TEXT_CONTROL,
    ERROR_TEXT_TOO_LONG,
)
from familyhelp.directory.models import Service
from familyhelp.directory.tests.factories import (
    AddressFactory,
    AttributeFactory,
    CostOptionFactory,
    LanguageFactory,
    LocationFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    TaxonomyFactory,
    TaxonomyTermFactory,
)

pytestmark = pytest.mark.django_db

SEARCH = reverse("directory:search")
# About 0.69 miles per 0.01 degree of latitude.
HOME_LAT, HOME_LON = 51.05, -2.05


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The language filter's choices are cached; each test starts from its own data.
    cache.clear()


def title(response) -> str:
    return re.search(r"<title[^>]*>(.*?)</title>", response.content.decode(), re.S).group(1).strip()


def text(response) -> str:
    return response.content.decode()


def located(service, latitude=HOME_LAT, longitude=HOME_LON, *, confidential=False, **address):
    location = LocationFactory(latitude=latitude, longitude=longitude, is_confidential=confidential)
    AddressFactory(location=location, **address)
    ServiceAtLocationFactory(service=service, location=location)
    return location


@pytest.fixture
def taxonomy():
    dfe = TaxonomyFactory(name="DfE service categories")
    childcare = TaxonomyTermFactory(taxonomy=dfe, name="Childcare", slug="childcare")
    health = TaxonomyTermFactory(taxonomy=dfe, name="Health", slug="health")
    return {
        "childcare": childcare,
        "nursery": TaxonomyTermFactory(
            taxonomy=dfe, parent=childcare, name="Nursery education", slug="nursery-education"
        ),
        "childminders": TaxonomyTermFactory(
            taxonomy=dfe, parent=childcare, name="Childminders", slug="childminders"
        ),
        "health": health,
        "hearing": TaxonomyTermFactory(
            taxonomy=dfe, parent=health, name="Hearing and sight", slug="hearing-and-sight"
        ),
    }


@pytest.fixture
def postcode():
    return PostcodeFactory(postcode="WX1 2AB", latitude=HOME_LAT, longitude=HOME_LON)


def names(response) -> list[str]:
    return re.findall(
        r'<h3 class="govuk-heading-m[^"]*">'
        r'<a class="govuk-link" href="/services/[^"]+">([^<]+)</a>',
        text(response),
    )


def test_home_page_has_search_form_and_category_tiles_with_subcategories(client, taxonomy):
    response = client.get(reverse("directory:home"))

    page = text(response)
    assert 'action="/services/"' in page and 'method="get"' in page
    assert "What are you looking for?" in page and "Where?" in page
    assert '<a class="govuk-link" href="/services/?category=childcare">Childcare</a>' in page
    assert "/services/?category=childcare&amp;subcategory=nursery-education" in page
    assert "Hearing and sight" in page


def test_text_search_finds_stemmed_words_and_summarises_the_search_in_the_title(client):
    ServiceFactory(name="Little Acorns Nursery")
    ServiceFactory(name="Youth football")
    search.index_services()

    response = client.get(SEARCH, {"q": "nurseries"})

    assert names(response) == ["Little Acorns Nursery"]
    assert title(response) == "1 result for ‘nurseries’ – Family Help"


def test_place_search_orders_by_distance_shows_miles_and_puts_remote_services_last(
    client, postcode
):
    near = ServiceFactory(name="Zebra play group")
    located(near, HOME_LAT + 0.01)
    further = ServiceFactory(name="Apple play group")
    located(further, HOME_LAT + 0.05)
    far_away = ServiceFactory(name="Faraway play group")
    located(far_away, HOME_LAT + 1)
    ServiceFactory(name="Online play group", delivered_in_person=False, delivered_online=True)

    response = client.get(SEARCH, {"where": "wx12ab", "radius": "10"})

    assert names(response) == ["Zebra play group", "Apple play group", "Online play group"]
    assert "0.7 miles away" in text(response)
    assert "3.5 miles away" in text(response)
    assert title(response) == "3 results near WX1 2AB – Family Help"
    assert "shown after them" in text(response)


def test_town_name_works_as_a_place(client):
    PlaceFactory(name="Ashcombe", latitude=HOME_LAT, longitude=HOME_LON)
    located(ServiceFactory(name="Ashcombe family hub"))

    response = client.get(SEARCH, {"where": "ashcombe"})

    assert names(response) == ["Ashcombe family hub"]
    assert "near Ashcombe" in title(response)


def test_a_smaller_radius_leaves_out_services_beyond_it(client, postcode):
    located(ServiceFactory(name="Near"), HOME_LAT + 0.01)
    located(ServiceFactory(name="Three miles"), HOME_LAT + 0.045)

    response = client.get(SEARCH, {"where": "WX1 2AB", "radius": "1"})

    assert names(response) == ["Near"]


def test_confidential_venue_shows_neither_address_nor_distance(client, postcode):
    refuge = ServiceFactory(name="Safe haven support")
    located(
        refuge,
        HOME_LAT + 0.012345,
        confidential=True,
        address_1="7 Hidden Lane",
        postal_code="WX1 9ZZ",
        city="Ashcombe",
    )

    results = client.get(SEARCH, {"where": "WX1 2AB"})
    detail = client.get(reverse("directory:service", args=[refuge.id]))

    assert names(results) == ["Safe haven support"]
    for page in (text(results), text(detail)):
        assert "Hidden Lane" not in page
        assert "WX1 9ZZ" not in page
        assert "miles away" not in page
        assert "51.06" not in page
    assert "Address given on referral" in text(detail)
    assert "Ashcombe" in text(detail)


def test_only_published_services_are_found(client):
    ServiceFactory(name="Open group")
    ServiceFactory(name="Closed group", status=Service.Status.DEFUNCT)

    response = client.get(SEARCH)

    assert names(response) == ["Open group"]


def test_category_includes_its_subcategories_and_a_subcategory_narrows_it(client, taxonomy):
    nursery = ServiceFactory(name="Nursery")
    AttributeFactory(service=nursery, taxonomy_term=taxonomy["nursery"])
    minder = ServiceFactory(name="Childminder")
    AttributeFactory(service=minder, taxonomy_term=taxonomy["childminders"])
    AttributeFactory(service=ServiceFactory(name="Eye test"), taxonomy_term=taxonomy["hearing"])

    whole = client.get(SEARCH, {"category": "childcare"})
    narrowed = client.get(SEARCH, {"category": "childcare", "subcategory": "childminders"})

    assert names(whole) == ["Childminder", "Nursery"]
    assert title(whole) == "2 results in Childcare – Family Help"
    assert names(narrowed) == ["Childminder"]
    assert 'value="childminders" checked' in text(narrowed)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"age": "3"}, ["Toddlers"]),
        ({"age": "14"}, ["Teens"]),
        ({"free": "true"}, ["Teens"]),
        ({"delivery": "online"}, ["Teens"]),
        ({"delivery": ["online", "in_person"]}, ["Teens", "Toddlers"]),
        ({"day": "SA"}, ["Teens"]),
        ({"day": "MO"}, ["Toddlers"]),
        ({"language": "pl"}, ["Toddlers"]),
    ],
)
def test_filters_narrow_the_results(client, params, expected):
    toddlers = ServiceFactory(name="Toddlers", minimum_age=0, maximum_age=4)
    CostOptionFactory(service=toddlers, amount=2)
    ScheduleFactory(service=toddlers, byday="MO,WE")
    LanguageFactory(service=toddlers, name="Polish", code="pl")
    teens = ServiceFactory(
        name="Teens",
        minimum_age=11,
        maximum_age=18,
        delivered_in_person=False,
        delivered_online=True,
    )
    ScheduleFactory(service=teens, byday="1SA", freq="MONTHLY")

    response = client.get(SEARCH, params)

    assert names(response) == expected


def test_sort_by_distance_orders_text_matches_by_distance(client, postcode):
    best_match_far = ServiceFactory(name="Baby massage", description="Baby massage for babies.")
    located(best_match_far, HOME_LAT + 0.05)
    weaker_near = ServiceFactory(name="Stay and play", description="Includes baby songs.")
    located(weaker_near, HOME_LAT + 0.01)
    search.index_services()

    by_relevance = client.get(SEARCH, {"q": "baby", "where": "WX1 2AB"})
    by_distance = client.get(SEARCH, {"q": "baby", "where": "WX1 2AB", "sort": "distance"})

    assert names(by_relevance) == ["Baby massage", "Stay and play"]
    assert names(by_distance) == ["Stay and play", "Baby massage"]


def test_results_are_paged_with_links_that_keep_the_search(client):
    for n in range(23):
        ServiceFactory(name=f"Group {n:02d}")

    first = client.get(SEARCH, {"q": "", "age": "5"})
    second = client.get(SEARCH, {"age": "5", "page": "2"})

    assert len(names(first)) == 20
    assert names(second) == ["Group 20", "Group 21", "Group 22"]
    assert "govuk-pagination" in text(first)
    assert "?q=&amp;age=5&amp;page=2" in text(first)
    assert title(second) == "23 results – Family Help"


def test_no_results_suggests_widening_the_search(client, postcode, taxonomy):
    response = client.get(
        SEARCH, {"q": "trampoline", "where": "WX1 2AB", "radius": "2", "category": "health"}
    )

    page = text(response)
    assert title(response).startswith("0 results for ‘trampoline’ in Health near WX1 2AB")
    assert "Search within 20 miles" in page
    assert "Remove all filters" in page
    assert "Search without your words" in page
    assert "/services/?q=trampoline&amp;where=WX1+2AB&amp;radius=2" in page


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"where": "WX9 9ZZ"}, "where", "We could not find WX9 9ZZ"),
        ({"where": "W1X 12AB"}, "where", "Enter a full postcode, like WX1 2AB"),
        ({"where": "x" * 101}, "where", "We could not find that place"),
        ({"age": "-1"}, "age", ERROR_AGE_NEGATIVE),
        ({"age": "400"}, "age", ERROR_AGE_TOO_HIGH),
        ({"age": "four"}, "age", ERROR_AGE),
        ({"category": "astrology"}, "category", ERROR_CATEGORY),
        ({"subcategory": "astrology"}, "subcategory", ERROR_SUBCATEGORY),
        ({"day": "XX"}, "day", ERROR_DAY),
        ({"delivery": "pigeon"}, "delivery", ERROR_DELIVERY),
        ({"language": "xx"}, "language", ERROR_LANGUAGE),
        ({"radius": "3"}, "radius", ERROR_RADIUS),
        ({"sort": "distance"}, "where", ERROR_SORT_NEEDS_PLACE),
        ({"q": "a" * 201}, "q", ERROR_TEXT_TOO_LONG),
        ({"q": "bad\x00byte"}, "q", ERROR_TEXT_CONTROL),
        ({"q": "bell\x07"}, "q", ERROR_TEXT_CONTROL),
    ],
)
def test_bad_input_shows_the_error_summary_linking_to_the_field(
    client, taxonomy, params, field, message
):
    response = client.get(SEARCH, params)

    assert response.status_code == 200
    assert title(response).startswith("Error: ")
    page = text(response)
    assert "govuk-error-summary" in page
    assert f'<a href="#id_{field}">{message}' in page
    assert "govuk-error-message" in page


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "١"])
def test_a_malformed_page_number_is_an_error(client, page):
    response = client.get(SEARCH, {"page": page})

    assert title(response).startswith("Error: ")
    assert ERROR_PAGE in text(response)


def test_a_page_beyond_the_last_is_an_error(client):
    ServiceFactory()

    response = client.get(SEARCH, {"page": "5"})

    assert title(response).startswith("Error: ")
    assert "There is no page 5" in text(response)


@pytest.mark.parametrize(
    "typed",
    [
        "<script>alert('x')</script>",
        "'; DROP TABLE directory_service; --",
        "\u202eevil\u202c zalgo z̷̢̛a̶l̵g̷o̸ 👪 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    ],
)
def test_html_sql_and_odd_unicode_are_searched_as_text_and_shown_escaped(client, typed):
    ServiceFactory(name="Stay and play")
    search.index_services()

    response = client.get(SEARCH, {"q": typed})

    assert response.status_code == 200
    assert "<script>alert" not in text(response)
    assert Service.objects.count() == 1


def test_results_page_makes_the_same_number_of_queries_for_one_or_twenty_results(
    client, postcode, taxonomy, django_assert_num_queries
):
    def add_service(n):
        service = ServiceFactory(name=f"Play {n}")
        located(service, HOME_LAT + 0.001 * n)
        AttributeFactory(service=service, taxonomy_term=taxonomy["nursery"])
        AttributeFactory(service=service, taxonomy_term=taxonomy["hearing"])
        CostOptionFactory(service=service)
        LanguageFactory(service=service)

    add_service(0)
    search.index_services()
    params = {"q": "play", "where": "WX1 2AB", "category": "childcare", "language": "pl"}
    response = client.get(SEARCH, params)
    assert len(names(response)) == 1
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(SEARCH, params)
    for n in range(1, 20):
        add_service(n)
    search.index_services()

    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(SEARCH, params)
    assert len(names(response)) == 20
