"""Pulling an Open Referral UK 3.0 feed: parsing the standard's own examples, errors, and an end
to end round trip through this project's feed on a live server."""

import copy
import io
import json
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.core.management import CommandError, call_command

from familyhelp.directory import models
from familyhelp.directory.services.hsds import ImportProblems
from familyhelp.directory.services.hsds.tables import tables
from familyhelp.directory.services.oruk_import import (
    OrukFeed,
    OrukFeedError,
    oruk_feed_download,
    oruk_feed_import,
)
from familyhelp.directory.tests import factories as f

STANDARDS = Path(settings.BASE_DIR) / "standards" / "oruk-3.0"
SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"
LOCATION_ID = "3a19ff88-4620-4d17-9830-ac1d859eb5d5"
LANGUAGE_ID = "2989d3ed-c547-48f8-8f9d-432d81c7892e"
BASE = "https://directory.example.org/api/oruk/"


def example(name: str) -> dict:
    return json.loads((STANDARDS / "examples" / name).read_text())


def valid_service_full() -> dict:
    """The standard's example service with the values our directory cannot store put right
    (a latitude of 100, a language with no name, parents that are not in the feed)."""
    service = example("service_full.json")
    location = service["service_at_locations"][0]["location"]
    location["latitude"], location["longitude"] = 51.06, -2.04
    service["languages"][0]["name"] = "English"
    del service["organization"]["parent_organization_id"]
    del service["attributes"][0]["taxonomy_term"]["parent_id"]
    return service


def page(contents: list) -> dict:
    return {
        "total_items": len(contents),
        "total_pages": 1,
        "page_number": 1,
        "size": len(contents),
        "first_page": True,
        "last_page": True,
        "empty": not contents,
        "contents": contents,
    }


class FakeResponse:
    def __init__(self, url, status_code, body):
        self.url, self.status_code, self._body = url, status_code, body

    def json(self):
        if isinstance(self._body, str):
            raise ValueError("Expecting value: line 1 column 1 (char 0)")
        return copy.deepcopy(self._body)


class FakeFeed(requests.Session):
    """A remote ORUK API answering from a dict of paths, recording what was asked."""

    def __init__(self, answers: dict):
        super().__init__()
        self.answers = answers
        self.asked = []

    def get(self, url, params=None, **kwargs):
        path = url.removeprefix(BASE)
        self.asked.append((path, params))
        answer = self.answers.get(path)
        if isinstance(answer, Exception):
            raise answer
        if answer is None:
            return FakeResponse(url, 404, "Not found")
        return FakeResponse(url, 200, answer)


def fake_remote(service_full: dict) -> FakeFeed:
    summary = {k: v for k, v in service_full.items() if not isinstance(v, list)}
    return FakeFeed(
        {
            "": {"version": "HSDS-UK-3.0", "profile": "https://openreferraluk.org"},
            "taxonomies": page([]),
            "taxonomy_terms": page([]),
            "organizations": page([service_full["organization"]]),
            "services": page([summary]),
            f"services/{SERVICE_ID}": service_full,
        }
    )


def test_a_full_service_is_flattened_into_hsds_rows():
    feed = OrukFeed(base_url=BASE)

    feed.add("service", example("service_full.json"), where="example")

    service = feed.rows["service"][SERVICE_ID]
    assert service["fees"] == "fees_description"
    assert service["organization_id"] == "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
    at_location = feed.rows["service_at_location"]["e94c9f38-1e8f-4564-91d4-d53501ab1765"]
    assert at_location == {
        "id": "e94c9f38-1e8f-4564-91d4-d53501ab1765",
        "service_id": SERVICE_ID,
        "location_id": LOCATION_ID,
    }
    address = feed.rows["address"]["74706e55-df26-4b84-80fe-ecc30b5befb4"]
    assert address["location_id"] == LOCATION_ID
    assert address["postal_code"] == "ABC 1234"
    attribute = feed.rows["attribute"]["ae58cc39-8b70-4ab1-8aea-786882e5ac8e"]
    assert attribute["link_id"] == SERVICE_ID
    assert attribute["link_entity"] == "service"
    assert attribute["taxonomy_term_id"] == "3f7b145d-84af-42d7-8fae-eaca714b02b2"
    assert feed.count("organization_identifier") == 1
    assert feed.count("schedule") == 1
    assert feed.count("cost_option") == 1


@pytest.mark.django_db
def test_the_standards_example_is_refused_naming_each_record_and_field():
    feed = OrukFeed(base_url=BASE)
    feed.add("service", example("service_full.json"), where="example")

    with pytest.raises(ImportProblems) as problems:
        oruk_feed_import(feed=feed)

    errors = problems.value.errors
    assert f"ORUK feed, location {LOCATION_ID}, latitude: must be between -90 and 90" in errors
    assert f"ORUK feed, language {LANGUAGE_ID}, name: is required" in errors
    assert (
        "ORUK feed, organization d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610, parent_organization_id: "
        "cd09a387-91f4-4555-94ec-e799c35344cd does not match any organization in the import or "
        "the directory"
    ) in errors
    assert models.Service.objects.count() == 0


@pytest.mark.django_db
def test_a_feed_of_summaries_is_completed_from_each_service_and_imported():
    remote = fake_remote(valid_service_full())

    feed = oruk_feed_download(base_url=BASE, session=remote)
    result = oruk_feed_import(feed=feed)

    assert (f"services/{SERVICE_ID}", None) in remote.asked
    assert result.created["service"] == 1
    service = models.Service.objects.get(id=SERVICE_ID)
    assert service.name == "Community Counselling"
    assert service.fees_description == "fees_description"
    assert service.minimum_age == 12
    assert service.organization.organization_identifiers.get().identifier == "1234567"
    location = service.service_at_locations.get().location
    assert location.addresses.get().city == "MyCity"
    assert service.schedules.get().byday == "TH,FR"
    assert str(service.cost_options.get().amount) == "35.00"
    assert service.attributes.get().taxonomy_term.name == "name"


