"""Episodes and their lifecycle: the services (familyhelp/casework/services/episodes/)."""

import datetime

import pytest
from django.utils import timezone

from familyhelp.accounts.tests.factories import TeamFactory, UserFactory
from familyhelp.audit.models import AuditEvent
from familyhelp.casework.models import (
    Action,
    ChronologyEntry,
    Episode,
    EpisodeTransition,
    Goal,
    Plan,
    TeamAroundFamilyMember,
)
from familyhelp.casework.services import episodes
from familyhelp.casework.services.episodes import EpisodeError, allocation, common, moves, opening
from familyhelp.casework.tests.factories import (
    EpisodeFactory,
    TeamAroundFamilyMemberFactory,
    keyworker,
    manager,
)
from familyhelp.families.tests.factories import FamilyFactory, PersonFactory
from familyhelp.frontdoor.models import Decision
from familyhelp.frontdoor.services import decisions, triage
from familyhelp.frontdoor.tests.factories import RequestFactory, front_door_officer, level

pytestmark = pytest.mark.django_db


def refusals(episode, step):
    return AuditEvent.objects.filter(
        record_type="casework.episode",
        record_id=str(episode.pk),
        values__refused=True,
        values__step=step,
    )


def kinds(episode):
    return list(episode.transitions.values_list("kind", flat=True))


def waiting():
    episode = EpisodeFactory(awaiting=True)
    return episode, manager(episode.team)


# Opening from the front door -----------------------------------------------------------------


def test_a_family_help_decision_opens_an_episode_waiting_in_the_chosen_team():
    team = TeamFactory(name="Family Help North")
    child, parent = PersonFactory(), PersonFactory()
    request = RequestFactory(submitted=True, children=[child])
    request.request_people.create(person=parent, role="family_member")
    officer = front_door_officer()
    request = triage.request_pick_up(actor=officer, request=request)
    decision = decisions.request_decide(
        actor=officer,
        request=request,
        kind=Decision.Kind.FAMILY_HELP,
        level=level(3),
        rationale="Needs at home and school; a keyworker can join them up.",
        team=team,
    )
    episode = Episode.objects.get(decision=decision)
    assert episode.status == Episode.Status.AWAITING_ALLOCATION
    assert episode.team == team and episode.family_id == request.family_id
    assert episode.level.number == 3
    assert episode.reference.startswith("E-")
    assert not episode.is_repeat
    roles = dict(episode.episode_people.values_list("person_id", "role"))
    assert roles == {child.pk: "child", parent.pk: "adult"}
    assert kinds(episode) == [EpisodeTransition.Kind.OPENED]
    assert ChronologyEntry.objects.filter(
        episode=episode, kind=ChronologyEntry.Kind.TRANSITION
    ).exists()
    assert AuditEvent.objects.filter(
        record_type="casework.episode", record_id=str(episode.pk), action="create"
    ).exists()


def test_other_decisions_open_no_episode():
    officer = front_door_officer()
    request = triage.request_pick_up(actor=officer, request=RequestFactory(submitted=True))
    decisions.request_decide(
        actor=officer,
        request=request,
        kind=Decision.Kind.NO_FURTHER_ACTION,
        level=level(1),
        rationale="Needs are met by school.",
        no_further_action_reason=Decision.NoFurtherActionReason.NEEDS_MET,
    )
    assert not Episode.objects.exists()


def test_an_episode_within_12_months_of_another_closing_is_a_repeat():
    earlier = EpisodeFactory(
        status=Episode.Status.CLOSED,
        closed_at=timezone.now() - datetime.timedelta(days=200),
        closure_reason=Episode.ClosureReason.NEEDS_MET,
    )
    officer = front_door_officer()
    request = RequestFactory(submitted=True, family=earlier.family)
    request = triage.request_pick_up(actor=officer, request=request)
    decision = decisions.request_decide(
        actor=officer,
        request=request,
        kind=Decision.Kind.FAMILY_HELP,
        level=level(2),
        rationale="Back again after a hard winter.",
        team=earlier.team,
    )
    assert Episode.objects.get(decision=decision).is_repeat


# Step-down from social care ------------------------------------------------------------------


