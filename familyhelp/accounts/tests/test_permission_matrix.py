"""The permission matrix: every permission × every role × each relationship → allowed or refused.

MATRIX is the one table. For each permission it lists, per relationship the person has to the
object (or NO_OBJECT for a permission asked without one), the people who are ALLOWED; everyone
else in SUBJECTS is refused. Each seeded role is tried alone, as are "no role" and a deactivated
person holding every role. A permission registered with `rules` but missing from the table fails
the suite, so a new action cannot be added without deciding who may do it.
"""

import datetime
import importlib

import pytest
from django.utils import timezone
from rules.permissions import permissions

from familyhelp.accounts import access
from familyhelp.accounts.models import BreakGlassAccess, Role, TeamMembership
from familyhelp.accounts.relationships import PERMISSION_SCOPES
from familyhelp.accounts.tests.factories import AgencyFactory, TeamFactory, UserFactory
from familyhelp.accounts.tests.records.factories import ProtectedRecordFactory
from familyhelp.casework.models import Episode
from familyhelp.casework.tests.factories import EpisodeFactory, TeamAroundFamilyMemberFactory
from familyhelp.directory.models import OrganisationEditor
from familyhelp.directory.tests.factories import OrganizationFactory, ServiceFactory
from familyhelp.families.models import Consent
from familyhelp.families.tests.factories import ConsentFactory
from familyhelp.frontdoor.models import Decision
from familyhelp.frontdoor.tests.factories import DecisionFactory, RequestFactory, front_door_team

SEEDED_ROLES = [
    code
    for code, _, _ in importlib.import_module(
        "familyhelp.accounts.migrations.0002_seed_roles"
    ).ROLES
]

SYSTEM_ADMIN = "system-administrator"
AGENCY_ADMIN = "agency-administrator"
DIRECTORY_ADMIN = "directory-administrator"
ORGANISATION_EDITOR = "organisation-editor"
PRACTITIONER = "practitioner"
FRONT_DOOR_OFFICER = "front-door-officer"
KEYWORKER = "family-keyworker"
TEAM_MANAGER = "team-manager"
DATA_ANALYST = "data-analyst"
AUDITOR = "auditor"
NO_ROLE = "(no role)"
DEACTIVATED = "(deactivated, holding every role)"

SUBJECTS = [*SEEDED_ROLES, NO_ROLE, DEACTIVATED]
EVERYONE_ACTIVE = frozenset([*SEEDED_ROLES, NO_ROLE])
NOBODY = frozenset()

