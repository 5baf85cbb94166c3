"""Reading people and their roles, always for the person who asks."""

from django.db.models import QuerySet

from familyhelp.accounts.models import Agency, Role, User


def user_is_system_administrator(user: User) -> bool:
    """A superuser (the Django admin's) or a holder of the system administrator role."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.role_assignments.filter(role__code=Role.SYSTEM_ADMINISTRATOR).exists()


def user_list(*, actor: User, agency: Agency | None = None) -> QuerySet[User]:
    """The people the actor may see: everyone for a system administrator, else their agency's."""
    people = User.objects.select_related("agency").order_by("full_name", "email")
    if not user_is_system_administrator(actor):
        if actor.agency_id is None:
            return people.none()
        people = people.filter(agency_id=actor.agency_id)
    if agency is not None:
        people = people.filter(agency=agency)
    return people


def user_roles(user: User) -> QuerySet[Role]:
    return Role.objects.filter(assignments__user=user).order_by("name")