def test_a_manager_opens_a_stepped_down_episode_keeping_the_worker():
    team = TeamFactory()
    boss, worker = manager(team), keyworker(team)
    family = FamilyFactory()
    child = PersonFactory(date_of_birth=datetime.date.today() - datetime.timedelta(days=3000))
    adult = PersonFactory(date_of_birth=datetime.date(1985, 3, 1))
    family.memberships.create(person=child)
    family.memberships.create(person=adult)
    episode = episodes.episode_step_down_create(
        actor=boss,
        team=team,
        family=family,
        social_worker_name="Jo Social",
        summary="Child protection plan ended; school attendance still low.",
        level=level(3),
        lead_professional=worker,
    )
    assert episode.origin == Episode.Origin.STEP_DOWN
    assert episode.status == Episode.Status.OPEN and episode.lead_professional == worker
    assert episode.social_worker_name == "Jo Social"
    assert dict(episode.episode_people.values_list("person_id", "role")) == {
        child.pk: "child",
        adult.pk: "adult",
    }
    assert kinds(episode) == ["opened", "allocated"]


def test_step_down_without_a_lead_waits_and_someone_else_is_refused():
    team = TeamFactory()
    family = FamilyFactory()
    episode = episodes.episode_step_down_create(
        actor=manager(team),
        team=team,
        family=family,
        social_worker_name="Jo Social",
        summary="Summary",
        level=level(2),
    )
    assert episode.status == Episode.Status.AWAITING_ALLOCATION
    with pytest.raises(EpisodeError, match=opening.NOT_TEAM_MANAGER.format(team=team.name)):
        episodes.episode_step_down_create(
            actor=keyworker(team),
            team=team,
            family=FamilyFactory(),
            social_worker_name="Jo",
            summary="S",
            level=level(2),
        )
    assert AuditEvent.objects.filter(
        record_type="casework.episode", values__refused=True, values__step="step_down_create"
    ).exists()
    with pytest.raises(EpisodeError, match=opening.SUMMARY_REQUIRED):
        episodes.episode_step_down_create(
            actor=manager(team),
            team=team,
            family=FamilyFactory(),
            social_worker_name="Jo",
            summary=" ",
            level=level(2),
        )
    with pytest.raises(EpisodeError, match="already has an open episode"):
        episodes.episode_step_down_create(
            actor=manager(team),
            team=team,
            family=family,
            social_worker_name="Jo",
            summary="S",
            level=level(2),
        )


# Allocation ----------------------------------------------------------------------------------


def test_a_manager_allocates_a_keyworker_in_the_team():
    episode, boss = waiting()
    worker = keyworker(episode.team)
    episode = episodes.episode_allocate(
        actor=boss, episode=episode, lead_professional=worker, revision=episode.revision
    )
    assert episode.status == Episode.Status.OPEN
    assert episode.lead_professional == worker and episode.allocated_at is not None
    assert episode.next_review_due == timezone.localdate() + datetime.timedelta(weeks=6)
    transition = episode.transitions.get(kind="allocated")
    assert transition.details == {"before": None, "after": str(worker.pk)}


def test_allocating_outside_the_team_changes_nothing_and_is_audited():
    episode, boss = waiting()
    outsider = keyworker(TeamFactory())
    message = common.CHOOSE_IN_TEAM.format(team=episode.team.name)
    with pytest.raises(EpisodeError) as refused:
        episodes.episode_allocate(actor=boss, episode=episode, lead_professional=outsider)
    assert str(refused.value) == message
    episode.refresh_from_db()
    assert episode.status == Episode.Status.AWAITING_ALLOCATION
    assert episode.lead_professional is None
    assert refusals(episode, "allocate").exists()


def test_someone_in_the_team_without_the_keyworker_role_cannot_lead():
    episode, boss = waiting()
    from familyhelp.frontdoor.tests.factories import team_member

    practitioner = team_member(episode.team, roles=["practitioner"])
    with pytest.raises(EpisodeError, match="Choose someone in"):
        episodes.episode_allocate(actor=boss, episode=episode, lead_professional=practitioner)


def test_only_the_manager_allocates_and_a_refusal_is_audited():
    episode, _ = waiting()
    worker = keyworker(episode.team)
    with pytest.raises(EpisodeError, match=common.NOT_ALLOWED):
        episodes.episode_allocate(actor=worker, episode=episode, lead_professional=worker)
    assert refusals(episode, "allocate").exists()


def test_a_stale_form_is_refused():
    episode, boss = waiting()
    with pytest.raises(EpisodeError, match="Someone else changed this episode"):
        episodes.episode_allocate(
            actor=boss,
            episode=episode,
            lead_professional=keyworker(episode.team),
            revision=episode.revision - 1,
        )


