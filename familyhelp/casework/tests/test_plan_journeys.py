"""Journey: a keyworker makes the plan with a goal and an action, prints it, then records a
review."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from familyhelp.accounts.testing import sign_in_browser
from familyhelp.casework.models import Episode, Review
from familyhelp.casework.tests.factories import EpisodeFactory, TeamAroundFamilyMemberFactory
from familyhelp.core.testing import check_page

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


def test_a_keyworker_makes_the_plan_and_reviews_it(live_server, browser):
    episode = EpisodeFactory(created_at=timezone.now() - datetime.timedelta(days=30))
    keyworker = episode.lead_professional
    keyworker.full_name = "Kim Keyworker"
    keyworker.save()
    nurse = TeamAroundFamilyMemberFactory(episode=episode, role="School nurse").user
    due = timezone.localdate() + datetime.timedelta(days=14)
    # Given the keyworker, signed in, on the episode's plan page
    context = browser.new_context()
    sign_in_browser(context, live_server, keyworker)
    page = context.new_page()
    page.goto(live_server.url + reverse("casework:plan", kwargs={"pk": episode.pk}))
    expect(page.get_by_text("This episode has no plan yet.")).to_be_visible()
    check_page(page)
    # When they start the plan and add a goal written with the family
    page.get_by_role("button", name="Start the plan").click()
    expect(page.get_by_text("Plan started")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Add a goal").click()
    check_page(page)
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_title(re.compile("^Error: "))
    check_page(page)
    page.get_by_label("The goal").fill("Sam gets to school on time every day")
    page.get_by_label("What the family said about it (optional)").fill("No more rushing")
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_role("heading", name=re.compile("Goal 1: Sam gets to school"))
    ).to_be_visible()
    # And an action for the school nurse
    page.get_by_role("link", name="Add an action for goal 1").click()
    check_page(page)
    page.get_by_label("What will be done").fill("Check Sam’s sleep routine")
    page.get_by_label("Who will do it").select_option(label=f"{nurse.full_name} (School nurse)")
    page.get_by_label("Day").fill(str(due.day))
    page.get_by_label("Month").fill(str(due.month))
    page.get_by_label("Year").fill(str(due.year))
    page.get_by_role("button", name="Save").click()
    # Then the plan shows it, and its history has three versions
    expect(page.get_by_role("cell", name="Check Sam’s sleep routine", exact=True)).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Changes to the plan").click()
    expect(page.get_by_role("link", name="Version 3")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Version 2").click()
    expect(page.get_by_role("heading", name="Plan version 2")).to_be_visible()
    check_page(page)
    page.goto(live_server.url + reverse("casework:plan-print", kwargs={"pk": episode.pk}))
    expect(page.get_by_text("Check Sam’s sleep routine")).to_be_visible()
    check_page(page)
    # When they record a review, first dated before the episode opened
    page.goto(live_server.url + reverse("casework:reviews", kwargs={"pk": episode.pk}))
    check_page(page)
    page.get_by_role("button", name="Record a review").click()
    check_page(page)
    too_early = timezone.localdate(episode.created_at) - datetime.timedelta(days=1)
    page.get_by_label("Day").fill(str(too_early.day))
    page.get_by_label("Month").fill(str(too_early.month))
    page.get_by_label("Year").fill(str(too_early.year))
    page.get_by_label("Who came").fill("Jo Smith, mum\nKim Keyworker")
    page.get_by_role("group", name="Goal 1: Sam gets to school on time every day").get_by_label(
        "Good progress"
    ).check()
    page.get_by_label("The family’s views").fill("Mornings are calmer.")
    page.get_by_label("Continue with the plan").check()
    page.get_by_role("button", name="Record the review").click()
    # Then they are told why, and nothing is saved
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.get_by_role("link", name=re.compile("when the episode was opened"))).to_be_visible()
    check_page(page)
    assert not Review.objects.exists()
    # When they give today's date
    today = timezone.localdate()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Record the review").click()
    # Then the review is listed and the next one is due six weeks on
    expect(page.get_by_text("Review recorded")).to_be_visible()
    expect(page.get_by_text("Good progress")).to_be_visible()
    check_page(page)
    context.close()
    episode = Episode.objects.get(pk=episode.pk)
    assert episode.next_review_due == today + datetime.timedelta(weeks=6)
