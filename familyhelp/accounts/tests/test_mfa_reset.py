"""An administrator resets a person's second factor: they are signed out and set up again."""

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from familyhelp.accounts import mfa
from familyhelp.accounts.models import Role
from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.accounts.tests.test_mfa import (
    confirmed_device,
    recovery_codes_for,
    signed_in,
)
from familyhelp.audit.models import AuditEvent
from familyhelp.core.notifications.testing import outbox


@pytest.fixture
def keyworker(council):
    person = UserFactory(
        email="kim.keyworker@wessexvale.example",
        full_name="Kim Keyworker",
        agency=council,
        roles=["family-keyworker"],
    )
    confirmed_device(person)
    recovery_codes_for(person)
    return person


@pytest.fixture
def admin_client(council_admin):
    return signed_in(council_admin, verified_with=confirmed_device(council_admin))


def reset_url(person):
    return reverse("accounts:reset-second-factor", kwargs={"person_id": person.pk})


def second_factor_of(person):
    return (
        TOTPDevice.objects.filter(user=person).count(),
        StaticToken.objects.filter(device__user=person).count(),
    )


def reset_events(person):
    return list(
        AuditEvent.objects.filter(record_type="accounts.user", record_id=str(person.pk))
        .filter(values__second_factor__startswith="reset")
        .order_by("sequence")
    )


def test_the_confirmation_page_names_the_person_and_what_will_happen(admin_client, keyworker):
    page = admin_client.get(reset_url(keyworker)).content.decode()
    assert "Reset Kim Keyworker's second factor" in page
    assert "kim.keyworker@wessexvale.example" in page
    assert "Reset second factor" in page
    assert second_factor_of(keyworker) == (1, 2)


def test_an_administrator_resets_a_persons_second_factor(
    admin_client, council_admin, keyworker, django_capture_on_commit_callbacks
):
    keyworker_client = signed_in(keyworker, verified_with=TOTPDevice.objects.get(user=keyworker))
    keyworker_session = keyworker_client.session.session_key

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reset_url(keyworker))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Second factor reset" in page
    assert "signed out of 1 session" in page
    assert second_factor_of(keyworker) == (0, 0)
    assert not StaticDevice.objects.filter(user=keyworker).exists()
    assert not Session.objects.filter(session_key=keyworker_session).exists()
    [event] = reset_events(keyworker)
    assert event.actor == council_admin
    assert event.action == "change"
    assert event.fields_changed == ["second_factor"]
    assert event.values == {"second_factor": "reset", "sessions_ended": 1}
    [email] = outbox(to=keyworker.email, template="second_factor_reset")
    assert email.personalisation == {
        "name": "Kim",
        "reset_by": council_admin.get_full_name(),
        "service_name": "Family Help",
    }


def test_after_a_reset_the_person_sets_up_an_app_again_at_next_sign_in(admin_client, keyworker):
    admin_client.post(reset_url(keyworker))
    response = signed_in(keyworker).get(reverse("accounts:home"))
    assert response["Location"].startswith(reverse("accounts:second-factor-set-up"))


def test_a_system_administrator_resets_anyone(system_admin, keyworker):
    client = signed_in(system_admin, verified_with=confirmed_device(system_admin))
    assert client.post(reset_url(keyworker)).status_code == 200
    assert second_factor_of(keyworker) == (0, 0)


def test_an_administrator_of_another_agency_gets_not_found_and_it_is_audited(
    school, keyworker, django_capture_on_commit_callbacks
):
    other_admin = UserFactory(agency=school, roles=[Role.AGENCY_ADMINISTRATOR])
    client = signed_in(other_admin, verified_with=confirmed_device(other_admin))

    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(reset_url(keyworker)).status_code == 404
        assert client.post(reset_url(keyworker)).status_code == 404

    assert second_factor_of(keyworker) == (1, 2)
    assert outbox(template="second_factor_reset") == []
    [refusal] = reset_events(keyworker)
    assert refusal.actor == other_admin
    assert refusal.values == {"second_factor": "reset_refused", "why": "not_permitted"}
    assert refusal.fields_changed == []


