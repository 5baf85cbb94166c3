"""The plan and reviews as the pages and the PDF show them.

The plan is always shown from its JSON document (services.plan.plan_document), so the current
plan, any earlier version and the PDF read the same way.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from familyhelp.casework.models import Action, Goal, PlanNeed, Review
from familyhelp.core.formatting import long_date, time_12h

DOMAINS = dict(PlanNeed.Domain.choices)
GOAL_STATUS = dict(Goal.Status.choices)
ACTION_STATUS = dict(Action.Status.choices)
NO_NEEDS = "No needs recorded"


def who_and_when(user, at) -> str:
    when = timezone.localtime(at)
    who = (user.full_name or user.email) if user else "Someone"
    return f"{who} on {long_date(when.date())} at {time_12h(when.time())}"


@dataclass
class ActionRow:
    id: int
    text: str
    owner: str
    owner_id: str
    due: str
    status: str
    status_code: str
    overdue: bool


@dataclass
class GoalBlock:
    id: int
    number: int
    text: str
    family_words: str
    status: str
    actions: list[ActionRow] = field(default_factory=list)


@dataclass
class NeedGroup:
    title: str
    needs: list[str]


@dataclass
class PlanView:
    family_words: str
    need_groups: list[NeedGroup]
    goals: list[GoalBlock]

    @property
    def action_count(self) -> int:
        return sum(len(goal.actions) for goal in self.goals)


def plan_view(document: dict, *, today: datetime.date | None = None) -> PlanView:
    today = today or timezone.localdate()
    groups = []
    for domain, title in DOMAINS.items():
        needs = [need["text"] for need in document.get("needs", []) if need["domain"] == domain]
        if needs:
            groups.append(NeedGroup(title=title, needs=needs))
    goals = []
    for number, goal in enumerate(document.get("goals", []), start=1):
        block = GoalBlock(
            id=goal["id"],
            number=number,
            text=goal["text"],
            family_words=goal.get("family_words", ""),
            status=GOAL_STATUS.get(goal["status"], goal["status"]),
        )
        for action in goal.get("actions", []):
            due = datetime.date.fromisoformat(action["due_on"])
            block.actions.append(
                ActionRow(
                    id=action["id"],
                    text=action["text"],
                    owner=action["owner"],
                    owner_id=action["owner_id"],
                    due=long_date(due),
                    status=ACTION_STATUS.get(action["status"], action["status"]),
                    status_code=action["status"],
                    overdue=due < today and action["status"] in Action.OPEN_STATUSES,
                )
            )
        goals.append(block)
    return PlanView(family_words=document.get("family_words", ""), need_groups=groups, goals=goals)


@dataclass
class VersionRow:
    number: int
    changed: str
    summary: str


def version_rows(versions) -> list[VersionRow]:
    return [
        VersionRow(
            number=version.number,
            changed=who_and_when(version.created_by, version.created_at),
            summary=(version.summary[:1].upper() + version.summary[1:]) or "Changed",
        )
        for version in versions
    ]


@dataclass
class ProgressRow:
    goal: str
    progress: str
    comment: str


@dataclass
class ReviewBlock:
    held_on: str
    attendees: list[str]
    family_views: str
    decision: str
    notes: str
    recorded: str
    progress: list[ProgressRow]


def review_blocks(reviews) -> list[ReviewBlock]:
    return [
        ReviewBlock(
            held_on=long_date(review.held_on),
            attendees=review.attendees.splitlines(),
            family_views=review.family_views,
            decision=review.get_decision_display(),
            notes=review.notes,
            recorded=who_and_when(review.recorded_by, review.recorded_at),
            progress=[
                ProgressRow(
                    goal=row.goal.text, progress=row.get_progress_display(), comment=row.comment
                )
                for row in review.progress.all()
            ],
        )
        for review in reviews
    ]


# What each review decision leads to next: the episode's own page for it (services/episodes).
NEXT_STEP = {
    Review.Decision.STEP_UP: ("casework:episode-step-up", "Step up to children’s social care"),
    Review.Decision.STEP_DOWN: ("casework:episode-close", "Close the episode (step down)"),
    Review.Decision.CLOSE: ("casework:episode-close", "Close the episode"),
}