# Relationships of the person to the object the permission is asked about.
NO_OBJECT = "no object"
SAME_AGENCY_PERSON = "a person in their agency"
OTHER_AGENCY_PERSON = "a person in another agency"
THEMSELVES = "themselves"
OWN_AGENCY = "their own agency"
OTHER_AGENCY = "another agency"
AGENCY_ADMIN_ROLE = "the agency administrator role"
PRACTITIONER_ROLE = "the practitioner role"
SYSTEM_ADMIN_ROLE = "the system administrator role"
ORGANISATION_NOT_LINKED = "an organisation they are not linked to"
ORGANISATION_LINKED = "an organisation they are linked to as editor"
SERVICE_NOT_LINKED = "a service of an organisation they are not linked to"
SERVICE_LINKED = "a service of an organisation they are linked to as editor"
RECORD_UNRELATED = "a record they have no relationship with"
RECORD_LEAD_PROFESSIONAL = "a record they are lead professional for"
RECORD_TEAM_AROUND_FAMILY = "a record they are in the team around the family for"
RECORD_IN_TEAM = "a record of a team they belong to, no open request"
RECORD_IN_TEAM_OPEN_REQUEST = "a record of a team they belong to, with an open request"
RECORD_BREAK_GLASS = "a record they have unexpired break-glass access to"
RECORD_BREAK_GLASS_EXPIRED = "a record their break-glass access has expired for"
BREAK_GLASS_IN_THEIR_TEAM = "break-glass use by someone in a team they belong to"
BREAK_GLASS_OTHER_TEAM = "break-glass use by someone in another team"
BREAK_GLASS_THEIR_OWN = "their own break-glass use"
# Families, people and requests for support (familyhelp/families, familyhelp/frontdoor).
FAMILY_UNRELATED = "a family with an open request, they are not in the front door team"
FAMILY_REQUESTER = "a family they asked for help for"
FAMILY_REQUESTER_WITHDRAWN = "a family they asked for help for that withdrew sharing with them"
FAMILY_FRONT_DOOR_OPEN = "a family with an open request, they are in the front door team"
FAMILY_FRONT_DOOR_DECIDED = "a family whose request was decided, they are in the front door team"
FAMILY_ALLOCATED = "a family allocated to their team for Family Help"
FAMILY_BREAK_GLASS = "a family they have unexpired break-glass access to"
PERSON_UNRELATED = "a person in a family with an open request, not in the front door team"
PERSON_REQUESTER = "a person in a family they asked for help for"
PERSON_FRONT_DOOR_OPEN = "a person in a family with an open request, in the front door team"
PERSON_BREAK_GLASS = "a person they have unexpired break-glass access to"
REQUEST_OWN_DRAFT = "a draft request they started"
REQUEST_SHARED_DRAFT = "a draft request a colleague shared with them"
REQUEST_OTHERS_DRAFT = "someone else's draft request, they are in the front door team"
REQUEST_OWN_SUBMITTED = "a request they made that is waiting for triage"
REQUEST_OPEN = "an open request, they are in the front door team"
REQUEST_OPEN_OTHER_TEAM = "an open request, they are not in the front door team"
REQUEST_DECIDED = "a decided request, they are in the front door team"
REQUEST_ALLOCATED = "a request decided as Family Help in their team"
REQUEST_BREAK_GLASS = "a request they have unexpired break-glass access to"
# Episodes of Family Help (familyhelp/casework).
EPISODE_UNRELATED = "an open episode they have no relationship with"
EPISODE_LEAD = "an open episode they are lead professional for (in another team)"
EPISODE_TEAM_AROUND_FAMILY = "an open episode they are in the team around the family for"
EPISODE_LEFT_TEAM_AROUND_FAMILY = "an open episode whose team around the family they left"
EPISODE_IN_TEAM = "an open episode of a team they belong to, not theirs"
EPISODE_CLOSED_LEAD = "a closed episode they were lead professional for"
EPISODE_CLOSED_IN_TEAM = "a closed episode of a team they belong to"
EPISODE_BREAK_GLASS = "an episode they have unexpired break-glass access to"

ADMINS = {SYSTEM_ADMIN, AGENCY_ADMIN}
DIRECTORY_ADMINS = {SYSTEM_ADMIN, DIRECTORY_ADMIN}
LOG_READERS = {AUDITOR, SYSTEM_ADMIN, TEAM_MANAGER}
FRONT_DOOR = {FRONT_DOOR_OFFICER, TEAM_MANAGER}
WORK_WITH_FAMILIES = {PRACTITIONER, FRONT_DOOR_OFFICER, KEYWORKER, TEAM_MANAGER}

