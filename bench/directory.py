"""Directory figures of issue 3: ORUK search, its bare SQL, the HTML results page, import_hsds."""

import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from bench import harness

LARGE_DIRECTORY = 100_000
QUERY_MIX_SIZE = 100
MEASURED_ROUNDS = 3  # rounds of the mix measured after one warm-up round
WORKERS = 4
# Every worker answers this once before the throughput figures (not in the mix, so the response
# cache holds none of the mix's answers before the cached figure starts).
WARM_UP_PATH = "/api/oruk/taxonomies"
# Words parents and practitioners type, from the DfE categories and everyday phrasing.
SEARCH_WORDS = [
    "nursery", "football", "parenting", "speech", "autism", "swimming", "holiday club",
    "debt advice", "breastfeeding", "baby", "youth club", "counselling", "dance", "toddler",
    "homework", "bullying", "mental health", "housing", "send support", "music",
]  # fmt: skip


def _ensure_large_directory():
    from django.core.management import call_command

    from familyhelp.directory.models import Service

    call_command("migrate", verbosity=0)
    if Service.objects.count() < LARGE_DIRECTORY:
        print(f"# loading {LARGE_DIRECTORY:,} services (once)", flush=True)
        call_command("load_demo", reset=True, services=LARGE_DIRECTORY)


def _query_mix():
    """100 realistic searches: a need, a postcode in the county and a sub-category."""
    from familyhelp.core.models import Postcode
    from familyhelp.directory.models import TaxonomyTerm

    rng = random.Random(2026)  # noqa: S311 - a fixed mix, not security
    postcodes = list(Postcode.objects.order_by("postcode").values_list("postcode", flat=True))
    terms = list(
        TaxonomyTerm.objects.filter(parent__isnull=False)
        .order_by("name")
        .values_list("id", "name", "slug")
    )
    mix = []
    for _ in range(QUERY_MIX_SIZE):
        term_id, term_name, term_slug = rng.choice(terms)
        # Mostly a word of the category itself ("bullying" in "Bullying and cyber bullying"),
        # sometimes an everyday word that may not match it at all.
        own_words = [w.strip(",").lower() for w in term_name.split() if len(w) > 3]
        word = rng.choice(own_words) if rng.random() < 0.8 else rng.choice(SEARCH_WORDS)
        mix.append(
            {
                "search": word,
                "postcode": rng.choice(postcodes),
                "proximity": 8000,
                "taxonomy_term_id": str(term_id),
                "term_slug": term_slug,
            }
        )
    return mix


def _oruk_paths(mix):
    keys = ("search", "postcode", "proximity", "taxonomy_term_id")
    return ["/api/oruk/service_at_locations?" + urlencode({k: q[k] for k in keys}) for q in mix]


def _html_paths(mix):
    from django.urls import reverse

    results = reverse("directory:search")
    # The same searches as a parent makes them: a category tile, then words and a postcode.
    return [
        results
        + "?"
        + urlencode({"q": q["search"], "where": q["postcode"], "subcategory": q["term_slug"]})
        for q in mix
    ]


def _bare_sql_p95_ms(paths):
    """Run each endpoint in-process once to capture the SQL it sends, then time that SQL alone."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    client = Client()
    timings = []
    for path in paths:
        with (
            override_settings(ORUK_RESPONSE_CACHE_SECONDS=0),
            CaptureQueriesContext(connection) as captured,
        ):
            assert client.get(path).status_code == 200
        statements = [q["sql"] for q in captured.captured_queries]
        with connection.cursor() as cursor:
            for statement in statements:  # warm, as the endpoint was
                cursor.execute(statement)
                cursor.fetchall()
            for _ in range(MEASURED_ROUNDS):  # as many samples as the endpoint's latencies
                started = time.perf_counter()
                for statement in statements:
                    cursor.execute(statement)
                    cursor.fetchall()
                timings.append(time.perf_counter() - started)
    return harness.percentile(timings, 95) * 1000


def _import_seconds():
    """Export the large directory, then time import_hsds of it into an empty database."""
    from django.conf import settings

    source = os.environ["DATABASE_URL"]
    target = urlsplit(source)._replace(path="/familyhelp_bench_import").geturl()
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.bench"}
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(  # noqa: S603
            [*manage, "export_hsds", folder], check=True, env=env, stdout=subprocess.DEVNULL
        )
        harness.drop_database(target)
        harness.ensure_database(target)
        target_env = {**env, "DATABASE_URL": target}
        subprocess.run([*manage, "migrate", "-v0"], check=True, env=target_env)  # noqa: S603
        started = time.monotonic()
        subprocess.run(  # noqa: S603
            [*manage, "import_hsds", folder],
            check=True,
            env=target_env,
            stdout=subprocess.DEVNULL,
        )
        elapsed = time.monotonic() - started
    harness.drop_database(target)
    return elapsed


def run():
    _ensure_large_directory()
    mix = _query_mix()
    oruk = _oruk_paths(mix)
    html = _html_paths(mix)
    # Latencies are of answers actually computed: the feed's response cache is off.
    with harness.gunicorn(workers=WORKERS, ORUK_RESPONSE_CACHE_SECONDS="0") as port:
        harness.warm_up(port, WARM_UP_PATH, WORKERS)
        samples = harness.latencies(port, oruk, rounds=MEASURED_ROUNDS + 1)
        p50 = harness.percentile(samples, 50) * 1000
        p95 = harness.percentile(samples, 95) * 1000
        yield "oruk_search_p50_ms", round(p50, 1), "ms"
        yield "oruk_search_p95_ms", round(p95, 1), "ms"
        uncached_rps = harness.throughput(port, oruk, clients=32)
        html_p95 = (
            harness.percentile(harness.latencies(port, html, rounds=MEASURED_ROUNDS + 1), 95) * 1000
        )
    # Partners poll the same questions: with the response cache on (as deployed), a fresh one.
    with (
        tempfile.TemporaryDirectory() as cache_dir,
        harness.gunicorn(
            workers=WORKERS, CACHE_URL=f"filecache://{cache_dir}", ORUK_RESPONSE_CACHE_SECONDS="600"
        ) as port,
    ):
        harness.warm_up(port, WARM_UP_PATH, WORKERS)
        yield "oruk_search_rps_32", round(harness.throughput(port, oruk, clients=32), 1), "req/s"
    yield "oruk_search_rps_32_uncached", round(uncached_rps, 1), "req/s"
    sql_p95 = _bare_sql_p95_ms(oruk)
    yield "oruk_search_sql_p95_ms", round(sql_p95, 1), "ms"
    yield "oruk_search_overhead_ratio", round(p95 / sql_p95, 2), "x"
    yield "html_search_p95_ms", round(html_p95, 1), "ms"
    yield "import_hsds_100k_s", round(_import_seconds(), 1), "s"
