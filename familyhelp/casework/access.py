"""How case work relates people to an episode and, through it, to the family.

- LEAD_PROFESSIONAL: the episode's lead professional (and a keyworker kept on as co-worker).
- TEAM_AROUND_FAMILY: a current member of the team around the family.
- TEAM_MANAGER: a team manager who is a member of the episode's team.

While the episode is open (waiting, open or stepped up) these relate the person to the family and
everyone in it; once it is closed, only the team's manager keeps access (for audits and re-opening).
"""

from django.db.models import Exists, OuterRef, Q

from familyhelp.accounts import relationships
from familyhelp.accounts.models import TeamMembership
from familyhelp.accounts.relationships import Relationship
from familyhelp.accounts.rules import is_auditor, is_team_manager
from familyhelp.casework.models import CaseAudit, Episode, TeamAroundFamilyMember
from familyhelp.families import access as family_access

EPISODE = "casework.episode"
OPEN = Episode.OPEN_STATUSES


def _my_team_ids(user):
    return TeamMembership.objects.filter(user=user).values("team_id")


def _conditions(user, kinds) -> Q | None:
    """A condition on Episode for the person's relationships of these kinds."""
    condition = Q(pk__in=[])
    wanted = False
    if Relationship.LEAD_PROFESSIONAL in kinds:
        condition |= Q(status__in=OPEN) & (Q(lead_professional=user) | Q(co_worker=user))
        wanted = True
    if Relationship.TEAM_AROUND_FAMILY in kinds:
        members = TeamAroundFamilyMember.objects.filter(
            episode_id=OuterRef("pk"), user=user, left_at__isnull=True
        )
        condition |= Q(status__in=OPEN) & Q(Exists(members))
        wanted = True
    if Relationship.TEAM_MANAGER in kinds and is_team_manager(user):
        condition |= Q(team_id__in=_my_team_ids(user))
        wanted = True
    # Case audits: the auditor of an assigned, not-yet-moderated audit of the episode.
    if Relationship.CASE_AUDITOR in kinds and (is_auditor(user) or is_team_manager(user)):
        condition |= Q(pk__in=_audited_episode_ids(user))
        wanted = True
    return condition if wanted else None


def _audited_episode_ids(user):
    """Case audits: episodes whose case audit the person is auditing and is not yet moderated
    (an auditor is not related to the family; the assignment is their need to know)."""
    audits = CaseAudit.objects.filter(auditor=user).exclude(status=CaseAudit.Status.MODERATED)
    return audits.values("episode_id")


def episode_relationships(user, episode: Episode) -> set[Relationship]:
    found = set()
    if episode.is_open and user.pk in (episode.lead_professional_id, episode.co_worker_id):
        found.add(Relationship.LEAD_PROFESSIONAL)
    if (
        episode.is_open
        and TeamAroundFamilyMember.objects.filter(
            episode=episode, user=user, left_at__isnull=True
        ).exists()
    ):
        found.add(Relationship.TEAM_AROUND_FAMILY)
    if (
        is_team_manager(user)
        and TeamMembership.objects.filter(user=user, team_id=episode.team_id).exists()
    ):
        found.add(Relationship.TEAM_MANAGER)
    # Case audits: only people who may audit are looked up (see _audited_episode_ids).
    if (is_auditor(user) or is_team_manager(user)) and _audited_episode_ids(user).filter(
        episode_id=episode.pk
    ).exists():
        found.add(Relationship.CASE_AUDITOR)
    return found


def episodes_visible(user, queryset, kinds):
    condition = _conditions(user, frozenset(kinds))
    return queryset.none() if condition is None else queryset.filter(condition)


relationships.register(
    EPISODE,
    name="Episode",
    relationships=episode_relationships,
    visible=episodes_visible,
    family_id=lambda episode: episode.family_id,
    personal=True,
)


# Families ----------------------------------------------------------------------------------


def family_relationships(user, family_id) -> set[Relationship]:
    found = set()
    for episode in Episode.objects.filter(family_id=family_id).only(
        "pk", "status", "team_id", "lead_professional_id", "co_worker_id"
    ):
        found |= episode_relationships(user, episode)
    return found


def family_ids(user, kinds):
    condition = _conditions(user, kinds)
    if condition is None:
        return None
    return Episode.objects.filter(condition).values("family_id")


family_access.contribute(relationships=family_relationships, family_ids=family_ids)
