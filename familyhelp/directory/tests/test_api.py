"""The Open Referral UK 3.0 API as a partner system sees it: endpoints, filters and errors."""

import datetime
import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from familyhelp.core import geo
from familyhelp.core.tests.factories import PostcodeFactory
from familyhelp.directory import search
from familyhelp.directory.models import Service
from familyhelp.directory.selectors import oruk
from familyhelp.directory.tests.factories import (
    AddressFactory,
    AttributeFactory,
    OrganizationFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    TaxonomyFactory,
    TaxonomyTermFactory,
    fully_described_service,
)

pytestmark = pytest.mark.django_db

API = "/api/oruk"


def get(client, path, **params):
    return client.get(f"{API}{path}", params)


def ids(response):
    return [item["id"] for item in response.json()["contents"]]


def names(response):
    return [item["name"] for item in response.json()["contents"]]


def _walk(value):
    if isinstance(value, dict):
        for item in value.values():
            yield item
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield item
            yield from _walk(item)


# The API details -----------------------------------------------------------------------------


def test_api_details_names_the_standard_and_links_the_openapi_document(client):
    response = get(client, "/")

    assert response.status_code == 200
    body = response.json()
    assert body["version"] == "HSDS-UK-3.0"
    assert body["profile"].startswith("https://")
    assert body["openapi_url"] == "http://testserver/api/schema/"


# /services -----------------------------------------------------------------------------------


def test_services_lists_published_services_in_the_page_envelope(client):
    ServiceFactory(name="Baby massage")
    ServiceFactory(name="Closed club", status=Service.Status.DEFUNCT)

    response = get(client, "/services")

    assert response.status_code == 200
    body = response.json()
    assert {k: v for k, v in body.items() if k != "contents"} == {
        "total_items": 1,
        "total_pages": 1,
        "page_number": 1,
        "size": 1,
        "first_page": True,
        "last_page": True,
        "empty": False,
    }
    item = body["contents"][0]
    assert item["name"] == "Baby massage"
    assert item["organization"]["name"].startswith("Organisation")
    assert "schedules" not in item  # list items carry one-to-one fields only


def test_paths_work_with_and_without_a_final_slash(client):
    ServiceFactory()

    assert client.get(f"{API}/services").status_code == 200
    assert client.get(f"{API}/services/").status_code == 200


def test_empty_fields_are_left_out_never_null_or_blank(client):
    fully_described_service(name="Stay and play", alert="")

    for path in ("/services?full=true", "/service_at_locations?full=true", "/organizations?full=1"):
        body = client.get(API + path).json()
        assert body["contents"]
        for value in _walk(body):
            assert value not in (None, "", [], {})
    assert "alert" not in get(client, "/services").json()["contents"][0]


def test_pages_walk_through_every_service_once(client):
    for n in range(5):
        ServiceFactory(name=f"Service {n}")

    first = get(client, "/services", per_page=2)
    last = get(client, "/services", per_page=2, page=3)
    beyond = get(client, "/services", per_page=2, page=4)

    assert names(first) == ["Service 0", "Service 1"]
    assert first.json()["total_pages"] == 3 and not first.json()["last_page"]
    assert names(last) == ["Service 4"] and last.json()["last_page"]
    assert beyond.json()["empty"] and beyond.json()["contents"] == []


def test_service_detail_is_fully_nested(client):
    service = fully_described_service(name="Stay and play")

    body = get(client, f"/services/{service.id}").json()

    assert body["name"] == "Stay and play"
    assert body["organization"]["organization_identifiers"][0]["identifier_type"]
    venue = body["service_at_locations"][0]
    assert venue["location"]["addresses"][0]["address_1"].endswith("High Street")
    assert venue["location"]["accessibility"][0]["description"]
    assert body["schedules"][0] == {
        "id": body["schedules"][0]["id"],
        "service_id": str(service.id),
        "freq": "WEEKLY",
        "byday": "MO,WE",
        "opens_at": "09:30:00",
        "closes_at": "12:00:00",
    }
    assert body["cost_options"][0]["amount"] == 3
    assert body["languages"][0]["code"] == "pl"
    assert body["contacts"][0]["phones"][0]["number"] == "01632 960123"
    assert body["attributes"][0]["taxonomy_term"]["name"]
    assert body["funding"][0]["source"]
    assert body["service_areas"][0]["name"] == "Wessex Vale"
    assert body["last_modified"].endswith("Z")


