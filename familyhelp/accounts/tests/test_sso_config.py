"""Single sign-on settings, the sign-in page's options, matching rules and ID token checks.

The round trip through a real provider is in test_sso.py; these need no provider.
"""

import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import authenticate
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.test import RequestFactory
from django.urls import reverse

from familyhelp.accounts.models import ExternalIdentity
from familyhelp.accounts.sso.backend import ProviderOIDCBackend
from familyhelp.accounts.sso.matching import sso_match_person
from familyhelp.accounts.sso.providers import (
    Endpoints,
    client_settings,
    endpoints,
    provider_get,
    providers,
)
from familyhelp.accounts.sso.refusals import Refusal, SsoRefused
from familyhelp.accounts.tests.factories import AgencyFactory, UserFactory

ENTRA = {
    "name": "Wessex Vale Council (Microsoft Entra ID)",
    "agency": "Wessex Vale Council",
    "issuer": "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0",
    "client_id": "11111111-1111-1111-1111-111111111111",
    "client_secret": "a-client-secret-value",
    "scopes": ["openid", "email", "profile"],
    "mfa_at_provider": True,
    "email_verified_claim": "xms_edov",
    "use_userinfo": False,
}
EXPLICIT = {
    "name": "Vale Health (Keycloak)",
    "agency": "Vale Health",
    "client_id": "family-help",
    "client_secret": "another-secret",
    "authorization_endpoint": "https://id.valehealth.example/auth",
    "token_endpoint": "https://id.valehealth.example/token",
    "userinfo_endpoint": "https://id.valehealth.example/userinfo",
    "jwks_uri": "https://id.valehealth.example/certs",
}


def test_providers_are_read_from_the_setting(settings):
    settings.OIDC_PROVIDERS = {"wessex-entra": ENTRA, "vale-health": EXPLICIT}

    found = providers()

    entra = found["wessex-entra"]
    assert entra.scopes == "openid email profile"
    assert entra.mfa_at_provider is True
    assert entra.discovery_document_url == ENTRA["issuer"] + "/.well-known/openid-configuration"
    assert found["vale-health"].mfa_at_provider is False
    assert found["vale-health"].scopes == "openid email"
    assert provider_get("no-such-provider") is None


def test_explicit_endpoints_need_no_discovery(settings):
    settings.OIDC_PROVIDERS = {"vale-health": EXPLICIT}

    found = endpoints(provider_get("vale-health"))

    assert found.token_endpoint == EXPLICIT["token_endpoint"]
    assert found.jwks_uri == EXPLICIT["jwks_uri"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"client_id": ""}, "OIDC_PROVIDERS['broken'] needs client_id."),
        ({"agency": None}, "OIDC_PROVIDERS['broken'] needs agency."),
        ({"issuer": ""}, "needs issuer, discovery_url, or every endpoint"),
        ({"scopes": "email profile"}, "scopes must include openid"),
        ({"sign_algorithm": "HS256"}, "sign_algorithm must be one of RS256"),
        ({"token_auth_method": "private_key_jwt"}, "token_auth_method must be one of"),
        ({"tenant": "x"}, "has unknown keys: tenant."),
    ],
)
def test_a_misconfigured_provider_is_named_without_its_secret(settings, change, message):
    settings.OIDC_PROVIDERS = {"broken": {**ENTRA, **change}}

    with pytest.raises(ImproperlyConfigured) as refused:
        providers()

    assert message in str(refused.value)
    assert ENTRA["client_secret"] not in str(refused.value)


def test_the_client_secret_is_not_in_the_providers_repr(settings):
    settings.OIDC_PROVIDERS = {"wessex-entra": ENTRA}

    assert ENTRA["client_secret"] not in repr(provider_get("wessex-entra"))


def test_the_sign_in_page_offers_each_provider_and_keeps_the_next_page(client, settings):
    settings.OIDC_PROVIDERS = {"wessex-entra": ENTRA, "vale-health": EXPLICIT}

    page = client.get(reverse("accounts:sign-in"), {"next": "/account/?x=1&y=2"}).content.decode()

    assert "Sign in with your organisation's account" in page
    assert "Sign in with Wessex Vale Council (Microsoft Entra ID)" in page
    assert "Sign in with Vale Health (Keycloak)" in page
    start = reverse("accounts:sso-start", args=["wessex-entra"])
    assert f'href="{start}?next=/account/%3Fx%3D1%26y%3D2"' in page


def test_without_providers_the_sign_in_page_offers_none(client, settings):
    settings.OIDC_PROVIDERS = {}

    page = client.get(reverse("accounts:sign-in")).content.decode()

    assert "Sign in with your organisation" not in page


def test_the_problem_page_without_a_problem_goes_to_sign_in(client):
    response = client.get(reverse("accounts:sso-refused"))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:sign-in")


def test_the_backend_ignores_a_password_sign_in(db, settings):
    person = UserFactory(password="long enough passphrase")
    request = RequestFactory().post("/sign-in/")

    backend = ProviderOIDCBackend()

    assert backend.authenticate(request, username=person.email, password="x") is None
    # The whole chain still signs people in with their password, through ModelBackend.
    signed_in = authenticate(request, username=person.email, password="long enough passphrase")
    assert signed_in == person
    assert signed_in.backend == "django.contrib.auth.backends.ModelBackend"


def test_the_backend_does_not_restore_a_deactivated_persons_session(db):
    person = UserFactory(is_active=False)

    assert ProviderOIDCBackend().get_user(person.pk) is None


