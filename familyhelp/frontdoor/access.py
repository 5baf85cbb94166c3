"""How the front door relates people to requests and to the families they are about.

- REQUESTER: the practitioner who made the request, and colleagues it was shared with. To the
  family, only while the family has not withdrawn consent to share with their agency.
- FRONT_DOOR_OPEN_REQUEST: a front door officer in the front door team, while a request is
  open (waiting, in triage or waiting for approval); to its family, and the family's other
  submitted requests, while any request about the family is open.
- TEAM_MANAGER: a team manager in the front door team, on the same terms; and the manager of
  the team a Family Help decision allocated the family to.

A draft is seen by its author and the colleagues it is shared with, nobody else.
"""

from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.lookups import Exact, In
from django.db.models.sql.where import AND, WhereNode

from familyhelp.accounts import relationships
from familyhelp.accounts.models import TeamMembership
from familyhelp.accounts.relationships import Relationship
from familyhelp.accounts.rules import is_front_door_officer, is_team_manager
from familyhelp.families import access as family_access
from familyhelp.frontdoor.models import Decision, FrontDoorSettings, Request

REQUEST = "frontdoor.request"
OPEN = Request.OPEN_STATUSES
_TEAM_CACHE = "_familyhelp_front_door_member"


def front_door_team_id():
    return FrontDoorSettings.objects.filter(pk=1).values_list("team_id", flat=True).first()


def in_front_door_team(user) -> bool:
    """The person is a member of the front door team (one query per request, kept on the user)."""
    cached = getattr(user, _TEAM_CACHE, None)
    if cached is None:
        front_door = FrontDoorSettings.objects.filter(pk=1).values("team_id")
        cached = TeamMembership.objects.filter(user=user, team_id=Subquery(front_door)).exists()
        setattr(user, _TEAM_CACHE, cached)
    return cached


def forget_front_door_team(user) -> None:
    if hasattr(user, _TEAM_CACHE):
        delattr(user, _TEAM_CACHE)


def _front_door_kinds(user) -> set[Relationship]:
    """What a front door role gives someone in the front door team with an open request."""
    kinds = set()
    officer, manager = is_front_door_officer(user), is_team_manager(user)
    if (officer or manager) and in_front_door_team(user):
        if officer:
            kinds.add(Relationship.FRONT_DOOR_OPEN_REQUEST)
        if manager:
            kinds.add(Relationship.TEAM_MANAGER)
    return kinds


def _allocated_team_ids(user):
    return TeamMembership.objects.filter(user=user).values("team_id")


def _family_help_for_my_team(user):
    return Decision.objects.filter(
        kind=Decision.Kind.FAMILY_HELP,
        approval__in=[Decision.Approval.NOT_NEEDED, Decision.Approval.APPROVED],
        team_id__in=_allocated_team_ids(user),
    )


# Families ----------------------------------------------------------------------------------


def family_relationships(user, family_id) -> set[Relationship]:
    found = set()
    requests = Request.objects.filter(family_id=family_id)
    front_door = _front_door_kinds(user)
    if front_door and requests.filter(status__in=OPEN).exists():
        found |= front_door
    if (
        is_team_manager(user)
        and _family_help_for_my_team(user).filter(request__family_id=family_id).exists()
    ):
        found.add(Relationship.TEAM_MANAGER)
    if (
        requests.filter(Q(created_by=user) | Q(shared_with=user)).exists()
        and not family_access.sharing_withdrawn_family_ids(user.agency_id)
        .filter(family_id=family_id)
        .exists()
    ):
        found.add(Relationship.REQUESTER)
    return found


def family_ids(user, kinds):
    """The ids of families the person has any of `kinds` with, as one subquery (or None)."""
    conditions = Q(pk__in=[])
    wanted = False
    front_door = _front_door_kinds(user) & kinds
    if front_door:
        conditions |= Q(status__in=OPEN)
        wanted = True
    if Relationship.REQUESTER in kinds:
        conditions |= (Q(created_by=user) | Q(shared_with=user)) & ~Q(
            family_id__in=family_access.sharing_withdrawn_family_ids(user.agency_id)
        )
        wanted = True
    if Relationship.TEAM_MANAGER in kinds and is_team_manager(user):
        conditions |= Q(Exists(_family_help_for_my_team(user).filter(request=OuterRef("pk"))))
        wanted = True
    if not wanted:
        return None
    return Request.objects.filter(conditions, family__isnull=False).values("family_id")


family_access.contribute(relationships=family_relationships, family_ids=family_ids)


# Requests ----------------------------------------------------------------------------------


def request_relationships(user, request: Request) -> set[Relationship]:
    found = set()
    if request.created_by_id == user.pk or request.shared_with.filter(pk=user.pk).exists():
        found.add(Relationship.REQUESTER)
    if request.status == Request.Status.DRAFT:
        return found
    if request.is_open:
        found |= _front_door_kinds(user)
    if request.family_id is not None:
        family = family_access.family_relationships_by_id(user, request.family_id)
        found |= family - {Relationship.REQUESTER}
    return found


def _only_open(queryset) -> bool:
    """The queryset is already narrowed to open requests: a filter on `status` by open statuses
    that every row must meet (an AND at the top of its WHERE, not negated)."""
    status = Request._meta.get_field("status")

    def open_filter(node) -> bool:
        if isinstance(node, WhereNode):
            every_row = node.connector == AND and not node.negated
            return every_row and any(map(open_filter, node.children))
        if not isinstance(node, Exact | In) or getattr(node.lhs, "target", None) is not status:
            return False
        if getattr(node.lhs, "alias", None) != queryset.query.base_table:
            return False  # a status of a joined table, not of the requests listed
        values = node.rhs if isinstance(node, In) else [node.rhs]
        if not isinstance(values, list | tuple | set | frozenset):
            return False  # a subquery or an expression
        return all(isinstance(value, str) and value in OPEN for value in values)

    return open_filter(queryset.query.where)


def requests_visible(user, queryset, kinds):
    if _front_door_kinds(user) & kinds and _only_open(queryset):
        # A front door role relates its holder to every open request, so the condition below
        # would keep every row. Without it the queue can walk its index in order (issue 6 §6).
        return queryset
    condition = Q(pk__in=[])
    if Relationship.REQUESTER in kinds:
        condition |= Q(created_by=user) | Q(
            pk__in=Request.shared_with.through.objects.filter(user=user).values("request_id")
        )
    if _front_door_kinds(user) & kinds:
        condition |= Q(status__in=OPEN)
    through_family = frozenset(kinds) - {Relationship.REQUESTER}
    if through_family:
        condition |= ~Q(status=Request.Status.DRAFT) & family_access.related_family_ids_q(
            user, through_family, field="family_id"
        )
    return queryset.filter(condition)


relationships.register(
    REQUEST,
    name="Request for support",
    relationships=request_relationships,
    visible=requests_visible,
    family_id=lambda request: request.family_id,
    personal=True,
)
