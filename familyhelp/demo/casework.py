"""The demo county's case work, so the episode, caseload, drift and audit pages mean something after
`make run`.

Every Family Help decision of the front door scene (familyhelp/demo/frontdoor.py) has an episode
in the team it chose ("Family Help North" or "Family Help South"), and some of the families
stepped up to social care come back as step-downs. Episodes are in every state: waiting for
allocation (the newest decisions), open, stepped up (most keeping their keyworker as co-worker),
stepped down again to the same keyworker, and closed for each reason (a few with open actions and
why). Aisha Rahman (keyworker@wessexvale.example) leads a good share in Family Help North; four
more keyworkers hold the rest. Like the front door's requesting practitioners they have no role
and no password (the demo keeps one person who can sign in for each role, in people.py): they
only hold cases, so the caseload page compares workers. Hannah Price (the school's designated
safeguarding lead, who can sign in) and the front door's health visitor, police officer and
family support worker sit in teams around the families.

Open episodes have plans (needs, goals written with the family, actions, some overdue), reviews
every six weeks with progress on each goal, case notes (some significant, some with the child
seen alone), and the chronology those services would have written. Some drift: no contact for
weeks, a review overdue, a plan with no goal, actions overdue. Closed and stepped-down episodes
of the last three months have case audits on the stepped-down cases tool (h11's
`audit_tool_install_default`), completed, responded to and moderated, and one still waiting.
No documents are made (a document needs a file in storage).

Everything is made in bulk, deterministic for a seed and a day, with the invariants the services
keep (an open episode has a lead, a closed one its reason, last contact is the latest contact,
the next review follows the last one, one chronology entry per source, a plan version for the
plan as it stands). Loading again replaces every episode on the demo's families (its own
references start "E-WV-"), with whatever people trying the demo added to them. The load is one
"import" audit record (and one per keyworker it adds).
"""

import datetime
import random
import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from familyhelp.accounts.models import Agency, Team, TeamMembership, User
from familyhelp.audit.services import audit_record
from familyhelp.casework.models import (
    Action,
    AuditQuestion,
    CaseAudit,
    CaseAuditAnswer,
    CaseNote,
    CaseworkSettings,
    ChronologyEntry,
    Episode,
    EpisodePerson,
    EpisodeTransition,
    Goal,
    GoalProgress,
    Grade,
    Plan,
    PlanNeed,
    PlanVersion,
    Review,
    TeamAroundFamilyMember,
)
from familyhelp.demo.frontdoor import (
    FAMILY_HELP_TEAMS,
    FAMILY_PREFIX,
    KEYWORKER_EMAIL,
    MANAGER_EMAIL,
    PRACTITIONER_EMAIL,
    REQUEST_PREFIX,
    REQUESTERS,
)
from familyhelp.demo.people import COUNCIL, DEMO_JOB
from familyhelp.frontdoor.models import Decision, RequestPerson, ThresholdLevel

