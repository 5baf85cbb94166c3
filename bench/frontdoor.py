"""Front door figures of issue 6: the queue page and the duplicate check with 10,000 open
requests and 200,000 people.

Loads only what it needs, once (it does not need the 100,000-service directory): the demo's
people and teams (`demo_admin_ensure`), the demo county's postcodes if the database has none,
then 200,000 people in 60,000 families and 10,000 open requests about them, written with COPY in
batches with progress shown, all in one transaction (an interrupted load leaves nothing behind,
and the next run loads again). Its rows are marked (families "F-BN-…", requests "BN-…"), so a
later run finds them and loads nothing; `load_demo --reset` leaves them alone.

- `frontdoor_queue_p95_ms`: the queue page (`/front-door/`) over HTTP through gunicorn, signed
  in as the demo's front door officer, for a fixed mix of 15 sorts, filters and pages: every
  worker answers the mix first, then one client makes five measured rounds (75 samples). Its
  query count (the most of any page of the mix) is taken in-process.
- `duplicate_check_p95_ms`: `families.matching.duplicate_candidates` called directly (the
  selector behind the "is this person already known?" page, audit record included) for 200
  fixed searches: half people in the table, some with a slip in the surname or no postcode, half
  new people; in one transaction rolled back at the end. Its query count is the largest of any
  search.
"""

import datetime
import http.client
import random
import sys
import threading
import time

from bench import harness

PEOPLE = 200_000
FAMILIES = 60_000
OPEN_REQUESTS = 10_000
BATCH = 20_000
SEED = 2026
FAMILY_PREFIX = "F-BN-"
REQUEST_PREFIX = "BN-"
OFFICER_EMAIL = "frontdoor@wessexvale.example"
WORKERS = 4
MEASURED_ROUNDS = 5
SEARCHES = 200

SURNAME_STARTS = (
    "Ash Bar Black Brad Brook Cart Chap Clay Cole Cross Dal Dun Ed Fair Fen Fitz Ford "
    "Gar Glen Good Gold Green Hal Ham Hart Hay Hol Hun Kem Ken Kings Lang Lock Mar Mead "
    "Mill Moor New Nor Oak Pem Pen Pres Rad Red Ros Rut Sal Sand Shel Stan Stock Sum Tal "
    "Thorn Ton Wal War West Whit Wick Wind Wood Wor Yar Ab Bel Cor Dar El Fal Gil Har "
    "Jar Kel Lin Mal Nel Ol"
)
SURNAME_ENDS = (
    "by cott croft dale den don field ford gate ham hill hurst ington land ley low man "
    "mere more ridge shaw son stead ston ton wall well wick win wood worth ard er ett "
    "ings kins ock bury"
)
GIVEN_STARTS = "Al Am An Ar Be Ca Da El Em Fa Ga Ha Is Ja Ka La Le Li Ma Mi Na No Ol Pa Ra Ro"
GIVEN_ENDS = "an ana el ella en ia ie in ine is la lan na ny on ra ry sa ta ya"


def _names(starts: str, ends: str, rng):
    """Names made of a start and an end ("Ash" + "ford"), each with its share of people."""
    names = sorted({start + end for start in starts.split() for end in ends.split()})
    rng.shuffle(names)
    # A skewed share, as real names have: the commonest about 0.5% of people.
    weights = [1 / (rank + 50) for rank in range(len(names))]
    return names, weights


# Loading ------------------------------------------------------------------------------------


def _ensure_people_and_settings():
    from django.core.management import call_command

    from familyhelp.accounts.models import Team
    from familyhelp.demo.services import demo_admin_ensure
    from familyhelp.frontdoor.models import Decision, FrontDoorSettings

    call_command("migrate", verbosity=0)
    demo_admin_ensure()
    team = Team.objects.get(agency__name="Wessex Vale Council", name="Front Door")
    FrontDoorSettings.objects.update_or_create(
        pk=1,
        defaults={
            "team": team,
            "decisions_needing_approval": [Decision.Kind.SOCIAL_CARE],
            "decision_due_working_days": 1,
        },
    )


def _postcodes() -> list[str]:
    from familyhelp.core.models import Postcode
    from familyhelp.demo.county import LOCAL_AUTHORITY_CODE, postcodes_for

    found = list(
        Postcode.objects.filter(postcode__startswith="WX")
        .order_by("postcode")
        .values_list("postcode", flat=True)
    )
    if found:
        return found
    # The demo county's postcodes (the same ones load_demo imports with the same seed).
    rows = [
        Postcode(
            postcode=p.postcode,
            outward_code=p.postcode.split()[0],
            latitude=p.latitude,
            longitude=p.longitude,
            local_authority_code=LOCAL_AUTHORITY_CODE,
        )
        for town in postcodes_for(random.Random(f"{SEED}-county")).values()  # noqa: S311
        for p in town
    ]
    Postcode.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return sorted(row.postcode for row in rows)


