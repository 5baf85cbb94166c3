"""Case work figures of issue 7: a family with ten years of history (5,000 chronology entries) and
a manager's caseload and drift pages over 5,000 open episodes.

Loads only what it needs, once: the demo's people and teams (`demo_admin_ensure`), fifty more
keyworkers in Family Help North, then (COPY, in batches with progress, all in one transaction, so
an interrupted load leaves nothing and the next run loads again):

- one family ("F-BC-H00001": two parents, two children) with eight episodes over ten years, each
  from its own request and Family Help decision, the last still open and led by the demo's
  keyworker Aisha Rahman; case notes, reviews, plans and transitions, and the chronology those
  services write: 5,000 entries in all;
- 5,000 open episodes in Family Help North (one child each, families "F-BC-000001"…), led by the
  fifty keyworkers and Aisha, with plans, goals and actions, contacts and reviews spread so that
  some drift for each reason.

Its rows are marked (families "F-BC-…", episodes "E-BC-…", requests "BC-…"): a later run finds
them and loads nothing; `load_demo --reset` leaves them alone.

- `family_view_p95_ms`: the family page (`/families/<pk>/`) of the ten-year family, over HTTP
  through gunicorn, signed in as its lead professional; `family_chronology_p95_ms` its chronology
  page (`/families/<pk>/chronology/`).
- `caseload_page_p95_ms`: the manager's caseload page (`/caseloads/`) signed in as the demo's
  team manager (Family Help North: 5,000 open episodes); `drift_page_p95_ms` the drift list
  (`/caseloads/drift/`).
Each with its query count, taken in-process on the second visit (the first fills caches).
"""

import datetime
import http.client
import os
import random
import time

from bench import harness
from bench.frontdoor import SignedInClient, _insert, _say, _session_cookie

SEED = 2026
OPEN_EPISODES = 5_000
HISTORY_ENTRIES = 5_000
HISTORY_EPISODES = 8
BENCH_WORKERS = 50
FAMILY_PREFIX = "F-BC-"
HISTORY_FAMILY = "F-BC-H00001"
EPISODE_PREFIX = "E-BC-"
REQUEST_PREFIX = "BC-"
KEYWORKER_EMAIL = "keyworker@wessexvale.example"
MANAGER_EMAIL = "manager@wessexvale.example"
TEAM = "Family Help North"
MEASURED_ROUNDS = 30
# Two workers for two cores; warmed one request at a time (a busy machine made eight concurrent
# first requests, each loading the URL configuration and templates, pass the client's timeout).
WORKERS = 2
WARM_UP_REQUESTS = 6
WARM_UP_TIMEOUT = 300


# Loading ------------------------------------------------------------------------------------


def _ensure_people():
    from django.core.management import call_command

    from familyhelp.accounts.models import Role, RoleAssignment, Team, TeamMembership, User
    from familyhelp.demo.services import demo_admin_ensure

    call_command("migrate", verbosity=0)
    demo_admin_ensure()
    team = Team.objects.get(agency__name="Wessex Vale Council", name=TEAM)
    role = Role.objects.get(code="family-keyworker")
    workers = []
    for n in range(BENCH_WORKERS):
        email = f"bench.keyworker.{n + 1:02d}@wessexvale.example"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(
                email=email,
                full_name=f"Bench Keyworker {n + 1:02d}",
                job_title="Family keyworker",
                agency=team.agency,
                fte=("1.00", "0.80", "0.60")[n % 3],
            )
            user.set_unusable_password()
            user.save()
            TeamMembership.objects.get_or_create(user=user, team=team)
            RoleAssignment.objects.get_or_create(user=user, role=role)
        workers.append(user)
    aisha = User.objects.get(email=KEYWORKER_EMAIL)
    manager = User.objects.get(email=MANAGER_EMAIL)
    return team, [aisha, *workers], aisha, manager


def _loaded() -> bool:
    from familyhelp.casework.models import ChronologyEntry, Episode

    history = ChronologyEntry.objects.filter(family__reference=HISTORY_FAMILY).count()
    open_episodes = Episode.objects.filter(
        reference__startswith=EPISODE_PREFIX, status=Episode.Status.OPEN
    ).count()
    return history >= HISTORY_ENTRIES and open_episodes >= OPEN_EPISODES + 1


def _take_ids(model, count: int) -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _with_ids(model, rows: list) -> list:
    for row, new_id in zip(rows, _take_ids(model, len(rows)), strict=True):
        row.id = new_id
    return rows


