"""The weekly drift digest: each team manager gets one email a week with how many episodes in
their teams are drifting, by reason, and a link to the drift page (docs/caseloads-and-drift.md).

A daily job (settings.DAILY_JOBS, familyhelp/core/jobs.py), so it runs at most once a date. It
sends on the first run of each week, Monday to Sunday: on the Monday, or on a later day when no
run that week has sent yet (the scheduler was down on Monday). Once a run has sent, its JobRun row
records `week_sent`, and later runs that week send nothing. The email carries counts and a link
only: never a name, a reference or anything else about a family.
"""

import datetime
import logging

from django.db.models import Count
from django.urls import reverse

from familyhelp.accounts.models import RoleAssignment, TeamMembership, User
from familyhelp.casework import drift
from familyhelp.casework.models import Episode
from familyhelp.core import notifications
from familyhelp.core.models import JobRun

logger = logging.getLogger(__name__)

JOB = "familyhelp.casework.jobs.send_drift_digests"
TEMPLATE = "drift_digest"
MANAGER_ROLE = "team-manager"


def _sent_earlier_this_week(today: datetime.date) -> bool:
    monday = today - datetime.timedelta(days=today.weekday())
    return JobRun.objects.filter(
        job=JOB,
        run_date__gte=monday,
        run_date__lt=today,
        status=JobRun.Status.SUCCEEDED,
        counts__week_sent=1,
    ).exists()


def send_drift_digests(today: datetime.date) -> dict:
    """On the week's first run, email each team manager their teams' drift counts."""
    counts = {"week_sent": 0, "managers": 0, "emails_sent": 0, "emails_failed": 0}
    if _sent_earlier_this_week(today):
        return counts
    counts["week_sent"] = 1
    rules = drift.active_rules(today)
    labels = {rule.code: rule.reason for rule in rules}
    by_team: dict[int, dict[str, int]] = {}
    if rules:
        rows = (
            drift.with_drift(Episode.objects.all(), rules)
            .values("team_id")
            .annotate(
                total=Count("pk"),
                **{rule.code: Count("pk", filter=drift.condition(rule)) for rule in rules},
            )
            .order_by()
        )
        by_team = {row.pop("team_id"): row for row in rows}
    managers = User.objects.filter(
        is_active=True,
        pk__in=RoleAssignment.objects.filter(role__code=MANAGER_ROLE).values("user_id"),
    ).order_by("pk")
    teams_of: dict = {}
    for user_id, team_id in TeamMembership.objects.filter(user__in=managers).values_list(
        "user_id", "team_id"
    ):
        teams_of.setdefault(user_id, []).append(team_id)
    link = notifications.site_url(reverse("casework:drift"))
    for manager in managers:
        team_ids = teams_of.get(manager.pk)
        if not team_ids:
            continue
        counts["managers"] += 1
        totals = {"total": 0, **{rule.code: 0 for rule in rules}}
        for team_id in team_ids:
            for code, number in by_team.get(team_id, {}).items():
                totals[code] += number
        drifting = totals.pop("total")
        lines = [f"{labels[code]}: {number}" for code, number in totals.items()]
        try:
            notifications.send_email(
                to=manager.email,
                template=TEMPLATE,
                personalisation={
                    "drifting": drifting,
                    "teams": len(team_ids),
                    "reasons": lines,
                    "link": link,
                },
                reference=f"drift-digest-{today.isoformat()}-{manager.pk}",
            )
        except notifications.NotificationError:
            counts["emails_failed"] += 1
            logger.warning("Could not send the drift digest to manager %s", manager.pk)
            continue
        counts["emails_sent"] += 1
    return counts
