"""The editors' pages: "Your organisations", an organisation's listings, and changing a listing
a question at a time through check your answers (familyhelp/stewardship/views_editing/)."""

import datetime
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from familyhelp.accounts.testing import sign_in
from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.audit.models import AuditEvent
from familyhelp.directory.models import Service
from familyhelp.directory.tests.factories import (
    AddressFactory,
    OrganizationFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    TaxonomyTermFactory,
    fully_described_service,
)
from familyhelp.stewardship import forms_editing
from familyhelp.stewardship.listing import new_id
from familyhelp.stewardship.models import ListingChange, TrustedOrganisation
from familyhelp.stewardship.reminders import changes_path
from familyhelp.stewardship.services import editing, moderation
from familyhelp.stewardship.tests.factories import (
    directory_administrator,
    draft_of,
    editor_of,
    submitted_change_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def category():
    parent = TaxonomyTermFactory(name="Family support")
    return TaxonomyTermFactory(name="Parenting", parent=parent, taxonomy=parent.taxonomy)


@pytest.fixture
def service(category):
    return fully_described_service(
        name="Stay and Play",
        description="Songs and stories for under-fives.",
        organization=OrganizationFactory(name="Vale Play"),
        term=category,
    )


@pytest.fixture
def editor(service):
    return editor_of(service.organization, full_name="Sam Editor")


@pytest.fixture
def signed_in(client, editor):
    return sign_in(client, editor)


def _revision(response) -> str:
    return re.search(r'name="revision" value="(\d+)"', response.content.decode()).group(1)


def _question(change, slug):
    return reverse("stewardship:change-question", args=[change.pk, slug])


def _entries(change, kind):
    return reverse("stewardship:change-entries", args=[change.pk, kind])


def _add(change, kind):
    return reverse("stewardship:change-entry-add", args=[change.pk, kind])


def _fresh(change):
    return ListingChange.objects.get(pk=change.pk)


# --- Your organisations --------------------------------------------------------------------


def test_your_organisations_lists_each_service_with_its_status_and_dates(signed_in, service):
    organisation = service.organization
    today = datetime.date.today()
    draft = ServiceFactory(organization=organisation, name="Baby Massage")
    draft_of(draft, description="New times")
    waiting = fully_described_service(organization=organisation, name="Toy Library")
    submitted_change_of(waiting, description="Now with puzzles")
    asked = fully_described_service(organization=organisation, name="Dads Group")
    change = submitted_change_of(asked, description="Saturdays")
    moderation.change_request_changes(
        actor=directory_administrator(),
        change=change,
        revision=change.revision,
        message="Add the venue",
    )
    ServiceFactory(
        organization=organisation,
        name="Old Club",
        assured_date=today - relativedelta(months=6, days=70),
    )
    ServiceFactory(organization=organisation, name="Summer Camp", status=Service.Status.INACTIVE)
    ServiceFactory(name="Somebody else's service")

    response = signed_in.get(reverse("stewardship:organisations"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Your organisations" in page
    assert "Vale Play" in page
    assert "Somebody else" not in page
    for text in (
        "Published",
        "Draft",
        "Waiting for approval",
        "Changes requested",
        "Hidden: not checked in time",
        "Hidden: no longer running",
    ):
        assert text in page
    checked = service.assured_date
    assert f"Last checked: {checked.day} {checked:%B %Y}" in page
    due = checked + relativedelta(months=6)
    assert f"Next due: {due.day} {due:%B %Y}" in page
    assert "(overdue)" in page  # Old Club


def test_your_organisations_costs_the_same_queries_however_many_listings(client):
    admin = directory_administrator()
    sign_in(client, admin)
    draft_of(ServiceFactory(organization=OrganizationFactory(name="A")), description="x")
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("stewardship:organisations")).status_code == 200
    for index in range(6):
        org = OrganizationFactory(name=f"B{index}")
        for number in range(3):
            made = ServiceFactory(organization=org, name=f"S{index}-{number}")
            if number == 0:
                draft_of(made, description="x")
        editing.change_start(actor=admin, organization=org)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("stewardship:organisations"))
    assert response.content.decode().count("Draft") >= 12
    assert len(many) == len(few), [q["sql"][:80] for q in many.captured_queries]


def test_your_organisations_asserts_a_small_fixed_number_of_queries(
    signed_in, service, django_assert_max_num_queries
):
    for number in range(10):
        ServiceFactory(organization=service.organization, name=f"Club {number}")
    with django_assert_max_num_queries(13):
        assert signed_in.get(reverse("stewardship:organisations")).status_code == 200


def test_an_administrator_sees_every_organisation_and_can_search_and_page(client, settings):
    sign_in(client, directory_administrator())
    OrganizationFactory(name="Brookfield Library")
    for number in range(25):
        OrganizationFactory(name=f"Org {number:02}")

    found = client.get(reverse("stewardship:organisations"), {"q": "brook"}).content.decode()
    assert "Brookfield Library" in found
    assert "Org 01" not in found
    assert "1 organisation matching" in found

    first = client.get(reverse("stewardship:organisations")).content.decode()
    assert "26 organisations" in first
    assert "Org 20" not in first
    second = client.get(reverse("stewardship:organisations"), {"page": 2}).content.decode()
    assert "Org 20" in second


def test_people_who_edit_no_listings_get_page_not_found(client):
    sign_in(client, UserFactory())
    assert client.get(reverse("stewardship:organisations")).status_code == 404


def test_signing_in_is_needed(client, service):
    response = client.get(reverse("stewardship:organisations"))
    assert response.status_code == 302
    assert reverse("accounts:sign-in") in response["Location"]


def test_the_navigation_links_to_your_organisations_for_editors(signed_in):
    page = signed_in.get(reverse("accounts:home")).content.decode()
    assert reverse("stewardship:organisations") in page


# --- An organisation's listings and starting a change --------------------------------------


def test_the_organisation_page_offers_change_and_add_a_service(signed_in, service):
    response = signed_in.get(reverse("stewardship:organisation", args=[service.organization.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Add a service" in page
    assert f'action="{reverse("stewardship:service", args=[service.pk])}"' in page


def test_change_starts_one_change_and_resumes_it_the_second_time(signed_in, service):
    url = reverse("stewardship:service", args=[service.pk])
    assert "Change this listing" in signed_in.get(url).content.decode()
    first = signed_in.post(url)
    change = ListingChange.objects.get()
    assert first["Location"] == reverse("stewardship:change", args=[change.pk])
    second = signed_in.post(url)
    assert second["Location"] == first["Location"]
    assert ListingChange.objects.count() == 1
    assert "Continue the change" in signed_in.get(url).content.decode()


def test_add_a_service_starts_a_new_draft_and_only_by_post(signed_in, service):
    url = reverse("stewardship:organisation-add-service", args=[service.organization.pk])
    assert signed_in.get(url).status_code == 405
    response = signed_in.post(url)
    change = ListingChange.objects.get()
    assert change.service is None
    assert response["Location"] == reverse("stewardship:change", args=[change.pk])
    page = signed_in.get(response["Location"]).content.decode()
    assert "New service" in page
    assert "Enter the name of the service" in page  # what is missing before it can be sent


# --- The change page -------------------------------------------------------------------------


def test_the_change_page_shows_every_answer_with_a_change_link(signed_in, service, editor):
    change = draft_of(service, editor=editor)
    page = signed_in.get(reverse("stewardship:change", args=[change.pk])).content.decode()
    assert "Stay and Play" in page
    assert "Songs and stories for under-fives." in page
    assert "Parenting" in page
    for slug in ("name", "status", "categories", "who", "delivery", "contact", "languages"):
        assert _question(change, slug) in page
    for kind in ("venues", "sessions", "costs", "contacts"):
        assert _entries(change, kind) in page
    assert "Draft" in page
    assert reverse("stewardship:change-check", args=[change.pk]) in page
    assert reverse("stewardship:change-delete", args=[change.pk]) in page


def test_the_administrators_message_is_shown_when_changes_are_requested(signed_in, service, editor):
    change = submitted_change_of(service, editor=editor, description="New")
    moderation.change_request_changes(
        actor=directory_administrator(),
        change=change,
        revision=change.revision,
        message="Please add <b>the venue</b>",
    )
    page = signed_in.get(reverse("stewardship:change", args=[change.pk])).content.decode()
    assert "Changes requested" in page
    assert "Please add &lt;b&gt;the venue&lt;/b&gt;" in page


def test_a_rejected_change_shows_why_and_cannot_be_edited(signed_in, service, editor):
    change = submitted_change_of(service, editor=editor, description="New")
    moderation.change_reject(
        actor=directory_administrator(),
        change=change,
        revision=change.revision,
        message="Duplicate",
    )
    page = signed_in.get(reverse("stewardship:change", args=[change.pk])).content.decode()
    assert "Why it was rejected" in page
    assert "Duplicate" in page
    assert _question(change, "name") not in page
    response = signed_in.get(_question(change, "name"))
    assert response["Location"] == reverse("stewardship:change", args=[change.pk])


def test_an_unknown_question_is_page_not_found(signed_in, service, editor):
    change = draft_of(service, editor=editor)
    assert signed_in.get(_question(change, "nonsense")).status_code == 404
    assert signed_in.get(_entries(change, "nonsense")).status_code == 404


# --- Question pages ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "slug", ["name", "status", "categories", "who", "delivery", "fees", "languages", "contact"]
)
def test_each_question_page_shows_the_saved_answers_and_the_revision(
    signed_in, service, editor, slug
):
    change = draft_of(service, editor=editor)
    response = signed_in.get(_question(change, slug))
    assert response.status_code == 200
    assert _revision(response) == str(change.revision)


def test_name_and_description_are_saved_to_the_draft_only(signed_in, service, editor):
    change = draft_of(service, editor=editor)
    response = signed_in.post(
        _question(change, "name"),
        {"revision": change.revision, "name": "Stay & Play", "description": "Now on Tuesdays."},
    )
    assert response["Location"] == reverse("stewardship:change", args=[change.pk])
    saved = _fresh(change)
    assert saved.document["name"] == "Stay & Play"
    assert saved.document["description"] == "Now on Tuesdays."
    assert saved.revision == change.revision + 1
    service.refresh_from_db()
    assert service.description == "Songs and stories for under-fives."


def test_a_description_with_html_is_kept_as_text_and_shown_escaped(signed_in, service, editor):
    change = draft_of(service, editor=editor)
    typed = '<script>alert("x")</script><a href="https://spam.example">win</a>'
    signed_in.post(
        _question(change, "name"),
        {"revision": change.revision, "name": "Stay and Play", "description": typed},
    )
    assert _fresh(change).document["description"] == typed
    for url in (
        reverse("stewardship:change", args=[change.pk]),
        reverse("stewardship:change-check", args=[change.pk]),
    ):
        page = signed_in.get(url).content.decode()
        assert "<script>alert" not in page
        assert '<a href="https://spam.example">' not in page
        assert "&lt;script&gt;alert(" in page


def test_an_empty_name_gets_an_error_and_nothing_is_saved(signed_in, service, editor):
    change = draft_of(service, editor=editor)
    response = signed_in.post(
        _question(change, "name"), {"revision": change.revision, "name": " ", "description": "x"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert forms_editing.NAME_REQUIRED in page
    assert _fresh(change).revision == change.revision


def test_status_categories_and_delivery_are_saved(signed_in, service, editor, category):
    other = TaxonomyTermFactory(name="Play", parent=category.parent, taxonomy=category.taxonomy)
    change = draft_of(service, editor=editor)
    signed_in.post(
        _question(change, "status"), {"revision": change.revision, "status": "temporarily closed"}
    )
    change = _fresh(change)
    page = signed_in.get(_question(change, "categories")).content.decode()
    assert "Family support" in page  # the group's legend
    signed_in.post(
        _question(change, "categories"),
        {"revision": change.revision, "categories": [str(category.pk), str(other.pk)]},
    )
    change = _fresh(change)
    signed_in.post(
        _question(change, "delivery"),
        {"revision": change.revision, "delivery": ["delivered_online", "delivered_by_telephone"]},
    )
    document = _fresh(change).document
    assert document["status"] == "temporarily closed"
    assert document["categories"] == sorted([str(category.pk), str(other.pk)])
    assert document["delivered_in_person"] is False
    assert document["delivered_online"] is True


def test_choosing_no_category_or_no_delivery_gets_an_error(signed_in, service, editor):
    change = draft_of(service, editor=editor)
    page = signed_in.post(_question(change, "categories"), {"revision": change.revision})
    assert forms_editing.CATEGORIES_REQUIRED in page.content.decode()
    page = signed_in.post(_question(change, "delivery"), {"revision": change.revision})
    assert forms_editing.DELIVERY_REQUIRED in page.content.decode()
    assert _fresh(change).revision == change.revision


def test_ages_must_be_in_order(signed_in, service, editor):
    change = draft_of(service, editor=editor)
    response = signed_in.post(
        _question(change, "who"),
        {"revision": change.revision, "minimum_age": "11", "maximum_age": "5"},
    )
    assert forms_editing.AGES_ORDER in response.content.decode()
    signed_in.post(
        _question(change, "who"),
        {
            "revision": change.revision,
            "minimum_age": "2",
            "maximum_age": "11",
            "eligibility_description": "Families in Wessex Vale",
        },
    )
    document = _fresh(change).document
    assert (document["minimum_age"], document["maximum_age"]) == (2, 11)
    assert document["eligibility_description"] == "Families in Wessex Vale"


def test_languages_keep_their_ids_and_contact_details_are_checked(signed_in, service, editor):
    change = draft_of(service, editor=editor)
    kept = change.document["languages"][0]
    signed_in.post(
        _question(change, "languages"),
        {"revision": change.revision, "languages": f"{kept['name']}, Welsh, welsh"},
    )
    change = _fresh(change)
    languages = change.document["languages"]
    assert [entry["name"] for entry in languages] == [kept["name"], "Welsh"]
    assert languages[0]["id"] == kept["id"]
    bad = signed_in.post(
        _question(change, "contact"),
        {"revision": change.revision, "email": "not-an-email", "phone": "call me", "url": ""},
    )
    page = bad.content.decode()
    assert forms_editing.EMAIL_INVALID in page
    assert forms_editing.PHONE_INVALID in page
    signed_in.post(
        _question(change, "contact"),
        {
            "revision": change.revision,
            "email": "hello@valeplay.example",
            "phone": "01632 960 001",
            "url": "valeplay.example",
        },
    )
    document = _fresh(change).document
    assert document["email"] == "hello@valeplay.example"
    assert document["url"] == "https://valeplay.example"


# --- Lists: venues, times, costs, contacts -------------------------------------------------


def test_a_new_venue_is_added_with_its_postcode_checked(signed_in, service, editor):
    change = draft_of(service, editor=editor)
    venue = {
        "revision": change.revision,
        "name": "Brookfield Hall",
        "address_1": "1 Mill Lane",
        "city": "Wessex Vale",
        "postcode": "not a postcode",
    }
    response = signed_in.post(_add(change, "venues"), venue)
    assert forms_editing.POSTCODE_INVALID in response.content.decode()
    response = signed_in.post(_add(change, "venues"), {**venue, "postcode": "wx12ab"})
    assert response["Location"] == _entries(change, "venues")
    added = _fresh(change).document["locations"][-1]
    assert added["postcode"] == "WX1 2AB"
    assert added["is_confidential"] is False
    assert "Brookfield Hall" in signed_in.get(_entries(change, "venues")).content.decode()


def test_a_venue_the_organisation_already_uses_can_be_chosen(signed_in, service, editor):
    elsewhere = ServiceFactory(organization=service.organization)
    address = AddressFactory(location__name="Riverside Centre")
    ServiceAtLocationFactory(service=elsewhere, location=address.location)
    change = draft_of(service, editor=editor)
    page = signed_in.get(_entries(change, "venues")).content.decode()
    assert "Riverside Centre" in page
    response = signed_in.post(
        _entries(change, "venues"), {"revision": change.revision, "venue": str(address.location.pk)}
    )
    assert response.status_code == 302
    ids = [entry["id"] for entry in _fresh(change).document["locations"]]
    assert str(address.location.pk) in ids
    missing = signed_in.post(_entries(change, "venues"), {"revision": change.revision + 1})
    assert forms_editing.VENUE_CHOICE_REQUIRED in missing.content.decode()


def test_a_venue_is_changed_and_removed_leaving_its_times_at_no_venue(signed_in, service, editor):
    change = draft_of(service, editor=editor)
    venue = change.document["locations"][0]
    edit = reverse("stewardship:change-entry", args=[change.pk, "venues", venue["id"]])
    page = signed_in.get(edit).content.decode()
    assert venue["name"] in page
    signed_in.post(
        edit,
        {
            "revision": change.revision,
            "name": "Renamed Hall",
            "address_1": venue["address_1"] or "1 Road",
            "city": venue["city"] or "Town",
            "postcode": "WX1 2AB",
            "is_confidential": "true",
        },
    )
    change = _fresh(change)
    assert change.document["locations"][0]["name"] == "Renamed Hall"
    assert change.document["locations"][0]["is_confidential"] is True
    remove = reverse("stewardship:change-entry-remove", args=[change.pk, "venues", venue["id"]])
    assert "Renamed Hall" in signed_in.get(remove).content.decode()
    signed_in.post(remove, {"revision": change.revision})
    document = _fresh(change).document
    assert document["locations"] == []
    assert all(entry["location_id"] is None for entry in document["schedules"])


def _session(change, **fields):
    return {
        "revision": change.revision,
        "days": ["TU"],
        "opens_at": "09:30",
        "closes_at": "11:30",
        "dtstart_day": "2",
        "dtstart_month": "3",
        "dtstart_year": "2027",
        "until_day": "",
        "until_month": "",
        "until_year": "",
        "location_id": "",
        "description": "",
        **fields,
    }


def test_a_session_on_31_february_must_be_a_real_date(signed_in, service, editor):
    change = draft_of(service, editor=editor)
    response = signed_in.post(
        _add(change, "sessions"), _session(change, dtstart_day="31", dtstart_month="2")
    )
    page = response.content.decode()
    assert "Start date must be a real date" in page
    assert 'href="#id_dtstart"' in page
    assert 'id="id_dtstart"' in page
    assert _fresh(change).revision == change.revision


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"until_day": "1", "until_month": "3", "until_year": "2027"}, forms_editing.DATES_ORDER),
        ({"closes_at": "09:00"}, forms_editing.TIMES_ORDER),
        ({"opens_at": "25:00"}, "Enter the opening time in the 24-hour clock"),
        ({"dtstart_month": ""}, "Start date must include a month"),
        (
            {"days": [], "dtstart_day": "", "dtstart_month": "", "dtstart_year": ""},
            forms_editing.DAYS_OR_DATE_REQUIRED,
        ),
    ],
)
def test_session_times_and_dates_are_checked(signed_in, service, editor, fields, message):
    change = draft_of(service, editor=editor)
    response = signed_in.post(_add(change, "sessions"), _session(change, **fields))
    assert message in response.content.decode()
    assert _fresh(change).revision == change.revision


def test_a_session_is_added_to_the_draft(signed_in, service, editor):
    change = draft_of(service, editor=editor)
    venue = change.document["locations"][0]
    count = len(change.document["schedules"])
    response = signed_in.post(
        _add(change, "sessions"),
        _session(
            change,
            location_id=venue["id"],
            until_day="20",
            until_month="7",
            until_year="2027",
            description="Term time only",
        ),
    )
    assert response.status_code == 302
    schedules = _fresh(change).document["schedules"]
    assert len(schedules) == count + 1
    added = schedules[-1]
    assert added["dtstart"] == "2027-03-02"
    assert added["until"] == "2027-07-20"
    assert (added["byday"], added["freq"]) == ("TU", "WEEKLY")
    assert (added["opens_at"], added["closes_at"]) == ("09:30", "11:30")
    assert added["location_id"] == venue["id"]
    page = signed_in.get(_entries(change, "sessions")).content.decode()
    assert "From 2 March 2027" in page


def test_a_session_page_shows_its_saved_dates(signed_in, service, editor):
    entry_id = new_id()
    session = {
        "id": entry_id,
        "location_id": None,
        "dtstart": "2027-03-02",
        "freq": "",
        "byday": "",
        "opens_at": None,
        "closes_at": None,
        "until": None,
        "count": None,
        "description": "",
    }
    change = draft_of(service, editor=editor, schedules=[session])
    page = signed_in.get(
        reverse("stewardship:change-entry", args=[change.pk, "sessions", entry_id])
    ).content.decode()
    assert 'name="dtstart_year"' in page
    assert 'value="2027"' in page


def test_costs_and_named_contacts_are_added(signed_in, service, editor):
    change = draft_of(service, editor=editor)
    bad = signed_in.post(
        _add(change, "costs"), {"revision": change.revision, "amount": "two", "option": ""}
    )
    assert forms_editing.AMOUNT_INVALID in bad.content.decode()
    assert forms_editing.COST_FOR_REQUIRED in bad.content.decode()
    signed_in.post(
        _add(change, "costs"),
        {"revision": change.revision, "amount": "£2.5", "option": "Per child"},
    )
    change = _fresh(change)
    assert change.document["costs"][-1]["amount"] == "2.50"
    signed_in.post(
        _add(change, "contacts"),
        {
            "revision": change.revision,
            "name": "Priya",
            "title": "Manager",
            "email": "",
            "phone": "",
        },
    )
    assert _fresh(change).document["contacts"][-1]["name"] == "Priya"
    assert "£2.50, Per child" in signed_in.get(_entries(change, "costs")).content.decode()


def test_an_entry_that_does_not_exist_is_page_not_found(signed_in, service, editor):
    change = draft_of(service, editor=editor)
    url = reverse("stewardship:change-entry", args=[change.pk, "costs", new_id()])
    assert signed_in.get(url).status_code == 404


# --- Two editors at once -------------------------------------------------------------------


def test_the_second_editor_to_save_is_told_what_changed_and_keeps_their_text(
    client, service, editor
):
    colleague = editor_of(service.organization, full_name="Alex Colleague")
    change = draft_of(service, editor=editor)
    sign_in(client, editor)
    opened = client.get(_question(change, "name"))
    revision = _revision(opened)

    # The colleague saves first.
    editing.change_save(
        actor=colleague,
        change=change,
        revision=change.revision,
        updates={"description": "Alex's description"},
    )

    response = client.post(
        _question(change, "name"),
        {"revision": revision, "name": "Stay and Play", "description": "Sam's description"},
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "<title>Error: " in page
    assert "Alex Colleague saved changes to this listing" in page
    assert "What Alex Colleague saved" in page
    assert "Alex&#39;s description" in page  # their answer
    assert "Sam&#39;s description" in page  # the editor's own text, kept in the form
    new_revision = _revision(response)
    assert int(new_revision) == _fresh(change).revision
    assert _fresh(change).document["description"] == "Alex's description"

    # Saving again is a deliberate choice, and then it is saved.
    again = client.post(
        _question(change, "name"),
        {"revision": new_revision, "name": "Stay and Play", "description": "Sam's description"},
    )
    assert again.status_code == 302
    assert _fresh(change).document["description"] == "Sam's description"


def test_a_stale_list_entry_keeps_both_editors_entries(client, service, editor):
    colleague = editor_of(service.organization)
    change = draft_of(service, editor=editor, costs=[])
    sign_in(client, editor)
    revision = _revision(client.get(_add(change, "costs")))
    theirs = {"id": new_id(), "amount": None, "option": "Everyone", "amount_description": ""}
    editing.change_save(
        actor=colleague, change=change, revision=change.revision, updates={"costs": [theirs]}
    )
    response = client.post(
        _add(change, "costs"), {"revision": revision, "amount": "3", "option": "Per adult"}
    )
    assert response.status_code == 409
    assert "Free, Everyone" in response.content.decode()
    assert 'value="Per adult"' in response.content.decode()
    client.post(
        _add(change, "costs"),
        {"revision": _revision(response), "amount": "3", "option": "Per adult"},
    )
    options = [entry["option"] for entry in _fresh(change).document["costs"]]
    assert options == ["Everyone", "Per adult"]


# --- Check your answers, sending, deleting -------------------------------------------------


def test_check_answers_shows_what_differs_and_needs_the_declaration(signed_in, service, editor):
    change = draft_of(service, editor=editor, description="Now on Tuesdays.")
    url = reverse("stewardship:change-check", args=[change.pk])
    page = signed_in.get(url).content.decode()
    assert "Songs and stories for under-fives." in page
    assert "Now on Tuesdays." in page
    assert "Send for approval" in page
    missing = signed_in.post(url, {"revision": change.revision})
    assert forms_editing.DECLARATION_REQUIRED in missing.content.decode()
    assert _fresh(change).status == ListingChange.Status.DRAFT


def test_sending_for_approval_leaves_the_public_page_as_it_was(signed_in, service, editor):
    change = draft_of(service, editor=editor, description="Now on Tuesdays.")
    response = signed_in.post(
        reverse("stewardship:change-check", args=[change.pk]),
        {"revision": change.revision, "confirm": "true"},
    )
    assert response["Location"] == reverse("stewardship:change-sent", args=[change.pk])
    assert _fresh(change).status == ListingChange.Status.SUBMITTED
    assert "Listing sent for approval" in signed_in.get(response["Location"]).content.decode()
    public = signed_in.get(reverse("directory:service", args=[service.pk])).content.decode()
    assert "Songs and stories for under-fives." in public
    assert "Now on Tuesdays." not in public


def test_a_trusted_organisation_publishes_straight_away(signed_in, service, editor):
    TrustedOrganisation.objects.create(organization=service.organization)
    change = draft_of(service, editor=editor, description="Now on Tuesdays.")
    url = reverse("stewardship:change-check", args=[change.pk])
    assert "Publish" in signed_in.get(url).content.decode()
    response = signed_in.post(url, {"revision": change.revision, "confirm": "true"})
    assert "Listing published" in signed_in.get(response["Location"]).content.decode()
    service.refresh_from_db()
    assert service.description == "Now on Tuesdays."


def test_a_stale_check_answers_page_is_shown_again_with_the_new_answers(signed_in, service, editor):
    change = draft_of(service, editor=editor)
    url = reverse("stewardship:change-check", args=[change.pk])
    revision = _revision(signed_in.get(url))
    editing.change_save(
        actor=editor_of(service.organization, full_name="Alex Colleague"),
        change=change,
        revision=change.revision,
        updates={"description": "Alex's words"},
    )
    response = signed_in.post(url, {"revision": revision, "confirm": "true"})
    page = response.content.decode()
    assert response.status_code == 409
    assert "Alex Colleague saved changes" in page
    assert "Alex&#39;s words" in page
    assert _fresh(change).status == ListingChange.Status.DRAFT


def test_a_new_service_with_answers_missing_cannot_be_sent(signed_in, service):
    signed_in.post(reverse("stewardship:organisation-add-service", args=[service.organization.pk]))
    change = ListingChange.objects.get()
    page = signed_in.get(reverse("stewardship:change-check", args=[change.pk])).content.decode()
    assert "Before you can send it" in page
    assert "Enter a description of the service" in page
    assert "Send for approval" not in page
    response = signed_in.post(
        reverse("stewardship:change-check", args=[change.pk]),
        {"revision": change.revision, "confirm": "true"},
    )
    assert "The listing is not ready to send" in response.content.decode()
    assert _fresh(change).status == ListingChange.Status.DRAFT


def test_deleting_a_draft_asks_first_and_leaves_the_listing(signed_in, service, editor):
    change = draft_of(service, editor=editor, description="Throw me away")
    url = reverse("stewardship:change-delete", args=[change.pk])
    assert "Are you sure you want to delete this draft?" in signed_in.get(url).content.decode()
    assert _fresh(change).status == ListingChange.Status.DRAFT
    response = signed_in.post(url)
    assert response["Location"] == reverse(
        "stewardship:organisation", args=[service.organization.pk]
    )
    assert _fresh(change).status == ListingChange.Status.WITHDRAWN
    page = signed_in.get(response["Location"]).content.decode()
    assert "The draft of Stay and Play was deleted" in page
    service.refresh_from_db()
    assert service.description == "Songs and stories for under-fives."


# --- Another organisation's listings ------------------------------------------------------


@pytest.fixture
def stranger(service):
    return editor_of(OrganizationFactory(name="Other Org"))


def test_another_organisations_pages_are_not_found_and_the_attempt_is_audited(
    client, service, editor, stranger
):
    change = draft_of(service, editor=editor)
    sign_in(client, stranger)
    for url in (
        reverse("stewardship:organisation", args=[service.organization.pk]),
        reverse("stewardship:service", args=[service.pk]),
        reverse("stewardship:change", args=[change.pk]),
        _question(change, "name"),
        _entries(change, "venues"),
        reverse("stewardship:change-check", args=[change.pk]),
        reverse("stewardship:change-delete", args=[change.pk]),
    ):
        assert client.get(url).status_code == 404, url
    refused = AuditEvent.objects.filter(actor=stranger, values__refused="not_an_editor")
    assert refused.count() == 7


def test_posting_to_another_organisations_change_changes_nothing(client, service, editor, stranger):
    change = draft_of(service, editor=editor)
    sign_in(client, stranger)
    posts = [
        (
            _question(change, "name"),
            {"revision": change.revision, "name": "Hacked", "description": "x"},
        ),
        (_add(change, "costs"), {"revision": change.revision, "amount": "", "option": "Free"}),
        (
            reverse("stewardship:change-check", args=[change.pk]),
            {"revision": change.revision, "confirm": "true"},
        ),
        (reverse("stewardship:change-delete", args=[change.pk]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    saved = _fresh(change)
    assert saved.revision == change.revision
    assert saved.status == ListingChange.Status.DRAFT
    assert saved.document["name"] == "Stay and Play"
    assert AuditEvent.objects.filter(actor=stranger, values__refused="not_an_editor").count() == 4


def test_starting_a_change_of_another_organisations_service_is_refused(client, service, stranger):
    sign_in(client, stranger)
    response = client.post(reverse("stewardship:service", args=[service.pk]))
    assert response.status_code == 403
    assert editing.NOT_YOURS in response.content.decode()
    assert not ListingChange.objects.exists()
    assert AuditEvent.objects.filter(actor=stranger, values__refused="not_an_editor").exists()
    response = client.post(
        reverse("stewardship:organisation-add-service", args=[service.organization.pk])
    )
    assert response.status_code == 404
    assert not ListingChange.objects.exists()


def test_a_page_number_that_is_not_a_number_shows_the_first_page(client):
    sign_in(client, directory_administrator())
    OrganizationFactory(name="Brookfield Library")
    response = client.get(reverse("stewardship:organisations"), {"page": "abc"})
    assert response.status_code == 200
    assert "Brookfield Library" in response.content.decode()


def test_the_reminders_make_changes_link_signs_in_then_opens_the_listing(client, service, editor):
    response = client.get(changes_path(service))
    assert response.status_code == 200  # the sign-in page
    target = reverse("stewardship:service", args=[service.pk])
    assert client.get(target)["Location"].startswith(reverse("accounts:sign-in"))
    sign_in(client, editor)
    assert "Change this listing" in client.get(target).content.decode()


# "Yes, this is still correct" for a signed-in editor --------------------------------------


def test_an_editor_confirms_a_hidden_listing_and_it_is_shown_again(signed_in, service):
    long_ago = datetime.date.today() - relativedelta(months=12)
    Service.objects.filter(pk=service.pk).update(assured_date=long_ago)
    assert not Service.objects.published().filter(pk=service.pk).exists()
    page = signed_in.get(reverse("stewardship:service", args=[service.pk])).content.decode()
    assert "Yes, this is still correct" in page

    response = signed_in.post(
        reverse("stewardship:service-confirm", args=[service.pk]), follow=True
    )

    assert response.status_code == 200
    assert "You confirmed that Stay and Play is still correct" in response.content.decode()
    assert Service.objects.get(pk=service.pk).assured_date == datetime.date.today()
    assert Service.objects.published().filter(pk=service.pk).exists()
    event = AuditEvent.objects.get(action="confirm", record_id=str(service.pk))
    assert event.values["previous_assured_date"] == long_ago.isoformat()


def test_confirming_another_organisations_listing_is_refused_and_changes_nothing(
    client, service, stranger
):
    before = Service.objects.get(pk=service.pk).assured_date
    sign_in(client, stranger)
    response = client.post(reverse("stewardship:service-confirm", args=[service.pk]))
    assert response.status_code == 403
    assert Service.objects.get(pk=service.pk).assured_date == before
    assert AuditEvent.objects.filter(actor=stranger, values__refused="not_an_editor").exists()


def test_a_listing_that_is_not_running_cannot_be_confirmed(signed_in, service):
    Service.objects.filter(pk=service.pk).update(status=Service.Status.DEFUNCT)
    before = Service.objects.get(pk=service.pk).assured_date
    assert (
        "Yes, this is still correct"
        not in signed_in.get(reverse("stewardship:service", args=[service.pk])).content.decode()
    )
    response = signed_in.post(reverse("stewardship:service-confirm", args=[service.pk]))
    assert response.status_code == 403
    assert editing.NOT_CONFIRMABLE in response.content.decode()
    assert Service.objects.get(pk=service.pk).assured_date == before
    assert (
        signed_in.get(reverse("stewardship:service-confirm", args=[service.pk])).status_code == 405
    )