EPISODE_PREFIX = "E-WV-"
BATCH = 1000
AUDITOR_EMAIL = "auditor@wessexvale.example"
NORTH, SOUTH = FAMILY_HELP_TEAMS
# More keyworkers: case holders only, with no role and no password (see the module's docstring).
KEYWORKERS = (
    ("ben.carter@wessexvale.example", "Ben Carter", NORTH),
    ("ruby.shaw@wessexvale.example", "Ruby Shaw", NORTH),
    ("nadia.hussain@wessexvale.example", "Nadia Hussain", SOUTH),
    ("owen.ellis@wessexvale.example", "Owen Ellis", SOUTH),
)
TAF_ROLES = {
    PRACTITIONER_EMAIL: "School designated safeguarding lead",
    REQUESTERS[0][0]: "Health visitor",
    REQUESTERS[1][0]: "Police early help liaison officer",
    REQUESTERS[2][0]: "Family support worker, Vale Family Trust",
}
REVIEW_WEEKS = 6
NEEDS = (
    (PlanNeed.Domain.DEVELOPMENT, "School attendance has dropped below 90% this year."),
    (PlanNeed.Domain.PARENTING, "Morning and bedtime routines have broken down."),
    (PlanNeed.Domain.ENVIRONMENT, "Rent arrears and the threat of losing the tenancy."),
    (PlanNeed.Domain.PARENTING, "Mum feels low and isolated since the baby was born."),
    (PlanNeed.Domain.DEVELOPMENT, "Angry outbursts at home and at school."),
)
GOALS = (
    ("Get to school on time every day", "We want the mornings to be calm."),
    ("A bedtime routine the children keep to", "Bed by eight on school nights."),
    ("Keep the family's home", "We don't want to move again."),
    ("Mum has support for her mood", "I want to feel like myself again."),
    ("Fewer arguments at home", "Talk instead of shouting."),
)
ACTIONS = (
    "Agree a morning routine chart with the children",
    "Refer to the local parenting group",
    "Book an appointment with the debt advice service",
    "Ask the GP about support for low mood",
    "Meet the school's attendance officer together",
    "Find a holiday club place for the summer",
)
NOTE_TEXTS = {
    CaseNote.Kind.HOME_VISIT: "Home visit. Talked through the week and the routine chart; the "
    "children showed me their rooms.",
    CaseNote.Kind.PHONE: "Phone call with mum about the appointment next week.",
    CaseNote.Kind.MEETING: "Team around the family meeting at school; actions agreed.",
    CaseNote.Kind.SCHOOL_VISIT: "Saw the child at school with the designated safeguarding lead.",
    CaseNote.Kind.MESSAGE: "Text message to confirm the visit.",
}
SIGNIFICANT_TEXT = "Police attended the home after an argument; the children were present. "
CLOSURES = (
    (Episode.ClosureReason.NEEDS_MET, 6),
    (Episode.ClosureReason.DECLINED, 2),
    (Episode.ClosureReason.MOVED_AWAY, 1),
    (Episode.ClosureReason.OTHER, 1),
)
STEP_UP_REASON = (
    "Concerns escalated after a further police call-out; a statutory assessment is needed."
)
STEP_DOWN_SUMMARY = (
    "Child in Need plan ended: the family engaged well, risks have reduced, and the family agree "
    "to Family Help to keep the progress going."
)
SOCIAL_WORKERS = ("Kate Morris", "Jon Bell", "Amara Osei")
GRADES = (Grade.OUTSTANDING, Grade.GOOD, Grade.GOOD, Grade.REQUIRES_IMPROVEMENT, Grade.INADEQUATE)
KINDS = list(CaseNote.Kind.values)


@dataclass(frozen=True)
class CaseworkSummary:
    episodes: int = 0
    by_status: dict = field(default_factory=dict)
    notes: int = 0
    reviews: int = 0
    audits: int = 0


@dataclass
class _Episode:
    """One episode and what hangs from it, before it is inserted."""

    episode: Episode
    people: list  # (person id, role)
    taf: list = field(default_factory=list)  # TeamAroundFamilyMember without episode
    transitions: list = field(default_factory=list)
    plan: Plan | None = None
    needs: list = field(default_factory=list)
    goals: list = field(default_factory=list)  # (Goal, [Action])
    reviews: list = field(default_factory=list)  # (Review, [(goal index, GoalProgress)])
    notes: list = field(default_factory=list)  # (CaseNote, [person ids])
    request_id: int | None = None
    decision_id: int | None = None
    submitted_at: datetime.datetime | None = None
    audit: tuple | None = None


def demo_casework_clear() -> None:
    """Remove every episode on the demo's families (and its case audits), so the front door scene
    under them can be replaced."""
    episodes = Episode.objects.filter(family__reference__startswith=FAMILY_PREFIX)
    CaseAudit.objects.filter(episode__in=episodes).delete()
    ChronologyEntry.objects.filter(family__reference__startswith=FAMILY_PREFIX).delete()
    episodes.delete()
    Episode.objects.filter(reference__startswith=EPISODE_PREFIX).delete()


def demo_casework_ensure(*, seed: int, today: datetime.date) -> CaseworkSummary:
    """Set the case work scene on the front door scene's families (replacing an earlier one)."""
    decisions = list(
        Decision.objects.filter(
            request__reference__startswith=REQUEST_PREFIX,
            request__family__isnull=False,
            kind__in=[Decision.Kind.FAMILY_HELP, Decision.Kind.SOCIAL_CARE],
            approval__in=[Decision.Approval.NOT_NEEDED, Decision.Approval.APPROVED],
        )
        .select_related("request")
        .order_by("decided_at", "request__reference", "pk")
    )
    if not decisions:
        return CaseworkSummary()
    with transaction.atomic():
        demo_casework_clear()
        actors = _actors()
        CaseworkSettings.objects.get_or_create(
            pk=1, defaults={"level_weights": {"2": 1.0, "3": 1.5, "4": 2.0}}
        )
        rng = random.Random(f"{seed}-casework")  # noqa: S311 - demo data, not security
        now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(15, 30)))
        people = _people_of([d.request_id for d in decisions])
        levels = {level.number: level for level in ThresholdLevel.objects.all()}
        planned = _planned(rng, decisions, today)
        built = []
        for decision, origin, opened, close_by in planned:
            made = _episode_for(
                rng,
                decision,
                origin,
                opened,
                close_by,
                people,
                actors,
                levels,
                today,
                now,
                len(built),
            )
            built.append(made)
        _repeats(built)
        _audits(rng, built, actors, today)
        summary = _insert(built, actors)
        audit_record(
            actor_label=DEMO_JOB,
            action="import",
            record_type="casework.episode",
            record_id="",
            values={"episodes": summary.episodes, "notes": summary.notes},
        )
    return summary


