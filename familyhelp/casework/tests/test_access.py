"""Who may open an episode and its pages (casework/access.py, casework/rules.py).

Every refused page is "Page not found" with an audit record; every read is audited; the page and
the lists agree (`has_perm` and `visible_to`)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from familyhelp.accounts import access
from familyhelp.accounts.testing import sign_in
from familyhelp.accounts.tests.factories import TeamFactory, UserFactory
from familyhelp.audit.models import AuditEvent
from familyhelp.casework.models import Episode
from familyhelp.casework.tests.factories import (
    EpisodeFactory,
    TeamAroundFamilyMemberFactory,
    keyworker,
    manager,
)

pytestmark = pytest.mark.django_db

VIEW = "casework.view_episode"
STEP_PAGES = [
    "casework:episode-allocate",
    "casework:episode-reallocate",
    "casework:episode-taf-add",
    "casework:episode-step-up",
    "casework:episode-step-down",
    "casework:episode-close",
    "casework:episode-reopen",
]


def sees(user, episode) -> bool:
    episode = Episode.objects.get(pk=episode.pk)  # afresh: relationships are cached on a record
    listed = access.visible_to(user, VIEW, Episode.objects.filter(pk=episode.pk)).exists()
    allowed = user.has_perm(VIEW, episode)
    assert listed == allowed, "the episode's page and the lists disagree"
    return allowed


def get(user, episode, name="casework:episode"):
    return sign_in(Client(), user).get(reverse(name, kwargs={"pk": episode.pk}))


def refused_views(user, episode):
    return AuditEvent.objects.filter(
        actor=user,
        action="view",
        record_type="casework.episode",
        record_id=str(episode.pk),
        values__refused=True,
    )


def closed_episode():
    return EpisodeFactory(
        status=Episode.Status.CLOSED,
        closed_at=timezone.now() - datetime.timedelta(days=3),
        closure_reason=Episode.ClosureReason.NEEDS_MET,
    )


@pytest.mark.parametrize("who", ["lead", "taf", "manager"])
def test_the_people_on_the_case_open_the_episode_and_the_read_is_audited(who):
    episode = EpisodeFactory()
    user = {
        "lead": lambda: episode.lead_professional,
        "taf": lambda: TeamAroundFamilyMemberFactory(episode=episode).user,
        "manager": lambda: manager(episode.team),
    }[who]()
    assert sees(user, episode)
    assert get(user, episode).status_code == 200
    assert AuditEvent.objects.filter(
        actor=user, action="view", record_type="casework.episode", record_id=str(episode.pk)
    ).exists()


def test_an_outsider_gets_page_not_found_and_the_attempt_is_audited():
    episode = EpisodeFactory()
    stranger = keyworker(TeamFactory())
    assert not sees(stranger, episode)
    response = get(stranger, episode)
    assert response.status_code == 404
    assert refused_views(stranger, episode).exists()


def test_break_glass_is_offered_to_roles_that_may_use_it():
    episode = EpisodeFactory()
    other_manager = manager(TeamFactory())  # managers may break glass
    response = get(other_manager, episode)
    assert response.status_code == 404
    assert (
        reverse(
            "accounts:break-glass",
            kwargs={"record_type": "casework.episode", "record_id": str(episode.pk)},
        )
        in response.content.decode()
    )


def test_a_keyworker_in_the_same_team_who_is_not_on_the_case_cannot_open_it():
    episode = EpisodeFactory()
    colleague = keyworker(episode.team)
    assert not sees(colleague, episode)
    assert get(colleague, episode).status_code == 404


def test_a_member_who_left_the_team_around_the_family_loses_access():
    member = TeamAroundFamilyMemberFactory(left_at=timezone.now())
    assert not sees(member.user, member.episode)
    assert get(member.user, member.episode).status_code == 404


def test_a_closed_episode_is_the_managers_only():
    episode = closed_episode()
    member = TeamAroundFamilyMemberFactory(episode=episode)
    assert not sees(episode.lead_professional, episode)
    assert not sees(member.user, episode)
    assert get(episode.lead_professional, episode).status_code == 404
    boss = manager(episode.team)
    assert sees(boss, episode)
    assert get(boss, episode).status_code == 200
    assert get(boss, episode, "casework:episode-reopen").status_code == 200


@pytest.mark.parametrize("name", STEP_PAGES)
def test_a_taf_member_cannot_open_the_step_pages(name):
    member = TeamAroundFamilyMemberFactory()
    response = get(member.user, member.episode, name)
    assert response.status_code == 404
    assert refused_views(member.user, member.episode).exists()


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("casework:episode-allocate", False),
        ("casework:episode-reopen", False),
        ("casework:episode-step-up", True),
        ("casework:episode-close", True),
        ("casework:episode-taf-add", True),
    ],
)
def test_the_lead_leads_but_only_a_manager_allocates_and_reopens(name, allowed):
    episode = EpisodeFactory()
    assert (get(episode.lead_professional, episode, name).status_code == 200) is allowed


def test_signed_out_people_are_sent_to_sign_in():
    episode = EpisodeFactory()
    response = Client().get(reverse("casework:episode", kwargs={"pk": episode.pk}))
    assert response.status_code == 302
    assert reverse("accounts:sign-in") in response["Location"]


def test_the_family_page_lists_the_episode_for_the_people_on_the_case():
    episode = EpisodeFactory()
    client = sign_in(Client(), episode.lead_professional)
    response = client.get(reverse("families:family", kwargs={"pk": episode.family_id}))
    assert response.status_code == 200
    assert episode.reference in response.content.decode()


def test_a_posted_step_by_an_outsider_changes_nothing():
    episode = EpisodeFactory(awaiting=True)
    stranger = UserFactory(roles=["team-manager"])
    response = sign_in(Client(), stranger).post(
        reverse("casework:episode-allocate", kwargs={"pk": episode.pk}),
        {"lead_professional": str(stranger.pk)},
    )
    assert response.status_code == 404
    episode.refresh_from_db()
    assert episode.status == Episode.Status.AWAITING_ALLOCATION
