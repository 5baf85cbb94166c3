"""Reading requests to join the directory: directory administrators only (docs/joining.md)."""

from familyhelp.accounts import access
from familyhelp.accounts.models import User
from familyhelp.audit.services import audit_record
from familyhelp.directory.models import Organization
from familyhelp.stewardship.models import JoinRequest

RECORD_TYPE = "stewardship.joinrequest"
PUBLIC_ACTOR = "member of the public"
REFUSED_NOT_AN_ADMINISTRATOR = "not_a_directory_administrator"


def check_administrator(actor, *, record_id, action, request):
    """Anyone else is refused as if the request did not exist, and the attempt is audited."""
    if access.user_has_perm(actor, "directory.administer"):
        return
    audit_record(
        actor=actor if access.signed_in(actor) else None,
        actor_label="" if access.signed_in(actor) else PUBLIC_ACTOR,
        action=action,
        record_type=RECORD_TYPE,
        record_id=record_id or "",
        values={"refused": REFUSED_NOT_AN_ADMINISTRATOR},
        request=request,
    )
    raise access.RecordNotFound(RECORD_TYPE, str(record_id or ""), personal=False)


def join_request_list(*, actor, request=None, decided_limit: int = 25):
    """(waiting, decided): every pending request oldest first; the latest decided ones."""
    check_administrator(actor, record_id="", action="view", request=request)
    requests = JoinRequest.objects.select_related("organization", "decided_by")
    waiting = list(requests.filter(status=JoinRequest.Status.PENDING).order_by("created_at"))
    decided = list(
        requests.exclude(status=JoinRequest.Status.PENDING).order_by("-decided_at")[:decided_limit]
    )
    return waiting, decided


def join_request_get(*, actor, join_request_id, request=None) -> JoinRequest:
    """One request, for a directory administrator; RecordNotFound for anyone else (audited)."""
    check_administrator(actor, record_id=join_request_id, action="view", request=request)
    found = (
        JoinRequest.objects.select_related("organization", "decided_by")
        .filter(pk=join_request_id)
        .first()
    )
    if found is None:
        raise access.RecordNotFound(RECORD_TYPE, str(join_request_id), personal=False)
    return found


def organisation_editors(organization) -> list[User]:
    """The people linked as editors of the organisation, by name (for a claim's page)."""
    if organization is None:
        return []
    return list(
        User.objects.filter(organisations_edited__organization=organization).order_by(
            "full_name", "email"
        )
    )


def organisations_named_like(name: str, *, limit: int = 5) -> list[Organization]:
    """Organisations already listed whose name contains the one asked for, so an administrator
    can spot a request to join from an organisation that should claim its listing instead."""
    name = " ".join((name or "").split())
    if not name:
        return []
    return list(Organization.objects.filter(name__icontains=name).order_by("name")[:limit])