# Who is who ----------------------------------------------------------------------------------


def _actors() -> dict:
    council = Agency.objects.get(name=COUNCIL)
    teams = {t.name: t for t in Team.objects.filter(agency=council, name__in=FAMILY_HELP_TEAMS)}
    emails = [KEYWORKER_EMAIL, MANAGER_EMAIL, AUDITOR_EMAIL, *TAF_ROLES]
    users = {u.email: u for u in User.objects.filter(email__in=emails + [k[0] for k in KEYWORKERS])}
    for email, name, team in KEYWORKERS:
        if email not in users:
            person = User(email=email, full_name=name, job_title="Family keyworker", agency=council)
            person.set_unusable_password()
            person.save()
            audit_record(
                actor_label=DEMO_JOB,
                action="import",
                record_type="accounts.user",
                record_id=person.pk,
                fields_changed=["email", "full_name", "job_title", "agency"],
            )
            users[email] = person
        TeamMembership.objects.get_or_create(user=users[email], team=teams[team])
    keyworkers = {NORTH: [users[KEYWORKER_EMAIL]], SOUTH: []}
    for email, _, team in KEYWORKERS:
        keyworkers[team].append(users[email])
    return {
        "teams": teams,
        "keyworkers": keyworkers,
        "aisha": users[KEYWORKER_EMAIL],
        "manager": users[MANAGER_EMAIL],
        "auditor": users.get(AUDITOR_EMAIL) or users[MANAGER_EMAIL],
        "taf": [(users[email], role) for email, role in TAF_ROLES.items() if email in users],
    }


def _people_of(request_ids) -> dict:
    people: dict[int, list] = {}
    rows = RequestPerson.objects.filter(request_id__in=request_ids).order_by("pk")
    for request_id, person_id, role in rows.values_list("request_id", "person_id", "role"):
        child = role in (RequestPerson.Role.CHILD, RequestPerson.Role.UNBORN)
        people.setdefault(request_id, []).append(
            (person_id, EpisodePerson.Role.CHILD if child else EpisodePerson.Role.ADULT)
        )
    return people


# Episodes ------------------------------------------------------------------------------------


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _planned(rng, decisions, today) -> list[tuple]:
    """(decision, origin, opened on, close by) in the order the episodes opened. A family whose
    next episode opens while one is still running has the earlier one closed the day before."""
    planned = []
    for decision in decisions:
        decided = timezone.localdate(decision.decided_at)
        if decision.kind == Decision.Kind.SOCIAL_CARE:
            # About half the step-ups to social care older than three months come back down.
            if (today - decided).days < 90 or rng.random() < 0.5:
                continue
            opened = decided + datetime.timedelta(days=rng.randint(45, 80))
            planned.append((decision, Episode.Origin.STEP_DOWN, opened))
        else:
            planned.append((decision, Episode.Origin.FRONT_DOOR, decided))
    planned.sort(key=lambda row: (row[2], row[0].request.reference))
    next_open: dict[int, datetime.date] = {}
    out = []
    for decision, origin, opened in reversed(planned):
        family = decision.request.family_id
        out.append((decision, origin, opened, next_open.get(family)))
        next_open[family] = opened
    return list(reversed(out))


