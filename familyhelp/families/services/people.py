"""Families, the people in them, and how they are related.

A family is made by anyone who works with families (`families.add_person`); people are added to
and changed in a family by those who keep its details (`families.change_family`, which follows
the relationships other apps contribute, such as the request for support a practitioner made
about the family). The front door creates a family, its request and its people in one
transaction: make the request (with its family) before adding people, so the practitioner is
already related to the family when `person_create` checks.
"""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from familyhelp.accounts.relationships import forget_relationships
from familyhelp.audit.models import AuditAction, AuditEvent
from familyhelp.core.formatting import long_date, time_12h
from familyhelp.core.public_requests import REFERENCE_ALPHABET
from familyhelp.families import validators
from familyhelp.families.access import FAMILY, PERSON
from familyhelp.families.matching import name_key
from familyhelp.families.models import Family, FamilyMember, Person, PersonRelationship
from familyhelp.families.services.common import (
    NOT_ALLOWED,
    NOT_ALLOWED_ADD,
    NOT_ALLOWED_PERSON,
    FamiliesError,
    audit,
    require,
)

FAMILY_NAME_REQUIRED = "Enter the family’s name, like The Smith family"
GIVEN_NAMES_REQUIRED = "Enter the person’s first names"
FAMILY_NAME_OF_PERSON_REQUIRED = "Enter the person’s last name"
UNKNOWN_DETAIL = "{name} is not something recorded about a person."
STALE_PERSON = (
    "{who} changed this person’s details at {time} on {date}, after you opened this page. "
    "Nothing you entered has been saved: check their changes, then make yours again"
)
SOMEONE = "Someone"
ALREADY_MEMBER = "This person is already in this family"
NOT_A_MEMBER = "This person is not in this family"
MERGED_RECORD = "This record was merged into another: change that record instead"
RELATIONSHIP_EXISTS = "This relationship is already recorded"
RELATIONSHIP_SAME_PERSON = "Choose two different people"
RELATIONSHIP_KIND_REQUIRED = "Choose how they are related"
RESPONSIBILITY_KIND = (
    "Only a parent, step-parent, carer, grandparent or other relative can hold parental "
    "responsibility"
)
NO_SUCH_RELATIONSHIP = "This relationship is not recorded"

# What a person's details may hold (the services set everything else).
PERSON_FIELDS = (
    "given_names",
    "family_name",
    "preferred_name",
    "previous_names",
    "date_of_birth",
    "expected_date",
    "sex",
    "gender",
    "ethnicity",
    "first_language",
    "interpreter_needed",
    "disability",
    "special_educational_needs",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "nhs_number",
    "unique_pupil_number",
    "school_or_setting",
)
EMPTY = ("", None, [])
RESPONSIBILITY_KINDS = {"parent", "step_parent", "carer", "grandparent", "other"}


def _new_family_reference() -> str:
    while True:
        code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
        reference = f"F-{code[:4]}-{code[4:]}"
        if not Family.objects.filter(reference=reference).exists():
            return reference


