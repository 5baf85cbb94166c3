"""Journey: an Early Support Assessment from draft to decision, all through the pages.

A practitioner writes and sends an assessment on their phone; a front door officer (a second
browser) finds it in the queue, picks it up and decides Family Help for a team; the practitioner
then sees it decided on "Your requests" and on the request's page, and has the email saying so.
The shared steps are in journeys.py; every page is checked with axe at 320px.
"""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from familyhelp.accounts.tests.factories import TeamFactory
from familyhelp.core.notifications.testing import outbox
from familyhelp.core.testing import check_page
from familyhelp.frontdoor.models import Decision, Request
from familyhelp.frontdoor.tests.factories import front_door_officer
from familyhelp.frontdoor.tests.journeys import (
    add_person,
    answer_sections,
    check_and_send,
    choose_level,
    complete_section,
    decide_family_help,
    open_task,
    phone,
    pick_up,
    record_consent,
    relate,
)
from familyhelp.frontdoor.tests.test_assessment_services import postcodes, practitioner_in

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


def test_an_assessment_from_draft_to_a_family_help_decision(live_server, browser, settings):
    settings.SITE_URL = live_server.url
    postcodes()
    practitioner = practitioner_in(full_name="Pat Practitioner", email="pat@school.example")
    officer = front_door_officer(full_name="Priya Shah")
    team = TeamFactory(name="Family Help North")
    contexts = []
    try:
        context, page = phone(browser, live_server, practitioner)
        contexts.append(context)

        # Given a practitioner who starts an Early Support Assessment from "Your requests"
        page.goto(live_server.url + reverse("frontdoor:requests"))
        check_page(page)
        page.get_by_role("button", name="Start a new request").click()
        check_page(page)
        page.get_by_role("button", name="Start now").click()
        expect(page.get_by_text("You have completed 0 of 10 sections.")).to_be_visible()
        check_page(page)

        # When they complete every section
        open_task(page, "Child or young person and family members")
        check_page(page)
        add_person(
            page,
            role="Child or young person the request is about",
            given="Mia",
            family="Okafor",
            born=datetime.date(2017, 9, 12),
        )
        expect(page.locator("#people")).to_contain_text("Mia Okafor")
        check_page(page)
        add_person(
            page, role="Family member", given="Ada", family="Okafor", born=datetime.date(1989, 4, 2)
        )
        expect(page.locator("#people")).to_contain_text("Ada Okafor")
        complete_section(page)
        relate(page, person="Ada Okafor", relation="Parent", of="Mia Okafor")
        answer_sections(page)
        choose_level(page, "Level 3: Targeted and complex")
        record_consent(
            page,
            given_by="Ada Okafor",
            agency=practitioner.agency.name,
            given_on=datetime.date.today(),
        )
        expect(page.get_by_text("You have completed 10 of 10 sections.")).to_be_visible()
        check_page(page)
        # And they check their answers and send it
        check_and_send(page, full_name="Pat Practitioner")

        # Then it waits in the front door's queue
        request = Request.objects.get()
        assert request.status == Request.Status.SUBMITTED
        expect(page.get_by_text(request.reference)).to_be_visible()
        (received,) = outbox(template="request_received")
        assert received.to == "pat@school.example"

        # When a front door officer, in another browser, finds it in the queue and picks it up
        officer_context, officer_page = phone(browser, live_server, officer)
        contexts.append(officer_context)
        pick_up(officer_page, live_server, request, showing="Routines at night.")
        # And decides Family Help, allocating the family to a team
        decide_family_help(officer_page, request, team)
        request.refresh_from_db()
        assert request.status == Request.Status.DECIDED
        decision = Decision.objects.get(request=request)
        assert (decision.kind, decision.team, decision.decided_by) == (
            Decision.Kind.FAMILY_HELP,
            team,
            officer,
        )

        # Then the practitioner sees it decided on "Your requests"
        page.goto(live_server.url + reverse("frontdoor:requests"))
        sent = page.locator("#sent")
        expect(sent).to_contain_text(request.reference)
        expect(sent).to_contain_text("Decided")
        check_page(page)
        # And is emailed a link (no names, no details) to the request, which says it is decided
        (decided,) = outbox(template="request_decided")
        assert decided.to == "pat@school.example"
        assert decided.personalisation["reference"] == request.reference
        assert "Okafor" not in str(decided.personalisation)
        page.goto(decided.personalisation["link"])
        expect(page.get_by_role("heading", name="Early Support Assessment")).to_be_visible()
        expect(page.get_by_text(request.reference).first).to_be_visible()
        expect(page.get_by_text("Decided").first).to_be_visible()
        # And reads what was decided and what happens next
        outcome = page.locator("#decision")
        expect(outcome).to_contain_text("Family Help")
        expect(outcome).to_contain_text(f"Family Help from {team.name}")
        check_page(page)
    finally:
        for context in contexts:
            context.close()