def _episode_for(
    rng, decision, origin, opened, close_by, people, actors, levels, today, now, index
) -> _Episode:
    request = decision.request
    if origin == Episode.Origin.STEP_DOWN:
        team = actors["teams"][SOUTH if index % 2 else NORTH]
        level = levels.get(3)
    else:
        team = actors["teams"].get(getattr(decision.team, "name", None)) or actors["teams"][NORTH]
        level = decision.level or levels.get(3)
    episode = Episode(
        reference=f"{EPISODE_PREFIX}{index + 1:04d}",
        family_id=request.family_id,
        team=team,
        origin=origin,
        decision=decision if origin == Episode.Origin.FRONT_DOOR else None,
        level=level,
        created_at=_at(opened, 11),
        updated_at=now,
    )
    if origin == Episode.Origin.STEP_DOWN:
        episode.step_down_summary = STEP_DOWN_SUMMARY
        episode.social_worker_name = rng.choice(SOCIAL_WORKERS)
    made = _Episode(
        episode=episode,
        people=people.get(request.pk, []),
        request_id=request.pk,
        decision_id=decision.pk if origin == Episode.Origin.FRONT_DOOR else None,
        submitted_at=request.submitted_at,
    )
    made.transitions.append(
        EpisodeTransition(
            kind=EpisodeTransition.Kind.OPENED,
            at=episode.created_at,
            by=actors["manager"],
            details={"team": team.pk, "origin": origin},
        )
    )
    age = (today - opened).days
    waiting = age < 3 or (origin == Episode.Origin.FRONT_DOOR and age < 20 and rng.random() < 0.3)
    if close_by is not None and (close_by - opened).days < 10:
        waiting = True  # closed again before anyone was allocated
    if waiting:
        if close_by is not None:
            _close(rng, made, actors, close_by - datetime.timedelta(days=1))
        return made  # waiting for allocation (a few for longer than the rule allows)
    _allocate(rng, made, actors, opened, now)
    if close_by is not None:
        state = "closed"
    elif age < 40:
        state = "open"
    else:
        state = rng.choices(
            ["open", "stepped_up", "stepped_down", "closed"], weights=[50, 8, 7, 35]
        )[0]
    drift = rng.choices(
        ["none", "no_contact", "review_overdue", "no_goals", "actions_overdue"],
        weights=[55, 12, 12, 6, 15],
    )[0]
    end = today
    if state == "closed":
        if close_by is not None:
            end = close_by - datetime.timedelta(days=1)
        else:
            end = opened + datetime.timedelta(days=rng.randint(35, max(36, min(age - 1, 200))))
        drift = "none"
    elif state in ("stepped_up", "stepped_down"):
        drift = "none"
    _plan(rng, made, actors, drift, end, now)
    _contacts_and_reviews(rng, made, actors, drift, end, today)
    if state == "stepped_up" or state == "stepped_down":
        _step_up(rng, made, actors, opened, end, today)
        if state == "stepped_down":
            _step_down(rng, made, actors, today)
    elif state == "closed":
        _close(rng, made, actors, end)
    return made


def _allocate(rng, made, actors, opened, now) -> None:
    episode = made.episode
    team_name = episode.team.name
    workers = actors["keyworkers"][team_name]
    # Aisha (who can sign in) holds a good share of North's cases.
    lead = actors["aisha"] if team_name == NORTH and rng.random() < 0.45 else rng.choice(workers)
    allocated = _at(opened + datetime.timedelta(days=rng.randint(1, 2)), 14)
    episode.status = Episode.Status.OPEN
    episode.lead_professional = lead
    episode.allocated_at = allocated
    made.transitions.append(
        EpisodeTransition(
            kind=EpisodeTransition.Kind.ALLOCATED,
            at=allocated,
            by=actors["manager"],
            details={"before": None, "after": str(lead.pk)},
        )
    )
    for user, role in rng.sample(actors["taf"], k=rng.randint(1, min(3, len(actors["taf"])))):
        made.taf.append(
            TeamAroundFamilyMember(user=user, role=role, added_at=allocated, added_by=lead)
        )


