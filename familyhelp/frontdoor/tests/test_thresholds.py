"""Threshold guidance and the front door's settings: who reads them, who edits them, stale saves."""

import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from familyhelp.accounts.testing import sign_in
from familyhelp.accounts.tests.factories import TeamFactory, UserFactory
from familyhelp.audit.models import AuditEvent
from familyhelp.frontdoor import selectors_thresholds
from familyhelp.frontdoor.models import Decision, FrontDoorSettings, ThresholdLevel
from familyhelp.frontdoor.services import thresholds as service
from familyhelp.frontdoor.services.common import front_door_settings
from familyhelp.frontdoor.tests.factories import front_door_officer, level

pytestmark = pytest.mark.django_db

GUIDANCE = reverse("frontdoor:thresholds")
SETTINGS = reverse("frontdoor:front-door-settings")


def edit_url(number):
    return reverse("frontdoor:threshold-level-edit", args=[number])


@pytest.fixture
def administrator():
    return UserFactory(full_name="Alex Admin", roles=["system-administrator"])


@pytest.fixture
def colleague():
    return UserFactory(full_name="Chris Colleague", roles=["system-administrator"])


def page(response) -> str:
    return response.content.decode()


def level_answers(**changes):
    data = {
        "name": "Early help",
        "summary": "Needs one agency or a little joined-up help can meet.",
        "descriptors": "  Worries about attendance \n\n Parents want advice on routines  \n",
        "revision": str(level(2).revision),
    }
    data.update(changes)
    return data


def refused_audited(user, record_type):
    return AuditEvent.objects.filter(
        actor=user, record_type=record_type, values__refused=service.REFUSED
    ).exists()


# Reading the guidance ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make_user",
    [
        lambda: UserFactory(roles=["practitioner"]),
        lambda: front_door_officer(),
        lambda: UserFactory(roles=["system-administrator"]),
    ],
    ids=["practitioner", "front door officer", "administrator"],
)
def test_people_who_ask_for_help_or_triage_read_the_levels(client, make_user):
    sign_in(client, make_user())
    response = client.get(GUIDANCE)
    assert response.status_code == 200
    content = page(response)
    for number in (1, 2, 3, 4):
        assert f"Level {number}: {level(number).name}" in content
    assert "<li>Parents need advice or a short piece of support" in content
    assert level(4).summary.replace("'", "&#39;") in content


def test_the_guidance_page_answers_in_a_constant_number_of_queries(
    client, administrator, django_assert_max_num_queries
):
    sign_in(client, administrator)
    client.get(GUIDANCE)
    with django_assert_max_num_queries(12):
        assert client.get(GUIDANCE).status_code == 200


def test_only_an_administrator_is_offered_the_change_links(client):
    sign_in(client, UserFactory(roles=["practitioner"]))
    assert edit_url(2) not in page(client.get(GUIDANCE))
    sign_in(client, UserFactory(roles=["system-administrator"]))
    assert edit_url(2) in page(client.get(GUIDANCE))


def test_anyone_else_gets_a_404_and_the_attempt_is_audited(client):
    outsider = UserFactory(roles=[])
    sign_in(client, outsider)
    assert client.get(GUIDANCE).status_code == 404
    assert refused_audited(outsider, service.LEVEL_RECORD_TYPE)


def test_signing_in_is_needed(client):
    response = client.get(GUIDANCE)
    assert response.status_code == 302
    assert reverse("accounts:sign-in") in response.url


def test_threshold_levels_reads_every_level_in_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        levels = selectors_thresholds.threshold_levels()
    assert [found.number for found in levels] == [1, 2, 3, 4]


def test_the_pages_are_on_your_account(client, administrator):
    sign_in(client, administrator)
    content = page(client.get(reverse("accounts:home")))
    assert GUIDANCE in content and SETTINGS in content
    sign_in(client, UserFactory(roles=["practitioner"]))
    content = page(client.get(reverse("accounts:home")))
    assert GUIDANCE in content and SETTINGS not in content


# Editing a level -----------------------------------------------------------------------------


