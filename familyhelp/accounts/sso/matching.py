"""Matching a provider's claims to an invited account, and recording what happened."""

import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from familyhelp.accounts.models import Agency, ExternalIdentity, User
from familyhelp.accounts.services import USER_RECORD_TYPE
from familyhelp.accounts.sso.providers import OidcProvider
from familyhelp.accounts.sso.refusals import Refusal, SsoRefused
from familyhelp.audit.services import audit_record

logger = logging.getLogger(__name__)

# Set on the session when the provider is trusted to have asked for a second factor; the
# second-factor middleware then lets the person through without our one-time code.
MFA_SATISFIED_BY_SESSION_KEY = "accounts.mfa_satisfied_by"

IDENTITY_RECORD_TYPE = "accounts.externalidentity"


@dataclass(frozen=True)
class SsoMatch:
    user: User
    subject: str
    identity: ExternalIdentity | None


def sso_match_person(*, provider: OidcProvider, claims: dict) -> SsoMatch:
    """The account these verified claims belong to; raises SsoRefused. Never creates one.

    Once linked, the provider's subject decides; before that, only a verified email that
    belongs to an invited, active account in the provider's agency.
    """
    subject = str(claims.get("sub") or "")
    if not subject:
        raise SsoRefused(Refusal.INVALID_TOKEN)
    agency = Agency.objects.filter(name=provider.agency).first()
    if agency is None:
        logger.error("SSO provider %s names an agency that does not exist", provider.slug)
        raise SsoRefused(Refusal.PROVIDER_MISCONFIGURED)
    email = str(claims.get("email") or "").strip()
    verified = _is_true(claims.get(provider.email_verified_claim))
    by_email = _account_for_email(email) if email and verified else None

    identity = (
        ExternalIdentity.objects.select_related("user")
        .filter(provider=provider.slug, subject=subject)
        .first()
    )
    if identity is not None:
        user = identity.user
        if by_email is not None and by_email.pk != user.pk:
            raise SsoRefused(Refusal.SUBJECT_LINKED_TO_OTHER_ACCOUNT, user=user)
        _check_may_use(user, agency)
        return SsoMatch(user=user, subject=subject, identity=identity)

    if not email:
        raise SsoRefused(Refusal.NO_EMAIL)
    if not verified:
        raise SsoRefused(Refusal.EMAIL_NOT_VERIFIED)
    if by_email is None:
        raise SsoRefused(Refusal.NO_ACCOUNT)
    _check_may_use(by_email, agency)
    if not _was_invited(by_email):
        raise SsoRefused(Refusal.NOT_INVITED, user=by_email)
    if ExternalIdentity.objects.filter(provider=provider.slug, user=by_email).exists():
        raise SsoRefused(Refusal.ACCOUNT_LINKED_TO_OTHER_SUBJECT, user=by_email)
    return SsoMatch(user=by_email, subject=subject, identity=None)


def _is_true(value) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _account_for_email(email):
    return User.objects.filter(email__iexact=email).first()


def _check_may_use(user, agency):
    if user.agency_id != agency.pk:
        raise SsoRefused(Refusal.OTHER_AGENCY, user=user)
    if not user.is_active:
        raise SsoRefused(Refusal.DEACTIVATED, user=user)


def _was_invited(user) -> bool:
    """Set up their password already, or holds an invitation nobody has revoked.

    A revoked invitation must not be side-stepped by signing in through the agency instead.
    """
    return user.has_usable_password() or user.invitations.filter(revoked_at__isnull=True).exists()


# --- Recording the outcome ---------------------------------------------------------------------


def sso_sign_in_record(*, request, provider: OidcProvider, match: SsoMatch) -> ExternalIdentity:
    """Link the provider's subject to the account (first time) and audit the sign-in."""
    with transaction.atomic():
        now = timezone.now()
        identity = match.identity
        if identity is None:
            identity = ExternalIdentity(
                user=match.user, provider=provider.slug, subject=match.subject, last_used_at=now
            )
            try:
                identity.full_clean()
                with transaction.atomic():
                    identity.save(force_insert=True)
            except (ValidationError, IntegrityError):
                # Linked by a parallel sign-in a moment ago: refuse rather than guess.
                raise SsoRefused(Refusal.ACCOUNT_LINKED_TO_OTHER_SUBJECT, user=match.user) from None
            audit_record(
                actor=match.user,
                action="create",
                record_type=IDENTITY_RECORD_TYPE,
                record_id=identity.pk,
                fields_changed=["user", "provider", "subject"],
                values={"provider": provider.slug},
                request=request,
            )
        else:
            identity.last_used_at = now
            identity.save(update_fields=["last_used_at"])
        audit_record(
            actor=match.user,
            action="sign_in",
            record_type=USER_RECORD_TYPE,
            record_id=match.user.pk,
            values={"method": "sso", "provider": provider.slug},
            request=request,
        )
    return identity


def sso_refusal_record(*, request, provider_slug: str, reason: str, user=None) -> None:
    """Audit a refused sign-in: the reason code only, never the email the provider sent."""
    audit_record(
        actor=user,
        actor_label="" if user is not None else f"sso:{provider_slug or 'unknown'}",
        action="sign_in_failed",
        record_type=USER_RECORD_TYPE,
        record_id=user.pk if user is not None else "",
        values={"method": "sso", "provider": provider_slug, "reason": reason},
        request=request,
    )


def mark_second_factor(request, provider: OidcProvider) -> None:
    """Trust the provider's own second factor only when its configuration says so."""
    if provider.mfa_at_provider:
        request.session[MFA_SATISFIED_BY_SESSION_KEY] = f"sso:{provider.slug}"
    else:
        request.session.pop(MFA_SATISFIED_BY_SESSION_KEY, None)


# --- Administrators: a person's linked accounts ------------------------------------------------

NOT_ALLOWED_TO_UNLINK = "You cannot change how this person signs in."
ALREADY_UNLINKED = "That account is no longer linked. Nothing has changed."


class SsoError(Exception):
    pass


def external_identity_list(*, person: User) -> list[ExternalIdentity]:
    """The person's accounts at providers, oldest link first (the caller checked access)."""
    return list(person.external_identities.order_by("created_at", "provider"))


def external_identity_unlink(*, actor: User, identity_id: int, person: User, request=None) -> None:
    """Forget a person's link to an account at a provider, so the next sign-in there is
    matched by verified email again (for example after their organisation recreated it)."""
    if not actor.has_perm("accounts.manage_person", person):
        # Audited before raising, outside the transaction, like every other refusal.
        audit_record(
            actor=actor,
            action="delete",
            record_type=IDENTITY_RECORD_TYPE,
            record_id=identity_id,
            values={"refused": "not_permitted", "user": person.pk},
            request=request,
        )
        raise SsoError(NOT_ALLOWED_TO_UNLINK)
    with transaction.atomic():
        identity = (
            ExternalIdentity.objects.select_for_update().filter(pk=identity_id, user=person).first()
        )
        if identity is None:
            raise SsoError(ALREADY_UNLINKED)
        record_id = identity.pk
        identity.delete()
        audit_record(
            actor=actor,
            action="delete",
            record_type=IDENTITY_RECORD_TYPE,
            record_id=record_id,
            fields_changed=["user", "provider", "subject"],
            values={"provider": identity.provider, "user": person.pk},
            request=request,
        )
