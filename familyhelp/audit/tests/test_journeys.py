"""Journey: an auditor searches the log by person and date, sees who viewed a record, downloads
the search as CSV. On a desktop and on a 320px phone; every page checked with axe."""

import csv
import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import expect

from familyhelp.accounts.testing import sign_in_browser as sign_in_as
from familyhelp.accounts.tests.factories import AgencyFactory, UserFactory
from familyhelp.audit.models import AuditEvent
from familyhelp.audit.presenters import CSV_HEADER
from familyhelp.audit.services import audit_record
from familyhelp.core.testing import PHONE, check_page

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def people(db):
    council = AgencyFactory(name="Wessex Vale Council")
    auditor = UserFactory(email="ada.auditor@wessexvale.example", agency=council, roles=["auditor"])
    worker = UserFactory(
        email="kim.keyworker@wessexvale.example",
        full_name="Kim Keyworker",
        agency=council,
        roles=["family-keyworker"],
    )
    colleague = UserFactory(email="lee.lead@wessexvale.example", agency=council)
    return auditor, worker, colleague


def at(moment, **fields):
    with time_machine.travel(moment, tick=False):
        return audit_record(**{"action": "view", "record_type": "families.family", **fields})


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_an_auditor_follows_a_person_to_a_record_and_downloads_the_search(
    live_server, browser, people, viewport
):
    auditor, worker, colleague = people
    at(datetime(2026, 3, 2, 9, 15, tzinfo=UTC), actor=worker, record_id="7", family_id="F7")
    at(datetime(2026, 3, 9, 14, 0, tzinfo=UTC), actor=worker, record_id="7", family_id="F7")
    at(datetime(2026, 3, 10, 8, 0, tzinfo=UTC), actor=colleague, record_id="7", family_id="F7")
    at(datetime(2026, 1, 5, 8, 0, tzinfo=UTC), actor=worker, record_id="8")  # before the dates
    at(datetime(2026, 3, 3, 8, 0, tzinfo=UTC), actor=colleague, record_id="9")  # someone else

    # Given an auditor signed in
    context = browser.new_context(viewport=viewport, accept_downloads=True)
    sign_in_as(context, live_server, auditor)
    page = context.new_page()

    # When they open the audit log
    page.goto(live_server.url + reverse("audit:search"))
    expect(page.get_by_role("heading", level=1, name="Audit log")).to_be_visible()
    check_page(page)

    # A date that does not exist is refused with a clear message
    date_from = page.get_by_role("group", name="Date from")
    date_from.get_by_label("Day").fill("31")
    date_from.get_by_label("Month").fill("2")
    date_from.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Date from must be a real date, like 27 3 2026"
    )
    assert page.title().startswith("Error: ")
    check_page(page)

    # And search by the person's email and March 2026
    page.get_by_label("Person").fill("kim.keyworker@wessexvale.example")
    date_from.get_by_label("Day").fill("1")
    date_from.get_by_label("Month").fill("3")
    date_to = page.get_by_role("group", name="Date to")
    date_to.get_by_label("Day").fill("31")
    date_to.get_by_label("Month").fill("3")
    date_to.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Search").click()

    # Then they see that person's two views in March, newest first
    results = page.get_by_role("region", name="Events").get_by_role("table")
    expect(results.get_by_role("row")).to_have_count(3)  # the header and two events
    expect(results.get_by_role("row").nth(1)).to_contain_text("9 March 2026, 2:00:00pm")
    expect(results.get_by_role("row").nth(2)).to_contain_text("2 March 2026, 9:15:00am")
    check_page(page)

    # When they ask who has viewed the record
    results.get_by_role("link", name="families.family 7").first.click()
    expect(page.get_by_role("heading", level=1, name="Who has viewed this record")).to_be_visible()
    viewers = page.get_by_role("table")
    expect(viewers.get_by_role("row")).to_have_count(3)
    expect(viewers.get_by_role("row").nth(1)).to_contain_text("lee.lead@wessexvale.example")
    expect(viewers.get_by_role("row").nth(2)).to_contain_text("kim.keyworker@wessexvale.example")
    expect(viewers.get_by_role("row").nth(2)).to_contain_text("Kim Keyworker")
    check_page(page)

    # And go back to search, then download the person's March as CSV
    page.go_back()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download every event of this search (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("audit-log-")
    with open(download.path(), encoding="utf-8") as downloaded:
        rows = list(csv.reader(io.StringIO(downloaded.read())))
    context.close()

    # Then the file holds the same two events, and every step was itself audited
    assert rows[0] == CSV_HEADER
    assert [(row[3], row[6]) for row in rows[1:]] == [
        ("kim.keyworker@wessexvale.example", "7"),
        ("kim.keyworker@wessexvale.example", "7"),
    ]
    reads = AuditEvent.objects.filter(actor=auditor, record_type="audit.log")
    assert list(reads.order_by("sequence").values_list("action", "record_id")) == [
        ("view", "search"),
        ("view", "search"),
        ("view", "viewers"),
        ("export", "export"),
    ]