# --- Matching rules ----------------------------------------------------------------------------


@pytest.fixture
def entra(settings, db):
    settings.OIDC_PROVIDERS = {"wessex-entra": ENTRA}
    AgencyFactory(name=ENTRA["agency"])
    return provider_get("wessex-entra")


def test_entras_verified_domain_claim_counts_as_a_verified_email(entra):
    person = UserFactory(email="ali@wessexvale.example", agency__name=ENTRA["agency"])

    match = sso_match_person(
        provider=entra, claims={"sub": "s1", "email": "Ali@WessexVale.example", "xms_edov": True}
    )

    assert (match.user, match.subject, match.identity) == (person, "s1", None)


@pytest.mark.parametrize("verified", [None, False, "false", "yes", 1])
def test_anything_but_true_is_not_verified(entra, verified):
    UserFactory(email="ali@wessexvale.example", agency__name=ENTRA["agency"])
    claims = {"sub": "s1", "email": "ali@wessexvale.example", "xms_edov": verified}

    with pytest.raises(SsoRefused) as refused:
        sso_match_person(provider=entra, claims=claims)

    assert refused.value.reason == Refusal.EMAIL_NOT_VERIFIED


def test_no_subject_is_refused(entra):
    with pytest.raises(SsoRefused) as refused:
        sso_match_person(provider=entra, claims={"email": "a@b.example", "xms_edov": True})

    assert refused.value.reason == Refusal.INVALID_TOKEN


def test_a_provider_naming_a_missing_agency_is_refused(settings, db):
    settings.OIDC_PROVIDERS = {"wessex-entra": {**ENTRA, "agency": "No Such Council"}}

    with pytest.raises(SsoRefused) as refused:
        sso_match_person(
            provider=provider_get("wessex-entra"),
            claims={"sub": "s1", "email": "a@b.example", "xms_edov": True},
        )

    assert refused.value.reason == Refusal.PROVIDER_MISCONFIGURED


def test_a_linked_subject_needs_no_email(entra):
    person = UserFactory(agency__name=ENTRA["agency"])
    identity = ExternalIdentity.objects.create(user=person, provider="wessex-entra", subject="s1")

    match = sso_match_person(provider=entra, claims={"sub": "s1"})

    assert (match.user, match.identity) == (person, identity)


# --- ID token checks ---------------------------------------------------------------------------


@pytest.fixture
def signing_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def backend_for(provider, signing_key):
    backend = ProviderOIDCBackend()
    backend.provider = provider
    backend.issuer = provider.issuer
    backend.provider_settings = {
        **client_settings(
            provider,
            Endpoints(
                authorization_endpoint="https://idp.example/authorize",
                token_endpoint="https://idp.example/token",
                userinfo_endpoint="",
                jwks_uri="https://idp.example/keys",
                issuer=provider.issuer,
            ),
        ),
        "OIDC_RP_IDP_SIGN_KEY": signing_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
    }
    for name in ("OIDC_RP_CLIENT_ID", "OIDC_RP_SIGN_ALGO", "OIDC_RP_IDP_SIGN_KEY"):
        setattr(backend, name, backend.provider_settings[name])
    return backend


def id_token(signing_key, **claims):
    now = int(time.time())
    payload = {
        "iss": ENTRA["issuer"],
        "aud": ENTRA["client_id"],
        "sub": "s1",
        "nonce": "n1",
        "iat": now,
        "exp": now + 300,
        **claims,
    }
    return jwt.encode(payload, signing_key, algorithm="RS256")


def test_a_good_id_token_verifies(entra, signing_key):
    payload = backend_for(entra, signing_key).verify_token(id_token(signing_key), nonce="n1")

    assert payload["sub"] == "s1"


@pytest.mark.parametrize(
    "claims",
    [
        {"aud": "another-client"},
        {"aud": [ENTRA["client_id"], "another-client"], "azp": "another-client"},
        {"iss": "https://login.microsoftonline.com/another-tenant/v2.0"},
        {"nonce": "not-the-nonce-we-sent"},
    ],
)
def test_an_id_token_for_someone_else_is_refused(entra, signing_key, claims):
    backend = backend_for(entra, signing_key)

    with pytest.raises(SuspiciousOperation):
        backend.verify_token(id_token(signing_key, **claims), nonce="n1")


def test_an_id_token_signed_by_another_key_is_refused(entra, signing_key):
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    backend = backend_for(entra, signing_key)

    with pytest.raises(SuspiciousOperation):
        backend.verify_token(id_token(other_key), nonce="n1")


def test_an_expired_id_token_is_refused(entra, signing_key):
    backend = backend_for(entra, signing_key)
    expired = id_token(signing_key, iat=int(time.time()) - 600, exp=int(time.time()) - 300)

    with pytest.raises(jwt.ExpiredSignatureError):
        backend.verify_token(expired, nonce="n1")


def test_a_mistake_in_the_providers_stops_the_system_checks(settings):
    from familyhelp.accounts.checks import sso_providers_are_configured

    settings.OIDC_PROVIDERS = {"council": {"name": "Council", "agency": "Wessex Vale Council"}}
    (error,) = sso_providers_are_configured()
    assert error.id == "accounts.E001"
    assert "OIDC_PROVIDERS['council'] needs client_id." in error.msg
    assert "secret" not in error.msg.lower()
    settings.OIDC_PROVIDERS = {}
    assert sso_providers_are_configured() == []
