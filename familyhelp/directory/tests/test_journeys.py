"""Browser journeys: a parent on a phone finds a service, with and without JavaScript."""

import datetime
import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from familyhelp.core.testing import PHONE, assert_accessible, assert_fits_the_screen
from familyhelp.core.tests.factories import PostcodeFactory
from familyhelp.directory import search
from familyhelp.directory.tests.factories import (
    AddressFactory,
    AttributeFactory,
    CostOptionFactory,
    LocationFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    TaxonomyFactory,
    TaxonomyTermFactory,
)

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The language filter's choices are cached; each test starts from its own data.
    cache.clear()


@pytest.fixture
def directory():
    PostcodeFactory(postcode="WX1 2AB", latitude=51.05, longitude=-2.05)
    dfe = TaxonomyFactory(name="DfE service categories")
    childcare = TaxonomyTermFactory(taxonomy=dfe, name="Childcare", slug="childcare")
    nursery = TaxonomyTermFactory(
        taxonomy=dfe, parent=childcare, name="Nursery education", slug="nursery-education"
    )
    TaxonomyTermFactory(taxonomy=dfe, parent=childcare, name="Childminders", slug="childminders")
    acorns = ServiceFactory(
        name="Little Acorns Nursery",
        description="Funded places for two to four year olds.",
        minimum_age=2,
        maximum_age=4,
        application_process="Self-referral",
    )
    AttributeFactory(service=acorns, taxonomy_term=nursery)
    CostOptionFactory(service=acorns, amount=0)
    location = LocationFactory(name="Ashcombe Family Hub", latitude=51.06, longitude=-2.05)
    AddressFactory(location=location, address_1="1 Mill Lane", city="Ashcombe")
    link = ServiceAtLocationFactory(service=acorns, location=location)
    ScheduleFactory(service=None, service_at_location=link, byday="MO,TU,WE,TH,FR")
    ScheduleFactory(
        service=acorns,
        dtstart=datetime.date.today() + datetime.timedelta(days=2),
        freq="",
        byday="",
        description="Open morning",
    )
    far = ServiceFactory(name="Distant Nursery")
    AttributeFactory(service=far, taxonomy_term=nursery)
    ServiceAtLocationFactory(service=far, location=LocationFactory(latitude=52.5))
    search.index_services()
    return acorns


def search_as_a_parent(page, live_server, *, check=assert_accessible):
    # Given a parent on the home page
    page.goto(live_server.url + "/")
    check(page)
    # When they search for nurseries near their postcode
    page.get_by_label("What are you looking for?").fill("nurseries")
    page.get_by_label("Where?").fill("wx1 2ab")
    page.get_by_role("button", name="Search").click()
    # Then they see the nearby nursery, how far away it is, and not the distant one
    expect(page).to_have_title(re.compile("^" + re.escape("1 result for ‘nurseries’ near WX1 2AB")))
    expect(page.get_by_role("link", name="Little Acorns Nursery")).to_be_visible()
    expect(page.get_by_text("0.7 miles away")).to_be_visible()
    assert not page.get_by_text("Distant Nursery").count()
    check(page)


def test_parent_on_a_phone_searches_filters_and_opens_a_service(live_server, directory, page):
    page.set_viewport_size(PHONE)
    search_as_a_parent(page, live_server)
    assert_fits_the_screen(page)

    # When they filter by a category and their child's age
    page.get_by_label("Childcare").check()
    page.get_by_label("Age of child or young person").fill("3")
    page.get_by_role("button", name="Apply filters").click()
    # Then the sub-categories of that category are offered and the nursery is still found
    expect(page.get_by_label("Nursery education")).to_be_visible()
    expect(page).to_have_title(
        re.compile("^" + re.escape("1 result for ‘nurseries’ in Childcare near WX1 2AB"))
    )
    assert_accessible(page)
    assert_fits_the_screen(page)

    # When they open the service
    page.get_by_role("link", name="Little Acorns Nursery").click()
    # Then they see when and where it runs, and how to join
    expect(page.get_by_role("heading", name="Little Acorns Nursery")).to_be_visible()
    expect(page.get_by_text("Monday to Friday, 9:30am to midday")).to_be_visible()
    expect(page.get_by_text("You can refer yourself.")).to_be_visible()
    assert_accessible(page)
    assert_fits_the_screen(page)

    # And they can see the organisation behind it
    page.get_by_role("link", name=directory.organization.name).first.click()
    expect(page.get_by_role("heading", name=directory.organization.name)).to_be_visible()
    assert_accessible(page)
    assert_fits_the_screen(page)


def test_the_same_search_works_without_javascript(live_server, directory, browser, page):
    # axe runs as JavaScript, so each page the script-free browser reaches is checked by
    # loading the same address in a browser with JavaScript.
    def check_with_axe(no_script_page):
        page.goto(no_script_page.url)
        assert_accessible(page)

    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    context.set_default_timeout(15_000)
    no_script = context.new_page()
    try:
        search_as_a_parent(no_script, live_server, check=check_with_axe)
        no_script.get_by_label("Free only").check()
        no_script.get_by_role("button", name="Apply filters").click()
        no_script.wait_for_url(re.compile("free=true"))
        expect(no_script.get_by_role("link", name="Little Acorns Nursery")).to_be_visible()
        check_with_axe(no_script)
    finally:
        context.close()


def test_a_bad_postcode_shows_the_error_summary(live_server, directory, page):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/")
    page.get_by_label("Where?").fill("WX9 9ZZ")
    page.get_by_role("button", name="Search").click()

    expect(page).to_have_title(re.compile("^" + re.escape("Error: ")))
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_text("There is a problem")).to_be_visible()
    summary.get_by_role("link", name="We could not find WX9 9ZZ").click()
    assert page.evaluate("document.activeElement.id") == "id_where"
    assert_accessible(page)
    assert_fits_the_screen(page)


def test_whats_on_shows_coming_sessions(live_server, directory, page):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="See sessions and events coming up").click()

    expect(page.get_by_text("Open morning")).to_be_visible()
    assert_accessible(page)
    assert_fits_the_screen(page)

    page.get_by_label("From").fill("31/2/2027")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_title(re.compile("^" + re.escape("Error: ")))
    assert_accessible(page)