def _delete_earlier() -> None:
    from familyhelp.casework import models as cw
    from familyhelp.families.models import Family, FamilyMember, Person
    from familyhelp.frontdoor.models import Decision, Request, RequestPerson

    families = Family.objects.filter(reference__startswith=FAMILY_PREFIX)
    episodes = cw.Episode.objects.filter(family__in=families)
    people = list(
        Person.objects.filter(memberships__family__in=families).values_list("pk", flat=True)
    )
    requests = Request.objects.filter(reference__startswith=REQUEST_PREFIX)
    for queryset in (
        cw.ChronologyEntry.objects.filter(family__in=families),
        cw.CaseNote.objects.filter(episode__in=episodes),
        cw.GoalProgress.objects.filter(review__episode__in=episodes),
        cw.Review.objects.filter(episode__in=episodes),
        cw.Action.objects.filter(goal__plan__episode__in=episodes),
        cw.Goal.objects.filter(plan__episode__in=episodes),
        cw.PlanNeed.objects.filter(plan__episode__in=episodes),
        cw.PlanVersion.objects.filter(plan__episode__in=episodes),
        cw.Plan.objects.filter(episode__in=episodes),
        cw.EpisodeTransition.objects.filter(episode__in=episodes),
        cw.EpisodePerson.objects.filter(episode__in=episodes),
        cw.TeamAroundFamilyMember.objects.filter(episode__in=episodes),
        episodes,
        Decision.objects.filter(request__in=requests),
        RequestPerson.objects.filter(request__in=requests),
        requests,
        FamilyMember.objects.filter(family__in=families),
        families,
        Person.objects.filter(pk__in=people),
    ):
        queryset._raw_delete(queryset.db)


def _person(rng, today, family_name, years_old):
    from familyhelp.families.matching import name_key
    from familyhelp.families.models import Person

    given = rng.choice(("Alex", "Sam", "Jo", "Riley", "Jamie", "Casey", "Morgan", "Taylor"))
    return Person(
        given_names=given,
        family_name=family_name,
        family_name_key=name_key(family_name),
        given_name_key=name_key(given),
        date_of_birth=today - datetime.timedelta(days=int(years_old * 365.25)),
        postcode="WX1 1AA",
    )


class _Rows:
    """Model instances to COPY, in insert order."""

    def __init__(self):
        self.by_model: dict = {}

    def add(self, row):
        self.by_model.setdefault(type(row), []).append(row)
        return row


