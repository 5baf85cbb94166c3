"""Browser journey: an organisation's editor, on a phone, confirms a listing from the reminder.

The editor is not signed in: the reminder's link opens a page showing the listing and one
button, "Yes, this is still correct"; pressing it confirms the listing. Every page is checked
with axe and must fit a 320px screen.
"""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.core.cache import cache
from playwright.sync_api import expect

from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.core.notifications.testing import outbox
from familyhelp.core.testing import PHONE, check_page
from familyhelp.directory.models import OrganisationEditor
from familyhelp.directory.tests.factories import OrganizationFactory, ServiceFactory
from familyhelp.stewardship.jobs import send_review_reminders

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def test_an_editor_confirms_a_listing_in_one_click_from_the_reminder(
    browser, live_server, settings
):
    settings.SITE_URL = live_server.url
    # Given a listing five days past its review-by date, and its organisation's editor
    organisation = OrganizationFactory(name="Vale Play")
    editor = UserFactory(email="sam@valeplay.example", roles=["organisation-editor"])
    OrganisationEditor.objects.create(user=editor, organization=organisation)
    today = datetime.date.today()
    service = ServiceFactory(
        name="Stay and Play",
        organization=organisation,
        assured_date=today - relativedelta(months=6, days=5),
    )
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    public_url = f"{live_server.url}/services/{service.pk}/"
    page.goto(public_url)
    expect(page.get_by_text("This information may be out of date")).to_be_visible()

    # When the daily job sends the reminder and the editor opens its link
    send_review_reminders(today)
    (message,) = outbox(to="sam@valeplay.example", template="review_reminder")
    page.goto(message.personalisation["confirm_link"])
    expect(page).to_have_title("Is this listing still correct? – Family Help")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Is the listing for Stay and Play still correct?"
    )
    check_page(page)

    # And presses the one button
    page.get_by_role("button", name="Yes, this is still correct").click()

    # Then the listing is confirmed
    expect(page.get_by_role("heading", name="Listing confirmed")).to_be_visible()
    check_page(page)
    # And the public page no longer says it may be out of date
    page.get_by_role("link", name="See the listing").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stay and Play")
    expect(page.get_by_text("This information may be out of date")).to_have_count(0)
    expect(page.get_by_text("Last checked: ")).to_be_visible()
    check_page(page)

    # And the same link cannot be used again
    page.goto(message.personalisation["confirm_link"])
    expect(page.get_by_role("heading", level=1)).to_have_text("This link cannot be used")
    check_page(page)
    context.close()