def test_a_colleague_who_is_not_an_administrator_gets_not_found(council, keyworker):
    colleague = UserFactory(agency=council, roles=["practitioner"])
    client = signed_in(colleague, verified_with=confirmed_device(colleague))
    assert client.get(reset_url(keyworker)).status_code == 404
    assert client.post(reset_url(keyworker)).status_code == 404
    assert second_factor_of(keyworker) == (1, 2)


def test_an_unknown_person_is_not_found(admin_client, keyworker):
    url = reverse(
        "accounts:reset-second-factor", kwargs={"person_id": "00000000-0000-0000-0000-000000000000"}
    )
    assert admin_client.get(url).status_code == 404
    assert admin_client.post(url).status_code == 404


def test_an_administrator_cannot_reset_their_own_second_factor(admin_client, council_admin):
    page = admin_client.get(reset_url(council_admin)).content.decode()
    assert mfa.CANNOT_RESET_YOURSELF in page
    assert "<title>Error: " in page
    assert "Reset second factor</button>" not in page

    response = admin_client.post(reset_url(council_admin))

    assert mfa.CANNOT_RESET_YOURSELF in response.content.decode()
    assert second_factor_of(council_admin) == (1, 0)
    [refusal] = reset_events(council_admin)
    assert refusal.values == {"second_factor": "reset_refused", "why": "own_account"}


def test_resetting_someone_with_no_second_factor_says_there_is_nothing_to_do(admin_client, council):
    newcomer = UserFactory(agency=council, full_name="Nia New", roles=["practitioner"])
    response = admin_client.post(reset_url(newcomer))
    assert mfa.NOTHING_TO_RESET.format(person="Nia New") in response.content.decode()
    assert outbox(template="second_factor_reset") == []
    [refusal] = reset_events(newcomer)
    assert refusal.values == {"second_factor": "reset_refused", "why": "nothing_to_reset"}


def test_the_person_page_offers_a_reset_only_when_there_is_something_to_reset(
    admin_client, council, keyworker
):
    newcomer = UserFactory(agency=council, full_name="Nia New", roles=["practitioner"])
    person_page = reverse("accounts:person", kwargs={"person_id": newcomer.pk})

    assert reset_url(newcomer) not in admin_client.get(person_page).content.decode()
    person_page = reverse("accounts:person", kwargs={"person_id": keyworker.pk})
    assert reset_url(keyworker) in admin_client.get(person_page).content.decode()


def test_the_administrator_needs_their_own_second_factor_first(council_admin, keyworker):
    client = signed_in(council_admin)
    response = client.post(reset_url(keyworker))
    assert response["Location"].startswith(reverse("accounts:second-factor-set-up"))
    assert second_factor_of(keyworker) == (1, 2)


def test_the_reset_email_carries_no_secret(
    admin_client, keyworker, django_capture_on_commit_callbacks
):
    secret_key = TOTPDevice.objects.get(user=keyworker).key
    codes = list(StaticToken.objects.filter(device__user=keyworker).values_list("token", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reset_url(keyworker))
    [email] = outbox(template="second_factor_reset")
    text = str(email.personalisation)
    assert secret_key not in text
    assert not any(code in text for code in codes)


def test_the_reset_stands_when_the_email_cannot_be_sent(
    admin_client, keyworker, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def refuse(**kwargs):
        raise mfa.notifications.NotificationError("GOV.UK Notify is not answering")

    monkeypatch.setattr(mfa.notifications, "send_email", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reset_url(keyworker))
    assert response.status_code == 200
    assert second_factor_of(keyworker) == (0, 0)
    assert "Could not send the second factor reset email" in caplog.text
    assert keyworker.email not in caplog.text
