"""Browser journey: an organisation's editor, on a phone, changes a listing and sends it for
approval. Every page is checked with axe and must fit a 320px screen."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from familyhelp.accounts.testing import sign_in_browser
from familyhelp.core.testing import PHONE, check_page
from familyhelp.directory.tests.factories import (
    OrganizationFactory,
    TaxonomyTermFactory,
    fully_described_service,
)
from familyhelp.stewardship.models import ListingChange
from familyhelp.stewardship.services import editing
from familyhelp.stewardship.tests.factories import draft_of, editor_of
from familyhelp.stewardship.views_editing.changes import QUESTIONS
from familyhelp.stewardship.views_editing.entries import KINDS

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def test_an_editor_changes_a_listing_adds_a_session_and_sends_it_for_approval(
    browser, live_server, settings
):
    settings.SITE_URL = live_server.url
    # Given a published listing and its organisation's editor, signed in on a phone
    parent = TaxonomyTermFactory(name="Family support")
    term = TaxonomyTermFactory(name="Parenting", parent=parent, taxonomy=parent.taxonomy)
    service = fully_described_service(
        name="Stay and Play",
        description="Songs and stories for under-fives.",
        organization=OrganizationFactory(name="Vale Play"),
        term=term,
    )
    editor = editor_of(service.organization, full_name="Sam Editor")
    context = browser.new_context(viewport=PHONE)
    sign_in_browser(context, live_server, editor)
    page = context.new_page()

    # When they open "Your organisations"
    page.goto(f"{live_server.url}/listings/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your organisations")
    expect(page.get_by_text("Last checked:").first).to_be_visible()
    check_page(page)

    # And their organisation's listings, and press "Change" for the service
    page.get_by_role("link", name="Vale Play").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vale Play")
    check_page(page)
    page.get_by_role("button", name="Change Stay and Play").click()

    # Then the change page shows every answer with a "Change" link
    expect(page.get_by_role("heading", level=1)).to_have_text("Stay and Play")
    expect(page.get_by_text("Songs and stories for under-fives.")).to_be_visible()
    check_page(page)

    # When they change the description
    page.get_by_role("link", name="Change description").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Name and description")
    check_page(page)
    page.get_by_label("Description").fill("Songs, stories and messy play for under-fives.")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Songs, stories and messy play for under-fives.")).to_be_visible()
    check_page(page)

    # And add a session, first with an impossible date
    page.get_by_role("link", name="Change opening times and sessions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Opening times and sessions")
    check_page(page)
    page.get_by_role("button", name="Add opening times or a session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a session or opening time")
    check_page(page)
    page.get_by_label("Tuesday").check()
    page.get_by_label("Opens at (optional)").fill("09:30")
    page.get_by_label("Closes at (optional)").fill("11:30")
    start = page.get_by_role("group", name="Start date (optional)")
    start.get_by_label("Day").fill("31")
    start.get_by_label("Month").fill("2")
    start.get_by_label("Year").fill("2027")
    page.get_by_role("button", name="Save and continue").click()
    expect(page).to_have_title("Error: Add a session or opening time – Stay and Play – Family Help")
    expect(page.get_by_role("alert").get_by_text("Start date must be a real date")).to_be_visible()
    check_page(page)
    start.get_by_label("Day").fill("2")
    start.get_by_label("Month").fill("3")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("From 2 March 2027, Tuesday")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Back to the listing").click()

    # And check their answers, which show what differs from the published listing
    page.get_by_role("button", name="Check your answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending")
    differences = page.locator("#differences")
    expect(differences.get_by_text("Songs and stories for under-fives.")).to_be_visible()
    expect(
        differences.get_by_text("Songs, stories and messy play for under-fives.")
    ).to_be_visible()
    check_page(page)

    # And send it for approval, confirming the declaration
    page.get_by_role("button", name="Send for approval").click()
    expect(
        page.get_by_role("alert").get_by_text("Confirm that the listing is correct")
    ).to_be_visible()
    check_page(page)
    page.get_by_label("I confirm that this listing is correct").check()
    page.get_by_role("button", name="Send for approval").click()

    # Then it waits for approval
    expect(page.get_by_role("heading", name="Listing sent for approval")).to_be_visible()
    check_page(page)
    assert ListingChange.objects.get().status == ListingChange.Status.SUBMITTED

    # And the public page still shows the old description
    page.goto(f"{live_server.url}/services/{service.pk}/")
    expect(page.get_by_text("Songs and stories for under-fives.")).to_be_visible()
    expect(page.get_by_text("messy play")).to_have_count(0)
    check_page(page)
    context.close()


def test_every_other_editing_page_passes_axe_on_a_phone(browser, live_server, settings):
    settings.SITE_URL = live_server.url
    parent = TaxonomyTermFactory(name="Family support")
    term = TaxonomyTermFactory(name="Parenting", parent=parent, taxonomy=parent.taxonomy)
    service = fully_described_service(
        name="Stay and Play", organization=OrganizationFactory(name="Vale Play"), term=term
    )
    editor = editor_of(service.organization, full_name="Sam Editor")
    change = draft_of(service, editor=editor)
    venue = change.document["locations"][0]["id"]
    cost = change.document["costs"][0]["id"]
    context = browser.new_context(viewport=PHONE)
    sign_in_browser(context, live_server, editor)
    page = context.new_page()
    base = f"{live_server.url}/listings/changes/{change.pk}"

    # Given every question page, list page and confirmation page
    for path in [
        f"/listings/services/{service.pk}/",
        *(f"/listings/changes/{change.pk}/questions/{slug}/" for slug in QUESTIONS),
        *(f"/listings/changes/{change.pk}/lists/{kind}/" for kind in KINDS),
        *(f"/listings/changes/{change.pk}/lists/{kind}/add/" for kind in KINDS),
        f"/listings/changes/{change.pk}/lists/venues/{venue}/",
        f"/listings/changes/{change.pk}/lists/costs/{cost}/remove/",
        f"/listings/changes/{change.pk}/delete/",
    ]:
        page.goto(live_server.url + path)
        check_page(page)

    # When a venue is saved with mistakes, the errors pass too
    page.goto(f"{base}/lists/venues/add/")
    page.get_by_label("Postcode").fill("nowhere")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("alert").get_by_text("Enter a full postcode")).to_be_visible()
    check_page(page)

    # And when a colleague saved the same question first
    page.goto(f"{base}/questions/name/")
    colleague = editor_of(service.organization, full_name="Alex Colleague")
    editing.change_save(
        actor=colleague,
        change=change,
        revision=change.revision,
        updates={"description": "Alex's words"},
    )
    page.get_by_label("Description").fill("Sam's words")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("What Alex Colleague saved")).to_be_visible()
    expect(page.get_by_label("Description")).to_have_value("Sam's words")
    check_page(page)
    context.close()
