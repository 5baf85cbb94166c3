"""Changing people, their teams and their roles.

Every service asks the `rules` permissions in accounts/rules.py (the same ones the pages use),
validates, saves and writes its audit record in one transaction. A refusal changes nothing and is
itself audited: the event carries the action that was attempted and `values={"refused": <code>}`
(one of the REFUSED_* codes below). The permission check runs before the transaction opens, so
the refusal's audit record is kept although the service raises.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from familyhelp.accounts import rules
from familyhelp.accounts.models import Agency, Role, RoleAssignment, Team, TeamMembership, User
from familyhelp.audit.services import audit_record

NOT_AN_ADMINISTRATOR = "Only a system administrator or an agency administrator can manage people."
OUTSIDE_YOUR_AGENCY = "You can only manage people in your own agency."
ROLE_NOT_GRANTABLE = "Only a system administrator can give or take away that role."
GRANT_TO_YOURSELF = "You cannot give yourself a role. Ask another administrator."
SYSTEM_ADMINISTRATOR_ONLY = "Only a system administrator can give or take away that role."
TEAM_OUTSIDE_AGENCY = "{team} is a team of {team_agency}, but {person} works for {agency}."
ALREADY_HOLDS_ROLE = "{person} already has the role {role}."
DOES_NOT_HOLD_ROLE = "{person} does not have the role {role}."
ALREADY_IN_TEAM = "{person} is already in {team}."
NOT_IN_TEAM = "{person} is not in {team}."
ALREADY_DEACTIVATED = "{person} has already been deactivated."
ALREADY_ACTIVE = "{person} is already active."
CANNOT_DEACTIVATE_YOURSELF = "You cannot deactivate your own account."
NOTHING_CHANGED = "You did not change anything."

USER_RECORD_TYPE = "accounts.user"
ORGANISATION_EDITOR = "organisation-editor"
NOT_A_DIRECTORY_ADMINISTRATOR = (
    "Only a directory administrator or a system administrator can make someone an "
    "organisation editor."
)
REFUSED_NOT_A_DIRECTORY_ADMINISTRATOR = "not_a_directory_administrator"

# What a refused action's audit event records in values["refused"].
REFUSED_NOT_AN_ADMINISTRATOR = "not_an_administrator"
REFUSED_OUTSIDE_AGENCY = "outside_agency"
REFUSED_ROLE_NOT_GRANTABLE = "role_not_grantable"
REFUSED_SYSTEM_ADMINISTRATOR_ONLY = "system_administrator_only"
REFUSED_SELF = "self"

DETAIL_FIELDS = ("full_name", "job_title", "fte")


class AccountsError(Exception):
    pass


def user_create(
    *,
    actor: User,
    email: str,
    full_name: str,
    job_title: str = "",
    fte=None,
    agency: Agency | None,
    request=None,
) -> User:
    """Add a person, without a password: their invitation lets them set one."""
    check_may_manage_agency(actor=actor, agency=agency, action="create", request=request)
    return _user_insert(
        actor=actor,
        email=email,
        full_name=full_name,
        job_title=job_title,
        fte=fte,
        agency=agency,
        request=request,
    )


def _user_insert(*, actor, email, full_name, job_title="", fte=None, agency, request=None) -> User:
    """Save and audit a new person; the caller has checked the actor may add them."""
    with transaction.atomic():
        user = User(email=email, full_name=full_name, job_title=job_title, agency=agency)
        if fte is not None:
            user.fte = fte
        user.set_unusable_password()
        user.full_clean()
        user.save(force_insert=True)
        audit_record(
            actor=actor,
            action="create",
            record_type=USER_RECORD_TYPE,
            record_id=user.pk,
            fields_changed=["email", "full_name", "job_title", "fte", "agency"],
            values={"agency": agency.pk if agency else None, "fte": user.fte},
            request=request,
        )
    return user


def user_grant_organisation_editor(*, actor: User, user: User, request=None) -> bool:
    """Give an existing person the organisation editor role, and no other; False if they hold it.

    For a directory administrator approving a claim to a listing (accounts/rules.py:
    accounts.invite_organisation_editor), who may not grant roles in general.
    """
    if not actor.has_perm("accounts.invite_organisation_editor"):
        _refuse(
            actor=actor,
            action="permission_change",
            person=user,
            code=REFUSED_NOT_A_DIRECTORY_ADMINISTRATOR,
            message=NOT_A_DIRECTORY_ADMINISTRATOR,
            request=request,
            role=ORGANISATION_EDITOR,
        )
    with transaction.atomic():
        role = Role.objects.get(code=ORGANISATION_EDITOR)
        if RoleAssignment.objects.filter(user=user, role=role).exists():
            return False
        assignment = RoleAssignment(user=user, role=role)
        assignment.full_clean()
        assignment.save(force_insert=True)
        _audit_permission_change(actor=actor, user=user, granted=role.code, request=request)
    _forget_roles(actor, user)
    return True


def user_change_details(
    *, actor: User, user: User, full_name: str, job_title: str, fte: Decimal, request=None
) -> User:
    """Change a person's name, job title and FTE; only the fields that changed are audited."""
    check_may_manage_person(actor=actor, person=user, action="change", request=request)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        wanted = {
            "full_name": full_name.strip(),
            "job_title": job_title.strip(),
            "fte": Decimal(str(fte)).quantize(Decimal("0.01")),
        }
        changed = [name for name in DETAIL_FIELDS if getattr(user, name) != wanted[name]]
        if not changed:
            raise AccountsError(NOTHING_CHANGED)
        for name in changed:
            setattr(user, name, wanted[name])
        user.full_clean()
        user.save(update_fields=changed)
        audit_record(
            actor=actor,
            action="change",
            record_type=USER_RECORD_TYPE,
            record_id=user.pk,
            fields_changed=changed,
            # Names and job titles are personal; only the FTE is recorded as a value.
            values={"fte": user.fte} if "fte" in changed else {},
            request=request,
        )
    return user


