"""Reading the plan, its versions and the reviews, for someone who may see the episode.

Each page first gets the episode through `get_object_for_user_or_404` (a refusal is a 404 and an
audit record; a read is audited), then reads its plan with a fixed number of queries.
"""

from django.db.models import Prefetch

from familyhelp.accounts import access
from familyhelp.accounts.models import User
from familyhelp.casework.models import (
    Episode,
    EpisodePerson,
    GoalProgress,
    Plan,
    PlanVersion,
    Review,
    TeamAroundFamilyMember,
)
from familyhelp.casework.services import plan as plan_service

VIEW = plan_service.VIEW
LEAD = plan_service.LEAD


def episode_get(*, actor, pk: int, permission: str = VIEW, http_request=None) -> Episode:
    """The episode, if the person may use it for `permission` (else a 404, audited)."""
    queryset = Episode.objects.select_related("team", "lead_professional", "co_worker")
    return access.get_object_for_user_or_404(
        actor, permission, queryset, http_request=http_request, pk=pk
    )


def plan_get(episode: Episode) -> Plan | None:
    return Plan.objects.select_related("updated_by").filter(episode=episode).first()


def episode_children(episode: Episode) -> list[str]:
    """The names of the people the episode covers, children first (for the plan's heading)."""
    people = (
        EpisodePerson.objects.filter(episode=episode)
        .select_related("person")
        .order_by("-role", "pk")
    )
    # "child" sorts after "adult": -role puts the children first.
    return [f"{row.person.given_names} {row.person.family_name}".strip() for row in people]


def action_owner_choices(episode: Episode) -> list[tuple[User, str]]:
    """The lead professional, a co-worker and the current team around the family, with roles."""
    choices = []
    for user, role in (
        (episode.lead_professional, "lead professional"),
        (episode.co_worker, "co-worker"),
    ):
        if user is not None and user.is_active:
            choices.append((user, f"{user.full_name or user.email} ({role})"))
    members = (
        TeamAroundFamilyMember.objects.filter(episode=episode, left_at__isnull=True)
        .select_related("user")
        .order_by("added_at", "pk")
    )
    seen = {user.pk for user, _ in choices}
    for member in members:
        if member.user_id in seen or not member.user.is_active:
            continue
        seen.add(member.user_id)
        choices.append(
            (member.user, f"{member.user.full_name or member.user.email} ({member.role})")
        )
    return choices


def plan_version_list(plan: Plan):
    return (
        PlanVersion.objects.filter(plan=plan)
        .select_related("created_by")
        .defer("document")
        .order_by("-number")
    )


def plan_version_get(plan: Plan, number: int) -> PlanVersion | None:
    return PlanVersion.objects.filter(plan=plan, number=number).select_related("created_by").first()


def review_list(episode: Episode):
    return (
        Review.objects.filter(episode=episode)
        .select_related("recorded_by")
        .prefetch_related(
            Prefetch(
                "progress",
                queryset=GoalProgress.objects.select_related("goal").order_by(
                    "goal__order", "goal__pk"
                ),
            )
        )
        .order_by("-held_on", "-pk")
    )
