"""A listing as one document: read, written back, compared."""

import pytest

from familyhelp.directory.models import Schedule, Service
from familyhelp.directory.tests.factories import (
    AddressFactory,
    ServiceFactory,
    TaxonomyTermFactory,
    fully_described_service,
)
from familyhelp.stewardship.listing import (
    document_apply,
    document_diff,
    document_problems,
    empty_document,
    listing_document,
    listing_queryset,
    new_id,
)

pytestmark = pytest.mark.django_db


def read(service):
    return listing_document(listing_queryset().get(pk=service.pk))


def test_a_document_written_back_unchanged_changes_nothing():
    service = fully_described_service()
    before = read(service)
    document_apply(
        organization=service.organization, service=service, document=before, assured=False
    )
    assert read(service) == before
    assert before["schedules"] and before["locations"] and before["contacts"] and before["costs"]


def test_the_document_reads_the_venue_schedules_and_keeps_their_ids():
    service = fully_described_service()
    document = read(service)
    venue_schedules = [entry for entry in document["schedules"] if entry["location_id"]]
    assert len(venue_schedules) == 1
    assert venue_schedules[0]["location_id"] == document["locations"][0]["id"]


def test_a_changed_document_changes_the_rows_and_only_those_rows():
    service = fully_described_service()
    document = read(service)
    kept_contact = document["contacts"][0]["id"]
    document["name"] = "Stay and Play (Tuesdays)"
    document["costs"] = []
    document["languages"].append({"id": new_id(), "name": "Polish", "code": "pl"})
    document["schedules"] = [
        {"id": new_id(), "location_id": None, "dtstart": None, "freq": "WEEKLY",
         "byday": "TU", "opens_at": "09:30", "closes_at": "11:30", "until": None,
         "count": None, "description": ""}
    ]  # fmt: skip
    document_apply(
        organization=service.organization, service=service, document=document, assured=True
    )
    after = read(service)
    assert after["name"] == "Stay and Play (Tuesdays)"
    assert after["costs"] == []
    assert {language["name"] for language in after["languages"]} >= {"Polish"}
    assert after["contacts"][0]["id"] == kept_contact
    assert Schedule.objects.filter(service=service).count() == 1
    assert Service.objects.get(pk=service.pk).assured_date is not None


def test_a_new_service_is_created_with_its_venue_positioned_by_postcode(settings):
    term = TaxonomyTermFactory()
    organization = ServiceFactory().organization
    document = empty_document()
    venue = new_id()
    document.update(
        name="Toy library",
        description="Borrow toys.",
        categories=[str(term.pk)],
        locations=[{"id": venue, "name": "Hall", "address_1": "1 High Street", "address_2": "",
                    "city": "Wexford", "postcode": "wx1 1aa", "description": "",
                    "is_confidential": False}],
    )  # fmt: skip
    service = document_apply(
        organization=organization, service=None, document=document, assured=True
    )
    after = read(service)
    assert after["locations"][0]["id"] == venue
    assert after["locations"][0]["postcode"] == "WX1 1AA"
    assert after["categories"] == [str(term.pk)]


def test_the_difference_names_each_changed_question_in_plain_words():
    service = fully_described_service()
    before = read(service)
    after = {**before, "name": "New name", "delivered_online": not before["delivered_online"]}
    rows = document_diff(before, after)
    assert [row.label for row in rows] == ["Name", "Online"]
    assert rows[0].before == [before["name"]] and rows[0].after == ["New name"]


def test_a_new_listing_lists_what_it_still_needs():
    problems = dict(document_problems(empty_document()))
    assert set(problems) == {"name", "description", "categories", "locations", "contact"}


def test_the_document_of_a_listing_takes_a_fixed_number_of_queries(django_assert_num_queries):
    service = fully_described_service()
    AddressFactory()
    with django_assert_num_queries(11):
        read(service)