def test_unpublished_and_unknown_services_are_not_found(client):
    hidden = ServiceFactory(status=Service.Status.INACTIVE)

    for service_id in (hidden.id, uuid.uuid4()):
        response = get(client, f"/services/{service_id}")
        assert response.status_code == 404
        assert response.json() == {
            "status": 404,
            "errors": [{"message": "No record was found with that id."}],
        }


def test_a_malformed_id_is_a_bad_request_naming_it(client):
    response = get(client, "/services/not-a-uuid")

    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == "id"


def test_search_finds_services_by_stemmed_words(client):
    ServiceFactory(name="Little Acorns Nursery")
    ServiceFactory(name="Youth football")
    search.index_services()

    assert names(get(client, "/services", search="nurseries")) == ["Little Acorns Nursery"]


def test_taxonomy_filters_include_child_terms(client):
    health = TaxonomyTermFactory(name="Health")
    visiting = TaxonomyTermFactory(name="Health visiting", parent=health, taxonomy=health.taxonomy)
    other = TaxonomyTermFactory(name="Sport")
    AttributeFactory(service__name="Health visitors", taxonomy_term=visiting)
    AttributeFactory(service__name="Football", taxonomy_term=other)

    assert names(get(client, "/services", taxonomy_term_id=health.id)) == ["Health visitors"]
    assert names(get(client, "/services", taxonomy_term_id=visiting.id)) == ["Health visitors"]
    assert names(get(client, "/services", taxonomy_id=other.taxonomy_id)) == ["Football"]


def test_organization_and_modified_after_filters(client):
    charity = OrganizationFactory()
    ServiceFactory(name="Charity service", organization=charity)
    ServiceFactory(name="Old service", last_modified=timezone.now() - datetime.timedelta(days=400))

    assert names(get(client, "/services", organization_id=charity.id)) == ["Charity service"]
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert names(get(client, "/services", modified_after=since)) == ["Charity service"]


def test_minimal_and_full_services(client):
    fully_described_service()

    minimal = get(client, "/services", minimal="true").json()["contents"][0]
    full = get(client, "/services", full="true").json()["contents"][0]

    assert set(minimal) == {"id", "name", "status", "last_modified"}
    assert full["service_at_locations"] and full["schedules"]


def test_age_filters_find_services_whose_ages_overlap(client):
    ServiceFactory(name="Baby group", minimum_age=0, maximum_age=1)
    ServiceFactory(name="Youth club", minimum_age=11, maximum_age=18)
    ServiceFactory(name="Everyone")

    assert names(get(client, "/services", minimum_age=12)) == ["Everyone", "Youth club"]
    assert names(get(client, "/services", maximum_age=2)) == ["Baby group", "Everyone"]
    assert names(get(client, "/services", minimum_age=2, maximum_age=10)) == ["Everyone"]


@pytest.mark.parametrize("day", ["WE", "we", "Wednesday", "WEDNESDAY"])
def test_day_filter_accepts_codes_and_names(client, day):
    ScheduleFactory(service__name="Midweek group", byday="MO,WE")
    ScheduleFactory(service__name="Saturday club", byday="SA")

    assert names(get(client, "/services", day=day)) == ["Midweek group"]
    assert names(get(client, "/service_at_locations", day="SA")) == []


def test_time_filters_find_services_open_within_the_times(client):
    ScheduleFactory(service__name="Morning", opens_at=datetime.time(9), closes_at=datetime.time(12))
    ScheduleFactory(
        service__name="Evening", opens_at=datetime.time(18), closes_at=datetime.time(20)
    )

    assert names(get(client, "/services", start_time="17:00")) == ["Evening"]
    assert names(get(client, "/services", end_time="10:00")) == ["Morning"]
    assert names(get(client, "/services", day="MO", start_time="11:00", end_time="19:00")) == [
        "Evening",
        "Morning",
    ]


@pytest.fixture
def places():
    """A postcode, a venue 1 km from it, one 11 km away and a confidential one next door."""
    PostcodeFactory(postcode="WX1 2AB", latitude=51.05, longitude=-2.05)
    near = AddressFactory(location__name="Near hub", location__latitude=51.06).location
    far = AddressFactory(location__name="Far hub", location__latitude=51.15).location
    refuge = AddressFactory(
        location__name="Refuge", location__latitude=51.05, location__is_confidential=True
    ).location
    ServiceAtLocationFactory(service__name="Near service", location=near)
    ServiceAtLocationFactory(service__name="Far service", location=far)
    ServiceAtLocationFactory(service__name="Refuge service", location=refuge)
    return {"near": near, "far": far, "refuge": refuge}