MATRIX: dict[str, dict[str, frozenset[str] | set[str]]] = {
    # People (familyhelp/accounts/rules.py)
    "accounts.view_people": {NO_OBJECT: ADMINS},
    "accounts.invite_person": {NO_OBJECT: ADMINS},
    "accounts.invite_organisation_editor": {NO_OBJECT: DIRECTORY_ADMINS},
    "accounts.manage_agency": {OWN_AGENCY: ADMINS, OTHER_AGENCY: {SYSTEM_ADMIN}},
    "accounts.manage_person": {
        SAME_AGENCY_PERSON: ADMINS,
        OTHER_AGENCY_PERSON: {SYSTEM_ADMIN},
        THEMSELVES: ADMINS,
    },
    "accounts.deactivate_person": {
        SAME_AGENCY_PERSON: ADMINS,
        OTHER_AGENCY_PERSON: {SYSTEM_ADMIN},
        THEMSELVES: {SYSTEM_ADMIN},
    },
    "accounts.reset_second_factor": {
        SAME_AGENCY_PERSON: ADMINS,
        OTHER_AGENCY_PERSON: {SYSTEM_ADMIN},
        THEMSELVES: {SYSTEM_ADMIN},
    },
    "accounts.unlock_account": {
        SAME_AGENCY_PERSON: ADMINS,
        OTHER_AGENCY_PERSON: {SYSTEM_ADMIN},
        THEMSELVES: ADMINS,
    },
    "accounts.grant_role": {
        AGENCY_ADMIN_ROLE: ADMINS,
        PRACTITIONER_ROLE: ADMINS,
        SYSTEM_ADMIN_ROLE: {SYSTEM_ADMIN},
    },
    # Break-glass (familyhelp/accounts/rules.py, access area)
    "accounts.break_glass": {NO_OBJECT: {FRONT_DOOR_OFFICER, TEAM_MANAGER}},
    "accounts.view_break_glass_reviews": {NO_OBJECT: {SYSTEM_ADMIN, TEAM_MANAGER}},
    "accounts.review_break_glass": {
        BREAK_GLASS_IN_THEIR_TEAM: {SYSTEM_ADMIN, TEAM_MANAGER},
        BREAK_GLASS_OTHER_TEAM: {SYSTEM_ADMIN},
        BREAK_GLASS_THEIR_OWN: NOBODY,
    },
    # The audit log (familyhelp/audit/rules.py)
    "audit.search_log": {NO_OBJECT: LOG_READERS},
    "audit.view_record_history": {NO_OBJECT: LOG_READERS},
    "audit.export_log": {NO_OBJECT: LOG_READERS},
    # The directory (familyhelp/directory/rules.py)
    "directory.administer": {NO_OBJECT: DIRECTORY_ADMINS},
    "directory.edit_organization": {
        ORGANISATION_NOT_LINKED: DIRECTORY_ADMINS,
        ORGANISATION_LINKED: {*DIRECTORY_ADMINS, ORGANISATION_EDITOR},
    },
    "directory.edit_service": {
        SERVICE_NOT_LINKED: DIRECTORY_ADMINS,
        SERVICE_LINKED: {*DIRECTORY_ADMINS, ORGANISATION_EDITOR},
    },
    # Report a problem (familyhelp/directory/rules.py): each report is then checked with
    # directory.edit_service, so an editor sees only their organisations' reports.
    "directory.view_problem_reports": {NO_OBJECT: {*DIRECTORY_ADMINS, ORGANISATION_EDITOR}},
    # Stewardship (familyhelp/stewardship/rules.py)
    "stewardship.edit_listings": {NO_OBJECT: {*DIRECTORY_ADMINS, ORGANISATION_EDITOR}},
    # Bulk upload: each row's organisation is then checked against the editor's organisations.
    "stewardship.bulk_upload": {NO_OBJECT: {*DIRECTORY_ADMINS, ORGANISATION_EDITOR}},
    # Families and people (familyhelp/families/rules.py): seen by whoever is related to the
    # family; changed by those who keep its details, if their role works with families.
    "families.view_family": {
        FAMILY_UNRELATED: NOBODY,
        FAMILY_REQUESTER: EVERYONE_ACTIVE,
        FAMILY_REQUESTER_WITHDRAWN: NOBODY,
        FAMILY_FRONT_DOOR_OPEN: FRONT_DOOR,
        FAMILY_FRONT_DOOR_DECIDED: NOBODY,
        FAMILY_ALLOCATED: {TEAM_MANAGER},
        FAMILY_BREAK_GLASS: EVERYONE_ACTIVE,
    },
    "families.change_family": {
        FAMILY_UNRELATED: NOBODY,
        FAMILY_REQUESTER: WORK_WITH_FAMILIES,
        FAMILY_REQUESTER_WITHDRAWN: NOBODY,
        FAMILY_FRONT_DOOR_OPEN: FRONT_DOOR,
        FAMILY_FRONT_DOOR_DECIDED: NOBODY,
        FAMILY_ALLOCATED: {TEAM_MANAGER},
        FAMILY_BREAK_GLASS: NOBODY,
    },
    "families.record_consent": {
        FAMILY_UNRELATED: NOBODY,
        FAMILY_REQUESTER: WORK_WITH_FAMILIES,
        FAMILY_REQUESTER_WITHDRAWN: NOBODY,
        FAMILY_FRONT_DOOR_OPEN: FRONT_DOOR,
        FAMILY_ALLOCATED: {TEAM_MANAGER},
        FAMILY_BREAK_GLASS: NOBODY,
    },
    "families.view_person": {
        PERSON_UNRELATED: NOBODY,
        PERSON_REQUESTER: EVERYONE_ACTIVE,
        PERSON_FRONT_DOOR_OPEN: FRONT_DOOR,
        PERSON_BREAK_GLASS: EVERYONE_ACTIVE,
    },
    "families.change_person": {
        PERSON_UNRELATED: NOBODY,
        PERSON_REQUESTER: WORK_WITH_FAMILIES,
        PERSON_FRONT_DOOR_OPEN: FRONT_DOOR,
        PERSON_BREAK_GLASS: NOBODY,
    },
    "families.add_person": {NO_OBJECT: WORK_WITH_FAMILIES},
    "families.merge_people": {NO_OBJECT: {TEAM_MANAGER}},
    # Requests for support (familyhelp/frontdoor/rules.py): a draft is its author's and the
    # colleagues it is shared with; the front door team sees open requests.
    "frontdoor.make_request": {NO_OBJECT: WORK_WITH_FAMILIES},
    "frontdoor.view_request": {
        REQUEST_OWN_DRAFT: EVERYONE_ACTIVE,
        REQUEST_SHARED_DRAFT: EVERYONE_ACTIVE,
        REQUEST_OTHERS_DRAFT: NOBODY,
        REQUEST_OWN_SUBMITTED: EVERYONE_ACTIVE,
        REQUEST_OPEN: FRONT_DOOR,
        REQUEST_OPEN_OTHER_TEAM: NOBODY,
        REQUEST_DECIDED: NOBODY,
        REQUEST_ALLOCATED: {TEAM_MANAGER},
        REQUEST_BREAK_GLASS: EVERYONE_ACTIVE,
    },
    "frontdoor.view_own_request": {
        REQUEST_OWN_DRAFT: WORK_WITH_FAMILIES,
        REQUEST_SHARED_DRAFT: WORK_WITH_FAMILIES,
        REQUEST_OTHERS_DRAFT: NOBODY,
        REQUEST_OWN_SUBMITTED: WORK_WITH_FAMILIES,
        REQUEST_OPEN: NOBODY,
    },
    "frontdoor.edit_request": {
        REQUEST_OWN_DRAFT: WORK_WITH_FAMILIES,
        REQUEST_SHARED_DRAFT: WORK_WITH_FAMILIES,
        REQUEST_OTHERS_DRAFT: NOBODY,
        REQUEST_OWN_SUBMITTED: NOBODY,
        REQUEST_BREAK_GLASS: NOBODY,
    },
    "frontdoor.view_queue": {NO_OBJECT: NOBODY, REQUEST_OPEN: FRONT_DOOR},
    "frontdoor.triage_request": {
        REQUEST_OPEN: {FRONT_DOOR_OFFICER},
        REQUEST_OPEN_OTHER_TEAM: NOBODY,
        REQUEST_DECIDED: NOBODY,
        REQUEST_OWN_SUBMITTED: NOBODY,
        REQUEST_BREAK_GLASS: NOBODY,
    },
    "frontdoor.approve_decision": {
        REQUEST_OPEN: {TEAM_MANAGER},
        REQUEST_OPEN_OTHER_TEAM: NOBODY,
        REQUEST_DECIDED: NOBODY,
        REQUEST_BREAK_GLASS: NOBODY,
    },
    "frontdoor.edit_thresholds": {NO_OBJECT: {SYSTEM_ADMIN}},
    "frontdoor.view_thresholds": {NO_OBJECT: {*WORK_WITH_FAMILIES, SYSTEM_ADMIN}},
    "frontdoor.view_figures": {
        NO_OBJECT: {SYSTEM_ADMIN, DATA_ANALYST},
        REQUEST_OPEN: {SYSTEM_ADMIN, DATA_ANALYST, *FRONT_DOOR},
    },
    # Case work (familyhelp/casework/rules.py): everyone on the case reads the episode and records
    # work while it is open; the lead (a keyworker) and the team's manager lead it; only the
    # manager allocates and re-opens; once closed, only the team's manager keeps access.
    "casework.view_episode": {
        EPISODE_UNRELATED: NOBODY,
        EPISODE_LEAD: EVERYONE_ACTIVE,
        EPISODE_TEAM_AROUND_FAMILY: EVERYONE_ACTIVE,
        EPISODE_LEFT_TEAM_AROUND_FAMILY: NOBODY,
        EPISODE_IN_TEAM: {TEAM_MANAGER},
        EPISODE_CLOSED_LEAD: NOBODY,
        EPISODE_CLOSED_IN_TEAM: {TEAM_MANAGER},
        EPISODE_BREAK_GLASS: EVERYONE_ACTIVE,
    },
    "casework.record_work": {
        EPISODE_UNRELATED: NOBODY,
        EPISODE_LEAD: EVERYONE_ACTIVE,
        EPISODE_TEAM_AROUND_FAMILY: EVERYONE_ACTIVE,
        EPISODE_LEFT_TEAM_AROUND_FAMILY: NOBODY,
        EPISODE_IN_TEAM: {TEAM_MANAGER},
        EPISODE_CLOSED_LEAD: NOBODY,
        EPISODE_BREAK_GLASS: NOBODY,
    },
    "casework.lead_episode": {
        EPISODE_UNRELATED: NOBODY,
        EPISODE_LEAD: {KEYWORKER, TEAM_MANAGER},
        EPISODE_TEAM_AROUND_FAMILY: NOBODY,
        EPISODE_IN_TEAM: {TEAM_MANAGER},
        EPISODE_CLOSED_LEAD: NOBODY,
        EPISODE_CLOSED_IN_TEAM: {TEAM_MANAGER},
        EPISODE_BREAK_GLASS: NOBODY,
    },
    "casework.manage_episode": {
        EPISODE_UNRELATED: NOBODY,
        EPISODE_LEAD: NOBODY,
        EPISODE_TEAM_AROUND_FAMILY: NOBODY,
        EPISODE_IN_TEAM: {TEAM_MANAGER},
        EPISODE_CLOSED_IN_TEAM: {TEAM_MANAGER},
        EPISODE_BREAK_GLASS: NOBODY,
    },
    "casework.view_cases": {NO_OBJECT: {PRACTITIONER, KEYWORKER, TEAM_MANAGER}},
    "casework.view_caseloads": {NO_OBJECT: {TEAM_MANAGER}},
    "casework.run_case_audits": {NO_OBJECT: {TEAM_MANAGER, SYSTEM_ADMIN}},
    "casework.audit_cases": {NO_OBJECT: {TEAM_MANAGER, AUDITOR}},
    "casework.export_subject_access": {NO_OBJECT: {AUDITOR, SYSTEM_ADMIN}},
    "casework.configure": {NO_OBJECT: {SYSTEM_ADMIN}},
    # A personal record (the test-only stand-in until families and casework register theirs)
    "testrecords.view_protectedrecord": {
        RECORD_UNRELATED: NOBODY,
        RECORD_LEAD_PROFESSIONAL: EVERYONE_ACTIVE,
        RECORD_TEAM_AROUND_FAMILY: EVERYONE_ACTIVE,
        RECORD_IN_TEAM: {TEAM_MANAGER},
        RECORD_IN_TEAM_OPEN_REQUEST: {TEAM_MANAGER, FRONT_DOOR_OFFICER},
        RECORD_BREAK_GLASS: EVERYONE_ACTIVE,
        RECORD_BREAK_GLASS_EXPIRED: NOBODY,
    },
}


