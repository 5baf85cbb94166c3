"""List items without `full` are built from plain rows (no model instances); they must say exactly
what the records say, and exactly the one-to-one part of the fully nested answers."""

import datetime

import pytest
from django.utils import timezone

from familyhelp.directory.api import serializers
from familyhelp.directory.models import Location
from familyhelp.directory.selectors import oruk
from familyhelp.directory.tests.factories import (
    AddressFactory,
    OrganizationFactory,
    ServiceAtLocationFactory,
    fully_described_service,
)

pytestmark = pytest.mark.django_db

API = "/api/oruk"
SERVICE_RELATIONS = {
    "service_at_locations",
    "schedules",
    "service_areas",
    "languages",
    "funding",
    "cost_options",
    "contacts",
    "phones",
    "attributes",
}


def _every_field_filled():
    organization = OrganizationFactory(
        alternate_name="Sure Start",
        description="Runs children's centres",
        email="hello@example.org",
        website="https://example.org",
        logo="https://example.org/logo.png",
        uri="https://example.org/org",
        legal_status="Charity",
        year_incorporated=1998,
        parent_organization=OrganizationFactory(),
    )
    service = fully_described_service(
        organization=organization,
        name="Stay and play",
        alternate_name="Play group",
        assured_date=timezone.localdate() - datetime.timedelta(days=30),
        assurer_email="checker@example.org",
        last_modified=datetime.datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=datetime.UTC),
    )
    refuge = AddressFactory(
        location__name="Refuge",
        location__is_confidential=True,
        location__external_identifier="100023336956",
        location__external_identifier_type="UPRN",
    ).location
    ServiceAtLocationFactory(service=service, location=refuge, description="By referral")
    return service


def test_rows_say_what_the_records_say():
    service = _every_field_filled()
    venues = list(service.service_at_locations.all())

    rows = oruk.service_at_location_rows([v.id for v in venues])

    assert [row["id"] for row in rows] == [v.id for v in venues]
    for venue, row in zip(venues, rows, strict=True):
        assert serializers.service_at_location_summary_row(row) == {
            "id": str(venue.id),
            "service_id": str(venue.service_id),
            "location_id": str(venue.location_id),
            **({"description": venue.description} if venue.description else {}),
            "location": serializers.location_summary(venue.location),
            "service": serializers.service_summary(venue.service),
        }
    (service_row,) = oruk.service_rows([service.id])
    assert serializers.service_summary_row(service_row) == serializers.service_summary(service)
    summary = serializers.service_summary(service)
    assert summary["last_modified"] == "2026-03-01T09:30:15.123Z"
    assert summary["organization"]["year_incorporated"] == 1998
    assert summary["organization"]["parent_organization_id"] == str(
        service.organization.parent_organization_id
    )


def test_rows_keep_the_order_asked_for_and_skip_what_is_not_published():
    first, second = fully_described_service(name="A"), fully_described_service(name="B")
    hidden = fully_described_service(name="C", status="inactive")

    found = oruk.service_rows([second.id, hidden.id, first.id])

    assert [row["id"] for row in found] == [second.id, first.id]


def test_a_list_item_is_the_full_answer_without_its_relations(client):
    _every_field_filled()

    for path in ("/services", "/service_at_locations"):
        summary = client.get(API + path).json()["contents"]
        full = client.get(API + path, {"full": "true"}).json()["contents"]
        assert len(summary) == len(full) >= 1
        for short, long in zip(summary, full, strict=True):
            service_short = short.get("service", short)
            service_long = long.get("service", long)
            assert service_short == {
                **{k: v for k, v in service_long.items() if k not in SERVICE_RELATIONS},
                "organization": {
                    k: v
                    for k, v in service_long["organization"].items()
                    if k != "organization_identifiers"
                },
            }
            if "location" in short:
                assert short["location"] == {
                    k: v
                    for k, v in long["location"].items()
                    if k not in ("addresses", "accessibility")
                }


def test_a_confidential_venue_row_never_says_where_it_is():
    _every_field_filled()
    refuge = Location.objects.get(is_confidential=True)
    venue = refuge.service_at_locations.get()

    (row,) = oruk.service_at_location_rows([venue.id])
    shown = serializers.service_at_location_summary_row(row)["location"]

    assert shown["name"] == "Refuge"
    assert not {"latitude", "longitude", "external_identifier", "external_identifier_type"} & set(
        shown
    )
