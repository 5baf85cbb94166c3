"""Who may do what in case work (familyhelp/casework/access.py relates people to episodes).

Everyone in the team around the family reads the episode and records notes; the lead
professional and the team manager hold the plan, reviews, step-up/down and closure; the manager
allocates and reallocates. Record permissions decide both a page and the lists it appears in.
"""

import rules

from familyhelp.accounts.relationships import Relationship, record_permission
from familyhelp.accounts.rules import (
    is_auditor,
    is_family_keyworker,
    is_practitioner,
    is_system_administrator,
    is_team_manager,
)
from familyhelp.casework import access

EVERYONE_ON_THE_CASE = [
    Relationship.LEAD_PROFESSIONAL,
    Relationship.TEAM_AROUND_FAMILY,
    Relationship.TEAM_MANAGER,
]

record_permission(
    "casework.view_episode",
    record_type=access.EPISODE,
    # Case audits: the assigned auditor reads the episode (and only reads it) while auditing.
    relationships=[*EVERYONE_ON_THE_CASE, Relationship.CASE_AUDITOR],
    break_glass=True,
)
# Case notes, contacts, documents, and updating an action they own.
record_permission(
    "casework.record_work",
    record_type=access.EPISODE,
    relationships=EVERYONE_ON_THE_CASE,
)
# The plan, reviews, the team around the family, step-up and step-down, closure.
record_permission(
    "casework.lead_episode",
    record_type=access.EPISODE,
    relationships=[Relationship.LEAD_PROFESSIONAL, Relationship.TEAM_MANAGER],
    requires=is_family_keyworker | is_team_manager,
)
# Allocating and reallocating the lead professional; re-opening.
record_permission(
    "casework.manage_episode",
    record_type=access.EPISODE,
    relationships=[Relationship.TEAM_MANAGER],
    requires=is_team_manager,
)
# Episodes (casework/views_episodes/): the "Cases" link in the header, for people who work with
# families. The page itself lists only the episodes each person may open.
rules.add_perm("casework.view_cases", is_family_keyworker | is_team_manager | is_practitioner)
# Caseloads and drift for the teams they manage.
rules.add_perm("casework.view_caseloads", is_team_manager)
# Case audits: managers run the monthly samples and moderate; auditors and managers audit.
rules.add_perm("casework.run_case_audits", is_team_manager | is_system_administrator)
rules.add_perm("casework.audit_cases", is_team_manager | is_auditor)
# The family's own data: a subject access export, by information governance (auditors).
rules.add_perm("casework.export_subject_access", is_auditor | is_system_administrator)
# The review interval, caseload weights, drift rules and audit tools.
rules.add_perm("casework.configure", is_system_administrator)
