"""Signing in through an agency's OpenID Connect provider: start, callback, and refusal page."""

import logging
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from familyhelp.accounts import selectors
from familyhelp.accounts.sso import matching, providers
from familyhelp.accounts.sso.refusals import Refusal, SsoRefused
from familyhelp.core.formatting import long_date
from familyhelp.core.forms import GovukForm

logger = logging.getLogger(__name__)

REFUSAL_SESSION_KEY = "accounts.sso_refusal"

ASK_TO_BE_INVITED = (
    "There is no {service} account for the email address your {provider} account uses. "
    "Ask your administrator to invite you, using that email address."
)
DEACTIVATED = (
    "Your {service} account has been deactivated. Ask your administrator if you need it again."
)
EMAIL_NOT_VERIFIED = (
    "{provider} did not confirm that your email address is verified. Ask your administrator to "
    "check your account at {provider}."
)
NO_EMAIL = (
    "{provider} did not tell us your email address. Ask your administrator to check that "
    "{service} may read it."
)
LINKED_ELSEWHERE = (
    "Your {provider} account is linked to a different {service} account. Ask your "
    "administrator which account you should use."
)
TRY_AGAIN = (
    "The sign-in did not finish. This can happen if you went back in your browser, took a long "
    "time, or cancelled at {provider}. Try again."
)
UNAVAILABLE = "We cannot reach {provider} at the moment. Try again later."
MISCONFIGURED = (
    "Signing in with {provider} is not set up correctly. Tell your administrator, and sign in "
    "with your email address and password for now."
)
LOCKED_OUT = (
    "There have been too many attempts to sign in. Wait, then try again, or ask your "
    "administrator to unlock your account."
)

REFUSAL_MESSAGES = {
    Refusal.NO_ACCOUNT: ASK_TO_BE_INVITED,
    Refusal.NOT_INVITED: ASK_TO_BE_INVITED,
    Refusal.OTHER_AGENCY: ASK_TO_BE_INVITED,
    Refusal.DEACTIVATED: DEACTIVATED,
    Refusal.EMAIL_NOT_VERIFIED: EMAIL_NOT_VERIFIED,
    Refusal.NO_EMAIL: NO_EMAIL,
    Refusal.SUBJECT_LINKED_TO_OTHER_ACCOUNT: LINKED_ELSEWHERE,
    Refusal.ACCOUNT_LINKED_TO_OTHER_SUBJECT: LINKED_ELSEWHERE,
    Refusal.INVALID_STATE: TRY_AGAIN,
    Refusal.PROVIDER_ERROR: TRY_AGAIN,
    Refusal.INVALID_TOKEN: TRY_AGAIN,
    Refusal.PROVIDER_UNAVAILABLE: UNAVAILABLE,
    Refusal.PROVIDER_MISCONFIGURED: MISCONFIGURED,
    Refusal.LOCKED_OUT: LOCKED_OUT,
}
UNLINKED = (
    "{person}'s {provider} account is no longer linked. The next time they sign in with "
    "{provider}, it is linked again only if its verified email address matches this account."
)
UNKNOWN_PROVIDER_NAME = "your organisation's account"


class SsoStartView(OIDCAuthenticationRequestView):
    """Send the person to their agency's provider, remembering which one with the state."""

    def __init__(self, **kwargs):
        # The parent reads one global provider's settings here; ours is chosen from the URL.
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)
        self.provider_settings = {}

    def get_settings(self, attr, *args):
        if attr in self.provider_settings:
            return self.provider_settings[attr]
        return super().get_settings(attr, *args)

    def get(self, request, provider):
        chosen = providers.provider_get(provider)
        if chosen is None:
            raise Http404("No such sign-in provider.")
        try:
            found = providers.endpoints(chosen)
        except SsoRefused as refusal:
            return _refused(request, chosen.slug, refusal.reason)
        self.provider_settings = providers.client_settings(chosen, found)
        self.OIDC_OP_AUTH_ENDPOINT = found.authorization_endpoint
        self.OIDC_RP_CLIENT_ID = chosen.client_id
        response = super().get(request)
        state = parse_qs(urlsplit(response.url).query)["state"][0]
        request.session["oidc_states"][state][providers.STATE_PROVIDER_KEY] = chosen.slug
        request.session.modified = True
        return response


class SsoCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the person back: check the state, the tokens and the match."""

    def get(self, request):
        state = request.GET.get("state", "")
        states = request.session.get("oidc_states") or {}
        entry = states.pop(state, None) if state else None
        if entry is None:
            return _refused(request, "", Refusal.INVALID_STATE)
        # One use only: forget the state before the (slow) token exchange.
        request.session["oidc_states"] = states
        request.session.save()
        slug = entry.get(providers.STATE_PROVIDER_KEY, "")
        provider = providers.provider_get(slug)
        if provider is None:
            return _refused(request, slug, Refusal.PROVIDER_MISCONFIGURED)
        if request.GET.get("error") or not request.GET.get("code"):
            return _refused(request, slug, Refusal.PROVIDER_ERROR)
        # As the parent does: reload the session so parallel tabs' changes are not overwritten.
        request.session = request.session.__class__(request.session.session_key)
        try:
            user = auth.authenticate(
                request=request,
                oidc_provider=provider,
                nonce=entry.get("nonce"),
                code_verifier=entry.get("code_verifier"),
            )
        except SsoRefused as refusal:
            return _refused(request, slug, refusal.reason, user=refusal.user)
        match = getattr(request, "sso_match", None)
        if user is None or match is None:
            # django-axes refused before any backend ran: the person is locked out.
            return _refused(request, slug, Refusal.LOCKED_OUT)
        try:
            matching.sso_sign_in_record(request=request, provider=provider, match=match)
        except SsoRefused as refusal:
            return _refused(request, slug, refusal.reason, user=refusal.user)
        self.user = user
        response = self.login_success()
        request.session.pop(REFUSAL_SESSION_KEY, None)
        matching.mark_second_factor(request, provider)
        return response


def sso_refused(request):
    """Why the last sign-in with a provider did not work, and what to do next."""
    refusal = request.session.get(REFUSAL_SESSION_KEY)
    if not refusal:
        return HttpResponseRedirect(_sign_in_url())
    provider = providers.provider_get(refusal.get("provider", ""))
    name = provider.name if provider else UNKNOWN_PROVIDER_NAME
    template = REFUSAL_MESSAGES.get(refusal.get("reason"), TRY_AGAIN)
    may_try_again = provider is not None and template in (TRY_AGAIN, UNAVAILABLE)
    context = {
        "provider_name": name,
        "message": template.format(provider=name, service=settings.SERVICE_NAME),
        "try_again_url": reverse("accounts:sso-start", args=[provider.slug])
        if may_try_again
        else None,
        "sign_in_url": _sign_in_url(),
    }
    return render(request, "accounts/sso/refused.html", context)


def _refused(request, slug, reason, user=None):
    matching.sso_refusal_record(request=request, provider_slug=slug, reason=reason, user=user)
    request.session[REFUSAL_SESSION_KEY] = {"provider": slug, "reason": reason}
    return HttpResponseRedirect(reverse("accounts:sso-refused"))


def _sign_in_url():
    return resolve_url("accounts:sign-in")


# --- Administrators: a person's linked accounts ------------------------------------------------


@login_required
def identities(request, person_id):
    """The accounts at agencies' providers that sign this person in."""
    person = _person_or_404(request, person_id)
    configured = providers.providers()
    rows = [
        {
            "provider_name": configured[identity.provider].name
            if identity.provider in configured
            else identity.provider,
            "linked_on": long_date(identity.created_at),
            "last_used": long_date(identity.last_used_at) if identity.last_used_at else "Never",
            "unlink_url": reverse("accounts:sso-unlink", args=[person.pk, identity.pk]),
        }
        for identity in matching.external_identity_list(person=person)
    ]
    return render(
        request,
        "accounts/sso/identities.html",
        {
            "person": person,
            "rows": rows,
            "person_url": reverse("accounts:person", args=[person.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unlink(request, person_id, identity_id):
    person = _person_or_404(request, person_id)
    identity = next(
        (i for i in matching.external_identity_list(person=person) if i.pk == identity_id), None
    )
    if identity is None:
        raise Http404("No such linked account")
    provider = providers.provider_get(identity.provider)
    provider_name = provider.name if provider else identity.provider
    form = GovukForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            matching.external_identity_unlink(
                actor=request.user, identity_id=identity.pk, person=person, request=request
            )
        except matching.SsoError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                UNLINKED.format(provider=provider_name, person=person),
            )
        return redirect("accounts:sso-identities", person_id=person.pk)
    return render(
        request,
        "accounts/sso/unlink.html",
        {
            "form": form,
            "person": person,
            "provider_name": provider_name,
            "back_url": reverse("accounts:sso-identities", args=[person.pk]),
        },
    )


def _person_or_404(request, person_id):
    person = selectors.person_get(actor=request.user, person_id=person_id, request=request)
    if person is None:
        raise Http404("No person with that id")
    return person