def test_postcode_and_proximity_in_metres_find_nearby_services_nearest_first(client, places):
    sal = get(client, "/service_at_locations", postcode="wx12ab", proximity=5000)
    services = get(client, "/services", postcode="WX1 2AB", proximity="20000")
    everything = get(client, "/service_at_locations", postcode="WX1 2AB")

    assert [i["service"]["name"] for i in sal.json()["contents"]] == ["Near service"]
    assert names(services) == ["Near service", "Far service"]
    # With no proximity, every result comes back nearest first, except confidential venues:
    # a distance would give away where they are.
    assert [i["location"]["name"] for i in everything.json()["contents"]] == [
        "Near hub",
        "Far hub",
    ]


def test_confidential_locations_never_show_where_they_are(client, places):
    refuge = places["refuge"]
    at_refuge = refuge.service_at_locations.get()

    responses = [
        get(client, "/service_at_locations").json(),
        get(client, "/service_at_locations", full="true").json(),
        get(client, f"/service_at_locations/{at_refuge.id}").json(),
        get(client, f"/services/{at_refuge.service_id}").json(),
        get(client, "/services", full="true").json(),
    ]

    for body in responses:
        shown = [
            value
            for value in _walk(body)
            if isinstance(value, dict) and value.get("id") == str(refuge.id)
        ]
        assert shown, "the refuge is listed"
        for location in shown:
            assert location["name"] == "Refuge"
            assert not {"latitude", "longitude", "addresses"} & set(location)


def test_the_bare_search_sql_finds_the_same_page_as_the_endpoint(client, places):
    filters = oruk.ServiceFilters(point=geo.geocode("WX1 2AB"), proximity_metres=20000)
    sql, params = oruk.counted_page(
        oruk.service_at_location_search(filters), page=1, per_page=50
    ).query.sql_with_params()

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()

    endpoint = get(client, "/service_at_locations", postcode="WX1 2AB", proximity=20000)
    assert [str(uuid.UUID(str(row[0]))) for row in rows] == ids(endpoint)
    assert rows[0][1] == endpoint.json()["total_items"] == 2


# /service_at_locations -----------------------------------------------------------------------


def test_service_at_locations_list_and_detail(client):
    service = fully_described_service(name="Stay and play")
    at_location = service.service_at_locations.get()
    ServiceAtLocationFactory(service__status=Service.Status.INACTIVE)

    listed = get(client, "/service_at_locations").json()
    detail = get(client, f"/service_at_locations/{at_location.id}").json()

    assert ids(client.get(f"{API}/service_at_locations")) == [str(at_location.id)]
    item = listed["contents"][0]
    assert item["service"]["name"] == "Stay and play"
    assert item["location"]["latitude"] == 51.05 and "addresses" not in item["location"]
    assert detail["location"]["addresses"][0]["postal_code"] == "WX1 2AB"
    assert detail["schedules"][0]["byday"] == "SA"
    assert detail["service"]["cost_options"][0]["option"] == "Per session"


def test_service_at_location_of_an_unpublished_service_is_not_found(client):
    hidden = ServiceAtLocationFactory(service__status=Service.Status.INACTIVE)

    assert get(client, f"/service_at_locations/{hidden.id}").status_code == 404


# /organizations ------------------------------------------------------------------------------


def test_organizations_list_full_and_detail(client):
    service = fully_described_service(name="Stay and play")
    ServiceFactory(organization=service.organization, status=Service.Status.DEFUNCT)
    organization = service.organization

    basic = get(client, "/organizations").json()["contents"][0]
    full = get(client, "/organizations", full="true").json()["contents"][0]
    full_service = get(client, "/organizations", full_service="true").json()["contents"][0]
    detail = get(client, f"/organizations/{organization.id}").json()
    detail_full = get(client, f"/organizations/{organization.id}", full_service="true").json()

    assert basic["name"] == organization.name and "services" not in basic
    assert [s["name"] for s in full["services"]] == ["Stay and play"]
    assert "schedules" not in full["services"][0]
    assert full_service["services"][0]["schedules"]
    assert detail["organization_identifiers"][0]["identifier_scheme"] == "GB-CHC"
    assert [s["name"] for s in detail["services"]] == ["Stay and play"]
    assert detail_full["services"][0]["service_at_locations"]