def _plan(rng, made, actors, drift, end, now) -> None:
    episode = made.episode
    allocated = timezone.localdate(episode.allocated_at)
    made.plan = Plan(
        family_words="We want things to be calmer at home and the children happy at school.",
        # A week after allocation, or today for an episode allocated in the last week.
        updated_at=min(_at(allocated + datetime.timedelta(days=7)), now),
        updated_by=episode.lead_professional,
    )
    picks = rng.sample(range(len(NEEDS)), k=rng.randint(2, 3))
    made.needs = [
        PlanNeed(domain=NEEDS[i][0], text=NEEDS[i][1], order=order) for order, i in enumerate(picks)
    ]
    if drift == "no_goals":
        return
    owners = [episode.lead_professional] + [m.user for m in made.taf]
    for order, i in enumerate(picks):
        text, words = GOALS[i]
        goal = Goal(
            text=text,
            family_words=words,
            order=order,
            created_at=_at(allocated + datetime.timedelta(days=7)),
        )
        actions = []
        for n in range(rng.randint(1, 2)):
            due = allocated + datetime.timedelta(days=rng.randint(14, 90))
            if due < end - datetime.timedelta(days=3):
                status = Action.Status.DONE if rng.random() < 0.8 else Action.Status.CANCELLED
            else:
                status = rng.choice([Action.Status.NOT_STARTED, Action.Status.IN_PROGRESS])
            actions.append(
                Action(
                    text=ACTIONS[(i + n) % len(ACTIONS)],
                    owner=rng.choice(owners),
                    due_on=due,
                    status=status,
                    created_at=goal.created_at,
                )
            )
        made.goals.append((goal, actions))
    if drift == "actions_overdue":
        goal, actions = made.goals[0]
        actions[0].status = Action.Status.NOT_STARTED
        actions[0].due_on = max(
            allocated + datetime.timedelta(days=7),
            end - datetime.timedelta(days=rng.randint(20, 35)),
        )


def _contacts_and_reviews(rng, made, actors, drift, end, today) -> None:
    episode = made.episode
    allocated = timezone.localdate(episode.allocated_at)
    last_day = end
    if drift == "no_contact":
        last_day = end - datetime.timedelta(days=rng.randint(35, 60))
    people = [pid for pid, _ in made.people]
    children = [pid for pid, role in made.people if role == EpisodePerson.Role.CHILD]
    day = allocated + datetime.timedelta(days=rng.randint(2, 5))
    while day <= last_day:
        kind = rng.choice(KINDS)
        significant = rng.random() < 0.12
        seen = [] if kind == CaseNote.Kind.MESSAGE else rng.sample(people, k=min(len(people), 2))
        alone = (
            kind in (CaseNote.Kind.HOME_VISIT, CaseNote.Kind.SCHOOL_VISIT)
            and bool(children)
            and rng.random() < 0.3
        )
        if alone:
            seen = [children[0]]
        writer = episode.lead_professional
        if made.taf and kind == CaseNote.Kind.SCHOOL_VISIT:
            writer = made.taf[0].user
        happened = _at(day, rng.choice([9, 10, 11, 14, 15]))
        note = CaseNote(
            kind=kind,
            happened_at=happened,
            child_seen_alone=alone,
            text=(SIGNIFICANT_TEXT if significant else "") + NOTE_TEXTS[kind],
            significant=significant,
            created_at=happened + datetime.timedelta(hours=2),
            created_by=writer,
            form_token=uuid.UUID(int=rng.getrandbits(128)),
        )
        made.notes.append((note, seen))
        if seen and (episode.last_contact_at is None or happened > episode.last_contact_at):
            episode.last_contact_at = happened
        day += datetime.timedelta(days=rng.randint(7, 16))
    # Reviews every six weeks from allocation, while the episode runs.
    due = allocated + datetime.timedelta(weeks=REVIEW_WEEKS)
    while due <= end:
        if drift == "review_overdue" and due + datetime.timedelta(weeks=REVIEW_WEEKS) > end:
            break  # the latest review was never held
        held = due + datetime.timedelta(days=rng.randint(-3, 2))
        if held >= today:
            break
        review = Review(
            held_on=held,
            attendees="Parent\nFamily keyworker\n" + "\n".join(m.role for m in made.taf),
            family_views="Things are getting better; mornings are still hard.",
            decision=Review.Decision.CONTINUE,
            notes="Plan reviewed goal by goal; actions updated.",
            recorded_at=_at(held, 16),
            recorded_by=episode.lead_professional,
        )
        progress = [
            (i, GoalProgress(progress=rng.choice(GoalProgress.Progress.values), comment=""))
            for i in range(len(made.goals))
        ]
        made.reviews.append((review, progress))
        due = held + datetime.timedelta(weeks=REVIEW_WEEKS)
    episode.next_review_due = due


def _step_up(rng, made, actors, opened, end, today) -> None:
    episode = made.episode
    keyworker = episode.lead_professional
    allocated = timezone.localdate(episode.allocated_at)
    day = max(
        allocated + datetime.timedelta(days=20), today - datetime.timedelta(days=rng.randint(5, 40))
    )
    at = _at(min(day, today - datetime.timedelta(days=1)), 12)
    episode.status = Episode.Status.STEPPED_UP
    episode.stepped_up_at = at
    episode.statutory_referral_on = timezone.localdate(at)
    episode.step_up_reason = STEP_UP_REASON
    keep = rng.random() < 0.85
    episode.co_worker = keyworker if keep else None
    episode.lead_professional = None
    made.transitions.append(
        EpisodeTransition(
            kind=EpisodeTransition.Kind.STEPPED_UP,
            at=at,
            by=keyworker,
            reason=STEP_UP_REASON,
            details={
                "before": str(keyworker.pk),
                "co_worker": str(keyworker.pk) if keep else None,
                "referral_on": episode.statutory_referral_on.isoformat(),
            },
        )
    )


