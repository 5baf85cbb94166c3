"""Journey: information governance exports everything held about one person."""

import json
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from familyhelp.accounts.testing import sign_in_browser
from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.audit.models import AuditEvent
from familyhelp.casework.tests.factories import CaseNoteFactory, EpisodeFactory
from familyhelp.core.testing import check_page
from familyhelp.families.tests.factories import PersonFactory

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


def test_the_auditor_finds_a_person_and_downloads_their_data(live_server, browser):
    auditor = UserFactory(full_name="Ruth Evans", roles=["auditor"])
    sam = PersonFactory(given_names="Sam", family_name="Wiśniewski")
    zoe = PersonFactory(given_names="Zoë", family_name="Wiśniewska")
    episode = EpisodeFactory(children=[sam, zoe])
    note = CaseNoteFactory(episode=episode)
    note.people_seen.set([sam, zoe])
    # Given the auditor, signed in, on their account page
    context = browser.new_context(accept_downloads=True)
    sign_in_browser(context, live_server, auditor)
    page = context.new_page()
    page.goto(live_server.url + reverse("accounts:home"))
    # When they open the subject access export and give no record number
    page.get_by_role("link", name="Subject access export").first.click()
    expect(page.get_by_role("heading", name="Subject access export")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Continue").click()
    # Then they are asked for one
    expect(page).to_have_title(re.compile("^Error: "))
    expect(
        page.get_by_role("link", name="Enter the person’s record number, like 1234")
    ).to_be_visible()
    check_page(page)
    # When they give Sam's record number
    page.get_by_label("Person record number").fill(str(sam.pk))
    page.get_by_role("button", name="Continue").click()
    # Then they see what the export holds and the warning about third parties
    expect(page.get_by_role("heading", name="Sam Wiśniewski")).to_be_visible()
    expect(page.get_by_text("information about other people")).to_be_visible()
    check_page(page)
    # And they download the JSON, whose third-party items name Zoë
    with page.expect_download() as download:
        page.get_by_role("button", name="Download as JSON").click()
    data = json.loads(open(download.value.path(), encoding="utf-8").read())  # noqa: PTH123, SIM115
    assert data["person"]["given_names"] == "Sam"
    assert data["episodes"][0]["notes"][0]["note"]["concerns"][0]["name"] == "Zoë Wiśniewska"
    with page.expect_download() as download:
        page.get_by_role("button", name="Download as PDF").click()
    assert open(download.value.path(), "rb").read(4) == b"%PDF"  # noqa: PTH123, SIM115
    context.close()
    assert AuditEvent.objects.filter(action="export", record_id=str(sam.pk)).count() == 2
