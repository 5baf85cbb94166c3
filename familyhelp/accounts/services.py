"""Changing people, their teams and their roles.

Every service checks the actor may act, validates, saves and writes its audit record in one
transaction. The full permission model (issue 4's `rules`) comes later; for now the one rule is
that an agency administrator acts only within their own agency and grants only roles they hold
themselves, never system administrator.
"""

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from familyhelp.accounts.models import Agency, Role, RoleAssignment, Team, TeamMembership, User
from familyhelp.accounts.selectors import user_is_system_administrator
from familyhelp.audit.services import audit_record

NOT_AN_ADMINISTRATOR = "Only a system administrator or an agency administrator can manage people."
OUTSIDE_YOUR_AGENCY = "You can only manage people in your own agency."
ROLE_NOT_HELD = "You cannot give someone a role you do not hold yourself."
SYSTEM_ADMINISTRATOR_ONLY = "Only a system administrator can give or take away that role."
TEAM_OUTSIDE_AGENCY = "{team} is a team of {team_agency}, but {person} works for {agency}."
ALREADY_HOLDS_ROLE = "{person} already has the role {role}."
DOES_NOT_HOLD_ROLE = "{person} does not have the role {role}."
ALREADY_IN_TEAM = "{person} is already in {team}."
ALREADY_DEACTIVATED = "{person} has already been deactivated."
CANNOT_DEACTIVATE_YOURSELF = "You cannot deactivate your own account."

USER_RECORD_TYPE = "accounts.user"


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
) -> User:
    """Add a person, without a password: issue 4's invitation lets them set one."""
    with transaction.atomic():
        _check_may_manage(actor=actor, agency=agency)
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
        )
    return user


def user_assign_role(*, actor: User, user: User, role: Role) -> RoleAssignment:
    with transaction.atomic():
        _check_may_manage(actor=actor, agency=user.agency)
        _check_may_grant(actor=actor, role=role)
        if RoleAssignment.objects.filter(user=user, role=role).exists():
            raise AccountsError(ALREADY_HOLDS_ROLE.format(person=user, role=role))
        assignment = RoleAssignment(user=user, role=role)
        assignment.full_clean()
        assignment.save(force_insert=True)
        _audit_permission_change(actor=actor, user=user, granted=role.code)
    return assignment


def user_remove_role(*, actor: User, user: User, role: Role) -> None:
    with transaction.atomic():
        _check_may_manage(actor=actor, agency=user.agency)
        _check_may_grant(actor=actor, role=role)
        deleted, _ = RoleAssignment.objects.filter(user=user, role=role).delete()
        if not deleted:
            raise AccountsError(DOES_NOT_HOLD_ROLE.format(person=user, role=role))
        _audit_permission_change(actor=actor, user=user, removed=role.code)


def user_add_to_team(*, actor: User, user: User, team: Team) -> TeamMembership:
    with transaction.atomic():
        _check_may_manage(actor=actor, agency=user.agency)
        if team.agency_id != user.agency_id:
            raise AccountsError(
                TEAM_OUTSIDE_AGENCY.format(
                    team=team.name,
                    team_agency=team.agency.name,
                    person=user,
                    agency=user.agency.name if user.agency else "no agency",
                )
            )
        if TeamMembership.objects.filter(user=user, team=team).exists():
            raise AccountsError(ALREADY_IN_TEAM.format(person=user, team=team.name))
        membership = TeamMembership(user=user, team=team)
        membership.full_clean()
        membership.save(force_insert=True)
        audit_record(
            actor=actor,
            action="change",
            record_type=USER_RECORD_TYPE,
            record_id=user.pk,
            fields_changed=["teams"],
            values={"added_team": team.pk},
        )
    return membership


def user_deactivate(*, actor: User, user: User, reason: str = "") -> User:
    """Stop a person signing in, and end every session they have open, at once."""
    with transaction.atomic():
        _check_may_manage(actor=actor, agency=user.agency)
        if user.pk == actor.pk:
            raise AccountsError(CANNOT_DEACTIVATE_YOURSELF)
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.is_active:
            raise AccountsError(ALREADY_DEACTIVATED.format(person=user))
        user.is_active = False
        user.deactivated_at = timezone.now()
        user.full_clean()
        user.save(update_fields=["is_active", "deactivated_at"])
        ended = _end_sessions_of(user)
        audit_record(
            actor=actor,
            action="change",
            record_type=USER_RECORD_TYPE,
            record_id=user.pk,
            fields_changed=["is_active", "deactivated_at"],
            values={"is_active": False, "sessions_ended": ended},
            reason=reason,
        )
    return user


def _end_sessions_of(user: User) -> int:
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


def _audit_permission_change(*, actor, user, granted=None, removed=None):
    values = {"granted_role": granted} if granted else {"removed_role": removed}
    audit_record(
        actor=actor,
        action="permission_change",
        record_type=USER_RECORD_TYPE,
        record_id=user.pk,
        fields_changed=["roles"],
        values=values,
    )


def _check_may_manage(*, actor: User, agency: Agency | None) -> None:
    if user_is_system_administrator(actor):
        return
    if (
        not actor.is_active
        or not actor.role_assignments.filter(role__code=Role.AGENCY_ADMINISTRATOR).exists()
    ):
        raise AccountsError(NOT_AN_ADMINISTRATOR)
    if agency is None or actor.agency_id != agency.pk:
        raise AccountsError(OUTSIDE_YOUR_AGENCY)


def _check_may_grant(*, actor: User, role: Role) -> None:
    if user_is_system_administrator(actor):
        return
    if role.code == Role.SYSTEM_ADMINISTRATOR:
        raise AccountsError(SYSTEM_ADMINISTRATOR_ONLY)
    if not actor.role_assignments.filter(role=role).exists():
        raise AccountsError(ROLE_NOT_HELD)
