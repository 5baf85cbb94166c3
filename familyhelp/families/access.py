"""Who is related to a family, and so to the people in it, from the work done with it.

`families` owns people and families, but relationships come from the apps that work with them: a
request for support (`frontdoor`), later an episode of Family Help (`casework`). Those apps sit
above this one, so they contribute here instead of this app importing them:

    family_access.contribute(
        relationships=lambda user, family_id: {...},   # the person's relationships to one family
        family_ids=lambda user, kinds: queryset,        # ids of families with any of those kinds
    )

This module registers `families.family` and `families.person` with accounts.relationships, the
union of every contribution. A person is related to someone through the families they share.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from familyhelp.accounts import relationships
from familyhelp.accounts.relationships import Relationship
from familyhelp.families.models import Consent, Family, FamilyMember, Person

FAMILY = "families.family"
PERSON = "families.person"


@dataclass(frozen=True)
class Contribution:
    # (user, family id) -> the relationships the person has with that family
    relationships: Callable[[object, int], set[Relationship]]
    # (user, kinds) -> a queryset of family ids (values_list("family_id")) or None for none
    family_ids: Callable[[object, frozenset[Relationship]], QuerySet | None]


CONTRIBUTIONS: list[Contribution] = []


def contribute(*, relationships, family_ids) -> Contribution:
    """Add an app's way of relating people to families (called from its rules.py)."""
    contribution = Contribution(relationships=relationships, family_ids=family_ids)
    CONTRIBUTIONS.append(contribution)
    return contribution


def family_relationships_by_id(user, family_id) -> set[Relationship]:
    found: set[Relationship] = set()
    for contribution in CONTRIBUTIONS:
        found |= contribution.relationships(user, family_id)
    return found


def family_relationships(user, family) -> set[Relationship]:
    return family_relationships_by_id(user, family.pk)


def related_family_ids_q(user, kinds, field: str = "pk") -> Q:
    """A condition on `field` (a family id): the families the person has any of these with."""
    condition = Q(pk__in=[])
    for contribution in CONTRIBUTIONS:
        ids = contribution.family_ids(user, frozenset(kinds))
        if ids is not None:
            condition |= Q(**{f"{field}__in": ids})
    return condition


def families_visible(user, queryset, kinds):
    return queryset.filter(related_family_ids_q(user, kinds))


def person_relationships(user, person) -> set[Relationship]:
    found: set[Relationship] = set()
    family_ids = FamilyMember.objects.filter(person=person).values_list("family_id", flat=True)
    for family_id in family_ids:
        found |= family_relationships_by_id(user, family_id)
    return found


def people_visible(user, queryset, kinds):
    members = FamilyMember.objects.filter(person_id=OuterRef("pk")).filter(
        related_family_ids_q(user, kinds, field="family_id")
    )
    return queryset.filter(Exists(members))


def sharing_withdrawn_family_ids(agency_id) -> QuerySet:
    """Families that withdrew consent to share with this agency and have not given it again.

    A requester from that agency is no longer related to the family (the withdrawal "stops the
    sharing it covered"); the request they wrote stays theirs to read.
    """
    today = timezone.localdate()
    active = Consent.objects.filter(
        family_id=OuterRef("family_id"),
        scope=Consent.Scope.SHARING,
        agencies=agency_id,
        withdrawn_at__isnull=True,
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
    return (
        Consent.objects.filter(
            scope=Consent.Scope.SHARING, agencies=agency_id, withdrawn_at__isnull=False
        )
        .filter(~Exists(active))
        .values_list("family_id", flat=True)
    )


relationships.register(
    FAMILY,
    name="Family",
    relationships=family_relationships,
    visible=families_visible,
    family_id=lambda family: family.pk,
    personal=True,
)


def _person_family_id(person: Person):
    """The family an audit event about a person is filed under: their first family."""
    membership = FamilyMember.objects.filter(person=person).order_by("pk").first()
    return membership.family_id if membership else None


relationships.register(
    PERSON,
    name="Person",
    relationships=person_relationships,
    visible=people_visible,
    family_id=_person_family_id,
    personal=True,
)

__all__ = ["Family", "Person", "contribute"]
