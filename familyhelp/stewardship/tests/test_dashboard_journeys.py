"""Browser journey: a directory administrator, on a phone, reads the dashboard and filters it.

Every page is checked with axe and must fit a 320px screen; nothing needs JavaScript.
"""

import datetime
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.core.cache import cache
from playwright.sync_api import expect

from familyhelp.accounts.testing import sign_in_browser
from familyhelp.core.testing import PHONE, check_page
from familyhelp.directory.tests.factories import (
    AddressFactory,
    AttributeFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    TaxonomyTermFactory,
)
from familyhelp.stewardship.tests.factories import directory_administrator

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def listing(name, term, town, assured_date):
    service = ServiceFactory(name=name, assured_date=assured_date)
    AttributeFactory(service=service, taxonomy_term=term)
    if town:
        location = ServiceAtLocationFactory(service=service).location
        AddressFactory(location=location, city=town)
    return service


def test_an_administrator_reads_the_dashboard_on_a_phone_and_filters_it(browser, live_server):
    # Given a directory with listings fresh, overdue and hidden, in two categories and towns
    today = datetime.date.today()
    family = TaxonomyTermFactory(name="Family support")
    parenting = TaxonomyTermFactory(name="Parenting", parent=family, taxonomy=family.taxonomy)
    health = TaxonomyTermFactory(name="Health", taxonomy=family.taxonomy)
    hearing = TaxonomyTermFactory(name="Hearing", parent=health, taxonomy=family.taxonomy)
    listing("Stay and Play", parenting, "Ashcombe", today - datetime.timedelta(days=10))
    listing("Dads Group", parenting, "Brookfield", today - relativedelta(months=6, days=5))
    listing("Hearing Clinic", hearing, None, today - relativedelta(months=6, days=90))
    context = browser.new_context(viewport=PHONE)
    sign_in_browser(context, live_server, directory_administrator())
    page = context.new_page()

    # When the administrator opens the dashboard
    page.goto(live_server.url + "/directory-admin/")

    # Then they see the share checked recently, charts with titles, and no sideways scrolling
    expect(page.get_by_role("heading", name="Directory dashboard", level=1)).to_be_visible()
    expect(page.get_by_text("33% of listings checked since")).to_be_visible()
    expect(page.get_by_role("img", name="Overdue and hidden, by category")).to_be_visible()
    check_page(page)

    # When they open the numbers behind the category charts
    page.get_by_text("Listings by category as a table").click()
    # Then the table shows them
    table = page.get_by_role("region", name="Listings by category")
    expect(table.get_by_role("row", name=re.compile("^Family support 2 1 50"))).to_be_visible()
    check_page(page)

    # When they choose a category that does not exist (an edited address)
    page.goto(live_server.url + "/directory-admin/?category=nonsense")
    # Then they are told what is wrong, with an error summary
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.get_by_role("link", name="Select a category from the list")).to_be_visible()
    check_page(page)

    # When they filter to the family support listings in Brookfield
    page.get_by_label("Category").select_option(label="Family support (all)")
    page.get_by_label("Area").select_option("Brookfield")
    page.get_by_role("button", name="Apply filters").click()

    # Then the figures are of that one overdue listing, by sub-category
    expect(page).not_to_have_title(re.compile("^Error: "))
    expect(page.get_by_text("0% of listings checked since")).to_be_visible()
    expect(page.get_by_role("heading", name="By sub-category", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Download these numbers"))).to_have_count(4)
    check_page(page)
    context.close()
