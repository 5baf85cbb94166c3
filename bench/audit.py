"""Audit figure of issue 4: search one person's last 30 days in a log of 10 million events.

The events are made once in SQL (INSERT … SELECT generate_series, in batches, so an interrupted
run resumes) and reused: a later run only tops the log up to the target. Bench events have
synthetic hashes ("feed" and the sequence in hex, each linked to the one before: ascending, so the
unique hash index is filled in order rather than at random), so `verify_audit_log` reports the
bench database's chain as broken at its first bench event: expected here, never true of a real log.
"""

import datetime
import os
import random
import sys
import time
import warnings

from bench import harness

# BENCH_AUDIT_EVENTS only to try the bench quickly on a small log; the figure is for 10 million.
TARGET_EVENTS = int(os.environ.get("BENCH_AUDIT_EVENTS", 10_000_000))
ACTORS = 2_000
BATCH = 250_000
YEARS = 3
SEARCH_DAYS = 30
PEOPLE_MEASURED = 200
MEASURED_ROUNDS = 2  # after one warm-up round
ACTOR_EMAIL = "bench.actor.{n:04d}@bench.example"
ACTOR_EMAIL_PATTERN = "bench.actor.%@bench.example"
ACTOR_EMAIL_START, ACTOR_EMAIL_END = "bench.actor.", "@bench.example"

# One batch of synthetic events, sequences lo..hi. The random draws make a realistic spread:
# 8% system jobs, the rest by people with a skewed share (a few people do much more than most);
# mostly views of family records, some changes, sign-ins and exports.
INSERT_BATCH = """
WITH draws AS (
    SELECT s, random() AS who, random() AS what, random() AS which, random() AS rid
    FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) AS s
), events AS (
    SELECT d.*,
        CASE
            WHEN d.what < 0.60 THEN 'view'
            WHEN d.what < 0.75 THEN 'change'
            WHEN d.what < 0.83 THEN 'create'
            WHEN d.what < 0.91 THEN 'sign_in'
            WHEN d.what < 0.95 THEN 'sign_out'
            WHEN d.what < 0.97 THEN 'export'
            WHEN d.what < 0.98 THEN 'sign_in_failed'
            WHEN d.what < 0.985 THEN 'break_glass'
            WHEN d.what < 0.99 THEN 'permission_change'
            WHEN d.what < 0.995 THEN 'confirm'
            ELSE 'delete'
        END AS action,
        CASE WHEN d.what >= 0.83 AND d.what < 0.95 OR d.what >= 0.97 AND d.what < 0.98
             THEN 'accounts.user'
             ELSE (ARRAY['families.family', 'families.person', 'casework.episode',
                         'casework.note', 'frontdoor.request', 'directory.service',
                         'casework.plan'])[1 + floor(d.which * 7)::int]
        END AS record_type,
        CASE WHEN d.who < 0.08 THEN NULL
             ELSE floor(power((d.who - 0.08) / 0.92, 2) * %(actors)s)::int
        END AS actor_n
    FROM draws d
)
INSERT INTO audit_auditevent (
    sequence, occurred_at, actor_id, actor_label, action, record_type, record_id, family_id,
    fields_changed, "values", ip_address, user_agent, reason, previous_hash, hash
)
SELECT
    e.s,
    %(anchor)s::timestamptz - ((%(target)s - e.s) * %(step)s) * interval '1 second',
    a.id,
    CASE WHEN a.id IS NULL THEN 'job:send_reminders' ELSE '' END,
    e.action,
    e.record_type,
    (1 + floor(e.rid * 200000)::int)::text,
    CASE WHEN e.record_type LIKE 'families.%%' OR e.record_type LIKE 'casework.%%'
              OR e.record_type = 'frontdoor.request'
         THEN (1 + floor(e.rid * 40000)::int)::text END,
    CASE WHEN e.action = 'change' THEN '["status", "updated_at"]'::jsonb ELSE '[]'::jsonb END,
    CASE WHEN e.action = 'change' THEN '{"status": "open"}'::jsonb ELSE '{}'::jsonb END,
    CASE WHEN a.id IS NULL THEN NULL
         ELSE ('10.' || (a.n / 250) || '.' || (a.n %% 250) || '.' || (1 + e.s %% 200))::inet
    END,
    CASE WHEN a.id IS NULL THEN ''
         ELSE 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edg/130.0' END,
    CASE WHEN e.action = 'break_glass' THEN 'Safeguarding concern raised out of hours' ELSE '' END,
    CASE WHEN e.s = %(lo)s THEN %(previous_hash)s ELSE 'feed' || lpad(to_hex(e.s - 1), 60, '0') END,
    'feed' || lpad(to_hex(e.s), 60, '0')
FROM events e
LEFT JOIN bench_actor a ON a.n = e.actor_n
"""


def _ensure_actors():
    """~2,000 people who did things, in one agency (created once)."""
    from django.contrib.auth.hashers import make_password

    from familyhelp.accounts.models import Agency, User

    existing = User.objects.filter(
        email__startswith=ACTOR_EMAIL_START, email__endswith=ACTOR_EMAIL_END
    ).count()
    if existing < ACTORS:
        agency, _ = Agency.objects.get_or_create(
            name="Bench County Council", defaults={"kind": Agency.Kind.COUNCIL}
        )
        User.objects.bulk_create(
            [
                User(
                    email=ACTOR_EMAIL.format(n=n),
                    full_name=f"Bench Person {n}",
                    agency=agency,
                    password=make_password(None),  # unusable: nobody signs in as a bench actor
                )
                for n in range(ACTORS)
            ],
            ignore_conflicts=True,
        )