# How each relationship is made, for the person being tried --------------------------------


def _break_glass(user, *, minutes):
    record = ProtectedRecordFactory()
    BreakGlassAccess.objects.create(
        user=user,
        record_type="testrecords.protectedrecord",
        record_id=str(record.pk),
        family_id=record.family_id,
        reason="A reason long enough to be accepted.",
        expires_at=timezone.now() + datetime.timedelta(minutes=minutes),
    )
    return record


def _in_team(user, **record_fields):
    team = TeamFactory(agency=user.agency)
    TeamMembership.objects.create(user=user, team=team)
    return ProtectedRecordFactory(team=team, **record_fields)


def _linked_organisation(user):
    organisation = OrganizationFactory()
    OrganisationEditor.objects.create(user=user, organization=organisation)
    return organisation


def _break_glass_use(by, minutes=30):
    return BreakGlassAccess.objects.create(
        user=by,
        record_type="testrecords.protectedrecord",
        record_id="1",
        reason="A reason long enough to be accepted.",
        expires_at=timezone.now() + datetime.timedelta(minutes=minutes),
    )


def _use_by_teammate(user):
    team = TeamFactory(agency=user.agency)
    TeamMembership.objects.create(user=user, team=team)
    teammate = UserFactory(agency=user.agency, roles=[FRONT_DOOR_OFFICER])
    TeamMembership.objects.create(user=teammate, team=team)
    return _break_glass_use(teammate)


