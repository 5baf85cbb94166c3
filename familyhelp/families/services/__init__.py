"""Writing people, families, relationships and consent (each use case one function)."""

from familyhelp.families.services.common import FamiliesError
from familyhelp.families.services.consent import consent_record, consent_withdraw
from familyhelp.families.services.merging import person_merge, person_unmerge
from familyhelp.families.services.people import (
    family_create,
    family_member_add,
    family_member_remove,
    person_create,
    person_update,
    relationship_add,
    relationship_remove,
)

__all__ = [
    "FamiliesError",
    "consent_record",
    "consent_withdraw",
    "family_create",
    "family_member_add",
    "family_member_remove",
    "person_create",
    "person_merge",
    "person_unmerge",
    "person_update",
    "relationship_add",
    "relationship_remove",
]
