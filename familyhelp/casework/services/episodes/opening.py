"""How an episode begins: a front door decision for Family Help, or a step-down from social care."""

from django.db import transaction
from django.utils import timezone

from familyhelp.accounts.models import TeamMembership
from familyhelp.accounts.rules import is_team_manager
from familyhelp.audit.models import AuditAction
from familyhelp.audit.services import audit_record
from familyhelp.casework.models import Episode, EpisodePerson, EpisodeTransition
from familyhelp.casework.services.episodes.common import (
    CHOOSE_IN_TEAM,
    EpisodeError,
    audit_episode,
    first_review_due,
    had_recent_episode,
    may_lead,
    transition,
)
from familyhelp.core.public_requests import new_reference
from familyhelp.families.models import FamilyMember
from familyhelp.frontdoor.models import Decision, RequestPerson

NOT_TEAM_MANAGER = "Only a manager of {team} can open an episode for it."
TEAM_REQUIRED = "Select the team the family is stepping down to"
FAMILY_REQUIRED = "Find the family first"
SOCIAL_WORKER_REQUIRED = "Enter the social worker’s name"
SUMMARY_REQUIRED = "Enter the social worker’s summary of the family’s needs"
LEVEL_REQUIRED = "Select the level of need"
ALREADY_OPEN = "This family already has an open episode ({reference}) in {team}."

ADULT_AGE = 18
CHILD_ROLES = {RequestPerson.Role.CHILD, RequestPerson.Role.UNBORN}


def _new_reference() -> str:
    return "E-" + new_reference(Episode)


def _is_child(person, today) -> bool:
    born = person.date_of_birth
    if born is None:
        return person.expected_date is not None
    return (
        today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    ) < ADULT_AGE


def _add_people(episode, people_roles) -> None:
    EpisodePerson.objects.bulk_create(
        [
            EpisodePerson(episode=episode, person_id=person_id, role=role)
            for person_id, role in people_roles
        ]
    )


def _create(*, actor, episode: Episode, people_roles, now, details, http_request=None) -> Episode:
    episode.is_repeat = had_recent_episode(episode.family_id, now=now)
    episode.full_clean(validate_constraints=False)
    episode.save()
    _add_people(episode, people_roles)
    transition(
        episode=episode,
        kind=EpisodeTransition.Kind.OPENED,
        actor=actor,
        at=now,
        details={"team": episode.team_id, "origin": episode.origin, **details},
    )
    audit_episode(
        actor=actor,
        episode=episode,
        action=AuditAction.CREATE,
        http_request=http_request,
        values={"step": "open", "origin": episode.origin, "team": episode.team_id, **details},
    )
    return episode


def episode_open_from_decision(*, actor, decision: Decision) -> Episode | None:
    """A Family Help decision took effect: an episode waits for allocation in the chosen team.

    Runs inside the decision's transaction (frontdoor.effects), so both commit or neither does.
    """
    if decision.kind != Decision.Kind.FAMILY_HELP or decision.team_id is None:
        return None
    request = decision.request
    if request.family_id is None or Episode.objects.filter(decision=decision).exists():
        return None
    now = timezone.now()
    people = RequestPerson.objects.filter(request=request).values_list("person_id", "role")
    people_roles = [
        (
            person_id,
            EpisodePerson.Role.CHILD if role in CHILD_ROLES else EpisodePerson.Role.ADULT,
        )
        for person_id, role in people
    ]
    episode = Episode(
        reference=_new_reference(),
        family_id=request.family_id,
        team_id=decision.team_id,
        origin=Episode.Origin.FRONT_DOOR,
        decision=decision,
        status=Episode.Status.AWAITING_ALLOCATION,
        level_id=decision.level_id,
        created_at=now,
        updated_at=now,
    )
    return _create(
        actor=actor,
        episode=episode,
        people_roles=people_roles,
        now=now,
        details={"decision": decision.pk},
    )


def _refuse_step_down(*, actor, team, family, message, step, http_request) -> None:
    """A refused step-down has no episode yet: the attempt is recorded against the family."""
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        record_type="casework.episode",
        record_id="",
        family_id=getattr(family, "pk", None),
        values={"refused": True, "step": step, "team": team.pk},
        request=http_request,
    )
    raise EpisodeError(message)


def _check_answers(*, family, social_worker_name, summary, level) -> None:
    if family is None:
        raise EpisodeError(FAMILY_REQUIRED)
    if not (social_worker_name or "").strip():
        raise EpisodeError(SOCIAL_WORKER_REQUIRED)
    if not (summary or "").strip():
        raise EpisodeError(SUMMARY_REQUIRED)
    if level is None:
        raise EpisodeError(LEVEL_REQUIRED)


def episode_step_down_create(
    *,
    actor,
    team,
    family,
    social_worker_name: str,
    summary: str,
    level,
    lead_professional=None,
    http_request=None,
) -> Episode:
    """Children's social care steps a family down: an episode opens in the manager's team, with
    the social worker's summary, allocated at once when the manager names the lead professional."""
    if team is None:
        raise EpisodeError(TEAM_REQUIRED)
    refusal = {"actor": actor, "team": team, "family": family, "http_request": http_request}
    manages_team = (
        is_team_manager(actor) and TeamMembership.objects.filter(user=actor, team=team).exists()
    )
    if not manages_team:
        _refuse_step_down(
            **refusal, message=NOT_TEAM_MANAGER.format(team=team.name), step="step_down_create"
        )
    _check_answers(
        family=family, social_worker_name=social_worker_name, summary=summary, level=level
    )
    if lead_professional is not None and not may_lead(lead_professional, team):
        _refuse_step_down(**refusal, message=CHOOSE_IN_TEAM.format(team=team.name), step="allocate")
    open_already = (
        Episode.objects.filter(family=family, team=team, status__in=Episode.OPEN_STATUSES)
        .only("reference")
        .first()
    )
    if open_already is not None:
        raise EpisodeError(ALREADY_OPEN.format(reference=open_already.reference, team=team.name))
    now = timezone.now()
    today = timezone.localdate(now)
    members = FamilyMember.objects.filter(family=family).select_related("person")
    people_roles = [
        (
            member.person_id,
            EpisodePerson.Role.CHILD
            if _is_child(member.person, today)
            else EpisodePerson.Role.ADULT,
        )
        for member in members
    ]
    allocated = lead_professional is not None
    with transaction.atomic():
        episode = Episode(
            reference=_new_reference(),
            family=family,
            team=team,
            origin=Episode.Origin.STEP_DOWN,
            status=Episode.Status.OPEN if allocated else Episode.Status.AWAITING_ALLOCATION,
            level=level,
            lead_professional=lead_professional,
            allocated_at=now if allocated else None,
            social_worker_name=social_worker_name.strip(),
            step_down_summary=summary.strip(),
            next_review_due=first_review_due(today) if allocated else None,
            created_at=now,
            updated_at=now,
        )
        _create(
            actor=actor,
            episode=episode,
            people_roles=people_roles,
            now=now,
            details={"lead_professional": lead_professional.pk} if allocated else {},
            http_request=http_request,
        )
        if allocated:
            transition(
                episode=episode,
                kind=EpisodeTransition.Kind.ALLOCATED,
                actor=actor,
                at=now,
                details={"before": None, "after": lead_professional.pk},
            )
    return episode