def _step_down(rng, made, actors, today) -> None:
    """Back to Family Help with the keyworker who stayed on as co-worker."""
    episode = made.episode
    keyworker = episode.co_worker or rng.choice(actors["keyworkers"][episode.team.name])
    up = timezone.localdate(episode.stepped_up_at)
    # Stepped up a while ago: make room for the social care episode before coming back.
    if (today - up).days < 30:
        up = today - datetime.timedelta(days=30)
        episode.stepped_up_at = _at(up, 12)
        episode.statutory_referral_on = up
        made.transitions[-1].at = episode.stepped_up_at
        made.transitions[-1].details["referral_on"] = up.isoformat()
    at = _at(up + datetime.timedelta(days=rng.randint(14, 28)), 12)
    episode.status = Episode.Status.OPEN
    episode.lead_professional = keyworker
    episode.co_worker = None
    episode.next_review_due = timezone.localdate(at) + datetime.timedelta(weeks=REVIEW_WEEKS)
    made.transitions.append(
        EpisodeTransition(
            kind=EpisodeTransition.Kind.STEPPED_DOWN,
            at=at,
            by=actors["manager"],
            reason="Child in Need plan ended; back to Family Help with the same keyworker.",
            details={"before": None, "after": str(keyworker.pk)},
        )
    )


def _close(rng, made, actors, end) -> None:
    episode = made.episode
    reasons, weights = zip(*CLOSURES, strict=True)
    reason = rng.choices(reasons, weights=weights)[0]
    at = _at(end, 16)
    episode.status = Episode.Status.CLOSED
    episode.closed_at = at
    episode.closure_reason = reason
    episode.closure_notes = "Closed at the final review with the family."
    episode.family_feedback = "The keyworker listened and helped us get organised."
    open_actions = [
        a for _, actions in made.goals for a in actions if a.status in Action.OPEN_STATUSES
    ]
    if open_actions:
        if rng.random() < 0.5:
            episode.open_actions_reason = "The family will carry these on with the school's help."
        else:
            for action in open_actions:
                action.status = Action.Status.CANCELLED
    met = reason == Episode.ClosureReason.NEEDS_MET
    for goal, _ in made.goals:
        goal.status = (
            Goal.Status.MET
            if met and rng.random() < 0.8
            else rng.choice([Goal.Status.PARTLY_MET, Goal.Status.NOT_MET])
        )
    made.transitions.append(
        EpisodeTransition(
            kind=EpisodeTransition.Kind.CLOSED,
            at=at,
            by=episode.lead_professional,
            reason=episode.get_closure_reason_display(),
            details={"reason": reason},
        )
    )


def _repeats(built) -> None:
    closed_by_family: dict[int, list] = {}
    for made in built:
        episode = made.episode
        earlier = closed_by_family.get(episode.family_id, [])
        episode.is_repeat = any(
            closed and closed <= episode.created_at <= closed + datetime.timedelta(days=365)
            for closed in earlier
        )
        if episode.closed_at:
            closed_by_family.setdefault(episode.family_id, []).append(episode.closed_at)


def _audits(rng, built, actors, today) -> None:
    """Case audits of the last three months' stepped-down and closed episodes."""
    first = today.replace(day=1)
    months = [first]
    for _ in range(2):
        months.append((months[-1] - datetime.timedelta(days=1)).replace(day=1))
    candidates = [
        m
        for m in built
        if m.episode.allocated_at is not None
        and (m.episode.lead_professional or m.episode.co_worker) is not None
        and (m.episode.origin == Episode.Origin.STEP_DOWN or m.episode.status == "closed")
    ]
    for n, made in enumerate(candidates[-12:]):
        month = months[n % len(months)]
        worker = made.episode.lead_professional or made.episode.co_worker
        stage = n % 6
        made.audit = (month, worker, stage)


# Inserting -----------------------------------------------------------------------------------


