"""Conformance with Open Referral UK 3.0: every response of the feed validates against the
standard's JSON Schemas (Draft 2020-12, formats checked), on a directory with every relation
filled in, walking first, middle and last pages and following every id to its detail endpoint.

The schema check itself is proven first on the official validator's own fixtures.
"""

import json
import math
import pathlib

import pytest
from django.core.management import call_command, get_commands
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from familyhelp.core.models import Postcode
from familyhelp.core.tests.factories import PostcodeFactory
from familyhelp.directory import search
from familyhelp.directory.tests.factories import (
    AddressFactory,
    LocationFactory,
    OrganizationFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    TaxonomyFactory,
    TaxonomyTermFactory,
    fully_described_service,
)

STANDARD = pathlib.Path(__file__).resolve().parents[3] / "standards" / "oruk-3.0"
SCHEMA_BASE = "https://openreferraluk.org/specifications/3.0/schema/"
API = "/api/oruk"

REGISTRY = Registry().with_resources(
    (
        SCHEMA_BASE + path.name,
        Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT202012),
    )
    for path in (STANDARD / "schema").glob("*.json")
)

# Fixture file name -> schema name, where they differ.
FIXTURE_SCHEMAS = {
    "organization_full": "organization",
    "service_full": "service",
    "service_at_location_full": "service_at_location",
}
# The id each detail fixture was requested with, in the official validator's mocks.
REQUESTED_IDS = {
    "service_at_location_full": "e94c9f38-1e8f-4564-91d4-d53501ab1765",
    "service_full": "ac148810-d857-441c-9679-408f346de14b",
    "organization_full": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610",
    "organization": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610",
    "taxonomy": "5c4d79d7-cc55-470e-9f1f-8cad074e4892",
    "taxonomy_term": "3f7b145d-84af-42d7-8fae-eaca714b02b2",
}
# Fail fixtures a single document cannot show to be wrong: the official validator fails them
# by following the pages they claim (10 pages, of which its mock serves one) or they are
# byte-for-byte the same as a passing fixture.
NOT_DECIDABLE_FROM_THE_DOCUMENT = {
    "organization_full": "identical to pass/organization.json",
    "taxonomy": "identical to pass/taxonomy.json",
    "taxonomy_list": "identical to pass/taxonomy_list.json",
    "organization_list": "claims 10 pages; only following page 2 can show it is wrong",
    "service_at_location_list": "claims 10 pages; only following page 2 can show it is wrong",
}


def validator(schema_name: str) -> Draft202012Validator:
    return Draft202012Validator(
        {"$ref": f"{SCHEMA_BASE}{schema_name}.json"},
        registry=REGISTRY,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def problems(document, schema_name: str, *, requested_id: str | None = None) -> list[str]:
    """Everything wrong with a response: schema errors, then what the schema cannot say."""
    found = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator(schema_name).iter_errors(document)
    ]
    if requested_id and document.get("id") != requested_id:
        found.append(f"asked for {requested_id}, answered {document.get('id')}")
    for item in _terms(document):
        if item.get("parent_id") and item["parent_id"] == item.get("id"):
            found.append(f"taxonomy term {item['id']} is its own parent")
    return found


def _envelope_problems(page) -> list[str]:
    found = []
    if page["size"] != len(page["contents"]):
        found.append("size is not the number of items in contents")
    if page["empty"] != (not page["contents"]):
        found.append("empty does not match contents")
    if page["first_page"] != (page["page_number"] == 1):
        found.append("first_page does not match page_number")
    return found


def _terms(document):
    if isinstance(document, dict):
        if "term" in document or "taxonomy_id" in document or "parent_id" in document:
            yield document
        for value in document.values():
            yield from _terms(value)
    elif isinstance(document, list):
        for value in document:
            yield from _terms(value)


def _fixtures(kind):
    return sorted((STANDARD / "validator-fixtures" / kind).glob("*.json"))


# The check itself ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", _fixtures("pass"), ids=lambda p: p.stem)
def test_schema_check_accepts_the_validators_passing_fixtures(path):
    schema_name = FIXTURE_SCHEMAS.get(path.stem, path.stem)
    if not (STANDARD / "schema" / f"{schema_name}.json").exists():
        pytest.skip("the DfE dashboard responses have no Open Referral UK schema")

    document = json.loads(path.read_text())

    assert problems(document, schema_name, requested_id=REQUESTED_IDS.get(path.stem)) == []


@pytest.mark.parametrize("path", _fixtures("fail"), ids=lambda p: p.stem)
def test_schema_check_rejects_the_validators_failing_fixtures(path):
    if path.stem in NOT_DECIDABLE_FROM_THE_DOCUMENT:
        pytest.skip(NOT_DECIDABLE_FROM_THE_DOCUMENT[path.stem])
    schema_name = FIXTURE_SCHEMAS.get(path.stem, path.stem)

    document = json.loads(path.read_text())

    assert problems(document, schema_name, requested_id=REQUESTED_IDS.get(path.stem))


