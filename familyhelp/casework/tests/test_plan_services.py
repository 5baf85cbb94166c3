"""The plan's services: who may change it, what each change keeps, and bad input."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from familyhelp.accounts.relationships import forget_relationships
from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.audit.models import AuditEvent
from familyhelp.casework.models import (
    Action,
    CaseworkSettings,
    ChronologyEntry,
    Episode,
    Goal,
    Plan,
    PlanNeed,
    PlanVersion,
)
from familyhelp.casework.services import plan as service
from familyhelp.casework.tests.factories import (
    EpisodeFactory,
    TeamAroundFamilyMemberFactory,
    manager,
)
from familyhelp.frontdoor.models import Decision
from familyhelp.frontdoor.tests.factories import DecisionFactory

pytestmark = pytest.mark.django_db

IN_A_WEEK = datetime.timedelta(days=7)


def episode_from_assessment():
    episode = EpisodeFactory()
    episode.decision = DecisionFactory(
        kind=Decision.Kind.FAMILY_HELP,
        team=episode.team,
        request__development_needs="Sam is often late for school.",
        request__parenting_needs="",
        request__environment_needs="The flat is damp and overcrowded.",
    )
    episode.save()
    return episode


def started(episode=None):
    episode = episode or EpisodeFactory()
    service.plan_start(actor=episode.lead_professional, episode=episode)
    return episode, Plan.objects.get(episode=episode)


def test_starting_the_plan_copies_the_assessments_needs_and_schedules_the_review():
    episode = episode_from_assessment()
    CaseworkSettings.objects.update_or_create(pk=1, defaults={"review_interval_weeks": 4})
    plan = service.plan_start(actor=episode.lead_professional, episode=episode)
    needs = list(plan.needs.values_list("domain", "text"))
    assert needs == [
        (PlanNeed.Domain.DEVELOPMENT, "Sam is often late for school."),
        (PlanNeed.Domain.ENVIRONMENT, "The flat is damp and overcrowded."),
    ]
    episode.refresh_from_db()
    assert episode.next_review_due == timezone.localdate() + datetime.timedelta(weeks=4)
    version = PlanVersion.objects.get(plan=plan)
    assert version.number == 1 and plan.revision == 1
    assert [need["text"] for need in version.document["needs"]] == [text for _, text in needs]
    entry = ChronologyEntry.objects.get(kind="plan", episode=episode)
    assert entry.summary == "Plan changed: plan started with 2 needs from the assessment"
    assert "Sam" not in entry.summary
    assert AuditEvent.objects.filter(record_type="casework.plan", record_id=str(plan.pk)).exists()


def test_a_plan_is_started_once():
    episode, _ = started()
    with pytest.raises(service.PlanError, match=service.ALREADY_MADE):
        service.plan_start(actor=episode.lead_professional, episode=episode)
    assert Plan.objects.count() == 1


def test_every_change_keeps_a_numbered_version_and_a_chronology_entry():
    episode, plan = started()
    lead = episode.lead_professional
    goal = service.goal_add(
        actor=lead, episode=episode, revision=1, text="Sam gets to school on time", family_words=""
    )
    service.action_add(
        actor=lead,
        episode=episode,
        goal_id=goal.pk,
        revision=2,
        text="Set up a breakfast club place",
        owner=lead,
        due_on=timezone.localdate() + IN_A_WEEK,
    )
    service.plan_family_words_update(
        actor=lead, episode=episode, revision=3, family_words="We want mornings to be calmer."
    )
    plan.refresh_from_db()
    assert plan.revision == 4
    versions = list(PlanVersion.objects.filter(plan=plan).order_by("number"))
    assert [v.number for v in versions] == [1, 2, 3, 4]
    assert [v.summary for v in versions[1:]] == ["goal added", "action added", "the family’s words"]
    # Each version is the whole plan as it was then.
    assert versions[1].document["goals"][0]["actions"] == []
    assert versions[2].document["goals"][0]["actions"][0]["text"] == "Set up a breakfast club place"
    assert versions[3].document["family_words"] == "We want mornings to be calmer."
    assert ChronologyEntry.objects.filter(kind="plan", episode=episode).count() == 4


def test_a_stale_revision_is_refused_saying_who_changed_the_plan_and_when():
    episode, plan = started()
    lead = episode.lead_professional
    lead.full_name = "Kim Keyworker"
    lead.save()
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, 30, tzinfo=datetime.UTC)):
        service.goal_add(actor=lead, episode=episode, revision=1, text="First goal")
    with pytest.raises(service.StalePlan) as refused:
        service.goal_add(actor=lead, episode=episode, revision=1, text="Second goal")
    assert str(refused.value).startswith(
        "Kim Keyworker changed the plan at 10:30am on 2 March 2026"
    )
    assert list(Goal.objects.values_list("text", flat=True)) == ["First goal"]


def test_an_action_owner_must_be_working_with_the_family():
    episode, _ = started()
    lead = episode.lead_professional
    goal = service.goal_add(actor=lead, episode=episode, revision=1, text="A goal")
    stranger = UserFactory(full_name="Stella Stranger")
    with pytest.raises(service.PlanError) as refused:
        service.action_add(
            actor=lead,
            episode=episode,
            goal_id=goal.pk,
            revision=2,
            text="Call school",
            owner=stranger,
            due_on=timezone.localdate() + IN_A_WEEK,
        )
    assert str(refused.value) == service.OWNER_NOT_IN_TEAM.format(name="Stella Stranger")
    assert refused.value.field == "owner"
    member = TeamAroundFamilyMemberFactory(episode=episode).user
    action = service.action_add(
        actor=lead,
        episode=episode,
        goal_id=goal.pk,
        revision=2,
        text="Call school",
        owner=member,
        due_on=timezone.localdate() + IN_A_WEEK,
    )
    assert action.owner == member
    assert Action.objects.count() == 1


def test_bad_input_is_refused_and_changes_nothing():
    episode, plan = started()
    lead = episode.lead_professional
    with pytest.raises(service.PlanError, match=service.GOAL_REQUIRED):
        service.goal_add(actor=lead, episode=episode, revision=1, text="   ")
    with pytest.raises(service.PlanError, match=service.DOMAIN_REQUIRED):
        service.plan_need_add(actor=lead, episode=episode, revision=1, domain="x", text="Need")
    goal = service.goal_add(actor=lead, episode=episode, revision=1, text="A goal")
    with pytest.raises(service.PlanError, match=service.DUE_IN_PAST):
        service.action_add(
            actor=lead,
            episode=episode,
            goal_id=goal.pk,
            revision=2,
            text="Call school",
            owner=lead,
            due_on=timezone.localdate() - datetime.timedelta(days=1),
        )
    assert PlanVersion.objects.filter(plan=plan).count() == 2


def test_someone_who_does_not_lead_the_episode_is_refused_and_audited():
    episode, plan = started()
    member = TeamAroundFamilyMemberFactory(episode=episode).user
    forget_relationships(episode)
    with pytest.raises(service.PlanError, match=service.NOT_ALLOWED):
        service.goal_add(actor=member, episode=episode, revision=1, text="A goal")
    assert AuditEvent.objects.filter(actor=member, values__refused=True).exists()
    assert not Goal.objects.exists()


def test_the_team_manager_may_change_the_plan():
    episode, plan = started()
    boss = manager(episode.team)
    service.goal_add(actor=boss, episode=episode, revision=1, text="A goal")
    assert Goal.objects.count() == 1


def test_an_actions_owner_may_change_its_status_but_not_anothers():
    episode, _ = started()
    lead = episode.lead_professional
    member = TeamAroundFamilyMemberFactory(episode=episode).user
    other = TeamAroundFamilyMemberFactory(episode=episode).user
    goal = service.goal_add(actor=lead, episode=episode, revision=1, text="A goal")
    action = service.action_add(
        actor=lead,
        episode=episode,
        goal_id=goal.pk,
        revision=2,
        text="Call school",
        owner=member,
        due_on=timezone.localdate() + IN_A_WEEK,
    )
    forget_relationships(episode)
    service.action_status_update(
        actor=member, episode=episode, action_id=action.pk, revision=3, status="done"
    )
    action.refresh_from_db()
    assert action.status == Action.Status.DONE
    with pytest.raises(service.PlanError, match=service.NOT_ALLOWED):
        service.action_status_update(
            actor=other, episode=episode, action_id=action.pk, revision=4, status="cancelled"
        )
    action.refresh_from_db()
    assert action.status == Action.Status.DONE


def test_a_closed_episodes_plan_cannot_change():
    episode, _ = started()
    Episode.objects.filter(pk=episode.pk).update(
        status=Episode.Status.CLOSED, closed_at=timezone.now(), closure_reason="needs_met"
    )
    episode.refresh_from_db()
    boss = manager(episode.team)
    with pytest.raises(service.PlanError, match="closed"):
        service.goal_add(actor=boss, episode=episode, revision=1, text="A goal")
