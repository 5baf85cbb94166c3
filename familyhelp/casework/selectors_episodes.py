"""Reading episodes for the episode pages (docs/case-work.md). Every read starts from the person:
single episodes through access.get_object_for_user_or_404 (audited), lists through visible_to."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from familyhelp.accounts import access
from familyhelp.accounts.models import Team, User
from familyhelp.accounts.relationships import Relationship
from familyhelp.accounts.rules import is_team_manager
from familyhelp.casework.models import (
    Action,
    Episode,
    EpisodePerson,
    EpisodeTransition,
    Goal,
    TeamAroundFamilyMember,
)
from familyhelp.casework.services.episodes import lead_candidates
from familyhelp.families.models import Family
from familyhelp.frontdoor.models import ThresholdLevel

VIEW = "casework.view_episode"
LEAD = "casework.lead_episode"
MANAGE = "casework.manage_episode"

_RELATED = ("family", "team", "team__agency", "level", "lead_professional", "co_worker")


def episode_get(*, user, pk, permission: str = VIEW, http_request=None) -> Episode:
    """One episode the person may use for `permission` (audited), or RecordNotFound (a 404)."""
    return access.get_object_for_user_or_404(
        user,
        permission,
        Episode.objects.select_related(*_RELATED),
        http_request=http_request,
        pk=pk,
    )


def still_visible(*, user, episode: Episode) -> bool:
    """Whether the person may still open the episode after a step (read afresh)."""
    fresh = Episode.objects.filter(pk=episode.pk)
    return access.visible_to(user, VIEW, fresh).exists()


@dataclass(frozen=True)
class EpisodePage:
    people: list[EpisodePerson]
    team_members: list[TeamAroundFamilyMember]
    former_members: list[TeamAroundFamilyMember]
    transitions: list[EpisodeTransition]


def episode_page(episode: Episode) -> EpisodePage:
    """What the episode page shows besides the episode: four queries, however long its history."""
    people = list(
        EpisodePerson.objects.filter(episode=episode)
        .select_related("person")
        .order_by("role", "person__date_of_birth", "pk")
    )
    members = list(
        TeamAroundFamilyMember.objects.filter(episode=episode).select_related("user__agency")
    )
    transitions = list(
        EpisodeTransition.objects.filter(episode=episode).select_related("by").order_by("at", "pk")
    )
    return EpisodePage(
        people=people,
        team_members=[m for m in members if m.left_at is None],
        former_members=[m for m in members if m.left_at is not None],
        transitions=transitions,
    )


def _listed(queryset):
    return queryset.select_related("family", "team", "level", "lead_professional").order_by(
        "created_at", "pk"
    )


def my_cases(*, user) -> list[Episode]:
    """Open episodes the person leads, co-works, or is in the team around the family for."""
    in_taf = TeamAroundFamilyMember.objects.filter(
        episode_id=OuterRef("pk"), user=user, left_at__isnull=True
    )
    mine = Q(lead_professional=user) | Q(co_worker=user) | Q(Exists(in_taf))
    visible = access.visible_to(
        user, VIEW, Episode.objects.filter(status__in=Episode.OPEN_STATUSES)
    )
    return list(_listed(visible.filter(mine)))


def waiting_for_allocation(*, user) -> list[Episode]:
    """The episodes waiting for allocation in the teams the person manages."""
    if not is_team_manager(user):
        return []
    waiting = Episode.objects.filter(status=Episode.Status.AWAITING_ALLOCATION)
    return list(_listed(access.visible_to(user, Relationship.TEAM_MANAGER, waiting)))


def names_of_transitions(transitions) -> dict[str, str]:
    """The names of the lead professionals the transitions name (one query)."""
    ids = {
        step.details.get(key)
        for step in transitions
        if isinstance(step.details, dict)
        for key in ("before", "after")
    } - {None}
    people = User.objects.filter(pk__in=list(ids)).only("full_name", "email")
    return {str(person.pk): person.full_name or person.email for person in people}


def lead_choices(team) -> list[User]:
    return list(lead_candidates(team))


def managed_teams(*, user) -> list[Team]:
    """The teams the person manages (a team manager is a manager of each team they are in)."""
    if not is_team_manager(user):
        return []
    return list(Team.objects.filter(memberships__user=user).select_related("agency"))


def keyworkers_in(teams) -> list[User]:
    """Everyone who may lead an episode in any of these teams."""
    found: dict = {}
    for team in teams:
        for person in lead_candidates(team):
            found.setdefault(person.pk, person)
    return sorted(found.values(), key=lambda person: (person.full_name, person.email))


def user_by_pk(pk) -> User | None:
    """Anyone by id (the services decide whether they may lead or join)."""
    if not pk:
        return None
    return User.objects.filter(pk=pk).first()


def user_by_email(email: str) -> User | None:
    email = (email or "").strip().lower()
    if not email:
        return None
    return User.objects.filter(email__iexact=email, is_active=True).first()


def family_by_reference(reference: str) -> Family | None:
    reference = (reference or "").strip().upper()
    if not reference:
        return None
    if not reference.startswith("F-"):
        reference = "F-" + reference
    return Family.objects.filter(reference=reference).first()


def threshold_levels() -> list[ThresholdLevel]:
    return list(ThresholdLevel.objects.order_by("number"))


def plan_goals(episode: Episode) -> list[Goal]:
    return list(Goal.objects.filter(plan__episode=episode).order_by("order", "pk"))


def open_action_count(episode: Episode) -> int:
    return Action.objects.filter(
        goal__plan__episode=episode, status__in=Action.OPEN_STATUSES
    ).count()


def taf_member_get(episode: Episode, member_pk) -> TeamAroundFamilyMember | None:
    return (
        TeamAroundFamilyMember.objects.filter(episode=episode, pk=member_pk, left_at__isnull=True)
        .select_related("user")
        .first()
    )
