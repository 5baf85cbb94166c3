"""Browser journey: a directory administrator uploads a small CSV, sees the preview and confirms.

Every page is checked with axe and must fit a 320px screen.
"""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from familyhelp.accounts.testing import sign_in_browser
from familyhelp.core.testing import PHONE, check_page
from familyhelp.directory.models import Service
from familyhelp.stewardship.models import BulkUpload
from familyhelp.stewardship.tests.factories import directory_administrator
from familyhelp.stewardship.uploads.testing import csv_bytes, row_of, small_directory

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def test_an_administrator_uploads_a_csv_checks_the_preview_and_confirms(browser, live_server):
    # Given a directory administrator and a small directory
    small_directory()
    admin = directory_administrator()
    context = browser.new_context(viewport=PHONE)
    sign_in_browser(context, live_server, admin)
    page = context.new_page()

    # When they open the upload page
    page.goto(f"{live_server.url}/listings/upload/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload listings")
    check_page(page)

    # And upload a file with one mistake
    bad = csv_bytes([row_of(name="Baby Bounce", venue_postcode="WX99")])
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "listings.csv", "mimeType": "text/csv", "buffer": bad}]
    )
    page.get_by_role("button", name="Upload and check").click()

    # Then every problem is listed and nothing is saved
    expect(page.get_by_role("heading", level=1)).to_have_text("There are problems with your file")
    expect(page.get_by_role("cell", name="'WX99' is not a full postcode")).to_be_visible()
    check_page(page)
    assert not Service.objects.exists()

    # When they upload the corrected file
    page.get_by_role("link", name="Upload the corrected file").click()
    good = csv_bytes([row_of(name="Baby Bounce"), row_of(name="Toddler Time")])
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "listings.csv", "mimeType": "text/csv", "buffer": good}]
    )
    page.get_by_role("button", name="Upload and check").click()

    # Then they see what will change
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the changes before saving")
    expect(page.locator("#upload-counts")).to_have_text("2 new, 0 changed, 0 unchanged")
    expect(page.get_by_role("heading", name="New: Baby Bounce (row 2)")).to_be_visible()
    check_page(page)

    # And when they confirm, everything is saved at once
    page.get_by_role("button", name="Confirm and save").click()
    expect(page.get_by_role("heading", name="Listings saved")).to_be_visible()
    expect(page.get_by_text("2 listings published, 0 sent for approval")).to_be_visible()
    check_page(page)
    assert set(Service.objects.values_list("name", flat=True)) == {"Baby Bounce", "Toddler Time"}
    assert BulkUpload.objects.filter(status=BulkUpload.Status.APPLIED).count() == 1
    context.close()
