"""The demo county's case work: episodes in every state, drift, step-up and step-down keeping the
keyworker, completed audits, the invariants the services keep, and the same scene again."""

import datetime
import time

import pytest
import time_machine
from django.db.models import Count, Max
from django.test import TestCase

from familyhelp.accounts.models import User
from familyhelp.casework import drift
from familyhelp.casework.models import (
    Action,
    CaseAudit,
    CaseNote,
    ChronologyEntry,
    Episode,
    EpisodeTransition,
    Plan,
    PlanVersion,
    Review,
    TeamAroundFamilyMember,
)
from familyhelp.demo import casework as scene
from familyhelp.demo import frontdoor
from familyhelp.demo.services import demo_load
from familyhelp.frontdoor.models import Decision

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 3)
NOW = datetime.datetime(2026, 3, 3, 16, tzinfo=datetime.UTC)


@pytest.fixture
def county():
    with (
        time_machine.travel(NOW, tick=False),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        demo_load(today=TODAY, services=60)
        yield


def _snapshot():
    return (
        list(
            Episode.objects.order_by("reference").values_list(
                "reference",
                "family__reference",
                "status",
                "origin",
                "lead_professional__email",
                "co_worker__email",
                "created_at",
                "closed_at",
                "last_contact_at",
                "next_review_due",
            )
        ),
        CaseNote.objects.count(),
        Review.objects.count(),
        ChronologyEntry.objects.count(),
        list(CaseAudit.objects.order_by("episode__reference").values_list("status", "grade")),
    )


def test_episodes_are_in_every_state_in_both_teams(county):
    statuses = set(Episode.objects.values_list("status", flat=True))
    assert statuses == set(Episode.Status.values)
    teams = set(Episode.objects.values_list("team__name", flat=True))
    assert teams == set(frontdoor.FAMILY_HELP_TEAMS)
    assert Episode.objects.filter(origin=Episode.Origin.STEP_DOWN).exists()
    reasons = set(
        Episode.objects.exclude(closure_reason="").values_list("closure_reason", flat=True)
    )
    assert {"needs_met", "declined"} <= reasons
    assert Episode.objects.filter(status="closed").exclude(open_actions_reason="").exists()


def test_every_family_help_decision_has_its_episode(county):
    decisions = Decision.objects.filter(
        request__reference__startswith=frontdoor.REQUEST_PREFIX,
        request__family__isnull=False,
        kind=Decision.Kind.FAMILY_HELP,
        approval__in=[Decision.Approval.NOT_NEEDED, Decision.Approval.APPROVED],
    )
    assert decisions.exists()
    assert Episode.objects.filter(decision__in=decisions).count() == decisions.count()


def test_aisha_leads_cases_with_others_who_cannot_sign_in(county):
    aisha = User.objects.get(email=frontdoor.KEYWORKER_EMAIL)
    assert Episode.objects.filter(lead_professional=aisha, status="open").count() >= 5
    for email, _, _ in scene.KEYWORKERS:
        worker = User.objects.get(email=email)
        assert not worker.has_usable_password()
        assert not worker.role_assignments.exists()
    hannah = User.objects.get(email=frontdoor.PRACTITIONER_EMAIL)
    assert TeamAroundFamilyMember.objects.filter(user=hannah, episode__status="open").exists()


def test_step_ups_keep_the_keyworker_and_step_downs_bring_them_back(county):
    stepped_up = Episode.objects.filter(status="stepped_up")
    assert stepped_up.filter(lead_professional__isnull=True, co_worker__isnull=False).exists()
    down = EpisodeTransition.objects.filter(kind="stepped_down", episode__status="open")
    assert down.exists()
    for transition in down.select_related("episode"):
        up = transition.episode.transitions.get(kind="stepped_up")
        assert up.at < transition.at
        assert str(transition.episode.lead_professional_id) == transition.details["after"]


def test_some_cases_drift_for_every_reason(county):
    rules = drift.active_rules(TODAY)
    for rule in rules:
        assert drift.with_drift(Episode.objects.all(), [rule]).exists(), rule.code
    drifting = drift.with_drift(Episode.objects.all(), rules).values("pk")
    assert Episode.objects.filter(status="open").exclude(pk__in=drifting).exists()


def test_plans_reviews_notes_and_audits_are_there(county):
    assert Action.objects.filter(status="not_started", due_on__lt=TODAY).exists()
    assert CaseNote.objects.filter(significant=True).exists()
    assert CaseNote.objects.filter(child_seen_alone=True).exists()
    assert Review.objects.filter(progress__isnull=False).exists()
    statuses = set(CaseAudit.objects.values_list("status", flat=True))
    assert {"completed", "responded", "moderated"} <= statuses
    completed = CaseAudit.objects.exclude(status="assigned")
    assert all(audit.answers.exists() and audit.grade for audit in completed)


def test_the_records_keep_the_invariants_the_services_keep(county):
    for episode in Episode.objects.all():
        episode.full_clean(validate_constraints=True)
        if episode.status == "open":
            assert episode.lead_professional_id and episode.allocated_at
    # Last contact is the latest note with someone seen.
    latest = (
        CaseNote.objects.filter(people_seen__isnull=False)
        .values("episode")
        .annotate(last=Max("happened_at"))
    )
    for row in latest:
        assert Episode.objects.get(pk=row["episode"]).last_contact_at == row["last"]
    # Each plan has its version; no chronology source appears twice.
    assert Plan.objects.count() == PlanVersion.objects.count()
    duplicates = (
        ChronologyEntry.objects.values("source_type", "source_id", "kind")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not duplicates.exists()
    # A note's chronology entry is where the note is.
    for entry in ChronologyEntry.objects.filter(kind="note")[:20]:
        note = CaseNote.objects.get(pk=entry.source_id)
        assert entry.episode_id == note.episode_id and entry.at == note.happened_at
    # No family has two episodes running at once.
    running = (
        Episode.objects.filter(status__in=Episode.OPEN_STATUSES)
        .values("family")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not running.exists()


def test_the_same_seed_gives_the_same_scene_quickly_and_loading_again_replaces_it(county):
    first = _snapshot()
    started = time.monotonic()
    with time_machine.travel(NOW, tick=False):
        scene.demo_casework_ensure(seed=2026, today=TODAY)
    took = time.monotonic() - started
    print(f"demo_casework_ensure: {took:.1f} s for {Episode.objects.count()} episodes")  # noqa: T201
    assert _snapshot() == first
    assert took < 20, took
    # The front door scene under it can be replaced too.
    with time_machine.travel(NOW, tick=False):
        frontdoor.demo_frontdoor_ensure(seed=2026, today=TODAY)
    assert not Episode.objects.exists()
    with time_machine.travel(NOW, tick=False):
        scene.demo_casework_ensure(seed=2026, today=TODAY)
    assert _snapshot() == first


def test_nothing_in_the_scene_happened_after_the_moment_it_was_loaded(county):
    latest = [
        Episode.objects.aggregate(at=Max("created_at"))["at"],
        Episode.objects.aggregate(at=Max("allocated_at"))["at"],
        Episode.objects.aggregate(at=Max("closed_at"))["at"],
        Plan.objects.aggregate(at=Max("updated_at"))["at"],
        PlanVersion.objects.aggregate(at=Max("created_at"))["at"],
        CaseNote.objects.aggregate(at=Max("happened_at"))["at"],
        ChronologyEntry.objects.aggregate(at=Max("at"))["at"],
        EpisodeTransition.objects.aggregate(at=Max("at"))["at"],
    ]
    assert all(at is None or at <= NOW for at in latest), latest
    assert Review.objects.aggregate(on=Max("held_on"))["on"] <= TODAY