def test_organizations_search_by_name(client):
    OrganizationFactory(name="Ashcombe Family Hub")
    OrganizationFactory(name="Wessex Swimming Club")

    assert names(get(client, "/organizations", search="family hub")) == ["Ashcombe Family Hub"]


# /taxonomies and /taxonomy_terms -------------------------------------------------------------


def test_taxonomies_and_their_terms(client):
    taxonomy = TaxonomyFactory(name="DfE service categories")
    health = TaxonomyTermFactory(taxonomy=taxonomy, name="Health")
    TaxonomyTermFactory(taxonomy=taxonomy, name="Health visiting", parent=health)
    TaxonomyTermFactory(name="Other scheme term")

    listed = get(client, "/taxonomies", search="dfe").json()
    detail = get(client, f"/taxonomies/{taxonomy.id}").json()

    assert [t["name"] for t in listed["contents"]] == ["DfE service categories"]
    assert [t["name"] for t in detail["taxonomy_terms"]] == ["Health", "Health visiting"]
    assert names(get(client, "/taxonomy_terms", taxonomy_id=taxonomy.id)) == [
        "Health",
        "Health visiting",
    ]
    assert names(get(client, "/taxonomy_terms", parent_id=health.id)) == ["Health visiting"]
    assert names(get(client, "/taxonomy_terms", top_only="true", taxonomy_id=taxonomy.id)) == [
        "Health"
    ]
    assert names(get(client, "/taxonomy_terms", search="visiting")) == ["Health visiting"]
    term = get(client, f"/taxonomy_terms/{health.id}").json()
    assert term == {
        "id": str(health.id),
        "name": "Health",
        "description": "Health",
        "taxonomy": "DfE service categories",
        "taxonomy_id": str(taxonomy.id),
        "term": "Health",
    }


# Bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params", "parameter"),
    [
        ("/services", {"page": "abc"}, "page"),
        ("/services", {"page": "0"}, "page"),
        ("/services", {"per_page": "100000"}, "per_page"),
        ("/services", {"taxonomy_term_id": "not-a-uuid"}, "taxonomy_term_id"),
        ("/services", {"organization_id": "1; DROP TABLE x"}, "organization_id"),
        ("/services", {"modified_after": "yesterday"}, "modified_after"),
        ("/services", {"minimum_age": "-1"}, "minimum_age"),
        ("/services", {"minimum_age": "9", "maximum_age": "3"}, "maximum_age"),
        ("/services", {"day": "Funday"}, "day"),
        ("/services", {"start_time": "25:00"}, "start_time"),
        ("/services", {"start_time": "12:00", "end_time": "09:00"}, "end_time"),
        ("/services", {"minimal": "perhaps"}, "minimal"),
        ("/services", {"format": "xml"}, "format"),
        ("/services", {"format": "ndjson", "page": "2"}, "page"),
        ("/services", {"search": "x" * 201}, "search"),
        ("/services", {"search": "nul\x00byte"}, "search"),
        ("/services", {"colour": "blue"}, "colour"),
        ("/service_at_locations", {"postcode": "ZZ9 9ZZ"}, "postcode"),
        ("/service_at_locations", {"postcode": "not a postcode!"}, "postcode"),
        ("/service_at_locations", {"proximity": "1000"}, "proximity"),
        ("/service_at_locations", {"postcode": "WX1 2AB", "proximity": "nan"}, "proximity"),
        ("/services", {"page": "1e3"}, "page"),
        ("/services", {"day": "\x00"}, "day"),
        ("/service_at_locations", {"postcode": "WX1 2AB", "proximity": "-5"}, "proximity"),
        ("/taxonomy_terms", {"parent_id": "abc"}, "parent_id"),
        ("/taxonomy_terms", {"top_only": "maybe"}, "top_only"),
        ("/taxonomies", {"taxonomy_id": str(uuid.uuid4())}, "taxonomy_id"),
        ("/organizations", {"full_service": "2"}, "full_service"),
        ("/", {"page": "1"}, "page"),
        ("/services/99b05d3a-03c9-4b31-bffa-62f0195b5c5b", {"full": "true"}, "full"),
    ],
)
def test_bad_parameters_are_refused_naming_the_parameter(client, path, params, parameter):
    PostcodeFactory(postcode="WX1 2AB")

    response = client.get(API + path, params)

    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400
    assert parameter in [error["parameter"] for error in body["errors"]]
    assert all(error["message"] for error in body["errors"])