def test_reallocating_records_before_and_after():
    episode = EpisodeFactory()
    before = episode.lead_professional
    after = keyworker(episode.team)
    boss = manager(episode.team)
    episode = episodes.episode_reallocate(
        actor=boss, episode=episode, lead_professional=after, reason="Caseload balance"
    )
    assert episode.lead_professional == after
    transition = episode.transitions.get(kind="reallocated")
    assert transition.details == {"before": str(before.pk), "after": str(after.pk)}
    assert AuditEvent.objects.filter(
        record_id=str(episode.pk), values__step="reallocate", values__after=str(after.pk)
    ).exists()
    with pytest.raises(EpisodeError, match="is already the lead professional"):
        episodes.episode_reallocate(actor=boss, episode=episode, lead_professional=after)


# The team around the family ------------------------------------------------------------------


def test_the_lead_adds_and_removes_a_practitioner_from_any_agency():
    episode = EpisodeFactory()
    nurse = UserFactory(roles=["practitioner"])
    member = episodes.taf_member_add(
        actor=episode.lead_professional, episode=episode, user=nurse, role="School nurse"
    )
    assert member.role == "School nurse" and member.left_at is None
    with pytest.raises(EpisodeError, match="is already in the team around the family"):
        episodes.taf_member_add(
            actor=episode.lead_professional, episode=episode, user=nurse, role="Nurse"
        )
    with pytest.raises(EpisodeError, match=allocation.MEMBER_ROLE_REQUIRED):
        episodes.taf_member_add(
            actor=episode.lead_professional, episode=episode, user=UserFactory(), role=""
        )
    removed = episodes.taf_member_remove(actor=episode.lead_professional, member=member)
    assert removed.left_at is not None
    with pytest.raises(EpisodeError, match=allocation.ALREADY_LEFT):
        episodes.taf_member_remove(actor=episode.lead_professional, member=member)


def test_a_taf_member_cannot_change_the_team_around_the_family():
    member = TeamAroundFamilyMemberFactory()
    with pytest.raises(EpisodeError, match=common.NOT_ALLOWED):
        episodes.taf_member_add(
            actor=member.user, episode=member.episode, user=UserFactory(), role="Police"
        )
    assert refusals(member.episode, "taf_add").exists()
    assert TeamAroundFamilyMember.objects.count() == 1


# Step-up and step-down -----------------------------------------------------------------------


def test_step_up_keeps_the_episode_and_the_keyworker_and_step_down_gives_them_back():
    episode = EpisodeFactory()
    worker = episode.lead_professional
    today = timezone.localdate()
    episode = episodes.episode_step_up(
        actor=worker,
        episode=episode,
        referral_on=today,
        reason="Disclosure at school",
        keep_keyworker=True,
        revision=episode.revision,
    )
    assert episode.status == Episode.Status.STEPPED_UP
    assert episode.statutory_referral_on == today and episode.co_worker == worker
    # Still theirs to read while social care leads.
    assert worker.has_perm("casework.view_episode", Episode.objects.get(pk=episode.pk))
    episode = episodes.episode_step_down(actor=worker, episode=episode, revision=episode.revision)
    assert episode.status == Episode.Status.OPEN
    assert episode.lead_professional == worker and episode.co_worker is None
    assert kinds(episode) == ["stepped_up", "stepped_down"]


def test_step_up_without_keeping_the_keyworker_needs_a_lead_at_step_down():
    episode = EpisodeFactory()
    boss = manager(episode.team)
    episodes.episode_step_up(
        actor=boss,
        episode=episode,
        referral_on=timezone.localdate(),
        reason="Risk rose",
        keep_keyworker=False,
    )
    episode.refresh_from_db()
    assert episode.co_worker is None and episode.lead_professional is None
    with pytest.raises(EpisodeError, match=moves.STEP_DOWN_LEAD_REQUIRED):
        episodes.episode_step_down(actor=boss, episode=episode)
    outsider = keyworker(TeamFactory())
    with pytest.raises(EpisodeError, match="Choose someone in"):
        episodes.episode_step_down(actor=boss, episode=episode, lead_professional=outsider)
    assert refusals(episode, "step_down").exists()
    other = keyworker(episode.team)
    episode = episodes.episode_step_down(actor=boss, episode=episode, lead_professional=other)
    assert episode.lead_professional == other


