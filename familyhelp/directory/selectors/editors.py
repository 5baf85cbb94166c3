"""Who looks after listings, as the addresses to email (report a problem, stewardship)."""

from familyhelp.accounts.models import User

DIRECTORY_ADMINISTRATOR = "directory-administrator"
ORGANISATION_EDITOR = "organisation-editor"


def organisation_editor_emails(organization_id) -> list[str]:
    """The organisation's active editors: they hold the role as well as the link (a link without
    the role allows nothing)."""
    return _emails(
        User.objects.filter(
            is_active=True,
            organisations_edited__organization_id=organization_id,
            role_assignments__role__code=ORGANISATION_EDITOR,
        )
    )


def directory_administrator_emails() -> list[str]:
    return _emails(
        User.objects.filter(is_active=True, role_assignments__role__code=DIRECTORY_ADMINISTRATOR)
    )


def _emails(people) -> list[str]:
    return sorted(set(people.values_list("email", flat=True)))