def test_an_administrator_changes_a_level_and_it_is_audited(client, administrator):
    sign_in(client, administrator)
    form = client.get(edit_url(2))
    assert form.status_code == 200
    assert f'name="revision" value="{level(2).revision}"' in page(form)
    response = client.post(edit_url(2), level_answers(name="Early help (level 2)"))
    assert response.status_code == 302 and response.url == GUIDANCE
    changed = level(2)
    assert changed.name == "Early help (level 2)"
    assert changed.descriptors == "Worries about attendance\nParents want advice on routines"
    assert changed.revision == 2 and changed.updated_by == administrator
    guidance = page(client.get(response.url))
    assert "Level 2 saved" in guidance
    assert "<li>Parents want advice on routines</li>" in guidance
    assert "Last changed by Alex Admin" in guidance
    event = AuditEvent.objects.get(record_type=service.LEVEL_RECORD_TYPE, action="change")
    assert event.actor == administrator and event.record_id == str(changed.pk)
    assert set(event.fields_changed) == {"name", "summary", "descriptors"}


def test_a_stale_save_says_who_changed_the_level_and_when_and_saves_nothing(
    client, administrator, colleague
):
    opened = level(2).revision
    service.threshold_level_update(
        actor=colleague,
        number=2,
        revision=opened,
        name="Early support",
        summary="Their summary.",
        descriptors="Their descriptor",
    )
    sign_in(client, administrator)
    response = client.post(edit_url(2), level_answers(name="My name", revision=str(opened)))
    assert response.status_code == 409
    content = page(response)
    assert "<title>Error: " in content
    assert "Chris Colleague changed level 2 at" in content
    assert "Their descriptor" in content  # their version is shown
    assert 'value="My name"' in content  # and the administrator's own answers kept
    assert f'name="revision" value="{opened + 1}"' in content
    assert level(2).name == "Early support"
    assert not AuditEvent.objects.filter(actor=administrator, action="change").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": " "}, service.NAME_REQUIRED),
        ({"summary": ""}, service.SUMMARY_REQUIRED),
        ({"descriptors": " \n \n"}, service.DESCRIPTORS_REQUIRED),
        ({"name": "x" * 101}, service.NAME_TOO_LONG),
    ],
)
def test_bad_answers_are_refused_and_change_nothing(client, administrator, changes, message):
    before = level(2)
    sign_in(client, administrator)
    response = client.post(edit_url(2), level_answers(**changes))
    assert response.status_code == 400
    assert "There is a problem" in page(response)
    assert message in page(response)
    after = level(2)
    assert (after.name, after.revision) == (before.name, before.revision)


def test_only_an_administrator_edits_a_level(client):
    practitioner = UserFactory(roles=["practitioner"])
    sign_in(client, practitioner)
    assert client.get(edit_url(2)).status_code == 404
    assert client.post(edit_url(2), level_answers(name="Hacked")).status_code == 404
    assert level(2).name == "Early help"
    assert refused_audited(practitioner, service.LEVEL_RECORD_TYPE)


def test_the_service_refuses_anyone_else_too():
    practitioner = UserFactory(roles=["practitioner"])
    with pytest.raises(service.access.RecordNotFound):
        service.threshold_level_update(
            actor=practitioner, number=2, revision=1, name="x", summary="y", descriptors="z"
        )
    assert refused_audited(practitioner, service.LEVEL_RECORD_TYPE)


def test_a_level_that_does_not_exist_is_a_404(client, administrator):
    sign_in(client, administrator)
    assert client.get(edit_url(7)).status_code == 404
    assert ThresholdLevel.objects.count() == 4


# Front door settings -------------------------------------------------------------------------


def settings_answers(chosen, **changes):
    data = {
        "team": str(chosen.pk),
        "decisions_needing_approval": ["social_care", "no_further_action"],
        "decision_due_working_days": "2",
        "revision": str(front_door_settings().revision),
    }
    data.update(changes)
    return data


