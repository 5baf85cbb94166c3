"""Who may see and change people and families (familyhelp/families/access.py relates them).

Every permission on a family or a person is a record permission: the same rule decides a page and
a list. Anyone related to the family sees it; emergency access (break-glass) opens it too.
"""

import rules

from familyhelp.accounts.relationships import Relationship, record_permission
from familyhelp.accounts.rules import (
    is_family_keyworker,
    is_front_door_officer,
    is_practitioner,
    is_team_manager,
)
from familyhelp.families import access

RELATED = [
    Relationship.LEAD_PROFESSIONAL,
    Relationship.TEAM_AROUND_FAMILY,
    Relationship.TEAM_MANAGER,
    Relationship.FRONT_DOOR_OPEN_REQUEST,
    Relationship.REQUESTER,
]
# Those who keep the family's details right: not the wider team around the family.
KEEPERS = [
    Relationship.LEAD_PROFESSIONAL,
    Relationship.TEAM_MANAGER,
    Relationship.FRONT_DOOR_OPEN_REQUEST,
    Relationship.REQUESTER,
]

works_with_families = (
    is_practitioner | is_front_door_officer | is_family_keyworker | is_team_manager
)

for record_type in (access.FAMILY, access.PERSON):
    noun = record_type.split(".")[1]
    record_permission(
        f"families.view_{noun}", record_type=record_type, relationships=RELATED, break_glass=True
    )
    record_permission(
        f"families.change_{noun}",
        record_type=record_type,
        relationships=KEEPERS,
        requires=works_with_families,
    )

# Consent is recorded and withdrawn by those who keep the family's details.
record_permission(
    "families.record_consent",
    record_type=access.FAMILY,
    relationships=KEEPERS,
    requires=works_with_families,
)
# Adding a person (and the duplicate check that comes first): anyone who works with families.
rules.add_perm("families.add_person", works_with_families)
# Merging two records of one person, and undoing it: a manager who may change both (the
# services ask `families.change_person` of each record as well).
rules.add_perm("families.merge_people", is_team_manager)
