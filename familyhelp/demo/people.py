"""The demo county's agencies, teams and one person for each role (all fictional).

Everyone signs in with the published demo password. Under config/settings/demo.py (what
`make run` uses) they skip the one-time-code step, and the sign-in page says so.
"""

from dataclasses import dataclass

from django.db import transaction

from familyhelp.accounts.models import Agency, Role, RoleAssignment, Team, TeamMembership, User
from familyhelp.audit.services import audit_record

DEMO_JOB = "job:load_demo"

COUNCIL = "Wessex Vale Council"
SCHOOL = "Vale Primary School"
HEALTH = "Wessex Vale Community Health"
POLICE = "Wessex Vale Police"
VOLUNTARY = "Vale Family Trust"

# Agency, its kind and its teams.
AGENCIES = [
    (
        COUNCIL,
        Agency.Kind.COUNCIL,
        [
            "Front Door",
            "Family Help North",
            "Family Help South",
            "Directory",
            "Performance and Intelligence",
            "Information Governance",
        ],
    ),
    (SCHOOL, Agency.Kind.SCHOOL, ["Safeguarding"]),
    (HEALTH, Agency.Kind.HEALTH, ["Health Visiting Vale East"]),
    (POLICE, Agency.Kind.POLICE, ["Early Help Liaison"]),
    (VOLUNTARY, Agency.Kind.VOLUNTARY_COMMUNITY, ["Parent Support"]),
]


@dataclass(frozen=True)
class DemoPerson:
    role: str
    email: str
    full_name: str
    job_title: str
    agency: str | None
    teams: tuple[str, ...] = ()


PEOPLE = [
    DemoPerson(
        Role.SYSTEM_ADMINISTRATOR,
        "sysadmin@wessexvale.example",
        "Sam Okafor",
        "Family Help system administrator",
        None,
    ),
    DemoPerson(
        Role.AGENCY_ADMINISTRATOR,
        "people.admin@wessexvale.example",
        "Priya Nair",
        "Business support manager",
        COUNCIL,
        ("Front Door",),
    ),
    DemoPerson(
        "directory-administrator",
        "directory.admin@wessexvale.example",
        "Tom Hughes",
        "Family information service officer",
        COUNCIL,
        ("Directory",),
    ),
    DemoPerson(
        "organisation-editor",
        "editor@valefamilytrust.example",
        "Grace Adeyemi",
        "Volunteer coordinator",
        VOLUNTARY,
        ("Parent Support",),
    ),
    DemoPerson(
        "practitioner",
        "dsl@valeprimary.example",
        "Hannah Price",
        "Designated safeguarding lead",
        SCHOOL,
        ("Safeguarding",),
    ),
    DemoPerson(
        "front-door-officer",
        "frontdoor@wessexvale.example",
        "Lewis Grant",
        "Front door officer",
        COUNCIL,
        ("Front Door",),
    ),
    DemoPerson(
        "family-keyworker",
        "keyworker@wessexvale.example",
        "Aisha Rahman",
        "Family keyworker",
        COUNCIL,
        ("Family Help North",),
    ),
    DemoPerson(
        "team-manager",
        "manager@wessexvale.example",
        "Chris Doyle",
        "Family Help team manager",
        COUNCIL,
        ("Family Help North", "Front Door"),
    ),
    DemoPerson(
        "data-analyst",
        "analyst@wessexvale.example",
        "Mei Chen",
        "Performance analyst",
        COUNCIL,
        ("Performance and Intelligence",),
    ),
    DemoPerson(
        "auditor",
        "auditor@wessexvale.example",
        "Ruth Evans",
        "Information governance officer",
        COUNCIL,
        ("Information Governance",),
    ),
]


def demo_people_ensure(password: str) -> list[tuple[str, User]]:
    """Create (or bring back) the demo agencies, teams and people; returns (role name, person).

    Idempotent: a second run changes nothing but the password, which it resets to the demo one.
    New people, teams and roles are recorded in the audit log as the demo loader's doing.
    """
    from familyhelp.directory.models import OrganisationEditor, Organization

    with transaction.atomic():
        agencies, teams = {}, {}
        for name, kind, team_names in AGENCIES:
            agencies[name], _ = Agency.objects.get_or_create(name=name, defaults={"kind": kind})
            for team_name in team_names:
                teams[name, team_name], _ = Team.objects.get_or_create(
                    agency=agencies[name], name=team_name
                )
        roles = {role.code: role for role in Role.objects.all()}
        people = []
        for spec in PEOPLE:
            person = User.objects.filter(email__iexact=spec.email).first()
            created = person is None
            if created:
                person = User(email=spec.email)
            person.full_name = spec.full_name
            person.job_title = spec.job_title
            person.agency = agencies.get(spec.agency)
            person.is_active = True
            person.deactivated_at = None
            person.set_password(password)
            person.save()
            if created:
                _audit(person, "create", ["email", "full_name", "job_title", "agency"])
            for team_name in spec.teams:
                _, joined = TeamMembership.objects.get_or_create(
                    user=person, team=teams[spec.agency, team_name]
                )
                if joined:
                    _audit(
                        person,
                        "change",
                        ["teams"],
                        {"added_team": teams[spec.agency, team_name].pk},
                    )
            _, granted = RoleAssignment.objects.get_or_create(user=person, role=roles[spec.role])
            if granted:
                _audit(person, "permission_change", ["roles"], {"granted_role": spec.role})
            people.append((roles[spec.role].name, person))
        # The organisation editor looks after the first demo organisation's listings.
        editor = next(
            person for role, person in people if role == roles["organisation-editor"].name
        )
        first = Organization.objects.order_by("name", "id").first()
        if first is not None and not OrganisationEditor.objects.filter(user=editor).exists():
            OrganisationEditor.objects.create(user=editor, organization=first)
    return people


def _audit(person, action, fields, values=None):
    audit_record(
        actor_label=DEMO_JOB,
        action=action,
        record_type="accounts.user",
        record_id=person.pk,
        fields_changed=fields,
        values=values or {},
    )