def test_the_undecidable_failing_fixtures_are_what_we_say():
    passing = {p.stem: p.read_bytes() for p in _fixtures("pass")}
    for failing, same_as in [
        ("taxonomy", "taxonomy"),
        ("taxonomy_list", "taxonomy_list"),
        ("organization_full", "organization"),
    ]:
        fixture = STANDARD / "validator-fixtures" / "fail" / f"{failing}.json"
        assert fixture.read_bytes() == passing[same_as]
    for stem in ("organization_list", "service_at_location_list"):
        page = json.loads((STANDARD / "validator-fixtures" / "fail" / f"{stem}.json").read_text())
        assert page["total_pages"] == 10 and len(page["contents"]) == 1


# Our feed ------------------------------------------------------------------------------------

LISTS = {
    "services": ("service_list", "service"),
    "service_at_locations": ("service_at_location_list", "service_at_location"),
    "organizations": ("organization_list", "organization"),
    "taxonomies": ("taxonomy_list", "taxonomy"),
    "taxonomy_terms": ("taxonomy_term_list", "taxonomy_term"),
}
LIST_VARIANTS = {
    "services": [{}, {"full": "true"}, {"minimal": "true"}, {"postcode": None}],
    "service_at_locations": [{}, {"full": "true"}, {"postcode": None, "proximity": "50000"}],
    "organizations": [{}, {"full": "true"}, {"full_service": "true"}],
    "taxonomies": [{}],
    "taxonomy_terms": [{}, {"top_only": "true"}],
}


def build_directory():
    """A small county: organisations, services with every relation, a two-level taxonomy and
    several locations, one of them a confidential refuge."""
    PostcodeFactory(postcode="WX1 2AB", latitude=51.05, longitude=-2.05)
    categories = TaxonomyFactory(name="Family services", uri="https://example.org/taxonomy")
    TaxonomyFactory(name="Accessibility features", version="1.0")
    parents = [
        TaxonomyTermFactory(taxonomy=categories, name=name, code=name[:3].upper())
        for name in ("Family support", "Health", "Activities")
    ]
    children = [
        TaxonomyTermFactory(
            taxonomy=categories, parent=parent, name=f"{parent.name} {n}", term_uri=""
        )
        for parent in parents
        for n in range(2)
    ]
    hubs = [OrganizationFactory(name=f"Family hub {n}") for n in range(3)]
    OrganizationFactory(name="Charity with no services yet", website="", email="")
    refuge = AddressFactory(
        location__name="Safe house", location__is_confidential=True, location__latitude=51.051
    ).location
    for n in range(9):
        fully_described_service(
            name=f"Service {n}",
            organization=hubs[n % 3],
            term=children[n % len(children)],
            location=refuge
            if n == 4
            else AddressFactory(location__latitude=51.0 + n / 50).location,
        )
    ServiceFactory(name="Bare service", organization=hubs[0], description="")
    ServiceAtLocationFactory(
        service__name="Online service", location=LocationFactory(location_type="virtual")
    )
    search.index_services()


def _pages_to_visit(total_pages):
    return sorted({1, max(1, math.ceil(total_pages / 2)), max(1, total_pages)})


def _assert_valid(document, schema_name, where, **kwargs):
    found = problems(document, schema_name, **kwargs)
    assert not found, f"{where}: {found[:5]}"


def walk_the_feed(client, *, per_page=3):
    """Validate every endpoint, first, middle and last pages, and every id's detail. Returns
    how many responses were checked."""
    postcode = Postcode.objects.order_by("postcode").values_list("postcode", flat=True).first()
    checked = 0
    response = client.get(f"{API}/")
    _assert_valid(response.json(), "api_details", "/")
    checked += 1
    for endpoint, (list_schema, detail_schema) in LISTS.items():
        seen = set()
        for variant in LIST_VARIANTS[endpoint]:
            if "postcode" in variant:
                variant = {**variant, "postcode": postcode}
            first = client.get(f"{API}/{endpoint}", {**variant, "per_page": per_page})
            assert first.status_code == 200, first.content
            for page_number in _pages_to_visit(first.json()["total_pages"]):
                page = client.get(
                    f"{API}/{endpoint}", {**variant, "per_page": per_page, "page": page_number}
                ).json()
                where = f"/{endpoint} {variant} page {page_number}"
                _assert_valid(page, list_schema, where)
                assert not _envelope_problems(page), where
                assert page["page_number"] == page_number
                assert page["last_page"] == (page_number == page["total_pages"])
                checked += 1
                seen.update(item["id"] for item in page["contents"])
        assert seen, f"/{endpoint} listed nothing"
        for record_id in seen:
            detail = client.get(f"{API}/{endpoint}/{record_id}")
            assert detail.status_code == 200, detail.content
            _assert_valid(
                detail.json(), detail_schema, f"/{endpoint}/{record_id}", requested_id=record_id
            )
            checked += 1
    return checked


@pytest.mark.django_db
def test_every_response_of_the_feed_conforms(client):
    build_directory()

    checked = walk_the_feed(client)

    assert checked > 60


@pytest.mark.django_db
def test_the_feed_of_the_demo_county_conforms(client):
    if "load_demo" not in get_commands():
        pytest.skip("the demo county loader (manage.py load_demo) is not in this build yet")
    call_command("load_demo")

    assert walk_the_feed(client, per_page=50) > 60
