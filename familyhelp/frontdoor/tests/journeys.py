"""Steps the front door's browser journeys share: a practitioner writing an Early Support
Assessment in the task list, and a front door officer picking a request up and deciding it.

Each step checks every page it lands on with axe at phone width (`check_page`); the journeys
(test_assessment_journeys.py, test_triage_journeys.py, test_journey_assessment_to_decision.py)
say what should happen in between.
"""

import re

from django.urls import reverse
from playwright.sync_api import expect

from familyhelp.accounts.testing import sign_in_browser
from familyhelp.core.testing import PHONE, check_page

COMPLETED = "Yes, I’ve completed this section"
RATIONALE = "Needs at home and school; the family agree to the help and want it to start soon."

# What a practitioner writes in each part of the assessment: {task: {field label: answer}}.
ANSWERS = {
    "Reasons for the request": {"Why are you asking for support?": "Attendance has dropped."},
    "The child’s developmental needs": {"Strengths": "Loves reading.", "Needs": "Anxious."},
    "Parenting capacity": {"Strengths": "Warm and caring.", "Needs": "Routines at night."},
    "Family and environmental factors": {"Strengths": "Close to gran.", "Needs": "Debt."},
    "The child’s and family’s views": {
        "The child or young person’s views": "I want to sleep better.",
        "The family’s views": "Mum wants help with mornings.",
    },
    "Support already in place": {
        "What support is the family already getting?": "School nurse, monthly."
    },
}


def phone(browser, live_server, user):
    """A phone-sized page signed in as `user`, and its browser context (close it at the end:
    an open one keeps the live server's request threads, and their database connection)."""
    context = browser.new_context(viewport=PHONE)
    sign_in_browser(context, live_server, user)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def fill_date(page, field_id, day):
    page.locator(f"#{field_id}").fill(str(day.day))
    page.locator(f"#{field_id}-month").fill(str(day.month))
    page.locator(f"#{field_id}-year").fill(str(day.year))


# Writing an assessment ------------------------------------------------------------------------


def open_task(page, name):
    """Follow a task's link and wait for its page (checking a page mid-navigation finds none)."""
    before = page.url
    page.get_by_role("link", name=name, exact=True).click()
    page.wait_for_url(lambda url: url != before)
    page.wait_for_load_state()


def complete_section(page):
    page.get_by_label(COMPLETED).check()
    page.get_by_role("button", name="Save and continue").click()


def add_person(page, *, role, given, family, born):
    page.get_by_role("button", name="Add a person").click()
    expect(page.get_by_role("heading", name="Add a person")).to_be_visible()
    check_page(page)
    page.get_by_label(role, exact=True).check()
    page.get_by_label("First name").fill(given)
    page.get_by_label("Last name").fill(family)
    fill_date(page, "id_date_of_birth", born)
    page.get_by_label("Postcode (optional)").fill("WX1 1AA")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Continue").click()


def relate(page, *, person, relation, of):
    """On "How they are related": `person` is the `relation` of `of`, with parental
    responsibility; then the section is completed."""
    open_task(page, "How they are related")
    check_page(page)
    page.get_by_label("Person", exact=True).select_option(label=person)
    page.get_by_label("is the").select_option(label=relation)
    page.get_by_label("of", exact=True).select_option(label=of)
    page.get_by_role("group", name="Do they have parental responsibility for them?").get_by_label(
        "Yes"
    ).check()
    page.get_by_role("button", name="Add relationship").click()
    expect(page.locator("#relationships")).to_contain_text(f"{relation} of {of}")
    check_page(page)
    complete_section(page)


def answer_sections(page, answers=ANSWERS):
    """Each part of the assessment: marked completed with nothing written first (the page says
    what to enter), then answered."""
    for task, fields in answers.items():
        open_task(page, task)
        check_page(page)
        complete_section(page)
        expect(page).to_have_title(re.compile("^Error: "))
        check_page(page)
        for label, text in fields.items():
            page.get_by_label(label, exact=True).fill(text)
        page.get_by_role("button", name="Save and continue").click()
        expect(page.get_by_role("heading", name="Early Support Assessment")).to_be_visible()


def choose_level(page, level):
    """The level of need, beside the threshold guidance."""
    open_task(page, "Level of need")
    expect(page.get_by_text("Parents need advice or a short piece of support")).to_be_visible()
    check_page(page)
    page.get_by_label(level).check()
    complete_section(page)


def record_consent(page, *, given_by, agency, given_on):
    """The family's consent to the assessment and to sharing with `agency`."""
    open_task(page, "Consent")
    check_page(page)
    page.get_by_label("Who gave consent?").fill(given_by)
    page.get_by_label("Verbally, in person or by phone").check()
    page.get_by_label("The family agreed to this assessment and request for support").check()
    page.get_by_label(agency).check()
    fill_date(page, "id_given_on", given_on)
    page.get_by_role("button", name="Save and continue").click()


def check_and_send(page, *, full_name):
    """Check your answers, then the declaration and send."""
    open_task(page, "Check your answers and send the request")
    expect(
        page.get_by_role("heading", name="Check your answers before sending the request")
    ).to_be_visible()
    check_page(page)
    page.get_by_label("Your full name").fill(full_name)
    page.get_by_role("button", name="Accept and send").click()
    expect(page.get_by_role("heading", name="Request sent")).to_be_visible()
    check_page(page)


# Triage ---------------------------------------------------------------------------------------


def pick_up(page, live_server, request, *, showing):
    """From the home page to the queue (where the request is the only one), its triage page
    (which shows `showing`, something the requester wrote) and picking it up."""
    page.goto(live_server.url + reverse("accounts:home"))
    page.get_by_role("link", name="Front door", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Front door")
    expect(page.locator("tbody tr")).to_have_count(1)
    check_page(page)
    page.get_by_role("link", name=request.reference).click()
    expect(page.get_by_text(showing)).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Pick up this request").click()
    expect(page.get_by_text(f"You picked up {request.reference}")).to_be_visible()
    check_page(page)


def open_decision(page):
    page.get_by_role("link", name="Make a decision").click()
    expect(page.get_by_role("heading", name="Threshold guidance")).to_be_visible()
    check_page(page)


def confirm(page, request):
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text(f"Decision recorded for {request.reference}")).to_be_visible()
    check_page(page)


def decide_family_help(page, request, team):
    """Family Help at level 3, allocated to `team`."""
    open_decision(page)
    page.get_by_label("Family Help", exact=True).check()
    page.get_by_label("Level 3: Targeted and complex").check()
    page.get_by_label("Rationale").fill(RATIONALE)
    page.get_by_label("Team to allocate to (Family Help)").select_option(str(team.pk))
    confirm(page, request)
