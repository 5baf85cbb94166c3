"""Checking rows: every problem at once (row, column, problem, how to fix), and the documents
and counts valid rows give."""

import pytest

from familyhelp.directory.tests.factories import ServiceFactory
from familyhelp.stewardship import listing
from familyhelp.stewardship.models import TrustedOrganisation
from familyhelp.stewardship.services.publishing import listing_publish
from familyhelp.stewardship.tests.factories import directory_administrator, draft_of, editor_of
from familyhelp.stewardship.uploads.reading import read_upload
from familyhelp.stewardship.uploads.testing import csv_bytes, row_of, small_directory
from familyhelp.stewardship.uploads.validation import plan_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    return small_directory()


@pytest.fixture
def admin():
    return directory_administrator()


def plan(rows, actor, keys=None):
    return plan_upload(read_upload(csv_bytes(rows, keys)), actor=actor)


def problems(rows, actor, keys=None):
    found = plan(rows, actor, keys)
    assert not found.rows
    return [(e["row"], e["column"], e["problem"], e["fix"]) for e in found.errors]


def published(place, admin, **cells):
    """A service published through a one-row upload plan, as it would be applied."""
    (row,) = plan([row_of(**cells)], admin).rows
    service, _ = listing_publish(
        actor=admin,
        organization=place.organisation,
        service=None,
        document=row.document,
        reason="created",
    )
    return service


def test_a_valid_new_row_becomes_a_complete_listing_document(place, admin):
    found = plan([row_of(description="<b>Bold</b> & <script>x</script>")], admin)
    assert found.errors == []
    (row,) = found.rows
    assert (row.kind, row.service_id, row.publishes) == ("new", None, True)
    assert row.organisation_id == str(place.organisation.pk)
    document = row.document
    assert listing.document_problems(document) == []
    assert document["description"] == "<b>Bold</b> & <script>x</script>"  # kept as text
    assert document["categories"] == [str(place.stay_and_play.pk)]
    assert document["costs"][0]["amount"] == "1.50"
    assert document["costs"][0]["option"] == "Per session"
    (venue,) = document["locations"]
    assert (venue["address_1"], venue["city"], venue["postcode"]) == (
        "1 High Street",
        "Ashcombe",
        "WX1 2AB",
    )
    (opening,) = document["schedules"]
    assert (opening["byday"], opening["opens_at"], opening["closes_at"]) == (
        "MO,WE",
        "09:30",
        "12:00",
    )
    assert opening["location_id"] == venue["id"]
    assert [entry["name"] for entry in document["languages"]] == ["English"]


def test_every_problem_in_every_row_is_listed_at_once(place, admin):
    rows = [
        row_of(venue_postcode="WX99"),
        row_of(starts_on="31/02/2027"),
        row_of(categories="Stay and play; Knitting"),
        row_of(minimum_age="11", maximum_age="5"),
        row_of(email="not-an-email", phone="12", url="not a website"),
        row_of(opens_at="25:00", closes_at="9", opening_days="Funday"),
        row_of(status="Open", delivered_online="Maybe", cost_amount="lots"),
        row_of(organisation="Nobody Ltd"),
        row_of(name="", description=""),
    ]
    found = problems(rows, admin)
    assert (
        2,
        "Venue postcode",
        "'WX99' is not a full postcode",
        "Enter a full postcode, like WX1 2AB",
    ) in found
    assert (
        3,
        "Starts on",
        "'31/02/2027' is not a real date",
        "Enter a real date, like 27/03/2027",
    ) in found
    assert found[2][:2] == (4, "Categories") and "'Knitting'" in found[2][2]
    assert found[3][:3] == (
        5,
        "Oldest age",
        "The oldest age (5) is lower than the youngest age (11)",
    )
    row6 = [e[1] for e in found if e[0] == 6]
    assert row6 == ["Website", "Email", "Phone"]
    row7 = [e[1] for e in found if e[0] == 7]
    assert row7 == ["Opening days", "Opens at", "Closes at"]
    row8 = [e[1] for e in found if e[0] == 8]
    assert row8 == ["Status", "Online", "Cost"]
    assert [e for e in found if e[0] == 9][0][:3] == (
        9,
        "Organisation",
        "There is no organisation called 'Nobody Ltd'",
    )
    row10 = [(e[1], e[2]) for e in found if e[0] == 10]
    assert row10 == [
        ("Name", listing.MISSING["name"]),
        ("Description", listing.MISSING["description"]),
    ]


def test_a_postcode_that_does_not_exist_is_an_error(place, admin):
    ((_, column, problem, _),) = problems([row_of(venue_postcode="WX9 9ZZ")], admin)
    assert (column, problem) == ("Venue postcode", "'WX9 9ZZ' is not a postcode we can find")