def _use_in_other_team(user):
    TeamMembership.objects.create(user=user, team=TeamFactory(agency=user.agency))
    stranger = UserFactory(roles=[FRONT_DOOR_OFFICER])
    TeamMembership.objects.create(user=stranger, team=TeamFactory(agency=stranger.agency))
    return _break_glass_use(stranger)


def _own_use(user):
    # They are in a team with themselves, so only the "not your own" rule refuses it.
    TeamMembership.objects.create(user=user, team=TeamFactory(agency=user.agency))
    return _break_glass_use(user)


def _join_front_door(user):
    TeamMembership.objects.create(user=user, team=front_door_team())


def _family_with_request(**request_fields):
    return RequestFactory(submitted=True, **request_fields).family


def _family_withdrawn(user):
    request = RequestFactory(created_by=user, submitted=True)
    consent = ConsentFactory(
        family=request.family, scope=Consent.Scope.SHARING, agencies=[user.agency]
    )
    consent.withdrawn_at = timezone.now()
    consent.save()
    return request.family


def _in_front_door(user, make):
    _join_front_door(user)
    return make(user)


def _allocated_request(user):
    team = TeamFactory(agency=user.agency)
    TeamMembership.objects.create(user=user, team=team)
    return DecisionFactory(
        kind=Decision.Kind.FAMILY_HELP, team=team, rationale="Needs help"
    ).request


