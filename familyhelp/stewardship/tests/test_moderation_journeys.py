"""Browser journey: a directory administrator works through the approval queue.

They open the queue from the navigation, review a change (its side-by-side difference), approve
it and see the public page show the new text; then they ask the editors of a second change for
changes, with a message. Every page is checked with axe and must fit a 320px screen.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from familyhelp.accounts.testing import sign_in_browser
from familyhelp.core.notifications.testing import outbox
from familyhelp.core.testing import PHONE, check_page
from familyhelp.directory.tests.factories import OrganizationFactory, fully_described_service
from familyhelp.stewardship.models import ListingChange
from familyhelp.stewardship.services import moderation
from familyhelp.stewardship.tests.factories import (
    directory_administrator,
    editor_of,
    submitted_change_of,
)

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

OLD = "Songs and stories for under-fives."
NEW = "Puppet shows every Friday morning."


@pytest.fixture
def waiting_changes(db):
    play = OrganizationFactory(name="Vale Play")
    rhyme_time = fully_described_service(name="Rhyme Time", organization=play, description=OLD)
    editor = editor_of(play, full_name="Sam Editor", email="sam@valeplay.example")
    first = submitted_change_of(rhyme_time, editor=editor, description=NEW)
    massage = fully_described_service(
        name="Baby Massage", organization=OrganizationFactory(name="Bright Starts")
    )
    second = submitted_change_of(massage, url="https://example.org/massage-new")
    return rhyme_time, first, second


def test_an_administrator_approves_one_change_and_asks_for_changes_to_another(
    browser, live_server, settings, waiting_changes
):
    settings.SITE_URL = live_server.url
    rhyme_time, first, second = waiting_changes
    context = browser.new_context(viewport=PHONE)
    sign_in_browser(context, live_server, directory_administrator(full_name="Ada Admin"))
    page = context.new_page()

    # Given the administrator on their account page
    page.goto(live_server.url + reverse("accounts:home"))
    # When they open the approval queue from the navigation
    page.get_by_role("link", name="Changes to approve").first.click()
    # Then both changes wait there, the longest waiting first
    expect(page.get_by_role("heading", level=1)).to_have_text("Changes waiting for approval")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Rhyme Time")
    expect(rows.nth(0)).to_contain_text("Sam Editor")
    check_page(page)

    # When they review the first change
    page.get_by_role("link", name="Rhyme Time").click()
    # Then they see what would change, side by side
    table = page.get_by_role("table", name="What would change")
    expect(table.get_by_role("columnheader", name="Published now")).to_be_visible()
    expect(table.get_by_role("columnheader", name="Proposed")).to_be_visible()
    description = table.get_by_role("row", name=re.compile("^Description"))
    expect(description).to_contain_text(OLD)
    expect(description).to_contain_text(NEW)
    check_page(page)

    # When they approve it
    page.get_by_label("Approve and publish it").check()
    page.get_by_label("Message to the organisation’s editors").fill("Thank you, looks good.")
    page.get_by_role("button", name="Confirm decision").click()
    # Then they are back at the queue, told it is published, with one change left
    expect(page.get_by_text("Rhyme Time: change approved and published.")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(1)
    check_page(page)
    # And the public page shows the new text
    page.goto(live_server.url + reverse("directory:service", args=[rhyme_time.pk]))
    expect(page.get_by_text(NEW)).to_be_visible()
    expect(page.get_by_text(OLD)).to_have_count(0)
    check_page(page)
    [decision] = outbox(to="sam@valeplay.example", template="listing_decision")
    assert decision.personalisation["decision"] == "approved"

    # When they review the second change and ask for changes without saying what
    page.goto(live_server.url + reverse("stewardship:queue"))
    page.get_by_role("link", name="Baby Massage").click()
    expect(page.get_by_role("table", name="What would change")).to_contain_text(
        "https://example.org/massage-new"
    )
    check_page(page)
    page.get_by_label("Ask the editor for changes").check()
    page.get_by_role("button", name="Confirm decision").click()
    # Then they are asked for the message, and nothing is decided
    expect(page).to_have_title(re.compile("^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(
        summary.get_by_role("link", name="Enter what the editor needs to change")
    ).to_be_visible()
    second.refresh_from_db()
    assert second.status == ListingChange.Status.SUBMITTED
    check_page(page)

    # When they write it and confirm
    page.get_by_label("Message to the organisation’s editors").fill(
        "Please add the new venue’s address."
    )
    page.get_by_role("button", name="Confirm decision").click()
    # Then the queue is empty and the editors have the message
    expect(
        page.get_by_text("Baby Massage: the editors have been asked for changes.")
    ).to_be_visible()
    expect(page.get_by_text("No changes are waiting for approval.")).to_be_visible()
    check_page(page)
    second.refresh_from_db()
    assert second.status == ListingChange.Status.CHANGES_REQUESTED
    assert second.message == "Please add the new venue’s address."
    first.refresh_from_db()
    assert first.status == ListingChange.Status.APPROVED
    context.close()


def test_an_administrator_restores_an_earlier_version_and_trusts_the_organisation(
    browser, live_server, settings, waiting_changes
):
    settings.SITE_URL = live_server.url
    rhyme_time, first, _ = waiting_changes
    admin = directory_administrator(full_name="Ada Admin")
    moderation.change_approve(actor=admin, change=first, revision=first.revision)
    context = browser.new_context(viewport=PHONE)
    sign_in_browser(context, live_server, admin)
    page = context.new_page()

    # Given the administrator on the organisation's page
    page.goto(
        live_server.url
        + reverse("stewardship:organisation-admin", args=[rhyme_time.organization_id])
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Vale Play")
    check_page(page)
    # When they open the listing's version history
    page.get_by_role("link", name="Version history of Rhyme Time").click()
    expect(page.locator("tbody tr")).to_have_count(2)
    check_page(page)
    # And look at version 1
    page.get_by_role("link", name="Version 1", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Version 1")
    check_page(page)
    # And restore it, confirming what it would change
    page.get_by_role("button", name="Restore this version").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Restore version 1?")
    expect(page.get_by_role("table", name="What restoring would change")).to_contain_text(OLD)
    check_page(page)
    page.get_by_role("button", name="Restore version 1").click()
    # Then the history shows it published again as version 3
    expect(
        page.get_by_text("Version 1 restored: it is published now as version 3.")
    ).to_be_visible()
    check_page(page)
    page.goto(live_server.url + reverse("directory:service", args=[rhyme_time.pk]))
    expect(page.get_by_text(OLD)).to_be_visible()

    # When they let the organisation publish without approval
    page.goto(
        live_server.url
        + reverse("stewardship:organisation-admin", args=[rhyme_time.organization_id])
    )
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Save").click()
    # Then the page says who set it
    expect(page.get_by_text("Yes, set by Ada Admin")).to_be_visible()
    check_page(page)
    context.close()
