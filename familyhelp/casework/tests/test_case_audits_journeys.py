"""Journey: a manager chooses a month's sample, an auditor completes an audit, the worker
responds and the manager moderates the grade."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from familyhelp.accounts.testing import sign_in_browser
from familyhelp.accounts.tests.factories import TeamFactory, UserFactory
from familyhelp.casework.models import CaseAudit
from familyhelp.casework.services import audits as service
from familyhelp.casework.tests.factories import EpisodeFactory, keyworker, manager
from familyhelp.core.testing import check_page

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


def signed_in_page(browser, live_server, user):
    context = browser.new_context()
    sign_in_browser(context, live_server, user)
    return context, context.new_page()


def test_sample_complete_respond_and_moderate(live_server, browser):
    service.audit_tool_install_default()
    team = TeamFactory(name="Family Help North")
    boss = manager(team, full_name="Morgan Manager")
    worker = keyworker(team, full_name="Kim Keyworker")
    last_month = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    episode = EpisodeFactory(
        team=team,
        lead_professional=worker,
        allocated_at=timezone.now() - datetime.timedelta(days=90),
    )
    UserFactory(roles=["auditor"], full_name="Ada Auditor")

    # Given the manager on the case audits page
    context, page = signed_in_page(browser, live_server, boss)
    page.goto(live_server.url + reverse("accounts:home"))
    page.get_by_role("link", name="Case audits").first.click()
    expect(page.get_by_role("heading", name="Case audits", exact=True)).to_be_visible()
    check_page(page)
    # When they choose last month's sample without choosing an auditor
    page.get_by_role("link", name="Choose this month’s sample").click()
    check_page(page)
    page.get_by_label("Month").select_option(label=f"{last_month:%B %Y}")
    page.get_by_label("Cases for each team").fill("1")
    page.get_by_role("button", name="Choose the sample").click()
    # Then they are asked to choose one, and nothing is sampled
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.get_by_role("link", name=service.AUDITORS_REQUIRED)).to_be_visible()
    check_page(page)
    assert not CaseAudit.objects.exists()
    # When they choose the auditor
    page.get_by_label("Ada Auditor").check()
    page.get_by_role("button", name="Choose the sample").click()
    expect(page.get_by_text(re.compile(r"1 case chosen \(random seed \d+\)"))).to_be_visible()
    expect(page.get_by_role("link", name=episode.reference)).to_be_visible()
    check_page(page)
    context.close()
    audit = CaseAudit.objects.get()

    # Given the auditor, who opens the audit
    context, page = signed_in_page(browser, live_server, audit.auditor)
    page.goto(live_server.url + reverse("casework:case-audits"))
    page.get_by_role("link", name=episode.reference).click()
    check_page(page)
    page.get_by_role("button", name="Complete the audit").click()
    expect(
        page.get_by_role("heading", name=f"Complete the audit of {episode.reference}")
    ).to_be_visible()
    check_page(page)
    # When they grade only the first question
    page.get_by_role("group", name=re.compile(r"^1\. ")).get_by_label("Good").check()
    page.get_by_role("button", name="Complete the audit").click()
    # Then they are told which questions still need a grade
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.get_by_role("link", name="Select a grade for question 2")).to_be_visible()
    check_page(page)
    # When they grade every question and the case overall
    for group in page.get_by_role("group", name=re.compile(r"^\d+\. ")).all():
        group.get_by_label("Good", exact=True).check()
    page.get_by_label("Comments on question 2 (optional)").fill("Sam's views are well recorded.")
    page.get_by_role("group", name="Overall grade").get_by_label("Good", exact=True).check()
    page.get_by_label("Summary").fill("Good work; plan for after step-down is clear.")
    page.get_by_role("button", name="Complete the audit").click()
    expect(
        page.get_by_text("Audit completed. Kim Keyworker has been asked to respond")
    ).to_be_visible()
    check_page(page)
    context.close()

    # Given the worker, who reads the audit and responds
    context, page = signed_in_page(browser, live_server, worker)
    page.goto(live_server.url + reverse("casework:case-audits"))
    page.get_by_role("link", name=episode.reference).click()
    expect(page.get_by_text("Sam's views are well recorded.")).to_be_visible()
    page.get_by_label("Your response").fill("Thank you; I will keep it up.")
    page.get_by_role("button", name="Send your response").click()
    expect(page.get_by_text("Your response has been saved")).to_be_visible()
    check_page(page)
    context.close()

    # Given the manager, who moderates the grade
    context, page = signed_in_page(browser, live_server, boss)
    page.goto(live_server.url + reverse("casework:case-audit", args=[audit.pk]))
    expect(page.get_by_text("Thank you; I will keep it up.")).to_be_visible()
    page.get_by_role("button", name="Save the final grade").click()
    expect(page).to_have_title(re.compile("^Error: "))
    check_page(page)
    page.get_by_label("Outstanding").check()
    page.get_by_label("Moderation note").fill("Exemplary step-down planning.")
    page.get_by_role("button", name="Save the final grade").click()
    expect(page.get_by_text("Audit moderated: final grade Outstanding")).to_be_visible()
    expect(page.get_by_text("Outstanding (changed from Good)")).to_be_visible()
    check_page(page)
    # And the results show it
    page.goto(live_server.url + reverse("casework:case-audit-results"))
    expect(page.get_by_role("heading", name="Case audit results")).to_be_visible()
    check_page(page)
    context.close()
    audit.refresh_from_db()
    assert audit.final_grade == "outstanding" and audit.worker_response