@pytest.mark.django_db
def test_pulling_the_same_feed_again_changes_nothing():
    oruk_feed_import(
        feed=oruk_feed_download(base_url=BASE, session=fake_remote(valid_service_full()))
    )
    counts = {name: t.model.objects.count() for name, t in tables().items()}

    again = oruk_feed_download(base_url=BASE, session=fake_remote(valid_service_full()))
    result = oruk_feed_import(feed=again)

    assert sum(result.created.values()) + sum(result.updated.values()) == 0
    assert result.unchanged["service"] == 1
    assert {name: t.model.objects.count() for name, t in tables().items()} == counts


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"": {"version": "HSDS-UK-2.0"}}, "serves version 'HSDS-UK-2.0'"),
        ({"": "<html>"}, "did not return JSON"),
        ({}, "answered HTTP 404"),
        ({"": requests.Timeout("read timed out")}, "Could not fetch"),
        (
            {"": {"version": "HSDS-UK-3.0"}, "taxonomies": {"items": []}},
            "did not return a page of results",
        ),
    ],
)
def test_a_feed_that_cannot_be_read_is_reported(answers, message):
    with pytest.raises(OrukFeedError, match=message):
        oruk_feed_download(base_url=BASE, session=FakeFeed(answers))


@pytest.mark.django_db
def test_a_service_that_vanishes_mid_download_imports_nothing():
    remote = fake_remote(valid_service_full())
    del remote.answers[f"services/{SERVICE_ID}"]

    with pytest.raises(OrukFeedError, match=f"services/{SERVICE_ID} answered HTTP 404"):
        oruk_feed_download(base_url=BASE, session=remote)
    assert models.Organization.objects.count() == 0


def test_the_command_refuses_an_address_that_is_not_a_web_address():
    with pytest.raises(CommandError, match="is not a web address"):
        call_command("import_oruk", "ftp://example.org/", stdout=io.StringIO())


# End to end: this project's own feed on a live server ------------------------------------------


def feed_snapshot(base_url: str) -> dict:
    """Every page and every detail record the feed serves, as JSON."""
    session = requests.Session()
    snapshot = {}
    for path in ("taxonomies", "taxonomy_terms", "organizations", "services"):
        body = session.get(f"{base_url}/{path}", params={"per_page": 100}, timeout=30).json()
        snapshot[path] = body
        for item in body["contents"]:
            detail = session.get(f"{base_url}/{path}/{item['id']}", timeout=30)
            snapshot[f"{path}/{item['id']}"] = detail.json()
    return snapshot


# available_apps makes the teardown flush TRUNCATE ... CASCADE: on PostgreSQL the search index
# table (created outside the ORM in search.py) holds a foreign key to directory_service, and a
# plain TRUNCATE of a referenced table is refused. App names, not AppConfig paths.
EVERY_APP = [name.split(".apps.")[0] for name in settings.INSTALLED_APPS]


@pytest.mark.django_db(transaction=True, available_apps=EVERY_APP)
def test_a_feed_pulled_from_a_live_directory_reproduces_it(live_server):
    """The live server serves the same database the import writes to, so the round trip is
    proved in the two phases the import is built from: the whole feed is downloaded first
    (phase 1), then every directory row is deleted, then the downloaded feed is written back
    (phase 2) into the now empty directory. The feed served afterwards must equal the feed
    served before, record for record."""
    # Given a directory with services that use every part of the feed, served live
    term = f.TaxonomyTermFactory(parent=f.TaxonomyTermFactory(name="Family support"))
    for number in range(3):
        f.fully_described_service(term=term, name=f"Stay and play {number}", delivered_online=True)
    base_url = live_server.url + "/api/oruk"
    before = feed_snapshot(base_url)
    counts = {name: t.model.objects.count() for name, t in tables().items()}
    # When the feed is downloaded, the directory emptied, and the download written back
    out = io.StringIO()
    errors = io.StringIO()
    feed = oruk_feed_download(base_url=base_url)
    for table in reversed(list(tables().values())):
        table.model.objects.all().delete()
    assert models.Service.objects.count() == 0
    oruk_feed_import(feed=feed)
    # Then the live feed is exactly what it was
    assert feed_snapshot(base_url) == before
    assert models.Service.objects.filter(name__startswith="Stay and play").count() == 3
    # And running the command against it again is a no-op that says so, with progress shown
    call_command("import_oruk", base_url, stdout=out, stderr=errors)
    assert "service: 0 created, 0 updated, 3 unchanged" in out.getvalue()
    assert "Reading services" in errors.getvalue()
    assert {n: t.model.objects.count() for n, t in tables().items()}["service"] == counts["service"]


@pytest.mark.django_db(transaction=True, available_apps=EVERY_APP)
def test_the_command_reports_a_feed_that_is_not_there_and_imports_nothing(live_server):
    f.ServiceFactory(name="Already here")

    with pytest.raises(CommandError, match=r"/api/nowhere/ answered HTTP 404. Nothing was"):
        call_command("import_oruk", live_server.url + "/api/nowhere", stdout=io.StringIO())

    assert list(models.Service.objects.values_list("name", flat=True)) == ["Already here"]