def test_a_repeated_parameter_is_refused(client):
    response = client.get(f"{API}/services?page=1&page=2")

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"parameter": "page", "message": "Give this parameter once."}
    ]


@pytest.mark.parametrize(
    "text",
    [
        "'; DROP TABLE directory_service; --",
        "<script>alert(1)</script>",
        "\u202enursery\u200b \U0001f476 ñandú ß",
        '"unbalanced AND OR NOT ( * ^',
        "   ",
        "x" * 200,
    ],
)
def test_odd_search_text_is_handled(client, text):
    ServiceFactory(name="Little Acorns Nursery")
    search.index_services()

    for path in ("/services", "/service_at_locations", "/organizations", "/taxonomy_terms"):
        response = client.get(API + path, {"search": text})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"


def test_unknown_endpoint_is_a_json_404(client):
    response = client.get(f"{API}/nothing-here")

    assert response.status_code == 404
    assert response.json()["status"] == 404


# Caching, CORS and ndjson ---------------------------------------------------------------------


def test_etag_and_last_modified_let_partners_poll_cheaply(client, settings):
    settings.ORUK_CACHE_SECONDS = 120
    service = ServiceFactory()

    first = get(client, "/services")
    assert "max-age=120" in first["Cache-Control"] and "public" in first["Cache-Control"]

    unchanged = client.get(f"{API}/services", headers={"If-None-Match": first["ETag"]})
    not_modified = client.get(
        f"{API}/services", headers={"If-Modified-Since": first["Last-Modified"]}
    )
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert not_modified.status_code == 304
    assert unchanged["ETag"] == first["ETag"]

    service.name = "Renamed"
    service.last_modified = timezone.now() + datetime.timedelta(seconds=5)
    service.save()
    changed = client.get(f"{API}/services", headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200 and names(changed) == ["Renamed"]


def test_detail_endpoints_carry_an_etag_too(client):
    service = ServiceFactory()

    first = get(client, f"/services/{service.id}")

    again = client.get(f"{API}/services/{service.id}", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304


def test_cors_lets_any_site_read_the_feed(client):
    response = client.get(f"{API}/services", headers={"Origin": "https://partner.example"})

    assert response["Access-Control-Allow-Origin"] == "*"


def test_ndjson_streams_every_result_one_object_a_line(client):
    for n in range(3):
        ServiceFactory(name=f"Service {n}")

    response = get(client, "/services", format="ndjson")

    assert response["Content-Type"] == "application/x-ndjson"
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert [json.loads(line)["name"] for line in lines] == ["Service 0", "Service 1", "Service 2"]


# Queries: constant whatever the page size -----------------------------------------------------


@pytest.fixture
def big_directory():
    PostcodeFactory(postcode="WX1 2AB", latitude=51.05, longitude=-2.05)
    taxonomy = TaxonomyFactory()
    TaxonomyFactory(name="Another taxonomy")
    parent = TaxonomyTermFactory(taxonomy=taxonomy, name="Parent")
    for n in range(6):
        term = TaxonomyTermFactory(taxonomy=taxonomy, parent=parent)
        fully_described_service(term=term, name=f"Nursery {n}")
    search.index_services()
    return {"term": parent, "taxonomy": taxonomy}


LIST_QUERIES = [
    ("/services", {}),
    ("/services", {"full": "true"}),
    ("/services", {"minimal": "true"}),
    ("/services", {"search": "nursery", "postcode": "WX1 2AB", "proximity": "8000", "day": "MO"}),
    ("/service_at_locations", {}),
    ("/service_at_locations", {"full": "true"}),
    ("/service_at_locations", {"search": "nursery", "postcode": "WX1 2AB", "proximity": "8000"}),
    ("/organizations", {}),
    ("/organizations", {"full": "true"}),
    ("/organizations", {"full_service": "true"}),
    ("/taxonomies", {}),
    ("/taxonomy_terms", {}),
]


@pytest.mark.parametrize(("path", "params"), LIST_QUERIES)
def test_list_query_count_does_not_grow_with_page_size(client, big_directory, path, params):
    if "term" in path:
        params = {**params, "taxonomy_id": big_directory["taxonomy"].id}

    counts = []
    for per_page in (1, 100):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(API + path, {**params, "per_page": per_page})
        body = response.json()
        assert body["total_items"] > 1
        assert body["size"] == min(per_page, body["total_items"])
        counts.append(len(queries))

    assert counts[0] == counts[1] <= 20, f"{path} {params}: {counts}"
