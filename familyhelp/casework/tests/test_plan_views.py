"""The plan's pages: who may open them, what they show, the PDF, and bad input."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from familyhelp.accounts.testing import sign_in
from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.audit.models import AuditEvent
from familyhelp.casework import plan_pdf, presenters_plan, selectors_plan
from familyhelp.casework.models import Action, EpisodePerson, Goal, Plan, PlanVersion
from familyhelp.casework.services import plan as service
from familyhelp.casework.tests.factories import EpisodeFactory, TeamAroundFamilyMemberFactory
from familyhelp.core.fonts.testing import pdf_text
from familyhelp.families.models import Person

pytestmark = pytest.mark.django_db

NEXT_WEEK = timezone.localdate() + datetime.timedelta(days=7)
UNICODE_NAME = ("Zoë", "Wiśniewska 李")


def planned(goals=1, actions=1):
    episode = EpisodeFactory()
    lead = episode.lead_professional
    service.plan_start(actor=lead, episode=episode)
    for n in range(goals):
        goal = service.goal_add(
            actor=lead, episode=episode, revision=_rev(episode), text=f"Goal {n + 1}"
        )
        for m in range(actions):
            service.action_add(
                actor=lead,
                episode=episode,
                goal_id=goal.pk,
                revision=_rev(episode),
                text=f"Action {n + 1}.{m + 1}",
                owner=lead,
                due_on=NEXT_WEEK,
            )
    return episode


def _rev(episode):
    return Plan.objects.get(episode=episode).revision


def _url(name, episode, **kwargs):
    return reverse(f"casework:{name}", kwargs={"pk": episode.pk, **kwargs})


def test_the_lead_starts_the_plan_and_adds_a_goal(client):
    episode = EpisodeFactory()
    sign_in(client, episode.lead_professional)
    page = client.get(_url("plan", episode)).content.decode()
    assert "This episode has no plan yet." in page and "Start the plan" in page
    response = client.post(_url("plan-start", episode))
    assert response.status_code == 302
    response = client.post(
        _url("plan-goal-add", episode),
        {"text": "Sam gets to school on time", "family_words": "No more shouting", "revision": 1},
    )
    assert response.status_code == 302
    page = client.get(_url("plan", episode)).content.decode()
    assert 'Goal 1: <span class="app-break-word">Sam gets to school on time</span>' in page
    assert "What the family said: No more shouting" in page


def test_a_missing_goal_shows_the_error_and_saves_nothing(client):
    episode = planned(goals=0)
    sign_in(client, episode.lead_professional)
    response = client.post(_url("plan-goal-add", episode), {"text": "  ", "revision": 1})
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Error: Add a goal" in page
    assert service.GOAL_REQUIRED in page
    assert not Goal.objects.exists()


def test_a_stale_page_is_refused_with_who_changed_it(client):
    episode = planned(goals=1, actions=0)
    sign_in(client, episode.lead_professional)
    response = client.post(_url("plan-goal-add", episode), {"text": "Another", "revision": 1})
    assert response.status_code == 400
    assert "changed the plan at" in response.content.decode()
    assert Goal.objects.count() == 1


def test_an_owner_outside_the_team_is_refused_with_a_clear_message(client):
    episode = planned(goals=1, actions=0)
    goal = Goal.objects.get()
    member = TeamAroundFamilyMemberFactory(episode=episode).user
    sign_in(client, episode.lead_professional)
    page = client.get(_url("plan-action-add", episode, goal_pk=goal.pk)).content.decode()
    assert member.full_name in page
    stranger = UserFactory(full_name="Stella Stranger")
    response = client.post(
        _url("plan-action-add", episode, goal_pk=goal.pk),
        {
            "text": "Call school",
            "owner": str(stranger.pk),
            "due_on-day": NEXT_WEEK.day,
            "due_on-month": NEXT_WEEK.month,
            "due_on-year": NEXT_WEEK.year,
            "revision": _rev(episode),
        },
    )
    assert response.status_code == 400
    assert service.OWNER_REQUIRED in response.content.decode()
    assert not Action.objects.exists()
    # Someone in the team around the family may own it
    response = client.post(
        _url("plan-action-add", episode, goal_pk=goal.pk),
        {
            "text": "Call school",
            "owner": str(member.pk),
            "due_on-day": NEXT_WEEK.day,
            "due_on-month": NEXT_WEEK.month,
            "due_on-year": NEXT_WEEK.year,
            "revision": _rev(episode),
        },
    )
    assert response.status_code == 302
    assert Action.objects.get().owner == member


def test_the_plan_page_reads_in_constant_queries(client, django_assert_max_num_queries):
    small = planned(goals=1, actions=1)
    sign_in(client, small.lead_professional)
    with django_assert_max_num_queries(40) as one:
        assert client.get(_url("plan", small)).status_code == 200
    big = planned(goals=4, actions=3)
    sign_in(client, big.lead_professional)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(_url("plan", big)).content.decode()
    assert "Action 4.3" in page


def test_the_history_lists_every_version_and_shows_any_one(client, django_assert_max_num_queries):
    episode = planned(goals=2, actions=1)
    sign_in(client, episode.lead_professional)
    with django_assert_max_num_queries(40):
        page = client.get(_url("plan-history", episode)).content.decode()
    for number in range(1, 6):
        assert f"Version {number}</a>" in page
    assert "Goal added" in page and "Plan started" in page
    page = client.get(_url("plan-version", episode, number=2)).content.decode()
    assert "Goal 1" in page and "Goal 2" not in page
    assert client.get(_url("plan-version", episode, number=99)).status_code == 404


def test_someone_in_the_team_around_the_family_reads_but_cannot_change_the_plan(client):
    episode = planned()
    member = TeamAroundFamilyMemberFactory(episode=episode).user
    sign_in(client, member)
    page = client.get(_url("plan", episode)).content.decode()
    assert "Goal 1" in page and "Add a goal" not in page
    assert client.get(_url("plan-goal-add", episode)).status_code == 404
    assert client.post(
        _url("plan-goal-add", episode), {"text": "x", "revision": 3}
    ).status_code == (404)
    assert AuditEvent.objects.filter(actor=member, values__refused=True).exists()
    assert Goal.objects.count() == 1


def test_an_actions_owner_updates_its_status_and_others_cannot(client):
    episode = planned(goals=1, actions=0)
    member = TeamAroundFamilyMemberFactory(episode=episode).user
    other = TeamAroundFamilyMemberFactory(episode=episode).user
    action = service.action_add(
        actor=episode.lead_professional,
        episode=episode,
        goal_id=Goal.objects.get().pk,
        revision=_rev(episode),
        text="Call school",
        owner=member,
        due_on=NEXT_WEEK,
    )
    sign_in(client, other)
    assert client.get(_url("plan-action-status", episode, action_pk=action.pk)).status_code == 404
    assert AuditEvent.objects.filter(actor=other, values__refused=True).exists()
    client.logout()
    sign_in(client, member)
    assert "Update" in client.get(_url("plan", episode)).content.decode()
    response = client.post(
        _url("plan-action-status", episode, action_pk=action.pk),
        {"status": "in_progress", "revision": _rev(episode)},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.IN_PROGRESS
    assert PlanVersion.objects.filter(created_by=member, summary="action in progress").exists()


@pytest.mark.parametrize(
    "name", ["plan", "plan-history", "plan-print", "plan-pdf", "plan-goal-add", "plan-words"]
)
def test_outsiders_get_page_not_found_and_are_audited(client, name):
    episode = planned()
    outsider = UserFactory(roles=["family-keyworker"])
    sign_in(client, outsider)
    assert client.get(_url(name, episode)).status_code == 404
    assert AuditEvent.objects.filter(
        actor=outsider, record_id=str(episode.pk), values__refused=True
    ).exists()


def test_the_print_page_and_pdf_show_the_plan(client):
    episode = planned()
    sign_in(client, episode.lead_professional)
    page = client.get(_url("plan-print", episode)).content.decode()
    assert "Goal 1" in page and "Action 1.1" in page
    assert "govuk-header" not in page
    before = AuditEvent.objects.filter(action="view", record_id=str(episode.pk)).count()
    response = client.get(_url("plan-pdf", episode))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="view", record_id=str(episode.pk)).count() == before + 1


def test_the_pdf_sets_names_in_any_script():
    episode = planned()
    child = EpisodePerson.objects.get(episode=episode).person_id
    Person.objects.filter(pk=child).update(given_names=UNICODE_NAME[0], family_name=UNICODE_NAME[1])
    plan = Plan.objects.get(episode=episode)
    content = plan_pdf.plan_pdf(
        episode=episode,
        children=selectors_plan.episode_children(episode),
        view=presenters_plan.plan_view(service.plan_document(plan)),
        changed="Kim on 1 March 2026 at 10:00am",
        compress=False,
    )
    text = pdf_text(content)
    assert "For Zoë Wiśniewska 李" in text
    assert "Goal 1: Goal 1" in text
    assert "Action 1.1" in text


def test_the_lead_adds_a_need_writes_the_familys_words_and_marks_a_goal_met(client):
    episode = planned(goals=1, actions=0)
    goal = Goal.objects.get()
    sign_in(client, episode.lead_professional)
    response = client.post(
        _url("plan-need-add", episode),
        {"domain": "parenting", "text": "Mum would like help with routines", "revision": 2},
    )
    assert response.status_code == 302
    response = client.post(
        _url("plan-words", episode), {"family_words": "We want calm mornings", "revision": 3}
    )
    assert response.status_code == 302
    page = client.get(_url("plan-goal", episode, goal_pk=goal.pk)).content.decode()
    assert "Goal 1" in page
    response = client.post(
        _url("plan-goal", episode, goal_pk=goal.pk),
        {"text": "Goal 1", "family_words": "", "status": "met", "revision": 4},
    )
    assert response.status_code == 302
    page = client.get(_url("plan", episode)).content.decode()
    assert "Parenting capacity" in page and "Mum would like help with routines" in page
    assert "We want calm mornings" in page
    assert "Status: <strong>Met</strong>" in page
    assert list(
        PlanVersion.objects.filter(plan__episode=episode)
        .order_by("number")
        .values_list("summary", flat=True)
    )[-3:] == ["need added", "the family’s words", "goal changed (met)"]