def _break_glass_on(user, record):
    BreakGlassAccess.objects.create(
        user=user,
        record_type=record._meta.label_lower,
        record_id=str(record.pk),
        reason="A reason long enough to be accepted.",
        expires_at=timezone.now() + datetime.timedelta(minutes=30),
    )
    return record


def _shared_draft(user):
    request = RequestFactory()
    request.shared_with.add(user)
    return request


def _episode_in_team(user, **fields):
    team = TeamFactory(agency=user.agency)
    TeamMembership.objects.create(user=user, team=team)
    return EpisodeFactory(team=team, **fields)


def _closed(**fields):
    return {
        "status": Episode.Status.CLOSED,
        "closed_at": timezone.now(),
        "closure_reason": Episode.ClosureReason.NEEDS_MET,
        **fields,
    }


def _child(family):
    return family.members.first()


RELATIONSHIPS = {
    NO_OBJECT: lambda user: None,
    FAMILY_UNRELATED: lambda user: _family_with_request(),
    FAMILY_REQUESTER: lambda user: RequestFactory(created_by=user).family,
    FAMILY_REQUESTER_WITHDRAWN: _family_withdrawn,
    FAMILY_FRONT_DOOR_OPEN: lambda user: _in_front_door(user, lambda u: _family_with_request()),
    FAMILY_FRONT_DOOR_DECIDED: lambda user: _in_front_door(
        user, lambda u: DecisionFactory().request.family
    ),
    FAMILY_ALLOCATED: lambda user: _allocated_request(user).family,
    FAMILY_BREAK_GLASS: lambda user: _break_glass_on(user, _family_with_request()),
    PERSON_UNRELATED: lambda user: _child(_family_with_request()),
    PERSON_REQUESTER: lambda user: _child(RequestFactory(created_by=user).family),
    PERSON_FRONT_DOOR_OPEN: lambda user: _in_front_door(
        user, lambda u: _child(_family_with_request())
    ),
    PERSON_BREAK_GLASS: lambda user: _break_glass_on(user, _child(_family_with_request())),
    REQUEST_OWN_DRAFT: lambda user: RequestFactory(created_by=user),
    REQUEST_SHARED_DRAFT: _shared_draft,
    REQUEST_OTHERS_DRAFT: lambda user: _in_front_door(user, lambda u: RequestFactory()),
    REQUEST_OWN_SUBMITTED: lambda user: RequestFactory(created_by=user, submitted=True),
    REQUEST_OPEN: lambda user: _in_front_door(user, lambda u: RequestFactory(submitted=True)),
    REQUEST_OPEN_OTHER_TEAM: lambda user: RequestFactory(submitted=True),
    REQUEST_DECIDED: lambda user: _in_front_door(user, lambda u: DecisionFactory().request),
    REQUEST_ALLOCATED: _allocated_request,
    REQUEST_BREAK_GLASS: lambda user: _break_glass_on(user, RequestFactory(submitted=True)),
    EPISODE_UNRELATED: lambda user: EpisodeFactory(),
    EPISODE_LEAD: lambda user: EpisodeFactory(lead_professional=user),
    EPISODE_TEAM_AROUND_FAMILY: lambda user: TeamAroundFamilyMemberFactory(user=user).episode,
    EPISODE_LEFT_TEAM_AROUND_FAMILY: lambda user: (
        TeamAroundFamilyMemberFactory(user=user, left_at=timezone.now()).episode
    ),
    EPISODE_IN_TEAM: lambda user: _episode_in_team(user),
    EPISODE_CLOSED_LEAD: lambda user: EpisodeFactory(**_closed(lead_professional=user)),
    EPISODE_CLOSED_IN_TEAM: lambda user: _episode_in_team(user, **_closed()),
    EPISODE_BREAK_GLASS: lambda user: _break_glass_on(user, EpisodeFactory()),
    SAME_AGENCY_PERSON: lambda user: UserFactory(agency=user.agency),
    OTHER_AGENCY_PERSON: lambda user: UserFactory(agency=AgencyFactory()),
    THEMSELVES: lambda user: user,
    OWN_AGENCY: lambda user: user.agency,
    OTHER_AGENCY: lambda user: AgencyFactory(),
    AGENCY_ADMIN_ROLE: lambda user: Role.objects.get(code=AGENCY_ADMIN),
    PRACTITIONER_ROLE: lambda user: Role.objects.get(code=PRACTITIONER),
    SYSTEM_ADMIN_ROLE: lambda user: Role.objects.get(code=SYSTEM_ADMIN),
    ORGANISATION_NOT_LINKED: lambda user: OrganizationFactory(),
    ORGANISATION_LINKED: _linked_organisation,
    SERVICE_NOT_LINKED: lambda user: ServiceFactory(),
    SERVICE_LINKED: lambda user: ServiceFactory(organization=_linked_organisation(user)),
    RECORD_UNRELATED: lambda user: ProtectedRecordFactory(request_open=True),
    RECORD_LEAD_PROFESSIONAL: lambda user: ProtectedRecordFactory(lead_professional=user),
    RECORD_TEAM_AROUND_FAMILY: lambda user: ProtectedRecordFactory(team_around_family=[user]),
    RECORD_IN_TEAM: lambda user: _in_team(user, request_open=False),
    RECORD_IN_TEAM_OPEN_REQUEST: lambda user: _in_team(user, request_open=True),
    RECORD_BREAK_GLASS: lambda user: _break_glass(user, minutes=30),
    RECORD_BREAK_GLASS_EXPIRED: lambda user: _break_glass(user, minutes=-1),
    BREAK_GLASS_IN_THEIR_TEAM: _use_by_teammate,
    BREAK_GLASS_OTHER_TEAM: _use_in_other_team,
    BREAK_GLASS_THEIR_OWN: _own_use,
}