def _insert(built, actors) -> CaseworkSummary:
    episodes = [m.episode for m in built]
    Episode.objects.bulk_create(episodes, batch_size=BATCH)
    EpisodePerson.objects.bulk_create(
        [
            EpisodePerson(episode=m.episode, person_id=pid, role=role)
            for m in built
            for pid, role in dict(m.people).items()
        ],
        batch_size=BATCH,
    )
    taf = []
    for m in built:
        for member in m.taf:
            member.episode = m.episode
            taf.append(member)
    TeamAroundFamilyMember.objects.bulk_create(taf, batch_size=BATCH)
    transitions = []
    for m in built:
        for t in m.transitions:
            t.episode = m.episode
            transitions.append(t)
    EpisodeTransition.objects.bulk_create(transitions, batch_size=BATCH)
    plans = []
    for m in built:
        if m.plan is not None:
            m.plan.episode = m.episode
            plans.append(m.plan)
    Plan.objects.bulk_create(plans, batch_size=BATCH)
    needs, goals = [], []
    for m in built:
        for need in m.needs:
            need.plan = m.plan
            needs.append(need)
        for goal, _ in m.goals:
            goal.plan = m.plan
            goals.append(goal)
    PlanNeed.objects.bulk_create(needs, batch_size=BATCH)
    Goal.objects.bulk_create(goals, batch_size=BATCH)
    actions = []
    for m in built:
        for goal, goal_actions in m.goals:
            for action in goal_actions:
                action.goal = goal
                actions.append(action)
    Action.objects.bulk_create(actions, batch_size=BATCH)
    versions = [
        PlanVersion(
            plan=m.plan,
            number=1,
            document=_plan_document(m),
            created_at=m.plan.updated_at,
            created_by=m.plan.updated_by,
            summary="Plan agreed with the family",
        )
        for m in built
        if m.plan is not None
    ]
    PlanVersion.objects.bulk_create(versions, batch_size=BATCH)
    reviews, progress = [], []
    for m in built:
        for review, _rows in m.reviews:
            review.episode = m.episode
            reviews.append(review)
    Review.objects.bulk_create(reviews, batch_size=BATCH)
    for m in built:
        for review, rows in m.reviews:
            for i, row in rows:
                row.review = review
                row.goal = m.goals[i][0]
                progress.append(row)
    GoalProgress.objects.bulk_create(progress, batch_size=BATCH)
    notes = []
    for m in built:
        for note, _ in m.notes:
            note.episode = m.episode
            notes.append(note)
    CaseNote.objects.bulk_create(notes, batch_size=BATCH)
    CaseNote.people_seen.through.objects.bulk_create(
        [
            CaseNote.people_seen.through(casenote_id=note.pk, person_id=pid)
            for m in built
            for note, seen in m.notes
            for pid in seen
        ],
        batch_size=BATCH,
    )
    ChronologyEntry.objects.bulk_create(_chronology(built, versions), batch_size=BATCH)
    audits = _insert_audits(built, actors)
    by_status: dict[str, int] = {}
    for episode in episodes:
        by_status[episode.status] = by_status.get(episode.status, 0) + 1
    return CaseworkSummary(
        episodes=len(episodes),
        by_status=by_status,
        notes=len(notes),
        reviews=len(reviews),
        audits=audits,
    )


def _plan_document(made) -> dict:
    """The plan as plan_document (services/plan.py) keeps it in a version."""
    return {
        "family_words": made.plan.family_words,
        "needs": [{"id": n.pk, "domain": n.domain, "text": n.text} for n in made.needs],
        "goals": [
            {
                "id": goal.pk,
                "text": goal.text,
                "family_words": goal.family_words,
                "status": goal.status,
                "actions": [
                    {
                        "id": a.pk,
                        "text": a.text,
                        "owner_id": str(a.owner_id),
                        "owner": a.owner.full_name or a.owner.email,
                        "due_on": a.due_on.isoformat(),
                        "status": a.status,
                    }
                    for a in sorted(actions, key=lambda a: (a.due_on, a.pk))
                ],
            }
            for goal, actions in made.goals
        ],
    }


TRANSITION_SUMMARY = {
    EpisodeTransition.Kind.OPENED: "Family Help episode {reference} opened",
    EpisodeTransition.Kind.ALLOCATED: "Lead professional allocated for episode {reference}",
    EpisodeTransition.Kind.STEPPED_UP: "Episode {reference} stepped up to children’s social care",
    EpisodeTransition.Kind.STEPPED_DOWN: "Episode {reference} stepped down to Family Help",
    EpisodeTransition.Kind.CLOSED: "Episode {reference} closed",
}


