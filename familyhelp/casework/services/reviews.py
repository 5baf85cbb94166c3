"""Reviews of the Family Help plan, held as meetings (docs/family-help-plan.md).

Reviews fall due at the configured interval (CaseworkSettings.review_interval_weeks). Recording
one keeps who came, the progress on each goal, the family's views and the decision. "Continue"
moves the next review on by the interval; stepping up, stepping down to universal services and
closing are then done on the episode's own pages (services/episodes), which the view links to.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from familyhelp.accounts import access as record_access
from familyhelp.audit.models import AuditAction
from familyhelp.audit.services import audit_record
from familyhelp.casework import access
from familyhelp.casework.chronology import chronology_record
from familyhelp.casework.models import ChronologyEntry, Episode, Goal, GoalProgress, Review
from familyhelp.casework.services.settings import casework_settings
from familyhelp.core.formatting import long_date

LEAD = "casework.lead_episode"
REVIEW_RECORD_TYPE = "casework.review"
TEXT_MAX = 5000

NOT_ALLOWED = "You cannot record a review for this episode. Nothing has been changed."
NOT_OPEN = "This episode is {status}: a review can no longer be recorded. Nothing has been changed."
HELD_ON_REQUIRED = "Enter the date the review was held, like 27 3 2027"
HELD_BEFORE_OPENED = (
    "The date the review was held must be on or after {opened}, when the episode was opened"
)
HELD_IN_FUTURE = "The date the review was held must be today or in the past"
ATTENDEES_REQUIRED = "Enter who came to the review, one person on each line"
DECISION_REQUIRED = "Choose what was decided"
PROGRESS_REQUIRED = "Choose the progress on this goal"
TOO_LONG = f"This must be {TEXT_MAX:,} characters or fewer"


class ReviewError(Exception):
    """A refused review; the text is what the person is shown. `field` names the answer at
    fault ("" for the whole form)."""

    def __init__(self, message: str, *, field: str = ""):
        super().__init__(message)
        self.field = field


def may_record_review(user, episode: Episode) -> bool:
    return episode.is_open and record_access.user_has_perm(user, LEAD, episode)


def review_goals(episode: Episode):
    """The goals a review records progress on: every goal on the plan."""
    return Goal.objects.filter(plan__episode=episode).order_by("order", "pk")


def _text(value, *, field: str, required: str = "") -> str:
    text = (value or "").strip()
    if required and not text:
        raise ReviewError(required, field=field)
    if len(text) > TEXT_MAX:
        raise ReviewError(TOO_LONG, field=field)
    return text


def opened_on(episode: Episode) -> datetime.date:
    return timezone.localdate(episode.created_at)


def review_record(
    *,
    actor,
    episode: Episode,
    held_on,
    attendees: str,
    family_views: str,
    decision: str,
    notes: str = "",
    progress: dict[int, tuple[str, str]],
    http_request=None,
) -> Review:
    """Record a review meeting: `progress` is {goal id: (progress, comment)} for every goal."""
    if not record_access.user_has_perm(actor, LEAD, episode):
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            record_type=access.EPISODE,
            record_id=episode.pk,
            family_id=episode.family_id,
            values={"refused": True, "step": "review_record"},
            request=http_request,
        )
        raise ReviewError(NOT_ALLOWED)
    if not episode.is_open or episode.status == Episode.Status.AWAITING_ALLOCATION:
        raise ReviewError(NOT_OPEN.format(status=episode.get_status_display().lower()))
    if not isinstance(held_on, datetime.date):
        raise ReviewError(HELD_ON_REQUIRED, field="held_on")
    if held_on < opened_on(episode):
        raise ReviewError(
            HELD_BEFORE_OPENED.format(opened=long_date(opened_on(episode))), field="held_on"
        )
    if held_on > timezone.localdate():
        raise ReviewError(HELD_IN_FUTURE, field="held_on")
    attendees = "\n".join(
        line.strip() for line in _text(attendees, field="attendees").splitlines() if line.strip()
    )
    if not attendees:
        raise ReviewError(ATTENDEES_REQUIRED, field="attendees")
    family_views = _text(family_views, field="family_views")
    notes = _text(notes, field="notes")
    if decision not in Review.Decision.values:
        raise ReviewError(DECISION_REQUIRED, field="decision")
    goals = list(review_goals(episode))
    for goal in goals:
        value, comment = progress.get(goal.pk, ("", ""))
        if value not in GoalProgress.Progress.values:
            raise ReviewError(PROGRESS_REQUIRED, field=f"progress_{goal.pk}")
        _text(comment, field=f"comment_{goal.pk}")
    now = timezone.now()
    with transaction.atomic():
        episode = Episode.objects.select_for_update().get(pk=episode.pk)
        review = Review(
            episode=episode,
            held_on=held_on,
            attendees=attendees,
            family_views=family_views,
            decision=decision,
            notes=notes,
            recorded_at=now,
            recorded_by=actor,
        )
        review.full_clean()
        review.save()
        rows = []
        for goal in goals:
            value, comment = progress[goal.pk]
            row = GoalProgress(review=review, goal=goal, progress=value, comment=comment.strip())
            row.full_clean(validate_constraints=False)
            rows.append(row)
        GoalProgress.objects.bulk_create(rows)
        if decision == Review.Decision.CONTINUE:
            weeks = casework_settings().review_interval_weeks
            episode.next_review_due = held_on + datetime.timedelta(weeks=weeks)
            episode.updated_at = now
            episode.save(update_fields=["next_review_due", "updated_at"])
        chronology_record(
            family_id=episode.family_id,
            episode=episode,
            at=now,
            kind=ChronologyEntry.Kind.REVIEW,
            summary=f"Review held: {review.get_decision_display().lower()}",
            source=review,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            record_type=REVIEW_RECORD_TYPE,
            record_id=review.pk,
            family_id=episode.family_id,
            values={
                "episode": episode.pk,
                "decision": decision,
                "goals": len(goals),
                "next_review_due": str(episode.next_review_due or ""),
            },
            request=http_request,
        )
    return review
