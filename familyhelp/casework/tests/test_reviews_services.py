"""Recording a review: the dates it may be held on, progress on each goal, and what follows."""

import datetime

import pytest
from django.utils import timezone

from familyhelp.accounts.relationships import forget_relationships
from familyhelp.audit.models import AuditEvent
from familyhelp.casework.models import CaseworkSettings, ChronologyEntry, GoalProgress, Review
from familyhelp.casework.services import plan as plan_service
from familyhelp.casework.services import reviews as service
from familyhelp.casework.tests.factories import EpisodeFactory, TeamAroundFamilyMemberFactory
from familyhelp.core.formatting import long_date

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def with_goals(count=2):
    episode = EpisodeFactory(created_at=timezone.now() - datetime.timedelta(days=30))
    plan_service.plan_start(actor=episode.lead_professional, episode=episode)
    goals = [
        plan_service.goal_add(
            actor=episode.lead_professional, episode=episode, revision=n, text=f"Goal {n}"
        )
        for n in range(1, count + 1)
    ]
    return episode, goals


def record(episode, goals, **overrides):
    values = {
        "actor": episode.lead_professional,
        "episode": episode,
        "held_on": timezone.localdate(),
        "attendees": "Jo Smith, mum\n\n  Kim, keyworker  ",
        "family_views": "Mornings are better.",
        "decision": Review.Decision.CONTINUE,
        "progress": {goal.pk: ("good", "Nearly there") for goal in goals},
    }
    values.update(overrides)
    return service.review_record(**values)


def test_continue_records_progress_and_moves_the_next_review_on():
    episode, goals = with_goals()
    CaseworkSettings.objects.update_or_create(pk=1, defaults={"review_interval_weeks": 8})
    held = timezone.localdate() - 2 * DAY
    review = record(episode, goals, held_on=held)
    assert review.attendees == "Jo Smith, mum\nKim, keyworker"
    assert {row.goal_id: row.progress for row in GoalProgress.objects.filter(review=review)} == {
        goal.pk: "good" for goal in goals
    }
    episode.refresh_from_db()
    assert episode.next_review_due == held + datetime.timedelta(weeks=8)
    entry = ChronologyEntry.objects.get(kind="review", episode=episode)
    assert entry.summary == "Review held: continue with the plan"
    assert AuditEvent.objects.filter(record_type="casework.review", record_id=str(review.pk))


def test_other_decisions_leave_the_next_review_for_the_episodes_own_step():
    episode, goals = with_goals()
    due = episode.next_review_due
    record(episode, goals, decision=Review.Decision.STEP_UP)
    episode.refresh_from_db()
    assert episode.next_review_due == due


def test_a_review_before_the_episode_opened_is_refused():
    episode, goals = with_goals()
    opened = timezone.localdate(episode.created_at)
    with pytest.raises(service.ReviewError) as refused:
        record(episode, goals, held_on=opened - DAY)
    assert str(refused.value) == service.HELD_BEFORE_OPENED.format(opened=long_date(opened))
    assert refused.value.field == "held_on"
    assert not Review.objects.exists()


def test_a_review_in_the_future_is_refused():
    episode, goals = with_goals()
    with pytest.raises(service.ReviewError, match=service.HELD_IN_FUTURE):
        record(episode, goals, held_on=timezone.localdate() + DAY)
    assert not Review.objects.exists()


def test_progress_is_needed_on_every_goal():
    episode, goals = with_goals()
    with pytest.raises(service.ReviewError) as refused:
        record(episode, goals, progress={goals[0].pk: ("met", "")})
    assert refused.value.field == f"progress_{goals[1].pk}"
    assert not Review.objects.exists() and not GoalProgress.objects.exists()


def test_attendees_and_decision_are_needed():
    episode, goals = with_goals()
    with pytest.raises(service.ReviewError, match=service.ATTENDEES_REQUIRED):
        record(episode, goals, attendees=" \n ")
    with pytest.raises(service.ReviewError, match=service.DECISION_REQUIRED):
        record(episode, goals, decision="maybe")
    assert not Review.objects.exists()


def test_someone_in_the_team_around_the_family_cannot_record_a_review():
    episode, goals = with_goals()
    member = TeamAroundFamilyMemberFactory(episode=episode).user
    forget_relationships(episode)
    with pytest.raises(service.ReviewError, match=service.NOT_ALLOWED):
        record(episode, goals, actor=member)
    assert AuditEvent.objects.filter(actor=member, values__refused=True).exists()
    assert not Review.objects.exists()
