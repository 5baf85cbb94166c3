"""Who may do what with people, roles and access: predicates for the `rules` package.

Role predicates read the person's roles once per request (cached on the user object). Every view,
API endpoint and selector asks these same rules through `user.has_perm(name, obj)`.
"""

import rules

from familyhelp.accounts.models import Role, RoleAssignment, TeamMembership

ROLE_CACHE_ATTRIBUTE = "_familyhelp_role_codes"


def role_codes(user) -> frozenset[str]:
    """The codes of the roles the person holds (none when signed out or deactivated)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, ROLE_CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = frozenset(user.role_assignments.values_list("role__code", flat=True))
        setattr(user, ROLE_CACHE_ATTRIBUTE, cached)
    return cached


def remember_roles(people) -> None:
    """Read everyone's roles in one query, for rules checked across a list of people."""
    codes = {person.pk: set() for person in people}
    assignments = RoleAssignment.objects.filter(user__in=list(codes))
    for user_id, code in assignments.values_list("user_id", "role__code"):
        codes[user_id].add(code)
    for person in people:
        setattr(person, ROLE_CACHE_ATTRIBUTE, frozenset(codes[person.pk]))


def forget_roles(user) -> None:
    """Call after changing a person's roles, so the next check reads them again."""
    if hasattr(user, ROLE_CACHE_ATTRIBUTE):
        delattr(user, ROLE_CACHE_ATTRIBUTE)


def has_role(code: str):
    return rules.predicate(lambda user: code in role_codes(user), name=f"has_role:{code}")


@rules.predicate
def is_system_administrator(user):
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or Role.SYSTEM_ADMINISTRATOR in role_codes(user)


is_agency_administrator = has_role(Role.AGENCY_ADMINISTRATOR)
is_directory_administrator = has_role("directory-administrator")
is_organisation_editor = has_role("organisation-editor")
is_practitioner = has_role("practitioner")
is_front_door_officer = has_role("front-door-officer")
is_family_keyworker = has_role("family-keyworker")
is_team_manager = has_role("team-manager")
is_data_analyst = has_role("data-analyst")
is_auditor = has_role("auditor")


@rules.predicate
def may_break_glass(user):
    if not role_codes(user):
        return False
    return user.role_assignments.filter(role__may_break_glass=True).exists()


@rules.predicate
def in_same_agency(user, person):
    """`person` works for the same agency as the user (a User, or anything with agency_id)."""
    agency_id = getattr(person, "agency_id", None)
    return agency_id is not None and agency_id == getattr(user, "agency_id", None)


@rules.predicate
def is_that_agency(user, agency):
    return agency is not None and agency.pk == getattr(user, "agency_id", None)


@rules.predicate
def is_a_system_administrator(user, person):
    """The person being managed is a system administrator or a superuser."""
    return person is not None and bool(is_system_administrator.test(person))


@rules.predicate
def is_self(user, person):
    return person is not None and person.pk == getattr(user, "pk", None)


@rules.predicate
def agency_administrators_may_grant_it(user, role):
    return role is not None and role.agency_administrators_may_grant


@rules.predicate
def is_system_administrator_role(user, role):
    return role is not None and role.code == Role.SYSTEM_ADMINISTRATOR


# People: a system administrator manages anyone; an agency administrator only their own agency's.
rules.add_perm("accounts.view_people", is_system_administrator | is_agency_administrator)
rules.add_perm("accounts.invite_person", is_system_administrator | is_agency_administrator)
rules.add_perm(
    "accounts.manage_agency", is_system_administrator | (is_agency_administrator & is_that_agency)
)
# obj is the person (a User) being managed.
# An agency administrator never manages a system administrator (or a superuser), even one who
# works for their agency: that would let them lock out or change the people above them.
manages_within_agency = is_agency_administrator & in_same_agency & ~is_a_system_administrator
rules.add_perm("accounts.manage_person", is_system_administrator | manages_within_agency)
rules.add_perm(
    "accounts.deactivate_person",
    is_system_administrator | (manages_within_agency & ~is_self),
)
rules.add_perm(
    "accounts.reset_second_factor",
    is_system_administrator | (manages_within_agency & ~is_self),
)
rules.add_perm("accounts.unlock_account", is_system_administrator | manages_within_agency)
# obj is the Role to give or take away. An agency administrator gives only the roles marked as
# theirs to give (data: Role.agency_administrators_may_grant), never system administrator, and
# never to themselves (the services refuse that); a system administrator gives any.
rules.add_perm(
    "accounts.grant_role",
    is_system_administrator
    | (
        is_agency_administrator & agency_administrators_may_grant_it & ~is_system_administrator_role
    ),
)


# Access (familyhelp/accounts/access.py, break_glass.py): break-glass and its review. -----------
# A team manager manages the teams they are a member of.


@rules.predicate
def manages_a_team_of_the_user_who_broke_glass(user, access):
    """obj is a BreakGlassAccess: the user is a team manager in a team its user belongs to."""
    if access is None or not is_team_manager(user):
        return False
    return TeamMembership.objects.filter(
        user_id=access.user_id, team__memberships__user=user
    ).exists()


@rules.predicate
def is_own_break_glass(user, access):
    return access is not None and access.user_id == getattr(user, "pk", None)


rules.add_perm("accounts.break_glass", may_break_glass)
rules.add_perm("accounts.view_break_glass_reviews", is_system_administrator | is_team_manager)
# obj is the BreakGlassAccess. Nobody reviews their own emergency access.
rules.add_perm(
    "accounts.review_break_glass",
    ~is_own_break_glass & (is_system_administrator | manages_a_team_of_the_user_who_broke_glass),
)


# Joining the directory (familyhelp/stewardship/services/joining.py): a directory administrator
# approving an organisation's request to join invites its contact as an organisation editor, and
# nothing else (invitations.invitation_send_organisation_editor gives only that role).
rules.add_perm(
    "accounts.invite_organisation_editor", is_system_administrator | is_directory_administrator
)