def _history(rows, rng, team, aisha, workers, manager, levels, now, today):
    """The ten-year family: eight episodes, each from a request and a decision."""
    from familyhelp.casework import models as cw
    from familyhelp.families.models import Family, FamilyMember, Person
    from familyhelp.frontdoor.models import Decision, Request, RequestPerson

    family = rows.add(
        _with_ids(Family, [Family(reference=HISTORY_FAMILY, name="The Longhistory family")])[0]
    )
    people = _with_ids(
        Person,
        [
            _person(rng, today, "Longhistory", 44),
            _person(rng, today, "Longhistory", 46),
            _person(rng, today, "Longhistory", 14),
            _person(rng, today, "Longhistory", 11),
        ],
    )
    for person in people:
        rows.add(person)
        rows.add(FamilyMember(family=family, person=person))
    children = people[2:]
    start = now - datetime.timedelta(days=3652)
    spacing = datetime.timedelta(days=3652 // HISTORY_EPISODES)
    requests = _with_ids(
        Request,
        [
            Request(
                reference=f"{REQUEST_PREFIX}H{n + 1:05d}",
                kind=Request.Kind.ASSESSMENT,
                status=Request.Status.DECIDED,
                family=family,
                created_by=manager,
                created_at=start + spacing * n,
                updated_at=start + spacing * n,
                submitted_at=start + spacing * n,
                reasons="School attendance and routines at home.",
            )
            for n in range(HISTORY_EPISODES)
        ],
    )
    decisions = _with_ids(
        Decision,
        [
            Decision(
                request=request,
                kind=Decision.Kind.FAMILY_HELP,
                level=levels[3],
                team=team,
                rationale="Needs at level 3; the family agree to a keyworker.",
                decided_at=request.submitted_at + datetime.timedelta(hours=20),
                decided_by=manager,
            )
            for request in requests
        ],
    )
    episodes = []
    for n, (request, decision) in enumerate(zip(requests, decisions, strict=True)):
        rows.add(request)
        rows.add(decision)
        for child in children:
            rows.add(RequestPerson(request=request, person=child, role="child"))
        last = n == HISTORY_EPISODES - 1
        opened = decision.decided_at
        episode = cw.Episode(
            reference=f"{EPISODE_PREFIX}H{n + 1:05d}",
            family=family,
            team=team,
            origin=cw.Episode.Origin.FRONT_DOOR,
            decision=decision,
            status=cw.Episode.Status.OPEN if last else cw.Episode.Status.CLOSED,
            level=levels[3],
            lead_professional=aisha if last else workers[n % len(workers)],
            created_at=opened,
            allocated_at=opened + datetime.timedelta(days=1),
            closed_at=None if last else opened + datetime.timedelta(days=330),
            closure_reason="" if last else cw.Episode.ClosureReason.NEEDS_MET,
            next_review_due=today + datetime.timedelta(days=20),
            last_contact_at=now - datetime.timedelta(days=2),
            updated_at=now,
        )
        episodes.append(episode)
    _with_ids(cw.Episode, episodes)
    entries = []

    def entry(episode, at, kind, summary, source_type, source_id, significant=True):
        entries.append(
            cw.ChronologyEntry(
                family=family,
                episode=episode,
                at=at,
                kind=kind,
                summary=summary,
                source_type=source_type,
                source_id=str(source_id),
                significant=significant,
            )
        )

    transitions, plans, reviews = [], [], []
    for request, decision, episode in zip(requests, decisions, episodes, strict=True):
        entry(
            None,
            request.submitted_at,
            "request",
            "Request for support made",
            "frontdoor.request",
            request.id,
        )
        entry(
            None,
            decision.decided_at,
            "decision",
            "Front door decision: Family Help",
            "frontdoor.decision",
            decision.id,
        )
        rows.add(episode)
        for child in children:
            rows.add(cw.EpisodePerson(episode=episode, person=child, role="child"))
        kinds = [("opened", episode.created_at), ("allocated", episode.allocated_at)]
        if episode.closed_at:
            kinds.append(("closed", episode.closed_at))
        for kind, at in kinds:
            transitions.append(cw.EpisodeTransition(episode=episode, kind=kind, at=at, by=manager))
        plans.append(cw.Plan(episode=episode, updated_at=episode.allocated_at))
        for week in range(6, 48, 6):
            reviews.append(
                cw.Review(
                    episode=episode,
                    held_on=timezone_date(episode.allocated_at) + datetime.timedelta(weeks=week),
                    attendees="Parent\nFamily keyworker",
                    decision="continue",
                    recorded_by=episode.lead_professional,
                )
            )
    for transition in _with_ids(cw.EpisodeTransition, transitions):
        rows.add(transition)
        entry(
            transition.episode,
            transition.at,
            "transition",
            f"Episode {transition.episode.reference} {transition.kind}",
            "casework.episodetransition",
            transition.id,
        )
    for review in _with_ids(cw.Review, reviews):
        rows.add(review)
        entry(
            review.episode,
            at_ten(review.held_on),
            "review",
            "Review held: continue with the plan",
            "casework.review",
            review.id,
        )
    for plan in _with_ids(cw.Plan, plans):
        rows.add(plan)
    notes_wanted = HISTORY_ENTRIES - len(entries)
    notes = []
    for n in range(notes_wanted):
        episode = episodes[n % HISTORY_EPISODES]
        happened = episode.allocated_at + datetime.timedelta(
            minutes=(n // HISTORY_EPISODES) * 90 + 30
        )
        notes.append(
            cw.CaseNote(
                episode=episode,
                kind=("home_visit", "phone", "meeting", "school_visit")[n % 4],
                happened_at=happened,
                text="Visited; talked through the week and the plan.",
                significant=n % 11 == 0,
                created_at=happened,
                created_by=episode.lead_professional,
            )
        )
    for note in _with_ids(cw.CaseNote, notes):
        rows.add(note)
        summary = ("Significant event: " if note.significant else "") + "Home visit, 2 people seen"
        entry(
            note.episode,
            note.happened_at,
            "note",
            summary,
            "casework.casenote",
            note.id,
            significant=note.significant,
        )
    for row in entries:
        rows.add(row)


def timezone_date(moment):
    from django.utils import timezone

    return timezone.localdate(moment)


def at_ten(day):
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def _caseload(rows, rng, team, workers, levels, now, today):
    """5,000 open episodes in the team, one child each, with plans and some drift."""
    from familyhelp.casework import models as cw
    from familyhelp.families.models import Family, FamilyMember, Person

    families = _with_ids(
        Family,
        [
            Family(reference=f"{FAMILY_PREFIX}{n + 1:06d}", name="The Bench family")
            for n in range(OPEN_EPISODES)
        ],
    )
    children = _with_ids(
        Person,
        [_person(rng, today, "Bench", rng.uniform(1, 16)) for _ in range(OPEN_EPISODES)],
    )
    episodes = []
    for n, (family, child) in enumerate(zip(families, children, strict=True)):
        rows.add(family)
        rows.add(child)
        rows.add(FamilyMember(family=family, person=child))
        allocated = now - datetime.timedelta(days=rng.randint(10, 400))
        episodes.append(
            cw.Episode(
                reference=f"{EPISODE_PREFIX}{n + 1:06d}",
                family=family,
                team=team,
                origin=cw.Episode.Origin.FRONT_DOOR,
                status=cw.Episode.Status.OPEN,
                level=levels[rng.choice((2, 3, 3, 4))],
                lead_professional=workers[n % len(workers)],
                created_at=allocated - datetime.timedelta(days=2),
                allocated_at=allocated,
                next_review_due=today + datetime.timedelta(days=rng.randint(-20, 42)),
                last_contact_at=now - datetime.timedelta(days=rng.randint(0, 45)),
                updated_at=now,
            )
        )
    plans = []
    for episode, child in zip(_with_ids(cw.Episode, episodes), children, strict=True):
        rows.add(episode)
        rows.add(cw.EpisodePerson(episode=episode, person=child, role="child"))
        plans.append(cw.Plan(episode=episode, updated_at=episode.allocated_at))
    goals = []
    for plan in _with_ids(cw.Plan, plans):
        rows.add(plan)
        if rng.random() < 0.9:
            goals.append(cw.Goal(plan=plan, text="Get to school on time"))
    for goal in _with_ids(cw.Goal, goals):
        rows.add(goal)
        rows.add(
            cw.Action(
                goal=goal,
                text="Agree a morning routine",
                owner=goal.plan.episode.lead_professional,
                due_on=today + datetime.timedelta(days=rng.randint(-15, 60)),
            )
        )


def _load() -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from familyhelp.frontdoor.models import ThresholdLevel

    team, workers, aisha, manager = _ensure_people()
    rng = random.Random(f"{SEED}-casework-bench")  # noqa: S311 - test data, not security
    now = timezone.now()
    today = timezone.localdate()
    levels = {level.number: level for level in ThresholdLevel.objects.all()}
    started = time.monotonic()
    with transaction.atomic():
        _delete_earlier()
        rows = _Rows()
        _say("making a family with ten years of history (once)")
        _history(rows, rng, team, aisha, workers[1:], manager, levels, now, today)
        _say(f"making {OPEN_EPISODES:,} open episodes (once)")
        _caseload(rows, rng, team, workers, levels, now, today)
        _say("writing them with COPY")
        for model, model_rows in rows.by_model.items():
            if model_rows[0].id is None:
                _with_ids(model, model_rows)
            _insert(model_rows, model._meta.verbose_name_plural)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    _say(f"loaded in {time.monotonic() - started:.0f} s")


def _ensure_loaded():
    _ensure_people()
    if not _loaded():
        _load()


# Measuring ----------------------------------------------------------------------------------


def _query_count(user, path: str) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from familyhelp.accounts.testing import sign_in

    client = sign_in(Client(), user)
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")
    return len(queries)


def _patient_get(port: int, cookie: str, path: str) -> None:
    """A warm-up request that waits for a worker's first answer: on a busy machine a gunicorn
    worker takes tens of seconds to load the app, more than the measuring client's timeout."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WARM_UP_TIMEOUT)
    try:
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path} answered {response.status}")
    finally:
        conn.close()


def _measure(port: int, user, path: str) -> float:
    cookie = _session_cookie(user)
    for _ in range(WARM_UP_REQUESTS):  # a new connection each: each worker answers it once
        _patient_get(port, cookie, path)
    client = SignedInClient(port, cookie)
    samples = [client.get(path) for _ in range(MEASURED_ROUNDS)]
    return round(harness.percentile(samples, 95) * 1000, 1)


def run():
    from django.db import connection

    from familyhelp.accounts.models import User
    from familyhelp.families.models import Family

    _ensure_loaded()
    family = Family.objects.get(reference=HISTORY_FAMILY)
    aisha = User.objects.get(email=KEYWORKER_EMAIL)
    manager = User.objects.get(email=MANAGER_EMAIL)
    pages = {
        "family_view": (aisha, f"/families/{family.pk}/"),
        "family_chronology": (aisha, f"/families/{family.pk}/chronology/"),
        "caseload_page": (manager, "/caseloads/"),
        "drift_page": (manager, "/caseloads/drift/"),
    }
    queries = {name: _query_count(user, path) for name, (user, path) in pages.items()}
    _say(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    connection.close()  # gunicorn's workers open their own
    figures = {}
    with harness.gunicorn(workers=WORKERS) as port:
        for name, (user, path) in pages.items():
            figures[name] = _measure(port, user, path)
    for name in pages:
        yield f"{name}_p95_ms", figures[name], "ms"
        yield f"{name}_queries", queries[name], "queries"
