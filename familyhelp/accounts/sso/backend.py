"""mozilla-django-oidc's authentication backend, set up for the provider the person chose."""

import logging

import jwt
import requests
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from familyhelp.accounts.models import User
from familyhelp.accounts.sso.matching import sso_match_person
from familyhelp.accounts.sso.providers import OidcProvider, client_settings, endpoints
from familyhelp.accounts.sso.refusals import Refusal, SsoRefused

logger = logging.getLogger(__name__)


class ProviderOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, set up per call for the provider the person chose.

    It answers only `authenticate(request, oidc_provider=…)`, so password sign-in never reaches
    it. It never creates an account: a refusal raises SsoRefused for the callback view to
    record and explain.
    """

    def __init__(self, *args, **kwargs):
        # The parent reads one global provider from settings; ours are chosen per request.
        self.UserModel = User
        self.provider = None
        self.issuer = ""
        self.provider_settings = {}

    def get_settings(self, attr, *args):
        if attr in self.provider_settings:
            return self.provider_settings[attr]
        return import_from_settings(attr, *args)

    def authenticate(self, request, oidc_provider=None, **kwargs):
        if request is None or not isinstance(oidc_provider, OidcProvider):
            return None
        self.provider = oidc_provider
        found = endpoints(oidc_provider)
        self.issuer = found.issuer
        self.provider_settings = client_settings(oidc_provider, found)
        for name in (
            "OIDC_OP_TOKEN_ENDPOINT",
            "OIDC_OP_USER_ENDPOINT",
            "OIDC_OP_JWKS_ENDPOINT",
            "OIDC_RP_CLIENT_ID",
            "OIDC_RP_CLIENT_SECRET",
            "OIDC_RP_SIGN_ALGO",
            "OIDC_RP_IDP_SIGN_KEY",
        ):
            setattr(self, name, self.provider_settings[name])
        try:
            return super().authenticate(request, **kwargs)
        except requests.HTTPError as error:
            # A refused code or client (expired, reused, wrong secret): the provider said no.
            status = error.response.status_code if error.response is not None else None
            logger.warning(
                "SSO provider %s: token or userinfo answered %s", self.provider.slug, status
            )
            raise SsoRefused(Refusal.PROVIDER_ERROR) from None
        except requests.RequestException:
            logger.warning("SSO provider %s: token or userinfo request failed", self.provider.slug)
            raise SsoRefused(Refusal.PROVIDER_UNAVAILABLE) from None
        except (SuspiciousOperation, jwt.InvalidTokenError, KeyError, ValueError):
            logger.warning("SSO provider %s: its tokens did not verify", self.provider.slug)
            raise SsoRefused(Refusal.INVALID_TOKEN) from None

    def verify_token(self, token, **kwargs):
        """The parent checks the signature, expiry and nonce; we also check who it is for."""
        if not token:
            raise SuspiciousOperation("No ID token.")
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token is for another client.")
        if len(audiences) > 1 and payload.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("The ID token was issued to another party.")
        if self.issuer and payload.get("iss") != self.issuer:
            raise SuspiciousOperation("The ID token comes from another issuer.")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        if not self.provider.use_userinfo:
            return {}
        return super().get_userinfo(access_token, id_token, payload)

    def get_or_create_user(self, access_token, id_token, payload):
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if userinfo and str(userinfo.get("sub")) != str(payload.get("sub")):
            # OpenID Connect Core 5.3.2: a userinfo response for someone else is an attack.
            raise SsoRefused(Refusal.INVALID_TOKEN)
        match = sso_match_person(provider=self.provider, claims={**payload, **userinfo})
        self.request.sso_match = match
        return match.user

    def create_user(self, claims):
        raise SsoRefused(Refusal.NO_ACCOUNT)

    # Unlike the parent's, a deactivated person's session ends at their next request.
    get_user = ModelBackend.get_user