def _person(subject):
    if subject == NO_ROLE:
        return UserFactory()
    if subject == DEACTIVATED:
        return UserFactory(roles=SEEDED_ROLES, is_active=False)
    return UserFactory(roles=[subject])


CASES = [
    pytest.param(
        perm, relationship, subject, subject in allowed, id=f"{perm}|{relationship}|{subject}"
    )
    for perm, rows in MATRIX.items()
    for relationship, allowed in rows.items()
    for subject in SUBJECTS
]


# The tests -----------------------------------------------------------------------------------


def test_every_registered_permission_has_an_entry_in_the_table():
    missing = sorted(set(permissions) - set(MATRIX))
    assert missing == [], f"Add these permissions to MATRIX, saying who may: {missing}"


def test_the_table_names_only_registered_permissions_roles_and_relationships():
    assert sorted(set(MATRIX) - set(permissions)) == []
    for rows in MATRIX.values():
        assert set(rows) <= set(RELATIONSHIPS)
        for allowed in rows.values():
            assert set(allowed) <= set(SUBJECTS)


@pytest.mark.django_db
def test_the_seeded_roles_are_the_ones_the_table_covers():
    assert set(Role.objects.values_list("code", flat=True)) == set(SEEDED_ROLES)


@pytest.mark.django_db
@pytest.mark.parametrize(("perm", "relationship", "subject", "allowed"), CASES)
def test_permission(perm, relationship, subject, allowed):
    person = _person(subject)
    obj = RELATIONSHIPS[relationship](person)
    assert access.user_has_perm(person, perm, obj) is allowed
    # Django's own check (used by navigation) agrees for everyone who is not a superuser.
    assert person.has_perm(perm, obj) is allowed
    # And where lists are filtered by the same permission, the record is listed exactly when
    # it may be opened.
    if perm in PERMISSION_SCOPES and obj is not None:
        listed = access.visible_to(person, perm, type(obj).objects.all()).filter(pk=obj.pk)
        assert listed.exists() is allowed
