"""Who holds the episode: allocating and reallocating the lead professional, and the team around
the family (practitioners from any agency, each with their role)."""

from django.db import transaction
from django.utils import timezone

from familyhelp.audit.models import AuditAction
from familyhelp.casework.models import Episode, EpisodeTransition, TeamAroundFamilyMember
from familyhelp.casework.services.episodes.common import (
    CHOOSE_IN_TEAM,
    LEAD,
    MANAGE,
    EpisodeError,
    audit_episode,
    check_revision,
    first_review_due,
    lock,
    may_lead,
    refuse,
    require,
    save,
    transition,
)

NOT_WAITING = (
    "This episode is not waiting for allocation: it is {status}. Nothing has been changed."
)
NOT_ALLOCATED = "This episode has no lead professional to change: it is {status}."
LEAD_REQUIRED = "Choose the lead professional"
SAME_LEAD = "{name} is already the lead professional. Choose someone else"
CLOSED = "This episode is closed. Re-open it first. Nothing has been changed."
MEMBER_REQUIRED = "Choose the practitioner to add"
MEMBER_ROLE_REQUIRED = "Enter their role in the team around the family, like School nurse"
MEMBER_ROLE_TOO_LONG = "Their role must be 200 characters or fewer"
MEMBER_INACTIVE = "That person’s account is not active. Choose someone else"
ALREADY_MEMBER = "{name} is already in the team around the family"
IS_LEAD = "{name} is the lead professional, so is already working with the family"
ALREADY_LEFT = "This person has already left the team around the family."


def _check_lead(*, actor, episode, lead_professional, step, http_request):
    if lead_professional is None:
        raise EpisodeError(LEAD_REQUIRED)
    if not may_lead(lead_professional, episode.team):
        # Allocating outside the team is misuse worth recording (issue 7 §7).
        refuse(
            actor=actor,
            episode=episode,
            step=step,
            message=CHOOSE_IN_TEAM.format(team=episode.team.name),
            http_request=http_request,
            lead_professional=lead_professional.pk,
        )


def episode_allocate(
    *, actor, episode: Episode, lead_professional, revision=None, http_request=None
) -> Episode:
    """A manager gives a waiting episode its lead professional (a keyworker in the team)."""
    require(
        actor=actor, permission=MANAGE, episode=episode, step="allocate", http_request=http_request
    )
    _check_lead(
        actor=actor,
        episode=episode,
        lead_professional=lead_professional,
        step="allocate",
        http_request=http_request,
    )
    now = timezone.now()
    with transaction.atomic():
        current = lock(episode)
        check_revision(current, revision)
        if current.status != Episode.Status.AWAITING_ALLOCATION:
            raise EpisodeError(NOT_WAITING.format(status=current.get_status_display().lower()))
        current.lead_professional = lead_professional
        current.status = Episode.Status.OPEN
        current.allocated_at = now
        current.next_review_due = current.next_review_due or first_review_due(
            timezone.localdate(now)
        )
        save(current, ["lead_professional", "status", "allocated_at", "next_review_due"], now)
        transition(
            episode=current,
            kind=EpisodeTransition.Kind.ALLOCATED,
            actor=actor,
            at=now,
            details={"before": None, "after": lead_professional.pk},
        )
        audit_episode(
            actor=actor,
            episode=current,
            http_request=http_request,
            fields_changed=["lead_professional", "status"],
            values={"step": "allocate", "after": lead_professional.pk},
        )
    return current


def episode_reallocate(
    *,
    actor,
    episode: Episode,
    lead_professional,
    reason: str = "",
    revision=None,
    http_request=None,
) -> Episode:
    """A manager hands an allocated episode to another keyworker in the team."""
    require(
        actor=actor,
        permission=MANAGE,
        episode=episode,
        step="reallocate",
        http_request=http_request,
    )
    _check_lead(
        actor=actor,
        episode=episode,
        lead_professional=lead_professional,
        step="reallocate",
        http_request=http_request,
    )
    now = timezone.now()
    with transaction.atomic():
        current = lock(episode)
        check_revision(current, revision)
        if current.status != Episode.Status.OPEN:
            raise EpisodeError(NOT_ALLOCATED.format(status=current.get_status_display().lower()))
        before = current.lead_professional_id
        if before == lead_professional.pk:
            raise EpisodeError(SAME_LEAD.format(name=lead_professional))
        current.lead_professional = lead_professional
        save(current, ["lead_professional"], now)
        transition(
            episode=current,
            kind=EpisodeTransition.Kind.REALLOCATED,
            actor=actor,
            at=now,
            reason=(reason or "").strip(),
            details={"before": before, "after": lead_professional.pk},
        )
        audit_episode(
            actor=actor,
            episode=current,
            http_request=http_request,
            fields_changed=["lead_professional"],
            values={"step": "reallocate", "before": before, "after": lead_professional.pk},
        )
    return current


def taf_member_add(
    *, actor, episode: Episode, user, role: str, http_request=None
) -> TeamAroundFamilyMember:
    """Add a practitioner from any agency to the team around the family, with their role."""
    require(
        actor=actor, permission=LEAD, episode=episode, step="taf_add", http_request=http_request
    )
    role = (role or "").strip()
    if user is None:
        raise EpisodeError(MEMBER_REQUIRED)
    if not user.is_active:
        raise EpisodeError(MEMBER_INACTIVE)
    if not role:
        raise EpisodeError(MEMBER_ROLE_REQUIRED)
    if len(role) > TeamAroundFamilyMember._meta.get_field("role").max_length:
        raise EpisodeError(MEMBER_ROLE_TOO_LONG)
    with transaction.atomic():
        current = lock(episode)
        if not current.is_open:
            raise EpisodeError(CLOSED)
        if user.pk == current.lead_professional_id:
            raise EpisodeError(IS_LEAD.format(name=user))
        if TeamAroundFamilyMember.objects.filter(
            episode=current, user=user, left_at__isnull=True
        ).exists():
            raise EpisodeError(ALREADY_MEMBER.format(name=user))
        member = TeamAroundFamilyMember(episode=current, user=user, role=role, added_by=actor)
        member.full_clean(validate_constraints=False)
        member.save()
        audit_episode(
            actor=actor,
            episode=current,
            action=AuditAction.CREATE,
            http_request=http_request,
            fields_changed=["team_members"],
            values={"step": "taf_add", "member": member.pk, "user": user.pk},
        )
    return member


def taf_member_remove(
    *, actor, member: TeamAroundFamilyMember, http_request=None
) -> TeamAroundFamilyMember:
    """A practitioner leaves the team around the family (kept in its history, with the date)."""
    episode = member.episode
    require(
        actor=actor, permission=LEAD, episode=episode, step="taf_remove", http_request=http_request
    )
    now = timezone.now()
    with transaction.atomic():
        current = TeamAroundFamilyMember.objects.select_for_update().get(pk=member.pk)
        if current.left_at is not None:
            raise EpisodeError(ALREADY_LEFT)
        current.left_at = now
        current.save(update_fields=["left_at"])
        audit_episode(
            actor=actor,
            episode=episode,
            http_request=http_request,
            fields_changed=["team_members"],
            values={"step": "taf_remove", "member": current.pk, "user": current.user_id},
        )
    return current