def _loaded() -> bool:
    from familyhelp.families.models import FamilyMember
    from familyhelp.frontdoor.models import Request

    bench_requests = Request.objects.filter(
        reference__startswith=REQUEST_PREFIX, status__in=Request.OPEN_STATUSES
    ).count()
    bench_people = FamilyMember.objects.filter(family__reference__startswith=FAMILY_PREFIX).count()
    return bench_requests >= OPEN_REQUESTS and bench_people >= PEOPLE


def _say(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


def _first_free_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def _insert(rows: list, what: str) -> None:
    """COPY the rows (model instances with their ids set) in batches, saying how far it got."""
    from familyhelp.demo.services import _insert as copy_rows

    for start in range(0, len(rows), BATCH):
        copy_rows(rows[start : start + BATCH])
        _say(f"  {min(start + BATCH, len(rows)):,} of {len(rows):,} {what}")


def _reset_sequences(models) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def _delete_earlier() -> None:
    """A load that did not finish left nothing (one transaction); one from an older version of
    this bench, with other sizes, is replaced."""
    from familyhelp.families.models import Family, Person
    from familyhelp.frontdoor.models import Decision, Request, RequestPerson

    requests = Request.objects.filter(reference__startswith=REQUEST_PREFIX)
    families = Family.objects.filter(reference__startswith=FAMILY_PREFIX)
    people = list(
        Person.objects.filter(memberships__family__in=families).values_list("pk", flat=True)
    )
    Decision.objects.filter(request__in=requests)._raw_delete(Decision.objects.db)
    RequestPerson.objects.filter(request__in=requests)._raw_delete(RequestPerson.objects.db)
    requests._raw_delete(requests.db)
    families.delete()
    Person.objects.filter(pk__in=people)._raw_delete(Person.objects.db)


def _load(postcodes: list[str]) -> None:
    """200,000 people in 60,000 families, and 10,000 open requests about 10,000 of them."""
    from django.db import connection, transaction
    from django.utils import timezone

    from familyhelp.accounts.models import Agency, User
    from familyhelp.core.working_days import add_working_days
    from familyhelp.families.matching import name_key
    from familyhelp.families.models import Family, FamilyMember, Person
    from familyhelp.frontdoor.models import Decision, Request, RequestPerson

    rng = random.Random(f"{SEED}-frontdoor-bench")  # noqa: S311 - test data, not security
    surnames, surname_weights = _names(SURNAME_STARTS, SURNAME_ENDS, rng)
    given, given_weights = _names(GIVEN_STARTS, GIVEN_ENDS, rng)
    keys = {name: name_key(name) for name in (*surnames, *given)}
    now = timezone.now()
    today = timezone.localdate()
    officer = User.objects.get(email=OFFICER_EMAIL)
    agencies = list(Agency.objects.order_by("pk")[:5])
    started = time.monotonic()
    with transaction.atomic():
        _delete_earlier()
        person_id, family_id = _first_free_id(Person), _first_free_id(Family)
        request_id, decision_id = _first_free_id(Request), _first_free_id(Decision)
        _say(f"making {PEOPLE:,} people in {FAMILIES:,} families (once)")
        families, members, people = [], [], []
        children_of: dict[int, list[Person]] = {}
        for f in range(FAMILIES):
            surname = rng.choices(surnames, surname_weights)[0]
            postcode = rng.choice(postcodes)
            family = Family(
                id=family_id + f,
                reference=f"{FAMILY_PREFIX}{f + 1:06d}",
                name=f"The {surname} family",
                created_at=now,
                updated_at=now,
            )
            families.append(family)
            size = PEOPLE // FAMILIES + (1 if f < PEOPLE % FAMILIES else 0)
            for n in range(size):
                first = rng.choices(given, given_weights)[0]
                child = n >= 2 or size == 1
                days = rng.randint(30, 17 * 365) if child else rng.randint(18 * 365, 60 * 365)
                person = Person(
                    id=person_id + len(people),
                    given_names=first,
                    family_name=surname,
                    family_name_key=keys[surname],
                    given_name_key=keys[first],
                    date_of_birth=today - datetime.timedelta(days=days),
                    postcode=postcode,
                    created_at=now,
                    updated_at=now,
                )
                people.append(person)
                members.append(FamilyMember(id=None, family=family, person=person, added_at=now))
                if child:
                    children_of.setdefault(family.id, []).append(person)

        requests, request_people, decisions = [], [], []
        statuses = ("submitted",) * 6 + ("in_triage",) * 3 + ("awaiting_approval",)
        for r in range(OPEN_REQUESTS):
            family = families[r]
            submitted_at = now - datetime.timedelta(minutes=rng.randint(10, 15 * 24 * 60))
            status = statuses[r % len(statuses)]
            picked = status != Request.Status.SUBMITTED
            self_referral = r % 7 == 0
            kids = children_of.get(family.id, [])[:2]
            postcode = kids[0].postcode if kids else rng.choice(postcodes)
            request = Request(
                id=request_id + r,
                reference=f"{REQUEST_PREFIX}{r + 1:06d}",
                kind=Request.Kind.SELF_REFERRAL if self_referral else Request.Kind.ASSESSMENT,
                status=status,
                family=family,
                agency=None if self_referral else agencies[r % len(agencies)],
                created_by=None if self_referral else officer,
                created_at=submitted_at,
                updated_at=submitted_at,
                reasons="Attendance has dropped and mum has asked for help with routines.",
                submitted_at=submitted_at,
                decision_due_on=add_working_days(timezone.localdate(submitted_at), 1),
                is_re_referral=r % 9 == 0,
                picked_up_by=officer if picked else None,
                picked_up_at=submitted_at + datetime.timedelta(hours=1) if picked else None,
                youngest_child_born_on=max((k.date_of_birth for k in kids), default=None),
                safeguarding=r % 50 == 0,
                postcode=postcode if self_referral else "",
                area=postcode.split()[0],
                consent_given=self_referral,
            )
            requests.append(request)
            request_people += [
                RequestPerson(request=request, person=kid, role=RequestPerson.Role.CHILD)
                for kid in kids
            ]
            if status == Request.Status.AWAITING_APPROVAL:
                decisions.append(
                    Decision(
                        id=decision_id + len(decisions),
                        request=request,
                        kind=Decision.Kind.SOCIAL_CARE,
                        rationale="Level 4: referred for a statutory assessment.",
                        decided_at=submitted_at + datetime.timedelta(hours=2),
                        decided_by=officer,
                        approval=Decision.Approval.AWAITING,
                    )
                )
        _say("writing them with COPY")
        _insert(people, "people")
        _insert(families, "families")
        _insert_without_ids(members, "family members", FamilyMember)
        _insert(requests, "open requests")
        _insert_without_ids(request_people, "children on requests", RequestPerson)
        _insert(decisions, "decisions waiting for approval")
        _reset_sequences([Person, Family, Request, Decision])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    _say(f"loaded in {time.monotonic() - started:.0f} s")


def _insert_without_ids(rows: list, what: str, model) -> None:
    """Rows whose ids the database gives: their ids are taken from the table's sequence."""
    from django.db import connection

    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(rows)],
        )
        for row, (new_id,) in zip(rows, cursor.fetchall(), strict=True):
            row.id = new_id
    _insert(rows, what)