def user_assign_role(*, actor: User, user: User, role: Role, request=None) -> RoleAssignment:
    check_may_manage_person(actor=actor, person=user, action="permission_change", request=request)
    check_may_grant(actor=actor, person=user, role=role, request=request)
    with transaction.atomic():
        if RoleAssignment.objects.filter(user=user, role=role).exists():
            raise AccountsError(ALREADY_HOLDS_ROLE.format(person=user, role=role))
        assignment = RoleAssignment(user=user, role=role)
        assignment.full_clean()
        assignment.save(force_insert=True)
        _audit_permission_change(actor=actor, user=user, granted=role.code, request=request)
    _forget_roles(actor, user)
    return assignment


def user_remove_role(*, actor: User, user: User, role: Role, request=None) -> None:
    check_may_manage_person(actor=actor, person=user, action="permission_change", request=request)
    check_may_grant(actor=actor, person=user, role=role, request=request)
    with transaction.atomic():
        deleted, _ = RoleAssignment.objects.filter(user=user, role=role).delete()
        if not deleted:
            raise AccountsError(DOES_NOT_HOLD_ROLE.format(person=user, role=role))
        _audit_permission_change(actor=actor, user=user, removed=role.code, request=request)
    _forget_roles(actor, user)


def user_set_roles(*, actor: User, user: User, roles: Iterable[Role], request=None) -> None:
    """Give the person exactly `roles`, among those the actor may grant.

    Roles the actor may not grant are left as they are; asking for one they may not grant is
    refused (and audited) before anything changes.
    """
    check_may_manage_person(actor=actor, person=user, action="permission_change", request=request)
    wanted = {role.pk: role for role in roles}
    held = {a.role_id: a.role for a in user.role_assignments.select_related("role")}
    to_add = [wanted[pk] for pk in wanted if pk not in held]
    to_remove = [
        held[pk]
        for pk in held
        if pk not in wanted and actor.has_perm("accounts.grant_role", held[pk])
    ]
    for role in to_add:
        check_may_grant(actor=actor, person=user, role=role, request=request)
    if not to_add and not to_remove:
        raise AccountsError(NOTHING_CHANGED)
    with transaction.atomic():
        RoleAssignment.objects.filter(user=user, role__in=to_remove).delete()
        for role in to_add:
            assignment = RoleAssignment(user=user, role=role)
            assignment.full_clean()
            assignment.save(force_insert=True)
        values: dict = {}
        if to_add:
            values["granted_roles"] = sorted(role.code for role in to_add)
        if to_remove:
            values["removed_roles"] = sorted(role.code for role in to_remove)
        _audit_person(actor, user, "permission_change", "roles", values, request)
    _forget_roles(actor, user)


