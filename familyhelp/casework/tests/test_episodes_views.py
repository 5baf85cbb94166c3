"""The episode pages: "Your cases", the episode, and each step's form (casework/views_episodes/)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from familyhelp.accounts.testing import sign_in
from familyhelp.accounts.tests.factories import TeamFactory, UserFactory
from familyhelp.audit.models import AuditEvent
from familyhelp.casework.models import Action, Episode, Goal, Plan, TeamAroundFamilyMember
from familyhelp.casework.tests.factories import (
    EpisodeFactory,
    TeamAroundFamilyMemberFactory,
    keyworker,
    manager,
)
from familyhelp.families.tests.factories import FamilyFactory
from familyhelp.frontdoor.tests.factories import level

pytestmark = pytest.mark.django_db


def client_for(user):
    return sign_in(Client(), user)


def page(pk, name="casework:episode"):
    return reverse(name, kwargs={"pk": pk})


def text(response):
    return response.content.decode()


# Your cases ----------------------------------------------------------------------------------


def test_a_keyworker_sees_the_families_they_lead_and_work_with():
    mine = EpisodeFactory()
    worker = mine.lead_professional
    taf = TeamAroundFamilyMemberFactory(user=worker)
    EpisodeFactory()  # someone else's
    response = client_for(worker).get(reverse("casework:episodes"))
    assert response.status_code == 200
    body = text(response)
    assert mine.reference in body and taf.episode.reference in body
    assert body.count(">E-") == 2
    assert "Waiting for allocation" not in body


def test_a_manager_sees_their_teams_episodes_waiting_for_allocation():
    waiting = EpisodeFactory(awaiting=True)
    boss = manager(waiting.team)
    EpisodeFactory(awaiting=True)  # another team's
    body = text(client_for(boss).get(reverse("casework:episodes")))
    assert waiting.reference in body
    assert body.count(">E-") == 1


def test_the_list_reads_in_a_constant_number_of_queries(django_assert_max_num_queries):
    team = TeamFactory()
    boss = manager(team)
    client = client_for(boss)
    EpisodeFactory(awaiting=True, team=team)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("casework:episodes"))
    for _ in range(5):
        EpisodeFactory(awaiting=True, team=team)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("casework:episodes"))
    assert text(response).count(">E-") == 6


def test_cases_is_in_the_header_for_people_who_work_with_families():
    cases_link = f'href="{reverse("casework:episodes")}"'
    worker = keyworker(TeamFactory())
    assert cases_link in text(client_for(worker).get(reverse("accounts:home")))
    editor = UserFactory(roles=["organisation-editor"])
    assert cases_link not in text(client_for(editor).get(reverse("accounts:home")))


# The episode page ----------------------------------------------------------------------------


def test_the_episode_page_shows_status_people_team_around_the_family_and_history():
    episode = EpisodeFactory(level=level(3))
    TeamAroundFamilyMemberFactory(episode=episode, role="School nurse")
    response = client_for(episode.lead_professional).get(page(episode.pk))
    body = text(response)
    assert response.status_code == 200
    assert f"Episode {episode.reference}" in body
    assert "Open" in body and "Level 3" in body
    assert "School nurse" in body
    assert "Child or young person" in body
    assert "Step up to children’s social care" in body
    assert "Allocate a lead professional" not in body


def test_the_episode_page_reads_in_a_constant_number_of_queries(django_assert_max_num_queries):
    episode = EpisodeFactory()
    client = client_for(episode.lead_professional)
    with django_assert_max_num_queries(40) as few:
        client.get(page(episode.pk))
    for _ in range(4):
        TeamAroundFamilyMemberFactory(episode=episode)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(page(episode.pk))


# Allocation ----------------------------------------------------------------------------------


def test_a_manager_allocates_from_the_page():
    episode = EpisodeFactory(awaiting=True)
    boss = manager(episode.team)
    worker = keyworker(episode.team, full_name="Kim Keyworker")
    client = client_for(boss)
    form = client.get(page(episode.pk, "casework:episode-allocate"))
    assert "Kim Keyworker" in text(form)
    response = client.post(
        page(episode.pk, "casework:episode-allocate"),
        {"lead_professional": str(worker.pk), "revision": episode.revision},
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.lead_professional == worker and episode.status == Episode.Status.OPEN


def test_allocating_outside_the_team_shows_a_clear_message_and_is_audited():
    episode = EpisodeFactory(awaiting=True)
    boss = manager(episode.team)
    outsider = keyworker(TeamFactory())
    response = client_for(boss).post(
        page(episode.pk, "casework:episode-allocate"),
        {"lead_professional": str(outsider.pk), "revision": episode.revision},
    )
    assert response.status_code == 400
    body = text(response)
    assert f"Choose someone in {episode.team.name}" in body
    assert "<title>Error: " in body
    episode.refresh_from_db()
    assert episode.status == Episode.Status.AWAITING_ALLOCATION
    assert AuditEvent.objects.filter(
        record_id=str(episode.pk), values__refused=True, values__step="allocate"
    ).exists()


def test_a_stale_form_is_refused_with_a_message():
    episode = EpisodeFactory(awaiting=True)
    boss = manager(episode.team)
    response = client_for(boss).post(
        page(episode.pk, "casework:episode-allocate"),
        {"lead_professional": str(keyworker(episode.team).pk), "revision": episode.revision - 1},
    )
    assert response.status_code == 409
    assert "Someone else changed this episode" in text(response)


# The team around the family ------------------------------------------------------------------


def test_the_lead_adds_a_practitioner_by_email_and_removes_them():
    episode = EpisodeFactory()
    nurse = UserFactory(email="nurse@health.example", roles=["practitioner"])
    client = client_for(episode.lead_professional)
    response = client.post(
        page(episode.pk, "casework:episode-taf-add"),
        {"email": "Nurse@Health.example", "role": "School nurse"},
    )
    assert response.status_code == 302
    member = TeamAroundFamilyMember.objects.get(episode=episode, user=nurse)
    unknown = client.post(
        page(episode.pk, "casework:episode-taf-add"),
        {"email": "nobody@example.org", "role": "Police"},
    )
    assert unknown.status_code == 400
    assert "Enter the email address of someone with an account" in text(unknown)
    remove = reverse(
        "casework:episode-taf-remove", kwargs={"pk": episode.pk, "member_pk": member.pk}
    )
    assert client.post(remove, {}).status_code == 302
    member.refresh_from_db()
    assert member.left_at is not None


# Step-up, step-down, closure, re-opening -----------------------------------------------------


def test_step_up_needs_a_real_date_and_a_reason():
    episode = EpisodeFactory()
    response = client_for(episode.lead_professional).post(
        page(episode.pk, "casework:episode-step-up"),
        {"referral_on-day": "31", "referral_on-month": "2", "referral_on-year": "2026"},
    )
    assert response.status_code == 400
    body = text(response)
    assert "Enter why the family is being stepped up" in body
    episode.refresh_from_db()
    assert episode.status == Episode.Status.OPEN


def test_closing_with_open_actions_without_saying_why_is_refused_on_the_page():
    episode = EpisodeFactory()
    plan = Plan.objects.create(episode=episode)
    goal = Goal.objects.create(plan=plan, text="Mornings go smoothly")
    Action.objects.create(
        goal=goal,
        text="Morning chart",
        owner=episode.lead_professional,
        due_on=timezone.localdate() + datetime.timedelta(days=3),
    )
    client = client_for(episode.lead_professional)
    form = client.get(page(episode.pk, "casework:episode-close"))
    assert "Mornings go smoothly" in text(form)
    response = client.post(
        page(episode.pk, "casework:episode-close"),
        {"reason": "needs_met", f"goal_{goal.pk}": "met", "revision": episode.revision},
    )
    assert response.status_code == 400
    assert "1 action(s) on the plan are still open" in text(response)
    episode.refresh_from_db()
    assert episode.status == Episode.Status.OPEN


def test_a_manager_reopens_a_closed_episode():
    episode = EpisodeFactory(
        status=Episode.Status.CLOSED,
        closed_at=timezone.now() - datetime.timedelta(days=30),
        closure_reason=Episode.ClosureReason.DECLINED,
    )
    boss = manager(episode.team)
    response = client_for(boss).post(
        page(episode.pk, "casework:episode-reopen"),
        {"reason": "The family asked again", "revision": episode.revision},
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.status == Episode.Status.OPEN and episode.is_repeat


# Step-down from social care ------------------------------------------------------------------


def test_a_manager_opens_an_episode_for_a_family_stepping_down():
    team = TeamFactory(name="Family Help South")
    boss = manager(team)
    worker = keyworker(team, full_name="Sam Social")
    family = FamilyFactory()
    client = client_for(boss)
    assert client.get(reverse("casework:episode-step-down-new")).status_code == 200
    bad = client.post(
        reverse("casework:episode-step-down-new"),
        {"team": str(team.pk), "family_reference": "F-NOPE-NOPE", "level": str(level(3).pk)},
    )
    assert bad.status_code == 400
    assert "No family has that reference" not in text(bad)  # the missing fields come first
    assert "Enter the social worker’s name" in text(bad)
    response = client.post(
        reverse("casework:episode-step-down-new"),
        {
            "team": str(team.pk),
            "family_reference": family.reference,
            "social_worker_name": "Jo Social",
            "summary": "CP plan ended; attendance still low.",
            "level": str(level(3).pk),
            "lead_professional": str(worker.pk),
        },
    )
    assert response.status_code == 302
    episode = Episode.objects.get(family=family)
    assert episode.origin == Episode.Origin.STEP_DOWN and episode.lead_professional == worker


def test_the_step_down_page_is_only_for_managers():
    worker = keyworker(TeamFactory())
    assert client_for(worker).get(reverse("casework:episode-step-down-new")).status_code == 404