def family_create(*, actor, name: str, http_request=None) -> Family:
    """Make a new family (its people are added with person_create)."""
    require(
        actor,
        "families.add_person",
        None,
        message=NOT_ALLOWED_ADD,
        action=AuditAction.CREATE,
        http_request=http_request,
    )
    name = (name or "").strip()
    if not name:
        raise FamiliesError(FAMILY_NAME_REQUIRED, {"name": [FAMILY_NAME_REQUIRED]})
    with transaction.atomic():
        now = timezone.now()
        family = Family(
            reference=_new_family_reference(),
            name=name,
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        _full_clean(family)
        family.save()
        audit(
            actor=actor,
            action=AuditAction.CREATE,
            record_type=FAMILY,
            record_id=family.pk,
            family_id=family.pk,
            fields_changed=["name"],
            request=http_request,
        )
    return family


def _full_clean(record, exclude=None):
    try:
        record.full_clean(exclude=exclude)
    except ValidationError as error:
        raise FamiliesError.from_validation(error) from None


def _previous_names(value) -> list[str]:
    if isinstance(value, str):
        value = value.splitlines()
    return [name.strip() for name in value or () if name and name.strip()]


def _clean_details(details: dict) -> dict:
    unknown = sorted(set(details) - set(PERSON_FIELDS))
    if unknown:
        raise FamiliesError(UNKNOWN_DETAIL.format(name=unknown[0]))
    cleaned = dict(details)
    for name, value in cleaned.items():
        if isinstance(value, str) and name != "disability":
            cleaned[name] = value.strip()
    if "previous_names" in cleaned:
        cleaned["previous_names"] = _previous_names(cleaned["previous_names"])
    errors = {}
    if "given_names" in cleaned and not cleaned["given_names"]:
        errors["given_names"] = [GIVEN_NAMES_REQUIRED]
    if "family_name" in cleaned and not cleaned["family_name"]:
        errors["family_name"] = [FAMILY_NAME_OF_PERSON_REQUIRED]
    try:
        cleaned = validators.clean_person_details(cleaned)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        first = next(iter(errors.values()))[0]
        raise FamiliesError(first, errors)
    return cleaned


def _set_name_keys(person: Person) -> None:
    person.family_name_key = name_key(person.family_name)
    person.given_name_key = name_key(person.given_names)


def _check_not_merged(person: Person) -> None:
    if person.merged_into_id is not None:
        raise FamiliesError(MERGED_RECORD)


def person_create(
    *, actor, family: Family, details: dict, lives_here: bool = True, http_request=None
) -> Person:
    """Add a new person to a family (after the duplicate check has been shown)."""
    forget_relationships(family)
    require(
        actor,
        "families.change_family",
        family,
        message=NOT_ALLOWED,
        action=AuditAction.CREATE,
        family_id=family.pk,
        http_request=http_request,
    )
    for required, message in (
        ("given_names", GIVEN_NAMES_REQUIRED),
        ("family_name", FAMILY_NAME_OF_PERSON_REQUIRED),
    ):
        if not str(details.get(required) or "").strip():
            raise FamiliesError(message, {required: [message]})
    cleaned = _clean_details(details)
    with transaction.atomic():
        now = timezone.now()
        person = Person(**cleaned, created_by=actor, created_at=now, updated_at=now)
        _set_name_keys(person)
        _full_clean(person)
        person.save()
        FamilyMember.objects.create(family=family, person=person, lives_here=lives_here)
        audit(
            actor=actor,
            action=AuditAction.CREATE,
            record_type=PERSON,
            record_id=person.pk,
            family_id=family.pk,
            fields_changed=sorted(name for name, value in cleaned.items() if value not in EMPTY),
            values={"family": family.pk, "lives_here": lives_here},
            request=http_request,
        )
    return person


def _last_changed_by(person: Person) -> str:
    event = (
        AuditEvent.objects.filter(
            record_type=PERSON,
            record_id=str(person.pk),
            action__in=[AuditAction.CREATE, AuditAction.CHANGE],
        )
        .exclude(values__has_key="refused")
        .select_related("actor")
        .order_by("-sequence")
        .first()
    )
    if event is None or event.actor is None:
        return SOMEONE
    return event.actor.full_name or event.actor.email


def person_update(*, actor, person: Person, details: dict, revision: int, http_request=None):
    """Change a person's details; a form showing an older revision is refused."""
    require(
        actor,
        "families.change_person",
        person,
        message=NOT_ALLOWED_PERSON,
        family_id=_family_id(person),
        http_request=http_request,
    )
    cleaned = _clean_details(details)
    with transaction.atomic():
        current = Person.objects.select_for_update().get(pk=person.pk)
        _check_not_merged(current)
        if current.revision != revision:
            when = timezone.localtime(current.updated_at)
            raise FamiliesError(
                STALE_PERSON.format(
                    who=_last_changed_by(current),
                    time=time_12h(when.time()),
                    date=long_date(when.date()),
                )
            )
        changed = [name for name, value in cleaned.items() if getattr(current, name) != value]
        for name, value in cleaned.items():
            setattr(current, name, value)
        if not changed:
            return current
        _set_name_keys(current)
        current.revision += 1
        current.updated_at = timezone.now()
        _full_clean(current)
        current.save()
        audit(
            actor=actor,
            action=AuditAction.CHANGE,
            record_type=PERSON,
            record_id=current.pk,
            family_id=_family_id(current),
            fields_changed=sorted(changed),
            values={"revision": current.revision},
            request=http_request,
        )
    return current


def _family_id(person: Person):
    return (
        FamilyMember.objects.filter(person=person)
        .order_by("pk")
        .values_list("family_id", flat=True)
        .first()
    )


def family_member_add(
    *, actor, family: Family, person: Person, lives_here: bool = True, http_request=None
) -> FamilyMember:
    """Add an existing person (one the duplicate check found, say) to a family."""
    forget_relationships(family)
    require(
        actor,
        "families.change_family",
        family,
        message=NOT_ALLOWED,
        family_id=family.pk,
        http_request=http_request,
    )
    _check_not_merged(person)
    with transaction.atomic():
        if FamilyMember.objects.filter(family=family, person=person).exists():
            raise FamiliesError(ALREADY_MEMBER)
        member = FamilyMember.objects.create(family=family, person=person, lives_here=lives_here)
        _touch(family)
        audit(
            actor=actor,
            action=AuditAction.CHANGE,
            record_type=FAMILY,
            record_id=family.pk,
            family_id=family.pk,
            fields_changed=["members"],
            values={"added": person.pk, "lives_here": lives_here},
            request=http_request,
        )
    return member


def family_member_remove(*, actor, family: Family, person: Person, http_request=None) -> None:
    """Take a person out of a family (their record, and their other families, stay)."""
    require(
        actor,
        "families.change_family",
        family,
        message=NOT_ALLOWED,
        family_id=family.pk,
        http_request=http_request,
    )
    with transaction.atomic():
        deleted, _ = FamilyMember.objects.filter(family=family, person=person).delete()
        if not deleted:
            raise FamiliesError(NOT_A_MEMBER)
        _touch(family)
        audit(
            actor=actor,
            action=AuditAction.CHANGE,
            record_type=FAMILY,
            record_id=family.pk,
            family_id=family.pk,
            fields_changed=["members"],
            values={"removed": person.pk},
            request=http_request,
        )


def _touch(family: Family) -> None:
    Family.objects.filter(pk=family.pk).update(updated_at=timezone.now())


def relationship_add(
    *,
    actor,
    person: Person,
    relative: Person,
    kind: str,
    parental_responsibility: bool = False,
    http_request=None,
) -> PersonRelationship:
    """Record that `person` is the `kind` of `relative` ("Jo is a parent of Sam")."""
    for record in (person, relative):
        require(
            actor,
            "families.change_person",
            record,
            message=NOT_ALLOWED_PERSON,
            family_id=_family_id(record),
            http_request=http_request,
        )
    if person.pk == relative.pk:
        raise FamiliesError(RELATIONSHIP_SAME_PERSON, {"relative": [RELATIONSHIP_SAME_PERSON]})
    if kind not in PersonRelationship.Kind.values:
        raise FamiliesError(RELATIONSHIP_KIND_REQUIRED, {"kind": [RELATIONSHIP_KIND_REQUIRED]})
    if parental_responsibility and kind not in RESPONSIBILITY_KINDS:
        raise FamiliesError(RESPONSIBILITY_KIND, {"parental_responsibility": [RESPONSIBILITY_KIND]})
    _check_not_merged(person)
    _check_not_merged(relative)
    with transaction.atomic():
        if PersonRelationship.objects.filter(person=person, relative=relative, kind=kind).exists():
            raise FamiliesError(RELATIONSHIP_EXISTS)
        relationship = PersonRelationship.objects.create(
            person=person,
            relative=relative,
            kind=kind,
            parental_responsibility=parental_responsibility,
        )
        audit(
            actor=actor,
            action=AuditAction.CHANGE,
            record_type=PERSON,
            record_id=relative.pk,
            family_id=_family_id(relative),
            fields_changed=["relationships"],
            values={
                "relationship": relationship.pk,
                "kind": kind,
                "parental_responsibility": parental_responsibility,
            },
            request=http_request,
        )
    return relationship


def relationship_remove(*, actor, relationship: PersonRelationship, http_request=None) -> None:
    """Remove a relationship recorded in error, or one that has ended."""
    for record in (relationship.person, relationship.relative):
        require(
            actor,
            "families.change_person",
            record,
            message=NOT_ALLOWED_PERSON,
            family_id=_family_id(record),
            http_request=http_request,
        )
    with transaction.atomic():
        deleted, _ = PersonRelationship.objects.filter(pk=relationship.pk).delete()
        if not deleted:
            raise FamiliesError(NO_SUCH_RELATIONSHIP)
        audit(
            actor=actor,
            action=AuditAction.CHANGE,
            record_type=PERSON,
            record_id=relationship.relative_id,
            family_id=_family_id(relationship.relative),
            fields_changed=["relationships"],
            values={"relationship_removed": relationship.pk, "kind": relationship.kind},
            request=http_request,
        )
