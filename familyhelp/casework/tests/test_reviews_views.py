"""The reviews pages: the list, recording a review, bad dates, and who may open them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from familyhelp.accounts.testing import sign_in
from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.audit.models import AuditEvent
from familyhelp.casework.models import Review
from familyhelp.casework.services import plan as plan_service
from familyhelp.casework.services import reviews as service
from familyhelp.casework.tests.factories import EpisodeFactory, TeamAroundFamilyMemberFactory

pytestmark = pytest.mark.django_db


def with_goal():
    episode = EpisodeFactory(created_at=timezone.now() - datetime.timedelta(days=40))
    plan_service.plan_start(actor=episode.lead_professional, episode=episode)
    goal = plan_service.goal_add(
        actor=episode.lead_professional, episode=episode, revision=1, text="Calmer mornings"
    )
    return episode, goal


def _url(name, episode):
    return reverse(f"casework:{name}", kwargs={"pk": episode.pk})


def _form(goal, held_on, decision="continue"):
    return {
        "held_on-day": held_on.day,
        "held_on-month": held_on.month,
        "held_on-year": held_on.year,
        "attendees": "Jo Smith, mum\nKim, keyworker",
        f"progress_{goal.pk}": "good",
        f"comment_{goal.pk}": "Out of the door by 8",
        "family_views": "Things are easier.",
        "decision": decision,
    }


def test_recording_a_review_lists_it_with_progress_on_each_goal(client):
    episode, goal = with_goal()
    sign_in(client, episode.lead_professional)
    page = client.get(_url("review-new", episode)).content.decode()
    assert "Goal 1: Calmer mornings" in page
    held = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(_url("review-new", episode), _form(goal, held))
    assert response.status_code == 302 and response.url == _url("reviews", episode)
    page = client.get(_url("reviews", episode)).content.decode()
    assert "Review recorded" in page
    assert "Good progress" in page and "Out of the door by 8" in page
    assert "Continue with the plan" in page
    episode.refresh_from_db()
    assert episode.next_review_due == held + datetime.timedelta(weeks=6)


def test_a_review_dated_before_the_episode_opened_is_refused(client):
    episode, goal = with_goal()
    sign_in(client, episode.lead_professional)
    held = timezone.localdate(episode.created_at) - datetime.timedelta(days=3)
    response = client.post(_url("review-new", episode), _form(goal, held))
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Error: Record a review" in page
    assert "when the episode was opened" in page
    assert 'href="#id_held_on"' in page
    assert not Review.objects.exists()


def test_a_review_dated_in_the_future_is_refused(client):
    episode, goal = with_goal()
    sign_in(client, episode.lead_professional)
    held = timezone.localdate() + datetime.timedelta(days=3)
    response = client.post(_url("review-new", episode), _form(goal, held))
    assert response.status_code == 400
    assert service.HELD_IN_FUTURE in response.content.decode()
    assert not Review.objects.exists()


def test_progress_on_each_goal_is_asked_for(client):
    episode, goal = with_goal()
    sign_in(client, episode.lead_professional)
    data = _form(goal, timezone.localdate())
    del data[f"progress_{goal.pk}"]
    response = client.post(_url("review-new", episode), data)
    assert response.status_code == 400
    assert service.PROGRESS_REQUIRED in response.content.decode()


def test_the_reviews_page_reads_in_constant_queries(client, django_assert_max_num_queries):
    episode, goal = with_goal()
    sign_in(client, episode.lead_professional)
    service.review_record(
        actor=episode.lead_professional,
        episode=episode,
        held_on=timezone.localdate(),
        attendees="Jo",
        family_views="",
        decision="continue",
        progress={goal.pk: ("some", "")},
    )
    with django_assert_max_num_queries(40) as one:
        client.get(_url("reviews", episode))
    for _ in range(4):
        service.review_record(
            actor=episode.lead_professional,
            episode=episode,
            held_on=timezone.localdate(),
            attendees="Jo",
            family_views="",
            decision="continue",
            progress={goal.pk: ("good", "")},
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(_url("reviews", episode)).content.decode()
    assert page.count("Recorded by") == 5


def test_someone_in_the_team_around_the_family_reads_but_cannot_record(client):
    episode, goal = with_goal()
    member = TeamAroundFamilyMemberFactory(episode=episode).user
    sign_in(client, member)
    page = client.get(_url("reviews", episode)).content.decode()
    assert "Record a review" not in page
    assert client.get(_url("review-new", episode)).status_code == 404
    assert AuditEvent.objects.filter(actor=member, values__refused=True).exists()


@pytest.mark.parametrize("name", ["reviews", "review-new"])
def test_outsiders_get_page_not_found_and_are_audited(client, name):
    episode, _ = with_goal()
    outsider = UserFactory(roles=["family-keyworker"])
    sign_in(client, outsider)
    assert client.get(_url(name, episode)).status_code == 404
    assert AuditEvent.objects.filter(
        actor=outsider, record_id=str(episode.pk), values__refused=True
    ).exists()


@pytest.mark.parametrize(
    ("decision", "step"),
    [("step_up", "episode-step-up"), ("step_down", "episode-close"), ("close", "episode-close")],
)
def test_other_decisions_go_on_to_the_episodes_step(client, decision, step):
    episode, goal = with_goal()
    sign_in(client, episode.lead_professional)
    response = client.post(
        _url("review-new", episode), _form(goal, timezone.localdate(), decision=decision)
    )
    assert response.status_code == 302 and response.url == _url(step, episode)
    assert Review.objects.get().decision == decision