def test_dates_times_and_days_in_everyday_forms_are_understood(place, admin):
    (row,) = plan(
        [
            row_of(
                opening_days="Mon-Fri",
                opens_at="9am",
                closes_at="5.30pm",
                starts_on="1/3/2027",
                ends_on="2027-07-17",
            )
        ],
        admin,
    ).rows
    (opening,) = row.document["schedules"]
    assert opening["byday"] == "MO,TU,WE,TH,FR"
    assert (opening["opens_at"], opening["closes_at"]) == ("09:00", "17:30")
    assert (opening["dtstart"], opening["until"]) == ("2027-03-01", "2027-07-17")


def test_an_end_date_before_the_start_and_a_closing_time_before_opening_are_errors(place, admin):
    found = problems(
        [row_of(starts_on="01/03/2027", ends_on="01/02/2027", opens_at="12:00", closes_at="09:00")],
        admin,
    )
    assert [e[1] for e in found] == ["Closes at", "Ends on"]


def test_a_duplicate_or_unknown_service_id_is_an_error(place, admin):
    service = ServiceFactory(organization=place.organisation)
    found = problems(
        [
            row_of(service_id=str(service.pk)),
            row_of(service_id=str(service.pk)),
            row_of(service_id="c0ffee00-0000-4000-8000-000000000000"),
            row_of(service_id="12"),
        ],
        admin,
    )
    assert found[0][:3] == (3, "Service ID", "This service is also on row 2")
    assert found[1][:3] == (
        4,
        "Service ID",
        "There is no service with the ID 'c0ffee00-0000-4000-8000-000000000000'",
    )
    assert found[2][:3] == (5, "Service ID", "'12' is not a service ID")


def test_a_category_name_shared_by_two_parents_needs_its_parent(place, admin):
    from familyhelp.directory.tests.factories import TaxonomyTermFactory

    TaxonomyTermFactory(name="Stay and play", parent=place.parenting.parent)
    ((_, _, problem, fix),) = problems([row_of()], admin)
    assert problem == "More than one category is called 'Stay and play'"
    (row,) = plan([row_of(categories="early years > stay and play")], admin).rows
    assert row.document["categories"] == [str(place.stay_and_play.pk)]


def test_an_editor_may_only_upload_their_organisations_services(place):
    editor = editor_of(place.organisation)
    others = ServiceFactory(organization=place.other_organisation)
    found = problems(
        [
            row_of(),
            row_of(organisation="Wessex Swimmers"),
            row_of(service_id=str(others.pk), organisation=""),
        ],
        editor,
    )
    assert [(e[0], e[1]) for e in found] == [(3, "Organisation"), (4, "Organisation")]
    assert found[0][2] == "You do not edit the listings of 'Wessex Swimmers'"


def test_a_service_cannot_move_to_another_organisation(place, admin):
    service = published(place, admin)
    ((_, column, problem, _),) = problems(
        [row_of(service_id=str(service.pk), organisation="Wessex Swimmers")], admin
    )
    assert (column, problem) == (
        "Organisation",
        "This service is run by 'Vale Play', not 'Wessex Swimmers'",
    )


def test_changed_and_unchanged_rows_are_told_apart_with_what_changes(place, admin):
    service = published(place, admin)
    found = plan(
        [
            row_of(service_id=str(service.pk)),
            row_of(name="Baby Bounce"),
        ],
        admin,
    )
    assert [row.kind for row in found.rows] == ["unchanged", "new"]
    found = plan([row_of(service_id=str(service.pk), phone="01632 960 999")], admin)
    (row,) = found.rows
    assert row.kind == "changed"
    ((change),) = row.changes
    assert (change.label, change.before, change.after) == (
        "Phone number",
        ["01632 960 001"],
        ["01632 960 999"],
    )


def test_parts_of_an_existing_listing_not_in_the_file_are_kept(place, admin):
    service = published(place, admin)
    document = listing.listing_document(listing.listing_queryset().get(pk=service.pk))
    document["contacts"] = [
        {
            "id": listing.new_id(),
            "name": "Sam",
            "title": "",
            "email": "sam@example.org",
            "phone": "",
        }
    ]
    document["locations"].append(
        {
            "id": listing.new_id(),
            "name": "Second venue",
            "address_1": "2 Low Road",
            "address_2": "",
            "city": "Ashcombe",
            "postcode": "WX2 3CD",
            "description": "",
            "is_confidential": False,
        }
    )
    listing_publish(
        actor=admin,
        organization=place.organisation,
        service=service,
        document=document,
        reason="published",
    )
    # Only the phone column, with the id and organisation.
    (row,) = plan(
        [{"service_id": str(service.pk), "phone": "01632 960 777"}],
        admin,
        keys=["service_id", "organisation", "phone"],
    ).rows
    assert row.document["phone"] == "01632 960 777"
    assert row.document["contacts"][0]["name"] == "Sam"
    assert [entry["name"] for entry in row.document["locations"]] == [
        "Ashcombe Family Hub",
        "Second venue",
    ]
    assert [change.label for change in row.changes] == ["Phone number"]
    # The venue columns change the first venue in place (same id) and keep the second.
    first_id = document["locations"][0]["id"]
    (row,) = plan([row_of(service_id=str(service.pk), venue_address_1="3 New Street")], admin).rows
    assert [entry["id"] for entry in row.document["locations"]][0] == first_id
    assert row.document["locations"][0]["address_1"] == "3 New Street"
    assert len(row.document["locations"]) == 2


