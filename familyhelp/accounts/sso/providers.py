"""Each agency's provider, from the OIDC_PROVIDERS setting, and its endpoints."""

import logging
import threading
import time
from dataclasses import dataclass, field

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from mozilla_django_oidc.utils import import_from_settings

from familyhelp.accounts.sso.refusals import Refusal, SsoRefused

logger = logging.getLogger(__name__)

# The provider slug is kept with each state, so the callback knows whose tokens to check.
STATE_PROVIDER_KEY = "provider"
DISCOVERY_CACHE_SECONDS = 3600
DEFAULT_TIMEOUT_SECONDS = 10
SIGN_ALGORITHMS = ("RS256", "RS384", "RS512", "ES256", "ES384", "ES512")
CLIENT_SECRET_BASIC = "client_secret_basic"  # noqa: S105 - a method's name
TOKEN_AUTH_METHODS = ("client_secret_post", CLIENT_SECRET_BASIC)
ENDPOINT_KEYS = {
    "authorization_endpoint": "authorization_endpoint",
    "token_endpoint": "token_endpoint",
    "userinfo_endpoint": "userinfo_endpoint",
    "jwks_uri": "jwks_uri",
}


@dataclass(frozen=True)
class OidcProvider:
    slug: str
    name: str
    agency: str
    client_id: str
    client_secret: str = field(repr=False)
    issuer: str = ""
    discovery_url: str = ""
    authorization_endpoint: str = ""
    token_endpoint: str = ""
    userinfo_endpoint: str = ""
    jwks_uri: str = ""
    scopes: str = "openid email"
    mfa_at_provider: bool = False
    # Microsoft Entra ID sends no email_verified for work accounts; its optional xms_edov
    # claim ("email domain owner verified") says the same thing.
    email_verified_claim: str = "email_verified"
    use_userinfo: bool = True
    sign_algorithm: str = "RS256"
    use_pkce: bool = True
    token_auth_method: str = "client_secret_post"  # noqa: S105 - a method's name

    @property
    def discovery_document_url(self):
        if self.discovery_url:
            return self.discovery_url
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    @property
    def needs_discovery(self):
        explicit = [self.authorization_endpoint, self.token_endpoint, self.jwks_uri]
        if self.use_userinfo:
            explicit.append(self.userinfo_endpoint)
        return not all(explicit)


@dataclass(frozen=True)
class Endpoints:
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    issuer: str


def providers() -> dict[str, OidcProvider]:
    """The providers configured in OIDC_PROVIDERS, checked; raises ImproperlyConfigured."""
    configured = getattr(settings, "OIDC_PROVIDERS", {}) or {}
    if not isinstance(configured, dict):
        raise ImproperlyConfigured("OIDC_PROVIDERS must be a JSON object of slug to provider.")
    return {slug: _provider_from(slug, options) for slug, options in configured.items()}


def provider_get(slug: str) -> OidcProvider | None:
    return providers().get(slug)


def _provider_from(slug, options) -> OidcProvider:
    where = f"OIDC_PROVIDERS[{slug!r}]"
    if not isinstance(options, dict):
        raise ImproperlyConfigured(f"{where} must be a JSON object.")
    known = set(OidcProvider.__dataclass_fields__) - {"slug"}
    unknown = sorted(set(options) - known - {"scope"})
    if unknown:
        raise ImproperlyConfigured(f"{where} has unknown keys: {', '.join(unknown)}.")
    for key in ("name", "agency", "client_id", "client_secret"):
        if not options.get(key):
            raise ImproperlyConfigured(f"{where} needs {key}.")
    values = dict(options)
    scopes = values.pop("scope", None) or values.get("scopes") or "openid email"
    if isinstance(scopes, list | tuple):
        scopes = " ".join(scopes)
    if "openid" not in scopes.split():
        raise ImproperlyConfigured(f"{where} scopes must include openid.")
    values["scopes"] = scopes
    provider = OidcProvider(slug=slug, **values)
    if not provider.issuer and not provider.discovery_url and provider.needs_discovery:
        raise ImproperlyConfigured(
            f"{where} needs issuer, discovery_url, or every endpoint "
            "(authorization_endpoint, token_endpoint, userinfo_endpoint, jwks_uri)."
        )
    if provider.sign_algorithm not in SIGN_ALGORITHMS:
        raise ImproperlyConfigured(
            f"{where} sign_algorithm must be one of {', '.join(SIGN_ALGORITHMS)}."
        )
    if provider.token_auth_method not in TOKEN_AUTH_METHODS:
        raise ImproperlyConfigured(
            f"{where} token_auth_method must be one of {', '.join(TOKEN_AUTH_METHODS)}."
        )
    return provider


