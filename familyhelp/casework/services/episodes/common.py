"""What the episode services share: errors, permission checks, transitions and their audit."""

import datetime
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Exists, OuterRef
from django.utils import timezone

from familyhelp.accounts import access as record_access
from familyhelp.accounts.models import RoleAssignment, TeamMembership, User
from familyhelp.accounts.relationships import forget_relationships
from familyhelp.audit.models import AuditAction
from familyhelp.audit.services import audit_record
from familyhelp.casework import access
from familyhelp.casework.chronology import chronology_record
from familyhelp.casework.models import CaseworkSettings, ChronologyEntry, Episode, EpisodeTransition

VIEW = "casework.view_episode"
LEAD = "casework.lead_episode"
MANAGE = "casework.manage_episode"

# Who may hold an episode: a family keyworker or a team manager in the episode's team.
LEAD_ROLES = ("family-keyworker", "team-manager")
# "Re-opening within 12 months is flagged as a repeat" (issue 7 §3).
REPEAT_WITHIN = datetime.timedelta(days=365)
DEFAULT_REVIEW_WEEKS = 6

NOT_ALLOWED = "You cannot do this for this episode. Nothing has been changed."
STALE = (
    "Someone else changed this episode while you were working on it: it is now {status}. "
    "Check it and try again. Nothing has been changed."
)
CHOOSE_IN_TEAM = "Choose someone in {team}"


class EpisodeError(Exception):
    """A refused step on an episode; the text is what the person is shown."""


def audit_episode(*, actor, episode, action=AuditAction.CHANGE, http_request=None, **kwargs):
    return audit_record(
        actor=actor,
        action=action,
        record_type=access.EPISODE,
        record_id=episode.pk,
        family_id=episode.family_id,
        request=http_request,
        **kwargs,
    )


def refuse(*, actor, episode, step: str, message: str, http_request=None, **values):
    """Audit an attempt that is not allowed (outside any transaction, so it is kept) and raise."""
    audit_episode(
        actor=actor,
        episode=episode,
        http_request=http_request,
        values={"refused": True, "step": step, **values},
    )
    raise EpisodeError(message)


def require(*, actor, permission: str, episode, step: str, http_request=None) -> None:
    if not record_access.user_has_perm(actor, permission, episode):
        refuse(
            actor=actor,
            episode=episode,
            step=step,
            message=NOT_ALLOWED,
            http_request=http_request,
        )


def check_revision(episode: Episode, revision) -> None:
    if revision is not None and int(revision) != episode.revision:
        raise EpisodeError(STALE.format(status=episode.get_status_display().lower()))


def lock(episode: Episode) -> Episode:
    """The episode as it is now, locked for this transaction."""
    return Episode.objects.select_for_update().select_related("team").get(pk=episode.pk)


def may_lead(user, team) -> bool:
    """A person who may hold an episode of this team: in the team, as keyworker or manager."""
    if user is None or not user.is_active:
        return False
    return (
        TeamMembership.objects.filter(user=user, team=team).exists()
        and RoleAssignment.objects.filter(user=user, role__code__in=LEAD_ROLES).exists()
    )


def lead_candidates(team):
    """Everyone who may lead an episode of the team (keyworkers and managers in it)."""
    roles = RoleAssignment.objects.filter(user=OuterRef("pk"), role__code__in=LEAD_ROLES)
    return (
        User.objects.filter(is_active=True, team_memberships__team=team)
        .filter(Exists(roles))
        .order_by("full_name", "email")
    )


def first_review_due(today) -> datetime.date:
    """The first review, the configured interval after allocation (CaseworkSettings)."""
    settings = CaseworkSettings.objects.filter(pk=1).only("review_interval_weeks").first()
    weeks = settings.review_interval_weeks if settings else DEFAULT_REVIEW_WEEKS
    return today + datetime.timedelta(weeks=weeks)


def name_of(user) -> str:
    if user is None:
        return "nobody"
    return user.full_name or user.email


def had_recent_episode(family_id, *, exclude_pk=None, now=None) -> bool:
    """An earlier episode for the family closed within the last 12 months."""
    now = now or timezone.now()
    earlier = Episode.objects.filter(
        family_id=family_id, status=Episode.Status.CLOSED, closed_at__gte=now - REPEAT_WITHIN
    )
    if exclude_pk is not None:
        earlier = earlier.exclude(pk=exclude_pk)
    return earlier.exists()


def save(episode: Episode, fields: list[str], now) -> None:
    episode.updated_at = now
    episode.revision += 1
    episode.full_clean(validate_constraints=False)
    episode.save(update_fields=[*fields, "updated_at", "revision"])
    forget_relationships(episode)


TRANSITION_SUMMARY = {
    EpisodeTransition.Kind.OPENED: "Family Help episode {reference} opened",
    EpisodeTransition.Kind.ALLOCATED: "Lead professional allocated for episode {reference}",
    EpisodeTransition.Kind.REALLOCATED: "Lead professional changed for episode {reference}",
    EpisodeTransition.Kind.STEPPED_UP: "Episode {reference} stepped up to children’s social care",
    EpisodeTransition.Kind.STEPPED_DOWN: "Episode {reference} stepped down to Family Help",
    EpisodeTransition.Kind.CLOSED: "Episode {reference} closed",
    EpisodeTransition.Kind.REOPENED: "Episode {reference} re-opened",
}


def transition(*, episode, kind, actor, at, reason="", details=None) -> EpisodeTransition:
    """Record the step as a transition and in the family's chronology (same transaction)."""
    # User ids are UUIDs: kept as text, like the audit log keeps them.
    plain = json.loads(json.dumps(details or {}, cls=DjangoJSONEncoder))
    made = EpisodeTransition(
        episode=episode, kind=kind, at=at, by=actor, reason=reason, details=plain
    )
    made.full_clean()
    made.save()
    chronology_record(
        family_id=episode.family_id,
        episode=episode,
        at=at,
        kind=ChronologyEntry.Kind.TRANSITION,
        summary=TRANSITION_SUMMARY[kind].format(reference=episode.reference),
        source=made,
    )
    return made
