"""Reading people and their roles, always for the person who asks."""

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Prefetch, Q, QuerySet

from familyhelp.accounts import rules
from familyhelp.accounts.models import Agency, Invitation, Role, Team, TeamMembership, User
from familyhelp.audit.services import audit_record

STATUS_ACTIVE = "active"
STATUS_INVITED = "invited"
STATUS_DEACTIVATED = "deactivated"
STATUSES = {
    STATUS_ACTIVE: "Active",
    STATUS_INVITED: "Invited",
    STATUS_DEACTIVATED: "Deactivated",
}

# Invited: active, has never signed in and has no password yet (set through the invitation).
_INVITED = Q(is_active=True, last_login__isnull=True, password__startswith=UNUSABLE_PASSWORD_PREFIX)
_STATUS_FILTERS = {
    STATUS_DEACTIVATED: Q(is_active=False),
    STATUS_INVITED: _INVITED,
    STATUS_ACTIVE: Q(is_active=True) & ~_INVITED,
}


def user_is_system_administrator(user: User) -> bool:
    """A superuser (the Django admin's) or a holder of the system administrator role."""
    return bool(rules.is_system_administrator(user))


def user_status(user: User) -> str:
    """One of STATUSES for a person: deactivated, invited (no password yet) or active."""
    if not user.is_active:
        return STATUS_DEACTIVATED
    if user.last_login is None and not user.has_usable_password():
        return STATUS_INVITED
    return STATUS_ACTIVE


def user_list(
    *,
    actor: User,
    agency: Agency | None = None,
    search: str = "",
    status: str = "",
) -> QuerySet[User]:
    """The people the actor may see: everyone for a system administrator, else their agency's.

    Each comes with their agency, roles and teams (three queries however many people).
    """
    people = User.objects.select_related("agency").order_by("full_name", "email")
    if not user_is_system_administrator(actor):
        if actor.agency_id is None or not actor.has_perm("accounts.view_people"):
            return people.none()
        people = people.filter(agency_id=actor.agency_id)
    if agency is not None:
        people = people.filter(agency=agency)
    search = search.strip()
    if search:
        people = people.filter(Q(full_name__icontains=search) | Q(email__icontains=search))
    if status:
        people = people.filter(_STATUS_FILTERS[status])
    return people.prefetch_related(
        Prefetch("role_assignments__role"),
        Prefetch(
            "team_memberships",
            queryset=TeamMembership.objects.select_related("team").order_by("team__name"),
        ),
    )


def person_get(*, actor: User, person_id, request=None) -> User | None:
    """The person if the actor may manage them; otherwise None, and the refusal is audited.

    A refusal is the same whether the person exists or not, so nobody learns who is on the system.
    """
    person = (
        User.objects.select_related("agency")
        .prefetch_related(
            Prefetch("role_assignments__role"),
            Prefetch(
                "team_memberships",
                queryset=TeamMembership.objects.select_related("team").order_by("team__name"),
            ),
        )
        .filter(pk=person_id)
        .first()
    )
    if person is not None and actor.has_perm("accounts.manage_person", person):
        return person
    audit_record(
        actor=actor,
        action="view",
        record_type="accounts.user",
        record_id=person_id,
        values={"refused": "not_found" if person is None else "not_permitted"},
        request=request,
    )
    return None


def user_roles(user: User) -> QuerySet[Role]:
    return Role.objects.filter(assignments__user=user).order_by("name")


def roles_grantable_by(actor: User) -> list[Role]:
    """The roles the actor may give or take away (the `accounts.grant_role` rule)."""
    return [
        role
        for role in Role.objects.order_by("name")
        if actor.has_perm("accounts.grant_role", role)
    ]


def agencies_visible_to(actor: User) -> QuerySet[Agency]:
    """Agencies the actor may add people to, for choosing one."""
    if user_is_system_administrator(actor):
        return Agency.objects.order_by("name")
    return Agency.objects.filter(pk=actor.agency_id)


def teams_visible_to(actor: User) -> QuerySet[Team]:
    """Teams the actor may put people in: every agency's for a system administrator."""
    teams = Team.objects.select_related("agency").order_by("agency__name", "name")
    if user_is_system_administrator(actor):
        return teams
    return teams.filter(agency_id=actor.agency_id) if actor.agency_id else teams.none()


def teams_of(agency: Agency | None) -> QuerySet[Team]:
    if agency is None:
        return Team.objects.none()
    return Team.objects.filter(agency=agency).select_related("agency").order_by("name")


def invitation_latest(user: User) -> Invitation | None:
    return user.invitations.order_by("-created_at").first()


def teams_managed_by(user) -> QuerySet[Team]:
    """A team manager manages the teams they belong to."""
    if not rules.is_team_manager(user):
        return Team.objects.none()
    return Team.objects.filter(memberships__user=user)


def people_managed_by(user) -> QuerySet:
    """The ids of the people in the teams the user manages, as a subquery (themselves included)."""
    return TeamMembership.objects.filter(team__in=teams_managed_by(user)).values("user_id")