def test_an_administrator_chooses_the_team_approvals_and_working_days(client, administrator):
    team = TeamFactory(name="Vale Front Door")
    sign_in(client, administrator)
    form = client.get(SETTINGS)
    assert form.status_code == 200
    assert "Vale Front Door" in page(form)
    for label in Decision.Kind.labels:
        assert label.replace("’", "&#8217;") in page(form) or label in page(form)
    response = client.post(SETTINGS, settings_answers(team))
    assert response.status_code == 302
    saved = FrontDoorSettings.objects.get(pk=1)
    assert saved.team == team
    assert saved.decisions_needing_approval == ["social_care", "no_further_action"]
    assert saved.decision_due_working_days == 2
    assert saved.updated_by == administrator
    assert "Front door settings saved" in page(client.get(response.url))
    event = AuditEvent.objects.get(record_type=service.SETTINGS_RECORD_TYPE, action="change")
    assert event.actor == administrator
    assert "team" in event.fields_changed
    assert event.values["decision_due_working_days"] == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"decision_due_working_days": "0"}, service.WORKING_DAYS_RANGE),
        ({"decision_due_working_days": "11"}, service.WORKING_DAYS_RANGE),
        ({"decision_due_working_days": "one"}, service.WORKING_DAYS_RANGE),
        ({"team": ""}, service.TEAM_REQUIRED),
        ({"decisions_needing_approval": ["everything"]}, service.UNKNOWN_KIND),
    ],
)
def test_bad_settings_are_refused_and_change_nothing(client, administrator, changes, message):
    team = TeamFactory()
    before = front_door_settings()
    sign_in(client, administrator)
    response = client.post(SETTINGS, settings_answers(team, **changes))
    assert response.status_code == 400
    assert message in page(response)
    after = FrontDoorSettings.objects.get(pk=1)
    assert (after.team_id, after.revision) == (before.team_id, before.revision)


def test_a_stale_settings_save_says_who_and_saves_nothing(client, administrator, colleague):
    theirs, mine = TeamFactory(name="Their Team"), TeamFactory(name="My Team")
    opened = front_door_settings().revision
    service.front_door_settings_update(
        actor=colleague,
        revision=opened,
        team=theirs,
        decisions_needing_approval=[],
        decision_due_working_days=1,
    )
    sign_in(client, administrator)
    response = client.post(SETTINGS, settings_answers(mine, revision=str(opened)))
    assert response.status_code == 409
    assert "Chris Colleague changed the front door settings at" in page(response)
    assert FrontDoorSettings.objects.get(pk=1).team == theirs


def test_only_an_administrator_changes_the_settings(client):
    officer = front_door_officer()
    sign_in(client, officer)
    assert client.get(SETTINGS).status_code == 404
    team = TeamFactory()
    assert client.post(SETTINGS, settings_answers(team)).status_code == 404
    assert FrontDoorSettings.objects.get(pk=1).team != team
    assert refused_audited(officer, service.SETTINGS_RECORD_TYPE)


# Two administrators at once ------------------------------------------------------------------


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers with BEGIN IMMEDIATE"
)
@pytest.mark.django_db(transaction=True)
def test_two_administrators_saving_the_same_level_at_once_keep_exactly_one_save():
    administrators = [
        UserFactory(full_name=name, roles=["system-administrator"]) for name in ("Ann", "Bo")
    ]
    opened = level(3).revision
    start = threading.Barrier(2)
    saved, stale, failures = [], [], []

    def save(actor):
        try:
            start.wait()
            service.threshold_level_update(
                actor=actor,
                number=3,
                revision=opened,
                name=f"Saved by {actor.full_name}",
                summary="A summary.",
                descriptors="A descriptor",
            )
            saved.append(actor.full_name)
        except service.StaleEdit:
            stale.append(actor.full_name)
        except Exception as error:  # reported below; a thread's exception is otherwise lost
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(actor,)) for actor in administrators]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(saved) == 1 and len(stale) == 1
    assert level(3).name == f"Saved by {saved[0]}" and level(3).revision == opened + 1
    assert AuditEvent.objects.filter(record_type=service.LEVEL_RECORD_TYPE).count() == 1