def test_step_up_needs_a_referral_date_not_in_the_future_and_a_reason():
    episode = EpisodeFactory()
    lead = episode.lead_professional
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for referral_on, reason, message in [
        (None, "Why", moves.REFERRAL_DATE_REQUIRED),
        (tomorrow, "Why", moves.REFERRAL_DATE_FUTURE),
        (timezone.localdate(), " ", moves.STEP_UP_REASON_REQUIRED),
    ]:
        with pytest.raises(EpisodeError, match=message):
            episodes.episode_step_up(
                actor=lead,
                episode=episode,
                referral_on=referral_on,
                reason=reason,
                keep_keyworker=True,
            )
    episode.refresh_from_db()
    assert episode.status == Episode.Status.OPEN


# Closure and re-opening ----------------------------------------------------------------------


def plan_with_open_action(episode):
    plan = Plan.objects.create(episode=episode)
    goal = Goal.objects.create(plan=plan, text="Mornings go smoothly")
    Action.objects.create(
        goal=goal,
        text="Morning chart",
        owner=episode.lead_professional,
        due_on=timezone.localdate(),
    )
    return goal


def test_closing_with_open_actions_without_saying_why_is_refused():
    episode = EpisodeFactory()
    goal = plan_with_open_action(episode)
    lead = episode.lead_professional
    with pytest.raises(EpisodeError, match=moves.GOAL_OUTCOME_REQUIRED):
        episodes.episode_close(actor=lead, episode=episode, reason="needs_met", goal_outcomes={})
    with pytest.raises(EpisodeError) as refused:
        episodes.episode_close(
            actor=lead, episode=episode, reason="needs_met", goal_outcomes={goal.pk: "met"}
        )
    assert str(refused.value) == moves.OPEN_ACTIONS.format(count=1)
    episode.refresh_from_db()
    goal.refresh_from_db()
    assert episode.status == Episode.Status.OPEN and goal.status == Goal.Status.ACTIVE
    episode = episodes.episode_close(
        actor=lead,
        episode=episode,
        reason="needs_met",
        goal_outcomes={goal.pk: "partly_met"},
        open_actions_reason="The chart carries on at school",
        family_feedback="Mornings are calmer.",
    )
    goal.refresh_from_db()
    assert episode.status == Episode.Status.CLOSED and episode.closed_at is not None
    assert goal.status == Goal.Status.PARTLY_MET
    assert episode.family_feedback == "Mornings are calmer."
    # The lead professional no longer reads a closed episode; the team's manager does.
    fresh = Episode.objects.get(pk=episode.pk)
    assert not lead.has_perm("casework.view_episode", fresh)
    assert manager(episode.team).has_perm("casework.view_episode", fresh)


def test_closing_needs_a_reason():
    episode = EpisodeFactory()
    with pytest.raises(EpisodeError, match=moves.CLOSURE_REASON_REQUIRED):
        episodes.episode_close(
            actor=episode.lead_professional, episode=episode, reason="", goal_outcomes={}
        )
    with pytest.raises(EpisodeError, match=moves.CLOSURE_NOTES_REQUIRED):
        episodes.episode_close(
            actor=episode.lead_professional, episode=episode, reason="other", goal_outcomes={}
        )


def test_a_manager_reopens_within_12_months_as_a_repeat():
    episode = EpisodeFactory()
    lead = episode.lead_professional
    episodes.episode_close(actor=lead, episode=episode, reason="declined", goal_outcomes={})
    with pytest.raises(EpisodeError, match=common.NOT_ALLOWED):
        episodes.episode_reopen(actor=lead, episode=episode, reason="Asked again")
    boss = manager(episode.team)
    with pytest.raises(EpisodeError, match=moves.REOPEN_REASON_REQUIRED):
        episodes.episode_reopen(actor=boss, episode=episode, reason="")
    episode = episodes.episode_reopen(actor=boss, episode=episode, reason="Mum asked again")
    assert episode.status == Episode.Status.OPEN and episode.lead_professional == lead
    assert episode.is_repeat and episode.closed_at is None
    assert kinds(episode) == ["closed", "reopened"]
    with pytest.raises(EpisodeError, match="Only a closed episode can be re-opened"):
        episodes.episode_reopen(actor=boss, episode=episode, reason="Again")