def _ensure_loaded() -> None:
    _ensure_people_and_settings()
    postcodes = _postcodes()
    if _loaded():
        return
    _load(postcodes)


# The queue over HTTP ------------------------------------------------------------------------


class SignedInClient(harness.Client):
    """A keep-alive connection carrying a signed-in person's session cookie."""

    def __init__(self, port: int, cookie: str):
        super().__init__(port)
        self.cookie = cookie

    def get(self, path: str) -> float:
        started = time.perf_counter()
        try:
            self.conn.request("GET", path, headers={"Cookie": self.cookie})
            response = self.conn.getresponse()
            response.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            raise
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise RuntimeError(f"GET {path} answered {response.status}")
        return elapsed


def _officer():
    from familyhelp.accounts.models import User

    return User.objects.get(email=OFFICER_EMAIL)


def _session_cookie(user) -> str:
    """A session signed in as `user` and past the second-factor step, as the sign-in pages
    leave it (the test helper does the same)."""
    from django.conf import settings
    from django.test import Client

    from familyhelp.accounts.testing import sign_in

    client = sign_in(Client(), user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _queue_paths() -> list[str]:
    from urllib.parse import urlencode

    from familyhelp.accounts.models import Agency

    agency = Agency.objects.order_by("pk").values_list("pk", flat=True).first()
    queries = [
        {},
        {"page": 2},
        {"page": 40},
        {"sort": "waiting"},
        {"sort": "youngest"},
        {"status": "submitted"},
        {"status": "in_triage"},
        {"made_by": agency},
        {"made_by": "self"},
        {"area": "WX1"},
        {"age": "0-4"},
        {"age": "11-15", "sort": "waiting"},
        {"picked_up": "nobody"},
        {"picked_up": "me"},
        {"area": "WX3", "status": "submitted", "sort": "youngest"},
    ]
    return ["/front-door/" + ("?" + urlencode(query) if query else "") for query in queries]


def _queue_query_count(paths: list[str], user) -> int:
    """The most queries one page of the mix makes, in-process (the same view and settings)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from familyhelp.accounts.testing import sign_in

    client = sign_in(Client(), user)
    most = 0
    for path in paths:
        client.get(path)  # the first visit reads what later ones have cached
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        most = max(most, len(queries))
    return most


def _warm_up(port: int, cookie: str, paths: list[str]) -> None:
    """Every worker answers every path of the mix before anything is measured: a worker loads
    the URL configuration, opens its database connection and compiles each template on its
    first use, which would otherwise land among the measured answers (as harness.warm_up does
    for pages that need no session)."""
    threads = [
        threading.Thread(target=lambda: [SignedInClient(port, cookie).get(p) for p in paths])
        for _ in range(2 * WORKERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def measure_queue() -> tuple[float, int]:
    from django.db import connection

    user = _officer()
    paths = _queue_paths()
    cookie = _session_cookie(user)
    queries = _queue_query_count(paths, user)
    connection.close()  # gunicorn's workers open their own
    with harness.gunicorn(workers=WORKERS) as port:
        _warm_up(port, cookie, paths)
        client = SignedInClient(port, cookie)
        samples = [client.get(path) for _ in range(MEASURED_ROUNDS) for path in paths]
    return harness.percentile(samples, 95) * 1000, queries


# The duplicate check ------------------------------------------------------------------------


def _searches() -> list[dict]:
    """200 searches: people already known, typed with a slip or at another postcode, and new
    people."""
    from familyhelp.families.models import Family, Person

    rng = random.Random(f"{SEED}-duplicate-searches")  # noqa: S311 - a fixed mix
    family_ids = list(
        Family.objects.filter(reference__startswith=FAMILY_PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    chosen = rng.sample(family_ids, SEARCHES // 2)
    known = list(
        Person.objects.filter(memberships__family_id__in=chosen)
        .order_by("pk")
        .values("given_names", "family_name", "date_of_birth", "postcode")
    )
    rng.shuffle(known)
    searches = []
    for person in known[: SEARCHES // 2]:
        search = dict(person)
        roll = rng.random()
        if roll < 0.3:  # a slip in the surname
            name = search["family_name"]
            i = rng.randrange(1, len(name))
            search["family_name"] = name[:i] + name[i - 1] + name[i:]
        elif roll < 0.5:  # they have moved
            search["postcode"] = ""
        searches.append(search)
    names, _ = _names(SURNAME_STARTS, SURNAME_ENDS, random.Random(SEED))  # noqa: S311
    given, _ = _names(GIVEN_STARTS, GIVEN_ENDS, random.Random(SEED + 1))  # noqa: S311
    for _ in range(SEARCHES - len(searches)):
        searches.append(
            {
                "given_names": rng.choice(given),
                "family_name": rng.choice(names),
                "date_of_birth": datetime.date(2010, 1, 1)
                + datetime.timedelta(days=rng.randrange(5000)),
                "postcode": known[rng.randrange(len(known))]["postcode"],
            }
        )
    return searches


def measure_duplicate_check() -> tuple[float, int]:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from familyhelp.families.matching import duplicate_candidates

    user = _officer()
    searches = _searches()
    most = 0
    # Each check writes its audit record (part of what is measured); rolled back at the end, so
    # the bench does not fill the audit log.
    with transaction.atomic():
        for search in searches:  # warm-up, and the query counts
            with CaptureQueriesContext(connection) as queries:
                duplicate_candidates(actor=user, **search)
            most = max(most, len(queries))
        samples = []
        for _ in range(2):
            for search in searches:
                started = time.perf_counter()
                duplicate_candidates(actor=user, **search)
                samples.append(time.perf_counter() - started)
        transaction.set_rollback(True)
    return harness.percentile(samples, 95) * 1000, most


def run():
    _ensure_loaded()
    duplicate_ms, duplicate_queries = measure_duplicate_check()
    queue_ms, queue_queries = measure_queue()
    yield "frontdoor_queue_p95_ms", round(queue_ms, 1), "ms"
    yield "frontdoor_queue_queries", queue_queries, "queries"
    yield "duplicate_check_p95_ms", round(duplicate_ms, 1), "ms"
    yield "duplicate_check_queries", duplicate_queries, "queries"
