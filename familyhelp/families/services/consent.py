"""Consent a family gave (to an assessment, to sharing with named agencies, to texts), and its
withdrawal, which stops the sharing it covered (families/access.py reads it)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from familyhelp.audit.models import AuditAction
from familyhelp.families.access import FAMILY
from familyhelp.families.models import Consent, Family, FamilyMember, Person
from familyhelp.families.services.common import NOT_ALLOWED_CONSENT, FamiliesError, audit, require

SCOPE_REQUIRED = "Choose what the family consented to"
METHOD_REQUIRED = "Choose how the consent was given"
GIVEN_BY_REQUIRED = "Enter the name of the person who gave consent"
GIVEN_ON_REQUIRED = "Enter the date consent was given"
GIVEN_ON_IN_FUTURE = "The date consent was given must be today or in the past"
EXPIRES_BEFORE_GIVEN = "The date consent ends must be after the date it was given"
AGENCIES_REQUIRED = "Choose the agencies the family agreed to share information with"
AGENCIES_ONLY_FOR_SHARING = "Agencies are named only for consent to share information"
NOT_IN_FAMILY = "Choose someone in this family"
PUBLIC_NEEDS_LABEL = "Consent recorded without a signed-in person needs an actor label."
PUBLIC_ONLINE_ONLY = "Consent given without a practitioner can only be given online."
WITHDRAWAL_REASON_REQUIRED = "Enter why consent was withdrawn"
ALREADY_WITHDRAWN = "This consent was already withdrawn on {date}"


def consent_record(
    *,
    actor,
    family: Family,
    scope: str,
    given_by_name: str,
    given_on: datetime.date,
    method: str,
    person: Person | None = None,
    agencies=(),
    expires_on: datetime.date | None = None,
    given_by: Person | None = None,
    actor_label: str = "",
    http_request=None,
) -> Consent:
    """Record what a family consented to.

    A practitioner needs `families.record_consent` on the family. The public self-referral form,
    where the family gives it themselves online, passes `actor=None` and an `actor_label` (such
    as "public:self-referral"); its consent is always `Method.ONLINE`.
    """
    if actor is None:
        if not actor_label:
            raise FamiliesError(PUBLIC_NEEDS_LABEL)
        if method != Consent.Method.ONLINE:
            raise FamiliesError(PUBLIC_ONLINE_ONLY)
    else:
        require(
            actor,
            "families.record_consent",
            family,
            message=NOT_ALLOWED_CONSENT,
            action=AuditAction.CREATE,
            family_id=family.pk,
            http_request=http_request,
        )
    agencies = list(agencies)
    errors = _consent_errors(
        family=family,
        scope=scope,
        given_by_name=given_by_name,
        given_on=given_on,
        method=method,
        agencies=agencies,
        expires_on=expires_on,
        people=[record for record in (person, given_by) if record is not None],
    )
    if errors:
        raise FamiliesError(next(iter(errors.values()))[0], errors)
    with transaction.atomic():
        consent = Consent(
            family=family,
            person=person,
            scope=scope,
            given_by_name=given_by_name.strip(),
            given_by=given_by,
            given_on=given_on,
            method=method,
            expires_on=expires_on,
            recorded_by=actor,
        )
        try:
            consent.full_clean()
        except ValidationError as error:
            raise FamiliesError.from_validation(error) from None
        consent.save()
        if agencies:
            consent.agencies.set(agencies)
        audit(
            actor=actor,
            actor_label=actor_label,
            action=AuditAction.CREATE,
            record_type=FAMILY,
            record_id=family.pk,
            family_id=family.pk,
            fields_changed=["consents"],
            values={
                "consent": consent.pk,
                "scope": scope,
                "method": method,
                "agencies": sorted(agency.pk for agency in agencies),
                "expires_on": expires_on,
            },
            request=http_request,
        )
    return consent


def _consent_errors(
    *, family, scope, given_by_name, given_on, method, agencies, expires_on, people
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if scope not in Consent.Scope.values:
        errors["scope"] = [SCOPE_REQUIRED]
    if not (given_by_name or "").strip():
        errors["given_by_name"] = [GIVEN_BY_REQUIRED]
    if given_on is None:
        errors["given_on"] = [GIVEN_ON_REQUIRED]
    elif given_on > timezone.localdate():
        errors["given_on"] = [GIVEN_ON_IN_FUTURE]
    if method not in Consent.Method.values:
        errors["method"] = [METHOD_REQUIRED]
    if expires_on is not None and given_on is not None and expires_on <= given_on:
        errors["expires_on"] = [EXPIRES_BEFORE_GIVEN]
    if scope == Consent.Scope.SHARING and not agencies:
        errors["agencies"] = [AGENCIES_REQUIRED]
    if scope != Consent.Scope.SHARING and agencies:
        errors["agencies"] = [AGENCIES_ONLY_FOR_SHARING]
    member_ids = set(FamilyMember.objects.filter(family=family).values_list("person_id", flat=True))
    if any(record.pk not in member_ids for record in people):
        errors["person"] = [NOT_IN_FAMILY]
    return errors


def consent_withdraw(*, actor, consent: Consent, reason: str, http_request=None) -> Consent:
    """Withdraw consent: from now on it covers nothing (sharing it allowed stops)."""
    require(
        actor,
        "families.record_consent",
        consent.family,
        message=NOT_ALLOWED_CONSENT,
        family_id=consent.family_id,
        http_request=http_request,
    )
    reason = (reason or "").strip()
    if not reason:
        raise FamiliesError(WITHDRAWAL_REASON_REQUIRED, {"reason": [WITHDRAWAL_REASON_REQUIRED]})
    with transaction.atomic():
        current = Consent.objects.select_for_update().get(pk=consent.pk)
        if current.withdrawn_at is not None:
            raise FamiliesError(
                ALREADY_WITHDRAWN.format(date=timezone.localtime(current.withdrawn_at).date())
            )
        current.withdrawn_at = timezone.now()
        current.withdrawn_by = actor
        current.withdrawal_reason = reason
        current.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
        audit(
            actor=actor,
            action=AuditAction.CHANGE,
            record_type=FAMILY,
            record_id=current.family_id,
            family_id=current.family_id,
            fields_changed=["consents"],
            values={"consent": current.pk, "scope": current.scope, "withdrawn": True},
            request=http_request,
        )
    return current
