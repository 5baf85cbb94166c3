"""Administrators see and unlink the organisation accounts that sign a person in."""

import pytest
from django.urls import reverse

from familyhelp.accounts.models import ExternalIdentity
from familyhelp.accounts.sso.matching import (
    ALREADY_UNLINKED,
    NOT_ALLOWED_TO_UNLINK,
    SsoError,
    external_identity_unlink,
)
from familyhelp.accounts.testing import sign_in as signed_in
from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.audit.models import AuditEvent

PROVIDERS = {
    "wessex-entra": {
        "name": "Wessex Vale Council (Microsoft Entra ID)",
        "agency": "Wessex Vale Council",
        "issuer": "https://login.microsoftonline.com/tenant/v2.0",
        "client_id": "client",
        "client_secret": "secret",
    }
}


@pytest.fixture(autouse=True)
def configured(settings):
    settings.OIDC_PROVIDERS = PROVIDERS


@pytest.fixture
def linked(council):
    person = UserFactory(full_name="Ali Khan", agency=council)
    identity = ExternalIdentity.objects.create(
        user=person, provider="wessex-entra", subject="entra-subject-1"
    )
    return person, identity


def test_an_administrator_sees_a_persons_linked_accounts(client, council_admin, linked):
    person, _ = linked

    page = signed_in(client, council_admin).get(
        reverse("accounts:sso-identities", args=[person.pk])
    )

    assert page.status_code == 200
    text = page.content.decode()
    assert "Organisation accounts" in text
    assert "Wessex Vale Council (Microsoft Entra ID)" in text
    assert "entra-subject-1" not in text


def test_an_administrator_unlinks_an_account(client, council_admin, linked):
    person, identity = linked
    url = reverse("accounts:sso-unlink", args=[person.pk, identity.pk])
    client = signed_in(client, council_admin)
    assert "Are you sure you want to unlink Ali Khan" in client.get(url).content.decode()

    response = client.post(url, follow=True)

    assert not ExternalIdentity.objects.filter(pk=identity.pk).exists()
    assert (
        "Ali Khan&#39;s Wessex Vale Council (Microsoft Entra ID) account is no longer linked"
        in (response.content.decode())
    )
    event = AuditEvent.objects.get(action="delete", record_type="accounts.externalidentity")
    assert event.actor == council_admin
    assert event.record_id == str(identity.pk)
    assert event.values == {"provider": "wessex-entra", "user": str(person.pk)}


def test_an_administrator_of_another_agency_gets_not_found(client, school, linked):
    person, identity = linked
    school_admin = UserFactory(agency=school, roles=["agency-administrator"])
    client = signed_in(client, school_admin)

    listing = client.get(reverse("accounts:sso-identities", args=[person.pk]))
    unlinking = client.post(reverse("accounts:sso-unlink", args=[person.pk, identity.pk]))

    assert (listing.status_code, unlinking.status_code) == (404, 404)
    assert ExternalIdentity.objects.filter(pk=identity.pk).exists()


def test_someone_who_is_not_an_administrator_gets_not_found(client, council, linked):
    person, identity = linked
    colleague = UserFactory(agency=council, roles=["practitioner"])

    response = signed_in(client, colleague).post(
        reverse("accounts:sso-unlink", args=[person.pk, identity.pk])
    )

    assert response.status_code == 404
    assert ExternalIdentity.objects.filter(pk=identity.pk).exists()


def test_another_persons_link_cannot_be_reached_through_this_person(
    client, council_admin, council, linked
):
    _, identity = linked
    someone_else = UserFactory(agency=council)

    response = signed_in(client, council_admin).post(
        reverse("accounts:sso-unlink", args=[someone_else.pk, identity.pk])
    )

    assert response.status_code == 404
    assert ExternalIdentity.objects.filter(pk=identity.pk).exists()


def test_the_service_refuses_and_changes_nothing(council, linked):
    person, identity = linked
    colleague = UserFactory(agency=council, roles=["practitioner"])

    with pytest.raises(SsoError, match=NOT_ALLOWED_TO_UNLINK):
        external_identity_unlink(actor=colleague, identity_id=identity.pk, person=person)

    assert ExternalIdentity.objects.filter(pk=identity.pk).exists()
    [refused] = AuditEvent.objects.filter(action="delete")
    assert (refused.actor, refused.record_type, refused.record_id, refused.values) == (
        colleague,
        "accounts.externalidentity",
        str(identity.pk),
        {"refused": "not_permitted", "user": str(person.pk)},
    )


def test_unlinking_twice_says_nothing_changed(council_admin, linked):
    person, identity = linked
    external_identity_unlink(actor=council_admin, identity_id=identity.pk, person=person)

    with pytest.raises(SsoError, match=ALREADY_UNLINKED):
        external_identity_unlink(actor=council_admin, identity_id=identity.pk, person=person)

    assert AuditEvent.objects.filter(action="delete").count() == 1


def test_without_links_the_page_says_how_linking_happens(client, council_admin, council):
    person = UserFactory(agency=council)

    page = signed_in(client, council_admin).get(
        reverse("accounts:sso-identities", args=[person.pk])
    )

    assert "has not signed in with an organisation account" in page.content.decode()