def test_an_untrusted_organisations_editor_sends_changes_for_approval(place):
    editor = editor_of(place.organisation)
    (row,) = plan([row_of()], editor).rows
    assert row.publishes is False
    TrustedOrganisation.objects.create(organization=place.organisation)
    (row,) = plan([row_of()], editor).rows
    assert row.publishes is True


def test_a_service_with_an_open_change_is_an_error_for_an_editor_who_needs_approval(place, admin):
    service = published(place, admin)
    editor = editor_of(place.organisation)
    draft_of(service, editor=editor)
    ((_, column, problem, fix),) = problems(
        [row_of(service_id=str(service.pk), phone="01632 960 999")], editor
    )
    assert column == "Service ID"
    assert problem == "This service already has a change that is a draft or waiting for approval"


def test_checking_looks_things_up_in_bulk_not_row_by_row(
    place, admin, django_assert_max_num_queries
):
    services = [published(place, admin, name=f"Service {n}") for n in range(3)]
    rows = [row_of(service_id=str(s.pk), phone="01632 960 999") for s in services]
    rows += [row_of(name=f"New {n}") for n in range(30)]
    table = read_upload(csv_bytes(rows))
    with django_assert_max_num_queries(25):
        found = plan_upload(table, actor=admin)
    assert (found.count("changed"), found.count("new")) == (3, 30)


def test_progress_is_reported_as_rows_are_checked(place, admin):
    seen = []
    rows = [row_of(name=f"Service {n}") for n in range(260)]
    plan_upload(
        read_upload(csv_bytes(rows)), actor=admin, progress=lambda d, t: seen.append((d, t))
    )
    assert seen == [(250, 260), (260, 260)]


def test_checking_the_same_file_twice_gives_the_same_documents(place, admin):
    import uuid

    table = read_upload(csv_bytes([row_of()]))
    namespace = uuid.uuid4()
    first = plan_upload(table, actor=admin, namespace=namespace).rows[0].document
    second = plan_upload(table, actor=admin, namespace=namespace).rows[0].document
    assert first == second


def test_reading_many_listings_at_once_gives_the_same_documents_as_one_at_a_time(place, admin):
    from familyhelp.stewardship.uploads.documents import listing_documents

    service = published(place, admin)
    document = listing.listing_document(listing.listing_queryset().get(pk=service.pk))
    second_venue = listing.new_id()
    document["contacts"] = [
        {
            "id": listing.new_id(),
            "name": "Sam",
            "title": "Lead",
            "email": "s@example.org",
            "phone": "01632 960 111",
        },
        {"id": listing.new_id(), "name": "Ali", "title": "", "email": "", "phone": ""},
    ]
    document["costs"].append(
        {"id": listing.new_id(), "option": "Per term", "amount": "20.00", "amount_description": ""}
    )
    document["languages"].append({"id": listing.new_id(), "name": "Polish", "code": "pl"})
    document["locations"].append(
        {
            "id": second_venue,
            "name": "Annexe",
            "address_1": "2 Low Road",
            "address_2": "Back",
            "city": "Ashcombe",
            "postcode": "WX2 3CD",
            "description": "Round the back",
            "is_confidential": True,
        }
    )
    document["schedules"].append(
        {
            "id": listing.new_id(),
            "location_id": second_venue,
            "dtstart": "2027-03-01",
            "freq": "WEEKLY",
            "byday": "FR",
            "opens_at": "10:00",
            "closes_at": "11:00",
            "until": "2027-07-01",
            "count": None,
            "description": "Term time",
        }
    )
    document["schedules"].append(
        {
            "id": listing.new_id(),
            "location_id": None,
            "dtstart": None,
            "freq": "WEEKLY",
            "byday": "SA",
            "opens_at": None,
            "closes_at": None,
            "until": None,
            "count": None,
            "description": "Phone line",
        }
    )
    listing_publish(
        actor=admin,
        organization=place.organisation,
        service=service,
        document=document,
        reason="published",
    )
    plain = ServiceFactory(organization=place.other_organisation)
    one_at_a_time = {
        str(s.pk): listing.listing_document(s)
        for s in listing.listing_queryset().filter(pk__in=[service.pk, plain.pk])
    }
    at_once = listing_documents([service.pk, plain.pk])
    assert {key: value[2] for key, value in at_once.items()} == one_at_a_time
    assert at_once[str(service.pk)][:2] == (str(place.organisation.pk), "Vale Play")
    assert len(one_at_a_time[str(service.pk)]["schedules"]) == 3