def user_add_to_team(*, actor: User, user: User, team: Team, request=None) -> TeamMembership:
    check_may_manage_person(actor=actor, person=user, action="change", request=request)
    with transaction.atomic():
        _check_team_of_their_agency(user=user, team=team)
        if TeamMembership.objects.filter(user=user, team=team).exists():
            raise AccountsError(ALREADY_IN_TEAM.format(person=user, team=team.name))
        membership = TeamMembership(user=user, team=team)
        membership.full_clean()
        membership.save(force_insert=True)
        _audit_teams(actor=actor, user=user, added=[team], request=request)
    return membership


def user_remove_from_team(*, actor: User, user: User, team: Team, request=None) -> None:
    check_may_manage_person(actor=actor, person=user, action="change", request=request)
    with transaction.atomic():
        deleted, _ = TeamMembership.objects.filter(user=user, team=team).delete()
        if not deleted:
            raise AccountsError(NOT_IN_TEAM.format(person=user, team=team.name))
        _audit_teams(actor=actor, user=user, removed=[team], request=request)


def user_set_teams(*, actor: User, user: User, teams: Iterable[Team], request=None) -> None:
    """Put the person in exactly `teams`, all of which must belong to their agency."""
    check_may_manage_person(actor=actor, person=user, action="change", request=request)
    wanted = {team.pk: team for team in teams}
    with transaction.atomic():
        for team in wanted.values():
            _check_team_of_their_agency(user=user, team=team)
        held = {m.team_id: m.team for m in user.team_memberships.select_related("team")}
        to_add = [wanted[pk] for pk in wanted if pk not in held]
        to_remove = [held[pk] for pk in held if pk not in wanted]
        if not to_add and not to_remove:
            raise AccountsError(NOTHING_CHANGED)
        TeamMembership.objects.filter(user=user, team__in=to_remove).delete()
        for team in to_add:
            membership = TeamMembership(user=user, team=team)
            membership.full_clean()
            membership.save(force_insert=True)
        _audit_teams(actor=actor, user=user, added=to_add, removed=to_remove, request=request)


def user_deactivate(*, actor: User, user: User, reason: str = "", request=None) -> User:
    """Stop a person signing in, and end every session they have open, at once."""
    check_may_manage_person(actor=actor, person=user, action="change", request=request)
    if not actor.has_perm("accounts.deactivate_person", user):
        _refuse(
            actor=actor,
            action="change",
            person=user,
            code=REFUSED_SELF,
            message=CANNOT_DEACTIVATE_YOURSELF,
            request=request,
        )
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.is_active:
            raise AccountsError(ALREADY_DEACTIVATED.format(person=user))
        user.is_active = False
        user.deactivated_at = timezone.now()
        user.full_clean()
        user.save(update_fields=["is_active", "deactivated_at"])
        ended = user_end_sessions(user)
        audit_record(
            actor=actor,
            action="change",
            record_type=USER_RECORD_TYPE,
            record_id=user.pk,
            fields_changed=["is_active", "deactivated_at"],
            values={"is_active": False, "sessions_ended": ended},
            reason=reason,
            request=request,
        )
    rules.forget_roles(user)
    return user


def user_reactivate(*, actor: User, user: User, request=None) -> User:
    """Let a deactivated person sign in again, with the roles and teams they had."""
    check_may_manage_person(actor=actor, person=user, action="change", request=request)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_active:
            raise AccountsError(ALREADY_ACTIVE.format(person=user))
        user.is_active = True
        user.deactivated_at = None
        user.full_clean()
        user.save(update_fields=["is_active", "deactivated_at"])
        audit_record(
            actor=actor,
            action="change",
            record_type=USER_RECORD_TYPE,
            record_id=user.pk,
            fields_changed=["is_active", "deactivated_at"],
            values={"is_active": True},
            request=request,
        )
    rules.forget_roles(user)
    return user


# Permission checks: each refusal is audited (outside any transaction) and then raised.