_discovered: dict[str, tuple[float, dict]] = {}
_discovered_lock = threading.Lock()


def endpoints(provider: OidcProvider) -> Endpoints:
    """The provider's endpoints: as configured, else from its discovery document (cached).

    Raises SsoRefused(PROVIDER_UNAVAILABLE) when the document cannot be read, and
    SsoRefused(PROVIDER_MISCONFIGURED) when it names a different issuer.
    """
    document = {}
    if provider.needs_discovery:
        document = _discovery_document(provider)
        if provider.issuer and document.get("issuer") != provider.issuer:
            logger.error("SSO provider %s: discovery names a different issuer", provider.slug)
            raise SsoRefused(Refusal.PROVIDER_MISCONFIGURED)
    found = {
        name: getattr(provider, name) or document.get(key, "")
        for name, key in ENDPOINT_KEYS.items()
    }
    if not all(found[name] for name in ("authorization_endpoint", "token_endpoint", "jwks_uri")):
        logger.error("SSO provider %s: endpoints missing from discovery", provider.slug)
        raise SsoRefused(Refusal.PROVIDER_MISCONFIGURED)
    return Endpoints(issuer=provider.issuer or document.get("issuer", ""), **found)


def _discovery_document(provider: OidcProvider) -> dict:
    url = provider.discovery_document_url
    now = time.monotonic()
    with _discovered_lock:
        cached = _discovered.get(url)
        if cached and cached[0] > now:
            return cached[1]
    try:
        response = requests.get(url, timeout=_timeout())
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError):
        logger.warning("SSO provider %s: discovery document unavailable", provider.slug)
        raise SsoRefused(Refusal.PROVIDER_UNAVAILABLE) from None
    if not isinstance(document, dict):
        raise SsoRefused(Refusal.PROVIDER_MISCONFIGURED)
    with _discovered_lock:
        _discovered[url] = (now + DISCOVERY_CACHE_SECONDS, document)
    return document


def forget_discovery() -> None:
    """Drop cached discovery documents (tests, or after a provider moves)."""
    with _discovered_lock:
        _discovered.clear()


def _timeout():
    return import_from_settings("OIDC_TIMEOUT", DEFAULT_TIMEOUT_SECONDS)


def client_settings(provider: OidcProvider, found: Endpoints) -> dict:
    """mozilla-django-oidc's OIDC_* settings for one provider (read through get_settings)."""
    return {
        "OIDC_OP_AUTHORIZATION_ENDPOINT": found.authorization_endpoint,
        "OIDC_OP_TOKEN_ENDPOINT": found.token_endpoint,
        "OIDC_OP_USER_ENDPOINT": found.userinfo_endpoint,
        "OIDC_OP_JWKS_ENDPOINT": found.jwks_uri,
        "OIDC_RP_CLIENT_ID": provider.client_id,
        "OIDC_RP_CLIENT_SECRET": provider.client_secret,
        "OIDC_RP_SIGN_ALGO": provider.sign_algorithm,
        "OIDC_RP_IDP_SIGN_KEY": None,
        "OIDC_RP_SCOPES": provider.scopes,
        "OIDC_USE_NONCE": True,
        "OIDC_USE_PKCE": provider.use_pkce,
        "OIDC_TOKEN_USE_BASIC_AUTH": provider.token_auth_method == CLIENT_SECRET_BASIC,
        "OIDC_AUTHENTICATION_CALLBACK_URL": "accounts:sso-callback",
        "OIDC_CREATE_USER": False,
        "OIDC_STORE_ACCESS_TOKEN": False,
        "OIDC_STORE_ID_TOKEN": False,
        "OIDC_ALLOW_UNSECURED_JWT": False,
        "OIDC_TIMEOUT": _timeout(),
    }


def sign_in_options(request) -> dict:
    """Template context: a "Sign in with …" link for each provider, for the sign-in page."""
    try:
        configured = providers()
    except ImproperlyConfigured:
        logger.exception("OIDC_PROVIDERS is not valid; no single sign-on is offered")
        configured = {}
    return {
        "sso_providers": [
            {"name": provider.name, "url": reverse("accounts:sso-start", args=[slug])}
            for slug, provider in configured.items()
        ]
    }