def _ensure_events():
    from django.db import connection, transaction
    from django.utils import timezone
    from tqdm import tqdm

    from familyhelp.audit.chain import GENESIS_HASH
    from familyhelp.audit.models import AuditEvent

    last = AuditEvent.objects.order_by("-sequence").values_list("sequence", "hash").first()
    have, previous_hash = last if last else (0, GENESIS_HASH)
    if have >= TARGET_EVENTS:
        print(f"# audit log has {have:,} events (reused)", flush=True)
        return
    print(f"# topping the audit log up from {have:,} to {TARGET_EVENTS:,} events", flush=True)
    # The newest bench event is now; the oldest YEARS before. A resumed run starts a little later,
    # so times still rise with the sequence.
    anchor = timezone.now()
    step = YEARS * 365.25 * 86400 / TARGET_EVENTS
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_actor")
        cursor.execute(
            "CREATE TEMP TABLE bench_actor AS SELECT (row_number() OVER (ORDER BY email) - 1)::int"
            " AS n, id FROM accounts_user WHERE email LIKE %s",
            [ACTOR_EMAIL_PATTERN],
        )
        cursor.execute("CREATE UNIQUE INDEX ON bench_actor (n)")
    with tqdm(
        total=TARGET_EVENTS, initial=have, desc="Audit events", unit=" events", file=sys.stderr
    ) as progress:
        lo = have + 1
        while lo <= TARGET_EVENTS:
            hi = min(lo + BATCH - 1, TARGET_EVENTS)
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    INSERT_BATCH,
                    {
                        "lo": lo,
                        "hi": hi,
                        "actors": ACTORS,
                        "anchor": anchor,
                        "target": TARGET_EVENTS,
                        "step": step,
                        "previous_hash": previous_hash,
                    },
                )
                cursor.execute("SELECT hash FROM audit_auditevent WHERE sequence = %s", [hi])
                previous_hash = cursor.fetchone()[0]
            progress.update(hi - lo + 1)
            lo = hi + 1
    print("# analysing the audit table", flush=True)
    with connection.cursor() as cursor:
        # Fresh statistics and a visibility map, as autovacuum would give a table this size.
        cursor.execute("VACUUM (ANALYZE) audit_auditevent")


def _searches():
    """(auditor, person, since, until): 200 people's last 30 days, the newest event's day last."""
    from django.contrib.auth.hashers import make_password

    from familyhelp.accounts.models import Agency, Role, RoleAssignment, User
    from familyhelp.audit.models import AuditEvent

    newest = AuditEvent.objects.order_by("-sequence").values_list("occurred_at", flat=True).first()
    until = newest + datetime.timedelta(microseconds=1)
    since = until - datetime.timedelta(days=SEARCH_DAYS)
    auditor, _ = User.objects.get_or_create(
        email="bench.auditor@bench.example",
        defaults={
            "full_name": "Bench Auditor",
            "agency": Agency.objects.get(name="Bench County Council"),
            "password": make_password(None),
        },
    )
    RoleAssignment.objects.get_or_create(user=auditor, role=Role.objects.get(code="auditor"))
    rng = random.Random(2026)  # noqa: S311 - a fixed sample, not security
    people = list(
        User.objects.filter(
            email__startswith=ACTOR_EMAIL_START, email__endswith=ACTOR_EMAIL_END
        ).order_by("email")
    )
    return auditor, rng.sample(people, PEOPLE_MEASURED), since, until


def _search_p95_ms():
    """The page's query (audit_event_list for one person, first page of the keyset) timed."""
    from familyhelp.audit.selectors import audit_event_list, audit_event_page

    auditor, people, since, until = _searches()
    timings = []
    for round_number in range(MEASURED_ROUNDS + 1):
        for person in people:
            started = time.perf_counter()
            page = audit_event_page(
                audit_event_list(viewer=auditor, actor=person, since=since, until=until)
            )
            elapsed = time.perf_counter() - started
            assert page.events, f"no events for {person.email} in the last {SEARCH_DAYS} days"
            if round_number:
                timings.append(elapsed)
    return harness.percentile(timings, 95) * 1000, harness.percentile(timings, 50) * 1000


def _page_p95_ms():
    """The whole search page (HTML, in-process): one person's last 30 days, by date inputs."""
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    # The bench serves assets through finders and has no collectstatic output.
    warnings.filterwarnings("ignore", message="No directory at")
    auditor, people, since, until = _searches()
    client = Client()
    client.force_login(auditor)
    session = client.session
    session["accounts.mfa_satisfied_by"] = "bench"
    session.save()
    first, last = timezone.localdate(since), timezone.localdate(until)
    dates = {
        "date_from-day": first.day,
        "date_from-month": first.month,
        "date_from-year": first.year,
        "date_to-day": last.day,
        "date_to-month": last.month,
        "date_to-year": last.year,
    }
    search = reverse("audit:search")
    timings = []
    for round_number in range(MEASURED_ROUNDS + 1):
        for person in people[: PEOPLE_MEASURED // 2]:
            started = time.perf_counter()
            response = client.get(search, {"person": str(person.pk), **dates})
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, response.status_code
            assert b"govuk-table__row" in response.content, f"no events for {person.email}"
            if round_number:
                timings.append(elapsed)
    client.cookies.pop(settings.SESSION_COOKIE_NAME, None)
    return harness.percentile(timings, 95) * 1000


def run():
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    _ensure_actors()
    _ensure_events()
    p95, p50 = _search_p95_ms()
    yield "audit_search_p50_ms", round(p50, 1), "ms"
    yield "audit_search_p95_ms", round(p95, 1), "ms"
    yield "audit_search_page_p95_ms", round(_page_p95_ms(), 1), "ms"
