"""Who may ask for help, triage, decide and approve (familyhelp/frontdoor/access.py relates them).

Record permissions on a request decide both its page and the lists it appears in; the front door
queue is the list of open requests a person may triage.
"""

import rules

from familyhelp.accounts.relationships import Relationship, record_permission
from familyhelp.accounts.rules import (
    is_data_analyst,
    is_family_keyworker,
    is_front_door_officer,
    is_practitioner,
    is_system_administrator,
    is_team_manager,
)
from familyhelp.frontdoor import access
from familyhelp.frontdoor.models import Request

# Practitioners in any agency ask for help with an Early Support Assessment.
may_make_requests = is_practitioner | is_front_door_officer | is_family_keyworker | is_team_manager
rules.add_perm("frontdoor.make_request", may_make_requests)

record_permission(
    "frontdoor.view_request",
    record_type=access.REQUEST,
    relationships=[
        Relationship.REQUESTER,
        Relationship.FRONT_DOOR_OPEN_REQUEST,
        Relationship.TEAM_MANAGER,
        Relationship.LEAD_PROFESSIONAL,
        Relationship.TEAM_AROUND_FAMILY,
    ],
    break_glass=True,
)


@rules.predicate
def is_draft(user, request):
    return request is not None and request.status == Request.Status.DRAFT


@rules.predicate
def in_front_door_team(user):
    return access.in_front_door_team(user)


# The author and the colleagues it is shared with edit a draft; nobody edits it once submitted.
may_edit_draft = record_permission(
    "frontdoor.view_own_request",
    record_type=access.REQUEST,
    relationships=[Relationship.REQUESTER],
    requires=may_make_requests,
)
rules.add_perm("frontdoor.edit_request", may_edit_draft & is_draft)

# The front door queue and triage: officers (and managers) in the front door team.
front_door_staff = (is_front_door_officer | is_team_manager) & in_front_door_team
rules.add_perm("frontdoor.view_queue", front_door_staff)
record_permission(
    "frontdoor.triage_request",
    record_type=access.REQUEST,
    relationships=[Relationship.FRONT_DOOR_OPEN_REQUEST],
    requires=is_front_door_officer,
)
# Approving (or returning) a decision that needs a manager: a manager in the front door team.
record_permission(
    "frontdoor.approve_decision",
    record_type=access.REQUEST,
    relationships=[Relationship.TEAM_MANAGER],
    requires=is_team_manager & in_front_door_team,
)

# Threshold guidance and the front door's settings are the partnership's data.
rules.add_perm("frontdoor.edit_thresholds", is_system_administrator)
# Threshold guidance (familyhelp/frontdoor/views_thresholds.py): everyone who asks for help or
# triages reads the levels of need, and so do the administrators who edit them.
rules.add_perm(
    "frontdoor.view_thresholds", may_make_requests | front_door_staff | is_system_administrator
)
# The managers' figures: counts, never a person.
rules.add_perm(
    "frontdoor.view_figures", is_system_administrator | is_data_analyst | front_door_staff
)
