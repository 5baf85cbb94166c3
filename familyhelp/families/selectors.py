"""Reading people, families and consent."""

from dataclasses import dataclass

from django.db.models import F, Q
from django.utils import timezone

from familyhelp.accounts.access import (
    RecordNotFound,
    get_object_for_user_or_404,
    user_has_perm,
    visible_to,
)
from familyhelp.accounts.relationships import (
    Relationship,
    active_break_glass,
    family_id_of,
    relationships_of,
)
from familyhelp.audit.models import AuditAction
from familyhelp.audit.services import audit_record
from familyhelp.families.access import PERSON
from familyhelp.families.involvement import involvement_rows
from familyhelp.families.models import (
    Consent,
    Family,
    FamilyMember,
    Person,
    PersonMerge,
    PersonRelationship,
)


def consents_in_force(family, scope, agency=None, *, on=None):
    """The family's consents of this scope that are neither withdrawn nor expired (on `on`)."""
    on = on or timezone.localdate()
    consents = Consent.objects.filter(family=family, scope=scope, withdrawn_at__isnull=True).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=on)
    )
    if agency is not None:
        consents = consents.filter(agencies=agency)
    return consents


def consent_active(family, scope, agency=None) -> bool:
    """Whether the family's consent of this scope (naming `agency`, when given) is in force."""
    return consents_in_force(family, scope, agency).exists()


# Pages -------------------------------------------------------------------------------------

# A viewer related to the family only as the practitioner who asked for help sees who is in the
# family and their own requests; everyone else allowed in sees every section.
REQUESTER_ONLY = frozenset({Relationship.REQUESTER})


@dataclass
class FamilyPage:
    family: Family
    full: bool
    members: list[FamilyMember]
    relationships: list[PersonRelationship]
    consents: list[Consent]
    involvement: list
    may_change: bool
    may_record_consent: bool


def family_get(user, pk, *, permission="families.view_family", http_request=None) -> Family:
    """The family, or RecordNotFound (a 404 offering break-glass); the read is audited."""
    return get_object_for_user_or_404(
        user, permission, Family.objects.all(), pk=pk, http_request=http_request
    )


def sees_every_section(user, family) -> bool:
    related = relationships_of(user, family)
    return bool(related - REQUESTER_ONLY) or active_break_glass(user, family) is not None


def family_members(family) -> list[FamilyMember]:
    """Everyone in the family (merged-away records left out), oldest first."""
    return list(
        FamilyMember.objects.filter(family=family, person__merged_into__isnull=True)
        .select_related("person")
        .order_by(F("person__date_of_birth").asc(nulls_last=True), "person__pk")
    )


def family_page(user, family) -> FamilyPage:
    """What the family page shows this viewer, in a fixed number of queries."""
    full = sees_every_section(user, family)
    members = family_members(family)
    ids = [member.person_id for member in members]
    relationships, consents = [], []
    if full:
        relationships = list(
            PersonRelationship.objects.filter(person_id__in=ids, relative_id__in=ids)
            .select_related("person", "relative")
            .order_by("relative_id", "pk")
        )
        consents = list(
            Consent.objects.filter(family=family)
            .select_related("person", "recorded_by", "withdrawn_by")
            .prefetch_related("agencies")
        )
    return FamilyPage(
        family=family,
        full=full,
        members=members,
        relationships=relationships,
        consents=consents,
        involvement=involvement_rows(user, family),
        may_change=user_has_perm(user, "families.change_family", family),
        may_record_consent=full and user_has_perm(user, "families.record_consent", family),
    )


def person_get(user, pk, *, permission="families.view_person", http_request=None) -> Person:
    return get_object_for_user_or_404(
        user,
        permission,
        Person.objects.select_related("merged_into"),
        pk=pk,
        http_request=http_request,
    )


def merged_record(pk) -> Person | None:
    """The merged-away record with this id, if it is one (its page points to the kept one)."""
    return Person.objects.filter(pk=pk, merged_into__isnull=False).first()


@dataclass
class PersonPage:
    person: Person
    families: list[Family]
    relationships: list[PersonRelationship]
    merges: list[PersonMerge]
    may_change: bool
    may_merge: bool


def person_page(user, person) -> PersonPage:
    """The person's families the viewer may see, and their relationships within them."""
    families = list(
        visible_to(
            user, "families.view_family", Family.objects.filter(memberships__person=person)
        ).distinct()
    )
    family_ids = [family.pk for family in families]
    relationships = list(
        PersonRelationship.objects.filter(
            Q(person=person, relative__memberships__family_id__in=family_ids)
            | Q(relative=person, person__memberships__family_id__in=family_ids)
        )
        .select_related("person", "relative")
        .distinct()
        .order_by("pk")
    )
    may_change = user_has_perm(user, "families.change_person", person)
    may_merge = may_change and user_has_perm(user, "families.merge_people")
    merges = []
    if may_merge:
        merges = list(
            PersonMerge.objects.filter(kept=person, unmerged_at__isnull=True).select_related(
                "merged", "merged_by"
            )
        )
    return PersonPage(
        person=person,
        families=families,
        relationships=relationships,
        merges=merges,
        may_change=may_change,
        may_merge=may_merge,
    )


def person_in_family(family, person_pk) -> Person | None:
    member = (
        FamilyMember.objects.filter(family=family, person_id=person_pk)
        .select_related("person")
        .first()
    )
    return member.person if member else None


def relationship_in_family(family, pk) -> PersonRelationship | None:
    ids = FamilyMember.objects.filter(family=family).values("person_id")
    return (
        PersonRelationship.objects.filter(pk=pk, person_id__in=ids, relative_id__in=ids)
        .select_related("person", "relative")
        .first()
    )


def consent_in_family(family, pk) -> Consent | None:
    return Consent.objects.filter(family=family, pk=pk).select_related("family").first()


def agencies_for_consent():
    from familyhelp.accounts.models import Agency

    return list(Agency.objects.order_by("name"))


def merge_get(user, pk, *, http_request=None) -> PersonMerge:
    """An open merge, reached through the kept record (which the manager must be able to change)."""
    merge = PersonMerge.objects.filter(pk=pk, unmerged_at__isnull=True).first()
    kept = person_get(
        user,
        merge.kept_id if merge else 0,
        permission="families.change_person",
        http_request=http_request,
    )
    merge.kept = kept
    return merge


def person_get_for_merge(user, pk, *, http_request=None) -> Person:
    """A record a manager may merge: they may change it and merge people; else RecordNotFound."""
    person = person_get(user, pk, permission="families.change_person", http_request=http_request)
    if not user_has_perm(user, "families.merge_people") or person.merged_into_id is not None:
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            record_type=PERSON,
            record_id=person.pk,
            family_id=family_id_of(person),
            values={"refused": True, "permission": "families.merge_people"},
            request=http_request,
        )
        raise RecordNotFound(PERSON, str(pk), True)
    return person


def person_for_family(pk) -> Person | None:
    """A record picked from the duplicate check (any the check offered; not merged away)."""
    return Person.objects.filter(pk=pk, merged_into__isnull=True).first()
