"""Browser journey: from allocation to closure, with a step-up and a step-down that keep the
keyworker. Every page is checked with axe and must fit a 320px screen."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.casework.models import Episode
from familyhelp.casework.tests.factories import EpisodeFactory, keyworker, manager
from familyhelp.core.testing import check_page
from familyhelp.families.tests.factories import FamilyFactory
from familyhelp.frontdoor.tests.journeys import fill_date, phone

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page_for(browser, live_server):
    contexts = []

    def signed_in_as(user):
        context, page = phone(browser, live_server, user)
        contexts.append(context)
        return page

    yield signed_in_as
    for context in contexts:
        context.close()


def test_allocation_to_closure_keeping_the_keyworker_through_step_up_and_down(
    page_for, live_server
):
    # Given an episode waiting for allocation, its team's manager and a keyworker
    episode = EpisodeFactory(awaiting=True)
    boss = manager(episode.team, full_name="Morgan Manager")
    worker = keyworker(episode.team, full_name="Kim Keyworker")
    UserFactory(email="nurse@health.example", full_name="Nia Nurse", roles=["practitioner"])

    # When the manager allocates Kim from their cases page
    page = page_for(boss)
    page.goto(live_server.url + reverse("casework:episodes"))
    check_page(page)
    page.get_by_role("link", name=episode.reference).click()
    check_page(page)
    page.get_by_role("link", name="Allocate a lead professional").click()
    check_page(page)
    page.get_by_role("button", name="Allocate").click()
    expect(page).to_have_title(re.compile("^Error: "))
    check_page(page)
    page.get_by_label("Kim Keyworker").check()
    page.get_by_role("button", name="Allocate").click()
    expect(page.get_by_text(f"Episode {episode.reference} allocated.")).to_be_visible()
    check_page(page)

    # Then Kim finds the family in their cases and adds a school nurse to the team
    page = page_for(worker)
    page.goto(live_server.url + reverse("casework:episodes"))
    check_page(page)
    page.get_by_role("link", name=episode.reference).click()
    page.get_by_role("link", name="Add someone to the team around the family").click()
    check_page(page)
    page.get_by_label("Their email address").fill("nurse@health.example")
    page.get_by_label("Their role in the team around the family").fill("School nurse")
    page.get_by_role("button", name="Add to the team").click()
    expect(page.get_by_role("cell", name="School nurse")).to_be_visible()
    check_page(page)

    # When Kim steps the family up, staying on as co-worker
    page.get_by_role("link", name="Step up to children’s social care").click()
    check_page(page)
    fill_date(page, "id_referral_on", timezone.localdate())
    page.get_by_label("Why is the family being stepped up?").fill("A disclosure at school.")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Step up").click()
    expect(page.get_by_text("stepped up to children’s social care.")).to_be_visible()
    check_page(page)

    # And social care steps them back down: Kim leads again without being chosen afresh
    page.get_by_role("link", name="Step down to Family Help").click()
    check_page(page)
    expect(page.get_by_label("Kim Keyworker")).to_be_checked()
    page.get_by_role("button", name="Step down").click()
    expect(page.get_by_text("stepped down to Family Help.")).to_be_visible()
    check_page(page)
    episode.refresh_from_db()
    assert episode.status == Episode.Status.OPEN and episode.lead_professional == worker

    # When Kim closes the episode (a reason is needed first)
    page.get_by_role("link", name="Close the episode").click()
    check_page(page)
    page.get_by_role("button", name="Close the episode").click()
    expect(page).to_have_title(re.compile("^Error: "))
    check_page(page)
    page.get_by_label("Needs met").check()
    page.get_by_label("What did the family say").fill("Mornings are calmer now.")
    page.get_by_role("button", name="Close the episode").click()

    # Then Kim is back at their cases, where the family no longer is
    expect(page.get_by_text(f"Episode {episode.reference} closed.")).to_be_visible()
    expect(page.get_by_text("You are not working with any families")).to_be_visible()
    check_page(page)

    # And the manager sees the whole history of the closed episode
    page = page_for(boss)
    page.goto(live_server.url + reverse("casework:episode", kwargs={"pk": episode.pk}))
    check_page(page)
    for step in ["Allocated", "Stepped up to children’s social care", "Stepped down", "Closed"]:
        expect(page.get_by_role("cell", name=step, exact=False).first).to_be_visible()
    expect(page.get_by_role("link", name="Re-open the episode")).to_be_visible()


def test_a_manager_opens_an_episode_for_a_family_stepping_down(page_for, live_server):
    # Given a manager, a keyworker who worked with the family in social care, and the family
    episode = EpisodeFactory(awaiting=True)
    boss = manager(episode.team)
    keyworker(episode.team, full_name="Sam Same")
    family = FamilyFactory()

    # When the manager opens the step-down form from their cases page
    page = page_for(boss)
    page.goto(live_server.url + reverse("casework:episodes"))
    page.get_by_role("button", name="A family stepping down from social care").click()
    check_page(page)
    page.get_by_role("button", name="Open the episode").click()
    expect(page).to_have_title(re.compile("^Error: "))
    check_page(page)
    page.get_by_label("Which team will work with the family?").select_option(str(episode.team.pk))
    page.get_by_label("The family’s reference").fill(family.reference)
    page.get_by_label("The social worker’s name").fill("Jo Social")
    page.get_by_label("The social worker’s summary").fill("The plan ended; routines still hard.")
    page.get_by_label("Level 3: Targeted and complex").check()
    page.get_by_label("Lead professional (optional)").select_option(label="Sam Same")
    page.get_by_role("button", name="Open the episode").click()

    # Then the new episode is open with the same worker leading
    expect(page.get_by_text("opened for the family.")).to_be_visible()
    check_page(page)
    expect(page.get_by_text("Jo Social")).to_be_visible()
    opened = Episode.objects.get(family=family)
    assert opened.status == Episode.Status.OPEN and opened.lead_professional.full_name == "Sam Same"