def check_may_manage_agency(*, actor: User, agency: Agency | None, action: str, request=None):
    """The actor may add people to `agency` (None: a person of no agency, a system admin)."""
    if actor.has_perm("accounts.manage_agency", agency):
        return
    code, message = _why_not_manage(actor)
    audit_record(
        actor=actor,
        action=action,
        record_type=USER_RECORD_TYPE,
        record_id="",
        values={"refused": code, "agency": agency.pk if agency else None},
        request=request,
    )
    raise AccountsError(message)


def check_may_manage_person(*, actor: User, person: User, action: str, request=None):
    if actor.has_perm("accounts.manage_person", person):
        return
    code, message = _why_not_manage(actor)
    _refuse(actor=actor, action=action, person=person, code=code, message=message, request=request)


def check_may_grant(*, actor: User, person: User | None, role: Role, request=None):
    """`person` is None while inviting someone who does not exist yet."""
    may_grant = actor.has_perm("accounts.grant_role", role)
    to_themselves = person is not None and person.pk == actor.pk
    if may_grant and (not to_themselves or rules.is_system_administrator(actor)):
        return
    if role.code == Role.SYSTEM_ADMINISTRATOR:
        code, message = REFUSED_SYSTEM_ADMINISTRATOR_ONLY, SYSTEM_ADMINISTRATOR_ONLY
    elif not may_grant:
        code, message = REFUSED_ROLE_NOT_GRANTABLE, ROLE_NOT_GRANTABLE
    else:
        code, message = REFUSED_SELF, GRANT_TO_YOURSELF
    _refuse(
        actor=actor,
        action="permission_change",
        person=person,
        code=code,
        message=message,
        request=request,
        role=role.code,
    )


def _why_not_manage(actor: User) -> tuple[str, str]:
    if rules.is_system_administrator(actor) or rules.is_agency_administrator(actor):
        return REFUSED_OUTSIDE_AGENCY, OUTSIDE_YOUR_AGENCY
    return REFUSED_NOT_AN_ADMINISTRATOR, NOT_AN_ADMINISTRATOR


def _refuse(*, actor, action, person, code, message, request=None, **extra):
    audit_record(
        actor=actor,
        action=action,
        record_type=USER_RECORD_TYPE,
        record_id=person.pk if person is not None else "",
        values={"refused": code, **extra},
        request=request,
    )
    raise AccountsError(message)


def _forget_roles(actor: User, user: User) -> None:
    """The next permission check reads the person's roles again (and the actor's, if theirs)."""
    rules.forget_roles(user)
    if actor.pk == user.pk:
        rules.forget_roles(actor)


def _check_team_of_their_agency(*, user: User, team: Team) -> None:
    if team.agency_id != user.agency_id:
        raise AccountsError(
            TEAM_OUTSIDE_AGENCY.format(
                team=team.name,
                team_agency=team.agency.name,
                person=user,
                agency=user.agency.name if user.agency else "no agency",
            )
        )


def user_end_sessions(user: User) -> int:
    """Delete the person's sessions from the database session store; returns how many.

    Sessions are signed blobs keyed by id, so finding a person's means decoding each unexpired
    one. Fine at a council's scale; a session-to-user index can replace it if it ever is not.
    """
    user_id = str(user.pk)
    theirs = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == user_id
    ]
    Session.objects.filter(pk__in=theirs).delete()
    return len(theirs)


def _audit_teams(*, actor, user, added=(), removed=(), request=None):
    values: dict = {}
    if len(added) == 1 and not removed:
        values["added_team"] = added[0].pk
    else:
        if added:
            values["added_teams"] = sorted(team.pk for team in added)
        if removed:
            values["removed_teams"] = sorted(team.pk for team in removed)
    _audit_person(actor, user, "change", "teams", values, request)


def _audit_permission_change(*, actor, user, granted=None, removed=None, request=None):
    values = {"granted_role": granted} if granted else {"removed_role": removed}
    _audit_person(actor, user, "permission_change", "roles", values, request)


def _audit_person(actor, user, action, field, values, request):
    audit_record(
        actor=actor,
        action=action,
        record_type=USER_RECORD_TYPE,
        record_id=user.pk,
        fields_changed=[field],
        values=values,
        request=request,
    )
