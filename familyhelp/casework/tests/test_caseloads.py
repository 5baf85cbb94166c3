"""Caseloads per worker and team, the drift page, reallocation and case work settings."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from familyhelp.accounts.testing import sign_in
from familyhelp.accounts.tests.factories import TeamFactory, UserFactory
from familyhelp.audit.models import AuditEvent
from familyhelp.casework import selectors_caseloads as selectors
from familyhelp.casework.forms_caseloads import CHOOSE_WORKER
from familyhelp.casework.models import CaseworkSettings, DriftRule, Episode, EpisodeTransition
from familyhelp.casework.presenters_caseloads import team_headline
from familyhelp.casework.services import settings as settings_service
from familyhelp.casework.tests.factories import EpisodeFactory, keyworker, manager
from familyhelp.families.tests.factories import PersonFactory
from familyhelp.frontdoor.tests.factories import level

pytestmark = pytest.mark.django_db

CASELOADS = reverse("casework:caseloads")
DRIFT = reverse("casework:drift")
SETTINGS = reverse("casework:settings")


def page(response) -> str:
    return response.content.decode()


def children(n):
    return [PersonFactory() for _ in range(n)]


@pytest.fixture
def team():
    """A team counted by hand: see test_caseloads_match_a_hand_count."""
    team = TeamFactory(name="Family Help North")
    boss = manager(team, full_name="Morgan Manager")
    ash = keyworker(team, full_name="Ash Able", fte=Decimal("1.00"))
    bo = keyworker(team, full_name="Bo Baker", fte=Decimal("0.50"))
    cy = keyworker(team, full_name="Cy Carter", fte=Decimal("0.80"))
    # Ash: levels 2, 3 and 4 (1 + 1.5 + 2 = 4.5), 4 children.
    EpisodeFactory(team=team, lead_professional=ash, level=level(2), children=children(1))
    EpisodeFactory(team=team, lead_professional=ash, level=level(3), children=children(2))
    EpisodeFactory(
        team=team,
        lead_professional=ash,
        level=level(4),
        children=children(1),
        status=Episode.Status.STEPPED_UP,
    )
    # Bo: one level 3 (1.5), 1 child; per FTE 3.
    EpisodeFactory(team=team, lead_professional=bo, level=level(3), children=children(1))
    # Not carried by anyone: waiting, and closed.
    EpisodeFactory(team=team, awaiting=True)
    EpisodeFactory(
        team=team,
        lead_professional=bo,
        status=Episode.Status.CLOSED,
        closed_at=timezone.now(),
        closure_reason=Episode.ClosureReason.NEEDS_MET,
    )
    # Ash's episode in another team the manager is not in: not counted here.
    EpisodeFactory(lead_professional=ash, level=level(4))
    team.people = {"boss": boss, "ash": ash, "bo": bo, "cy": cy}
    return team


def test_caseloads_match_a_hand_count(team):
    found = selectors.caseloads_get(actor=team.people["boss"])
    (load,) = found.teams
    workers = {w.user.full_name: w for w in load.workers}
    assert set(workers) == {"Ash Able", "Bo Baker", "Cy Carter"}
    ash, bo, cy = workers["Ash Able"], workers["Bo Baker"], workers["Cy Carter"]
    assert (ash.episodes, ash.children, ash.weighted, ash.weighted_per_fte) == (
        3,
        4,
        Decimal("4.5"),
        Decimal("4.50"),
    )
    assert (bo.episodes, bo.children, bo.weighted, bo.weighted_per_fte) == (
        1,
        1,
        Decimal("1.5"),
        Decimal("3.00"),
    )
    assert (cy.episodes, cy.weighted_per_fte) == (0, Decimal("0"))
    assert load.episodes == 4 and load.children == 5 and load.fte == Decimal("2.30")
    assert load.weighted == Decimal("6.0")
    # 6 / 2.3 = 2.61: only Cy is below the team's average.
    assert load.weighted_per_fte == Decimal("2.61")
    assert [w.has_capacity for w in (ash, bo, cy)] == [False, False, True]
    assert load.awaiting == 1
    assert team_headline(load) == "4 cases across 2.3 FTE: 1.7 per FTE"


def test_the_headline_reads_like_the_2018_report():
    # 48 full-time workers with 6 cases each and one with 3: 291 cases across 49 FTE.
    load = selectors.TeamLoad(TeamFactory.build(name="County"))
    for n in range(49):
        episodes = 3 if n == 0 else 6
        load.workers.append(
            selectors.WorkerLoad(UserFactory.build(), Decimal("1.00"), episodes=episodes)
        )
    assert load.episodes == 291 and load.fte == 49
    assert team_headline(load) == "291 cases across 49 FTE: 5.9 per FTE"


def test_the_weights_come_from_the_settings(team):
    found = CaseworkSettings.objects.get_or_create(pk=1)[0]
    found.level_weights = {"2": "1", "3": "3", "4": "2"}
    found.save()
    (load,) = selectors.caseloads_get(actor=team.people["boss"]).teams
    assert load.worker(team.people["bo"].pk).weighted == Decimal("3")


def test_the_manager_sees_the_page_with_the_figures_and_capacity(client, team):
    sign_in(client, team.people["boss"])
    response = client.get(CASELOADS)
    assert response.status_code == 200
    content = page(response)
    assert "4 cases across 2.3 FTE: 1.7 per FTE" in content
    assert "Ash Able" in content and "4.5" in content
    assert "Has capacity" in content
    assert reverse("casework:worker", args=[team.people["cy"].pk]) in content
    assert 'role="img"' in content  # the chart
    assert "below their team’s average" in content
    # The drifting count links to the drift list (markup, never shown as text).
    assert f'<a class="govuk-link" href="{reverse("casework:drift")}">' in content
    assert "&lt;a" not in content


def test_the_numbers_download_as_csv(client, team):
    sign_in(client, team.people["boss"])
    response = client.get(reverse("casework:caseloads-download", args=[team.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert "Worker,FTE,Open episodes,Children,Weighted caseload,Weighted per FTE,Capacity" in text
    assert "Ash Able,1,3,4,4.5,4.5,At or above average" in text
    assert "Team total,2.3,4,5,6,2.61," in text


def grow(team, n):
    worker = keyworker(team)
    for _ in range(n):
        EpisodeFactory(team=team, lead_professional=worker, level=level(3))
        EpisodeFactory(team=team, awaiting=True, created_at=timezone.now() - datetime.timedelta(60))


@pytest.mark.parametrize("url", [CASELOADS, DRIFT])
def test_the_pages_take_the_same_queries_however_many_episodes(client, team, url):
    grow(team, 1)  # something drifting (waiting too long) on both counts
    sign_in(client, team.people["boss"])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    grow(team, 8)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(many.captured_queries) <= 18


@pytest.mark.parametrize(
    "make_user",
    [
        lambda: UserFactory(roles=["practitioner"]),
        lambda: keyworker(TeamFactory()),
        lambda: UserFactory(roles=["system-administrator"]),
    ],
    ids=["practitioner", "keyworker", "administrator"],
)
def test_anyone_but_a_manager_gets_a_404_and_is_audited(client, team, make_user):
    outsider = make_user()
    sign_in(client, outsider)
    for url in (
        CASELOADS,
        DRIFT,
        reverse("casework:worker", args=[team.people["ash"].pk]),
        reverse("casework:caseloads-download", args=[team.pk]),
    ):
        assert client.get(url).status_code == 404
    assert (
        AuditEvent.objects.filter(
            actor=outsider, record_type=selectors.RECORD_TYPE, values__refused=selectors.REFUSED
        ).count()
        == 4
    )


def test_a_manager_of_another_team_sees_none_of_it(client, team):
    other = manager(TeamFactory(name="Family Help South"))
    sign_in(client, other)
    content = page(client.get(CASELOADS))
    assert "Ash Able" not in content and "Family Help North" not in content
    assert client.get(reverse("casework:caseloads-download", args=[team.pk])).status_code == 404
    assert client.get(reverse("casework:worker", args=[team.people["ash"].pk])).status_code == 404
    ash_episode = Episode.objects.filter(lead_professional=team.people["ash"], team=team).first()
    response = client.get(reverse("casework:reallocate", args=[ash_episode.pk]))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        actor=other, record_type="casework.episode", values__refused=True
    ).exists()


def test_the_drift_page_lists_each_episode_with_its_reasons(client, team):
    stuck = EpisodeFactory(
        team=team,
        lead_professional=team.people["bo"],
        allocated_at=timezone.now() - datetime.timedelta(days=90),
        next_review_due=timezone.localdate() - datetime.timedelta(days=3),
    )
    sign_in(client, team.people["boss"])
    content = page(client.get(DRIFT))
    assert stuck.reference in content
    assert "No contact for more than 20 working days" in content
    assert "Review overdue" in content
    assert reverse("casework:reallocate", args=[stuck.pk]) in content
    assert reverse("casework:episode", args=[stuck.pk]) in content
    assert "Family Help North: 1 episode drifting" in content


def test_the_worker_page_lists_their_episodes_to_reallocate(client, team):
    sign_in(client, team.people["boss"])
    content = page(client.get(reverse("casework:worker", args=[team.people["ash"].pk])))
    carried = Episode.objects.filter(team=team, lead_professional=team.people["ash"])
    assert carried.count() == 3
    for episode in carried:
        assert episode.reference in content
    open_one = carried.filter(status=Episode.Status.OPEN).first()
    assert reverse("casework:reallocate", args=[open_one.pk]) in content


def test_the_manager_reallocates_an_episode_and_it_is_audited(client, team):
    boss, ash, cy = team.people["boss"], team.people["ash"], team.people["cy"]
    episode = Episode.objects.filter(
        team=team, lead_professional=ash, status=Episode.Status.OPEN
    ).first()
    url = reverse("casework:reallocate", args=[episode.pk])
    sign_in(client, boss)
    form_page = page(client.get(url))
    assert "Cy Carter: 0 weighted per FTE (Has capacity)" in form_page
    response = client.post(
        url,
        {"lead_professional": str(cy.pk), "reason": "Balancing", "revision": episode.revision},
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.lead_professional == cy
    assert EpisodeTransition.objects.filter(
        episode=episode, kind=EpisodeTransition.Kind.REALLOCATED
    ).exists()
    assert AuditEvent.objects.filter(
        actor=boss, record_type="casework.episode", record_id=str(episode.pk), action="change"
    ).exists()
    assert "reallocated to Cy Carter" in page(client.get(CASELOADS))


def test_reallocating_to_someone_outside_the_team_changes_nothing(client, team):
    boss, ash = team.people["boss"], team.people["ash"]
    stranger = keyworker(TeamFactory())
    episode = Episode.objects.filter(
        team=team, lead_professional=ash, status=Episode.Status.OPEN
    ).first()
    sign_in(client, boss)
    url = reverse("casework:reallocate", args=[episode.pk])
    for choice in (str(stranger.pk), "", str(ash.pk)):
        response = client.post(url, {"lead_professional": choice, "revision": episode.revision})
        assert response.status_code == 400
        assert CHOOSE_WORKER in page(response)
        assert "<title>Error: " in page(response)
    episode.refresh_from_db()
    assert episode.lead_professional == ash


def test_a_stale_reallocation_is_refused(client, team):
    boss, ash, cy = team.people["boss"], team.people["ash"], team.people["cy"]
    episode = Episode.objects.filter(
        team=team, lead_professional=ash, status=Episode.Status.OPEN
    ).first()
    sign_in(client, boss)
    response = client.post(
        reverse("casework:reallocate", args=[episode.pk]),
        {"lead_professional": str(cy.pk), "revision": episode.revision - 1},
    )
    assert response.status_code == 409
    assert "Someone else changed this episode" in page(response)
    episode.refresh_from_db()
    assert episode.lead_professional == ash


# Settings ------------------------------------------------------------------------------------


@pytest.fixture
def administrator():
    return UserFactory(full_name="Alex Admin", roles=["system-administrator"])


def settings_answers(**changes):
    found = settings_service.casework_settings()
    data = {
        "review_interval_weeks": "8",
        "weight_1": "1",
        "weight_2": "1",
        "weight_3": "1.75",
        "weight_4": "2.5",
        "revision": str(found.revision),
    }
    for rule in DriftRule.objects.all():
        data[f"days_{rule.code}"] = str(rule.working_days)
        data[f"enabled_{rule.code}"] = "true"
    data["days_no_contact"] = "15"
    data.pop("enabled_actions_overdue")
    data.update(changes)
    return data


def test_an_administrator_changes_the_settings_and_it_is_audited(client, administrator):
    sign_in(client, administrator)
    assert client.get(SETTINGS).status_code == 200
    response = client.post(SETTINGS, settings_answers())
    assert response.status_code == 302
    found = CaseworkSettings.objects.get(pk=1)
    assert found.review_interval_weeks == 8
    assert settings_service.level_weights(found)[3] == Decimal("1.75")
    assert DriftRule.objects.get(code="no_contact").working_days == 15
    assert not DriftRule.objects.get(code="actions_overdue").enabled
    event = AuditEvent.objects.get(record_type=settings_service.RECORD_TYPE, action="change")
    assert event.actor == administrator
    assert "drift_rules" in event.fields_changed
    assert "Case work settings saved" in page(client.get(SETTINGS))


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"review_interval_weeks": "0"}, settings_service.INTERVAL_RANGE),
        ({"weight_3": "eleven"}, settings_service.WEIGHT_RANGE),
        ({"weight_3": "1.234"}, settings_service.WEIGHT_RANGE),
        ({"days_no_contact": "-1"}, settings_service.DRIFT_DAYS_RANGE),
        ({"days_no_contact": ""}, settings_service.DRIFT_DAYS_RANGE),
    ],
)
def test_bad_settings_are_refused_and_change_nothing(client, administrator, changes, message):
    sign_in(client, administrator)
    response = client.post(SETTINGS, settings_answers(**changes))
    assert response.status_code == 400
    assert message in page(response)
    assert DriftRule.objects.get(code="no_contact").working_days == 20
    assert settings_service.casework_settings().revision == 1


def test_a_stale_save_is_refused_and_says_who_saved(client, administrator):
    colleague = UserFactory(full_name="Chris Colleague", roles=["system-administrator"])
    stale = settings_answers()
    settings_service.casework_settings_update(
        actor=colleague,
        revision=1,
        review_interval_weeks=4,
        level_weights={},
        drift_rules={},
    )
    sign_in(client, administrator)
    response = client.post(SETTINGS, stale)
    assert response.status_code == 409
    assert "Chris Colleague changed the case work settings" in page(response)
    assert CaseworkSettings.objects.get(pk=1).review_interval_weeks == 4
    assert DriftRule.objects.get(code="no_contact").working_days == 20


def test_a_manager_may_not_change_the_settings(client, team):
    boss = team.people["boss"]
    sign_in(client, boss)
    assert client.get(SETTINGS).status_code == 404
    assert client.post(SETTINGS, settings_answers()).status_code == 404
    assert DriftRule.objects.get(code="no_contact").working_days == 20
    assert (
        AuditEvent.objects.filter(
            actor=boss,
            record_type=settings_service.RECORD_TYPE,
            values__refused=settings_service.REFUSED,
        ).count()
        == 2
    )


def test_an_episode_waiting_too_long_for_allocation_is_allocated_from_the_drift_page(client, team):
    waiting = EpisodeFactory(
        team=team, awaiting=True, created_at=timezone.now() - datetime.timedelta(days=60)
    )
    sign_in(client, team.people["boss"])
    content = page(client.get(DRIFT))
    assert waiting.reference in content
    assert "Waiting for allocation for more than 5 working days" in content
    assert reverse("casework:episode-allocate", args=[waiting.pk]) in content
    assert "no such element" not in content
