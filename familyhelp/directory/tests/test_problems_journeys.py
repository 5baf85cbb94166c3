"""Journeys: a parent reports a problem with a service page; its editor resolves it."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from familyhelp.accounts.testing import sign_in_browser as sign_in_as
from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.core.notifications.testing import outbox
from familyhelp.core.testing import PHONE, assert_accessible, assert_fits_the_screen, check_page
from familyhelp.directory.models import OrganisationEditor, ProblemReport
from familyhelp.directory.tests.factories import OrganizationFactory, ServiceFactory

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

REPORTER = "parent@example.net"
DETAILS = "The phone number is wrong. See <b>https://example.net/new</b> for the right one."


@pytest.fixture
def listing(db, settings):
    # A person takes a few seconds; the journey need not wait as long as the real minimum.
    settings.PROBLEM_REPORT_MIN_SECONDS = 1
    trust = OrganizationFactory(name="Vale Family Trust")
    service = ServiceFactory(name="Little Acorns Nursery", organization=trust)
    editor = UserFactory(roles=["organisation-editor"], email="editor@valefamilytrust.example")
    OrganisationEditor.objects.create(user=editor, organization=trust)
    return service, editor


def report_a_problem(page, live_server, service, *, axe=check_page):
    # Given a parent on the service page
    page.goto(live_server.url + reverse("directory:service", kwargs={"service_id": service.pk}))
    axe(page)
    # When they follow "Report a problem with this page"
    page.get_by_role("link", name="Report a problem with this page").click()
    expect(page.get_by_role("heading", name="Report a problem with this page")).to_be_visible()
    axe(page)
    # And send it without saying what is wrong
    page.wait_for_timeout(1100)
    page.get_by_role("button", name="Send report").click()
    # Then they are asked to say what is wrong, and nothing is saved
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.get_by_role("link", name="Select what is wrong with this page")).to_be_visible()
    assert not ProblemReport.objects.exists()
    axe(page)
    # When they say what is wrong, with details and their email address
    page.get_by_label("Some of the details are wrong").check()
    page.get_by_label("Tell us more (optional)").fill(DETAILS)
    page.get_by_label("Email address (optional)").fill(REPORTER)
    page.get_by_role("button", name="Send report").click()
    # Then they see it was sent, with a reference
    expect(page.get_by_role("heading", name="Problem reported")).to_be_visible()
    report = ProblemReport.objects.get()
    expect(page.get_by_text(report.reference)).to_be_visible()
    axe(page)
    return report


def test_a_parent_reports_a_problem_and_the_editor_resolves_it(live_server, browser, listing):
    service, editor = listing
    parent_context = browser.new_context(viewport=PHONE)
    parent = parent_context.new_page()
    report = report_a_problem(parent, live_server, service)
    parent_context.close()
    # And the organisation's editor is emailed
    (reported,) = outbox(template="problem_reported")
    assert reported.to == editor.email

    # Given the editor, signed in on their phone
    editor_context = browser.new_context(viewport=PHONE)
    sign_in_as(editor_context, live_server, editor)
    page = editor_context.new_page()
    # When they open the problem reports
    page.goto(live_server.url + reverse("directory:problem-reports"))
    expect(page.get_by_role("heading", name="1 open problem")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name=re.compile("Little Acorns Nursery")).click()
    # Then they see what the parent said, as text: no markup and no links
    expect(page.get_by_text(DETAILS)).to_be_visible()
    assert not page.locator('a[href="https://example.net/new"]').count()
    check_page(page)
    # When they resolve it without a note
    page.get_by_role("button", name="Resolve problem").click()
    expect(page.get_by_role("link", name="Enter what was done about the problem")).to_be_visible()
    check_page(page)
    # And then with one
    page.get_by_label("What was done about it?").fill("Corrected the phone number.")
    page.get_by_role("button", name="Resolve problem").click()
    # Then it is resolved and the parent is told
    expect(page.get_by_text(f"Problem {report.reference} resolved.")).to_be_visible()
    expect(page.get_by_text("Corrected the phone number.")).to_be_visible()
    check_page(page)
    editor_context.close()
    (told,) = outbox(template="problem_resolved")
    assert told.to == REPORTER
    report.refresh_from_db()
    assert report.status == ProblemReport.Status.RESOLVED and report.resolved_by == editor


def test_reporting_works_without_javascript(live_server, browser, page, listing):
    service, _ = listing

    # axe runs as JavaScript: each page the script-free browser reaches is loaded again in
    # a browser with JavaScript and checked there.
    def check_with_axe(no_script_page):
        page.goto(no_script_page.url)
        assert_accessible(page)

    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    context.set_default_timeout(15_000)
    no_script = context.new_page()
    try:
        report_a_problem(no_script, live_server, service, axe=check_with_axe)
        assert_fits_the_screen(no_script)
    finally:
        context.close()