def _chronology(built, versions) -> list[ChronologyEntry]:
    entries, seen_sources = [], set()
    version_by_plan = {v.plan_id: v for v in versions}

    def add(made, at, kind, summary, source_type, source_id, significant=True, episode=True):
        key = (source_type, str(source_id), kind)
        if key in seen_sources:
            return
        seen_sources.add(key)
        entries.append(
            ChronologyEntry(
                family_id=made.episode.family_id,
                episode=made.episode if episode else None,
                at=at,
                kind=kind,
                summary=summary,
                source_type=source_type,
                source_id=str(source_id),
                significant=significant,
            )
        )

    for m in built:
        if m.request_id and m.submitted_at:
            add(
                m,
                m.submitted_at,
                "request",
                "Request for support made",
                "frontdoor.request",
                m.request_id,
                episode=False,
            )
        if m.decision_id:
            add(
                m,
                m.episode.decision.decided_at,
                "decision",
                "Front door decision: Family Help",
                "frontdoor.decision",
                m.decision_id,
                episode=False,
            )
        for t in m.transitions:
            summary = TRANSITION_SUMMARY.get(t.kind, "Episode {reference}")
            add(
                m,
                t.at,
                "transition",
                summary.format(reference=m.episode.reference),
                "casework.episodetransition",
                t.pk,
            )
        if m.plan is not None:
            version = version_by_plan[m.plan.pk]
            add(
                m,
                version.created_at,
                "plan",
                "Plan changed: plan agreed with the family",
                "casework.planversion",
                version.pk,
            )
        for review, _ in m.reviews:
            add(
                m,
                review.recorded_at,
                "review",
                "Review held: continue with the plan",
                "casework.review",
                review.pk,
            )
        for note, seen in m.notes:
            if not seen and not note.significant:
                continue
            parts = [note.get_kind_display()]
            if seen:
                parts.append(f"{len(seen)} {'person' if len(seen) == 1 else 'people'} seen")
            if note.child_seen_alone:
                parts.append("child seen alone")
            summary = ", ".join(parts)
            if note.significant:
                summary = f"Significant event: {summary}"
            add(
                m,
                note.happened_at,
                "note",
                summary,
                "casework.casenote",
                note.pk,
                significant=note.significant,
            )
    return entries


def _insert_audits(built, actors) -> int:
    from familyhelp.casework.services.audits import audit_tool_install_default

    tool = audit_tool_install_default(actor=None)
    questions = list(
        AuditQuestion.objects.filter(section__tool=tool).order_by("section__order", "order")
    )
    audits, answers = [], []
    for n, m in enumerate(made for made in built if made.audit):
        month, worker, stage = m.audit
        episode = m.episode
        audit = CaseAudit(
            tool=tool,
            episode=episode,
            sample_month=month,
            team=episode.team,
            worker=worker,
            auditor=actors["auditor"] if n % 2 else actors["manager"],
            created_at=_at(month, 9),
        )
        if stage > 0:
            grade = GRADES[n % len(GRADES)]
            audit.status = CaseAudit.Status.COMPLETED
            audit.grade = grade
            audit.summary = "Clear plan and good recording; the child's voice could be stronger."
            audit.completed_at = _at(month + datetime.timedelta(days=10), 15)
            for q, question in enumerate(questions):
                answers.append(
                    (
                        audit,
                        CaseAuditAnswer(
                            question=question,
                            grade=GRADES[(n + q) % len(GRADES)],
                            comment="Evidence found in the case notes and reviews.",
                        ),
                    )
                )
            if stage >= 3:
                audit.status = CaseAudit.Status.RESPONDED
                audit.worker_response = "Agreed; I will record the child's own words at visits."
                audit.responded_at = _at(month + datetime.timedelta(days=14), 11)
            if stage == 5:
                audit.status = CaseAudit.Status.MODERATED
                audit.moderated_grade = Grade.GOOD
                audit.moderation_note = "Moderated up: the step-down rationale is well recorded."
                audit.moderated_by = actors["manager"]
                audit.moderated_at = _at(month + datetime.timedelta(days=18), 11)
        audits.append(audit)
    CaseAudit.objects.bulk_create(audits, batch_size=BATCH)
    rows = []
    for audit, answer in answers:
        answer.audit = audit
        rows.append(answer)
    CaseAuditAnswer.objects.bulk_create(rows, batch_size=BATCH)
    return len(audits)
