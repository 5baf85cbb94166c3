"""Drift rules at their boundaries (working days, bank holidays), and the weekly digest."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from familyhelp.accounts.tests.factories import TeamFactory
from familyhelp.casework import drift
from familyhelp.casework.jobs import JOB, send_drift_digests
from familyhelp.casework.models import Action, DriftRule, Episode, Goal, Plan
from familyhelp.casework.tests.factories import EpisodeFactory, keyworker, manager
from familyhelp.core.jobs import run_daily_job
from familyhelp.core.notifications.testing import outbox

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# Wednesday 10 September 2025. Monday 25 August 2025 was the summer bank holiday.
TODAY = datetime.date(2025, 9, 10)
NOON = datetime.datetime(2025, 9, 10, 12, 0, tzinfo=LONDON)


def at(day: datetime.date, hour=9, minute=0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LONDON)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOON, tick=False):
        yield TODAY


def set_rule(code, days, enabled=True):
    DriftRule.objects.filter(code=code).update(working_days=days, enabled=enabled)


def drifting(team=None) -> dict[str, list[str]]:
    """{episode reference: its reasons} for every drifting episode."""
    rules = drift.active_rules(TODAY)
    episodes = Episode.objects.all() if team is None else Episode.objects.filter(team=team)
    return {e.reference: drift.reasons_of(e, rules) for e in drift.with_drift(episodes, rules)}


def only(code):
    for rule in DriftRule.objects.exclude(code=code):
        set_rule(rule.code, rule.working_days, enabled=False)


def test_the_seeded_rules_are_in_place():
    assert dict(DriftRule.objects.values_list("code", "working_days")) == {
        "no_contact": 20,
        "review_overdue": 0,
        "no_goals": 10,
        "actions_overdue": 0,
        "not_allocated": 5,
    }


def test_the_cut_off_skips_weekends_and_the_bank_holiday():
    (rule,) = [r for r in drift.active_rules(TODAY) if r.code == "no_contact"]
    # 20 working days before Wednesday 10 September, not counting Monday 25 August.
    assert rule.cutoff == datetime.date(2025, 8, 12)


def test_no_contact_for_more_than_20_working_days():
    only("no_contact")
    on_the_cut_off = EpisodeFactory(last_contact_at=at(datetime.date(2025, 8, 12), 0, 0))
    day_before = EpisodeFactory(last_contact_at=at(datetime.date(2025, 8, 11), 23, 59))
    # Never contacted: counted from allocation.
    allocated_long_ago = EpisodeFactory(
        last_contact_at=None, allocated_at=at(datetime.date(2025, 8, 1))
    )
    allocated_recently = EpisodeFactory(last_contact_at=None, allocated_at=at(TODAY))
    # An old allocation but a recent contact.
    contacted = EpisodeFactory(
        allocated_at=at(datetime.date(2025, 6, 1)), last_contact_at=at(datetime.date(2025, 9, 1))
    )
    found = drifting()
    assert found == {
        day_before.reference: ["No contact for more than 20 working days"],
        allocated_long_ago.reference: ["No contact for more than 20 working days"],
    }
    for episode in (on_the_cut_off, allocated_recently, contacted):
        assert episode.reference not in found


def test_a_stepped_up_or_closed_episode_does_not_drift_for_contact():
    only("no_contact")
    old = at(datetime.date(2025, 5, 1))
    EpisodeFactory(status=Episode.Status.STEPPED_UP, last_contact_at=old)
    EpisodeFactory(
        status=Episode.Status.CLOSED,
        last_contact_at=old,
        closed_at=old,
        closure_reason=Episode.ClosureReason.NEEDS_MET,
    )
    assert drifting() == {}


def test_review_overdue_as_soon_as_it_passes_and_by_working_days():
    only("review_overdue")
    due_yesterday = EpisodeFactory(next_review_due=TODAY - datetime.timedelta(days=1))
    due_today = EpisodeFactory(next_review_due=TODAY)
    assert drifting() == {due_yesterday.reference: ["Review overdue"]}
    assert due_today.reference not in drifting()
    set_rule("review_overdue", 2)
    # Two working days before Wednesday 10 September is Monday 8 September.
    due_monday = EpisodeFactory(next_review_due=datetime.date(2025, 9, 8))
    due_friday = EpisodeFactory(next_review_due=datetime.date(2025, 9, 5))
    found = drifting()
    assert found == {due_friday.reference: ["Review overdue by more than 2 working days"]}
    assert due_monday.reference not in found


def test_a_plan_with_no_goal_10_working_days_after_allocation():
    only("no_goals")
    # Ten working days before Wednesday 10 September is Wednesday 27 August.
    late = EpisodeFactory(allocated_at=at(datetime.date(2025, 8, 26), 23, 0))
    on_time = EpisodeFactory(allocated_at=at(datetime.date(2025, 8, 27), 9, 0))
    with_goal = EpisodeFactory(allocated_at=at(datetime.date(2025, 8, 1)))
    Goal.objects.create(plan=Plan.objects.create(episode=with_goal), text="Mornings on time")
    with_empty_plan = EpisodeFactory(allocated_at=at(datetime.date(2025, 8, 1)))
    Plan.objects.create(episode=with_empty_plan)
    found = drifting()
    assert set(found) == {late.reference, with_empty_plan.reference}
    assert found[late.reference] == [
        "No goal in the plan more than 10 working days after allocation"
    ]
    assert on_time.reference not in found


def add_action(episode, *, due_on, status=Action.Status.NOT_STARTED):
    plan, _ = Plan.objects.get_or_create(episode=episode)
    goal = Goal.objects.create(plan=plan, text="School every day")
    return Action.objects.create(
        goal=goal, text="Call school", owner=episode.lead_professional, due_on=due_on, status=status
    )


def test_actions_overdue():
    only("actions_overdue")
    overdue = EpisodeFactory()
    add_action(overdue, due_on=TODAY - datetime.timedelta(days=1))
    due_today = EpisodeFactory()
    add_action(due_today, due_on=TODAY)
    done = EpisodeFactory()
    add_action(done, due_on=datetime.date(2025, 8, 1), status=Action.Status.DONE)
    add_action(done, due_on=datetime.date(2025, 8, 1), status=Action.Status.CANCELLED)
    in_progress = EpisodeFactory()
    add_action(in_progress, due_on=datetime.date(2025, 8, 1), status=Action.Status.IN_PROGRESS)
    assert set(drifting()) == {overdue.reference, in_progress.reference}
    assert drifting()[overdue.reference] == ["Actions overdue"]


def test_waiting_for_allocation_more_than_5_working_days():
    only("not_allocated")
    # Five working days before Wednesday 10 September is Wednesday 3 September.
    waited = EpisodeFactory(awaiting=True, created_at=at(datetime.date(2025, 9, 2), 17, 0))
    just_in = EpisodeFactory(awaiting=True, created_at=at(datetime.date(2025, 9, 3), 9, 0))
    found = drifting()
    assert found == {waited.reference: ["Waiting for allocation for more than 5 working days"]}
    assert just_in.reference not in found


def test_an_episode_drifting_for_several_reasons_lists_each_and_a_switched_off_rule_none():
    episode = EpisodeFactory(
        allocated_at=at(datetime.date(2025, 7, 1)),
        last_contact_at=None,
        next_review_due=datetime.date(2025, 9, 1),
    )
    assert drifting()[episode.reference] == [
        "No contact for more than 20 working days",
        "Review overdue",
        "No goal in the plan more than 10 working days after allocation",
    ]
    set_rule("review_overdue", 0, enabled=False)
    assert "Review overdue" not in drifting()[episode.reference]
    for rule in DriftRule.objects.all():
        set_rule(rule.code, rule.working_days, enabled=False)
    assert drifting() == {}


def test_drift_is_one_query_whatever_the_number_of_episodes():
    rules = drift.active_rules(TODAY)
    for _ in range(3):
        EpisodeFactory(allocated_at=at(datetime.date(2025, 6, 2)), last_contact_at=None)
    with CaptureQueriesContext(connection) as few:
        assert len(list(drift.with_drift(Episode.objects.all(), rules))) == 3
    for _ in range(12):
        EpisodeFactory(allocated_at=at(datetime.date(2025, 6, 2)), last_contact_at=None)
    with CaptureQueriesContext(connection) as many:
        found = list(drift.with_drift(Episode.objects.all(), rules))
        reasons = [drift.reasons_of(episode, rules) for episode in found]
    assert len(found) == 15 and all(reasons)
    assert len(few.captured_queries) == len(many.captured_queries) == 1


# The weekly digest ---------------------------------------------------------------------------


MONDAY = datetime.date(2025, 9, 8)


def a_team_with_drift():
    team = TeamFactory(name="Family Help North")
    boss = manager(team, full_name="Morgan Manager")
    worker = keyworker(team, full_name="Kim Keyworker")
    old = at(datetime.date(2025, 6, 2))
    stuck = EpisodeFactory(team=team, lead_professional=worker, allocated_at=old)
    EpisodeFactory(team=team, awaiting=True, created_at=old)
    EpisodeFactory(team=team, lead_professional=worker)  # allocated today: not drifting
    return team, boss, stuck


def test_the_digest_goes_to_each_manager_with_counts_and_a_link_only():
    team, boss, stuck = a_team_with_drift()
    other_team = TeamFactory(name="Family Help South")
    other_boss = manager(other_team)
    keyworker(other_team)  # nothing drifting in their team
    with time_machine.travel(at(MONDAY, 6), tick=False):
        outcome = run_daily_job(JOB, MONDAY)
    assert outcome.run.counts == {
        "week_sent": 1,
        "managers": 2,
        "emails_sent": 2,
        "emails_failed": 0,
    }
    (message,) = outbox(to=boss.email, template="drift_digest")
    details = message.personalisation
    assert details["drifting"] == 2
    assert details["teams"] == 1
    assert "No contact for more than 20 working days: 1" in details["reasons"]
    assert "Waiting for allocation for more than 5 working days: 1" in details["reasons"]
    assert details["link"].endswith("/caseloads/drift/")
    text = str(details) + message.reference
    for secret in (stuck.reference, stuck.family.name, "Kim Keyworker", "Morgan Manager"):
        assert secret not in text
    (theirs,) = outbox(to=other_boss.email, template="drift_digest")
    assert theirs.personalisation["drifting"] == 0


def test_the_digest_is_sent_once_a_week():
    _team, boss, _stuck = a_team_with_drift()
    tuesday = MONDAY + datetime.timedelta(days=1)
    next_monday = MONDAY + datetime.timedelta(days=7)
    for day in (MONDAY, MONDAY, tuesday, MONDAY + datetime.timedelta(days=6)):
        with time_machine.travel(at(day, 6), tick=False):
            run_daily_job(JOB, day)
    assert len(outbox(to=boss.email, template="drift_digest")) == 1
    with time_machine.travel(at(next_monday, 6), tick=False):
        run_daily_job(JOB, next_monday)
    assert len(outbox(to=boss.email, template="drift_digest")) == 2


def test_a_week_whose_monday_was_missed_gets_its_digest_on_the_next_run():
    _team, boss, _stuck = a_team_with_drift()
    wednesday = MONDAY + datetime.timedelta(days=2)
    with time_machine.travel(at(wednesday, 6), tick=False):
        assert run_daily_job(JOB, wednesday).run.counts["week_sent"] == 1
        assert run_daily_job(JOB, wednesday + datetime.timedelta(days=1)).run.counts == {
            "week_sent": 0,
            "managers": 0,
            "emails_sent": 0,
            "emails_failed": 0,
        }
    assert len(outbox(to=boss.email, template="drift_digest")) == 1


def test_the_digest_job_is_listed_in_the_daily_jobs(settings):
    assert JOB in settings.DAILY_JOBS
    assert send_drift_digests.__module__ + ".send_drift_digests" == JOB
