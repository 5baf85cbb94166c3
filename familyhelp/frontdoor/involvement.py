"""The front door's rows on the family page (families/involvement.py): its requests for support
and its decisions.

A requester sees only the requests they made (or were shared with); the front door team, the
managers involved and the people working with the family through case work see every request
and every decision. Two queries, however long the family's history.
"""

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from familyhelp.accounts.relationships import Relationship, active_break_glass, relationships_of
from familyhelp.families.involvement import InvolvementRow, contribute
from familyhelp.frontdoor.access import _front_door_kinds
from familyhelp.frontdoor.models import Decision, Request

SEE_EVERYTHING = {
    Relationship.FRONT_DOOR_OPEN_REQUEST,
    Relationship.TEAM_MANAGER,
    Relationship.LEAD_PROFESSIONAL,
    Relationship.TEAM_AROUND_FAMILY,
}
REQUEST_KIND = "Request for support"
DECISION_KIND = "Front door decision"


def _url(name, pk):
    try:
        return reverse(name, kwargs={"pk": pk})
    except NoReverseMatch:
        return None


def _sees_everything(user, family) -> bool:
    related = relationships_of(user, family)  # remembered on the family from the access check
    return bool(
        related & SEE_EVERYTHING
        or _front_door_kinds(user)
        or active_break_glass(user, family) is not None
    )


def front_door_rows(user, family) -> list[InvolvementRow]:
    everything = _sees_everything(user, family)
    requests = Request.objects.filter(family=family).exclude(status=Request.Status.DRAFT)
    if not everything:
        requests = requests.filter(Q(created_by=user) | Q(shared_with=user)).distinct()
    rows = []
    detail = "frontdoor:triage" if everything else "frontdoor:request"
    for request in requests.select_related("agency").order_by("-submitted_at"):
        source = request.agency.name if request.agency else "the family (self-referral)"
        rows.append(
            InvolvementRow(
                date=timezone.localtime(request.submitted_at).date(),
                kind=REQUEST_KIND,
                summary=(
                    f"{request.get_kind_display()} {request.reference} from {source}: "
                    f"{request.get_status_display().lower()}"
                ),
                url=_url(detail, request.pk),
                current=request.is_open,
            )
        )
    if not everything:
        return rows
    decisions = Decision.objects.filter(request__family=family).select_related("request", "team")
    for decision in decisions.order_by("-decided_at"):
        summary = f"{decision.get_kind_display()} on request {decision.request.reference}"
        if decision.team is not None:
            summary += f", allocated to {decision.team.name}"
        if decision.approval != Decision.Approval.NOT_NEEDED:
            summary += f" ({decision.get_approval_display().lower()})"
        rows.append(
            InvolvementRow(
                date=timezone.localtime(decision.decided_at).date(),
                kind=DECISION_KIND,
                summary=summary,
                url=_url("frontdoor:triage", decision.request_id),
            )
        )
    return rows


def register_involvement() -> None:
    contribute(front_door_rows)
