"""Relationships to a ProtectedRecord, standing in for what families and casework will register."""

from django.db.models import Exists, OuterRef, Q

from familyhelp.accounts import relationships
from familyhelp.accounts.models import TeamMembership
from familyhelp.accounts.relationships import Relationship
from familyhelp.accounts.rules import is_front_door_officer, is_team_manager

RECORD_TYPE = "testrecords.protectedrecord"


def record_relationships(user, record) -> set[Relationship]:
    found = set()
    if record.lead_professional_id == user.pk:
        found.add(Relationship.LEAD_PROFESSIONAL)
    if record.team_around_family.filter(pk=user.pk).exists():
        found.add(Relationship.TEAM_AROUND_FAMILY)
    manager, officer = is_team_manager(user), is_front_door_officer(user)
    if (manager or (officer and record.request_open)) and TeamMembership.objects.filter(
        user=user, team_id=record.team_id
    ).exists():
        if manager:
            found.add(Relationship.TEAM_MANAGER)
        if officer and record.request_open:
            found.add(Relationship.FRONT_DOOR_OPEN_REQUEST)
    return found


def records_visible(user, queryset, kinds):
    in_team = Exists(TeamMembership.objects.filter(user=user, team_id=OuterRef("team_id")))
    condition = Q(pk__in=[])
    if Relationship.LEAD_PROFESSIONAL in kinds:
        condition |= Q(lead_professional=user)
    if Relationship.TEAM_AROUND_FAMILY in kinds:
        members = queryset.model.team_around_family.through.objects.filter(
            protectedrecord_id=OuterRef("pk"), user=user
        )
        condition |= Q(Exists(members))
    if Relationship.TEAM_MANAGER in kinds and is_team_manager(user):
        condition |= Q(in_team)
    if Relationship.FRONT_DOOR_OPEN_REQUEST in kinds and is_front_door_officer(user):
        condition |= Q(in_team) & Q(request_open=True)
    return queryset.filter(condition)


relationships.register(
    RECORD_TYPE,
    name="Test record",
    relationships=record_relationships,
    visible=records_visible,
    family_id=lambda record: record.family_id,
    personal=True,
)

relationships.record_permission(
    "testrecords.view_protectedrecord",
    record_type=RECORD_TYPE,
    relationships=[
        Relationship.LEAD_PROFESSIONAL,
        Relationship.TEAM_AROUND_FAMILY,
        Relationship.TEAM_MANAGER,
        Relationship.FRONT_DOOR_OPEN_REQUEST,
    ],
    break_glass=True,
)
