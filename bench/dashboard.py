"""Dashboard figure of issue 5: the directory administrators' dashboard on 100,000 services.

Renders the page in this process (the view, its selectors and its template, as the demo's
directory administrator) for a fixed mix of filters, one warm-up round then measured rounds, and
reports the 95th percentile. The measurement only reads, inside a READ ONLY transaction, so it
can run beside other benches that use the same database.
"""

import time

from bench import directory, harness

MEASURED_ROUNDS = 5


def _administrator():
    from familyhelp.accounts.models import User

    user = (
        User.objects.filter(role_assignments__role__code="directory-administrator", is_active=True)
        .order_by("pk")
        .first()
    )
    if user is None:
        raise SystemExit("The bench database has no directory administrator: run load_demo.")
    return user


def _paths() -> list[str]:
    from urllib.parse import urlencode

    from django.urls import reverse

    from familyhelp.stewardship import selectors_dashboard as selectors

    url = reverse("stewardship:dashboard")
    categories = selectors.category_choices()
    top = next(term for term in categories if term.parent_id is None)
    sub = next(term for term in categories if term.parent_id is not None)
    towns = selectors.area_choices()
    town = towns[0] if towns else selectors.NO_VENUE
    queries = [
        {},
        {"category": top.pk},
        {"category": sub.pk},
        {"area": town},
        {"area": selectors.NO_VENUE},
        {"organisation": "trust"},
        {"category": top.pk, "area": town},
    ]
    return [url + ("?" + urlencode(query) if query else "") for query in queries]


def _render(path: str, user) -> float:
    from django.contrib.sessions.backends.signed_cookies import SessionStore
    from django.test import RequestFactory

    from familyhelp.stewardship.views_dashboard import dashboard

    request = RequestFactory().get(path)
    request.user = user
    request.session = SessionStore()  # kept in memory: nothing is written
    started = time.perf_counter()
    response = dashboard(request)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")
    return elapsed


def measure() -> float:
    """The dashboard's p95 in milliseconds, reading only."""
    from django.db import connection, transaction

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION READ ONLY")
        user = _administrator()
        paths = _paths()
        for path in paths:
            _render(path, user)
        samples = [_render(path, user) for _ in range(MEASURED_ROUNDS) for path in paths]
    return harness.percentile(samples, 95) * 1000


def run():
    directory._ensure_large_directory()  # the same 100,000 services
    yield "dashboard_p95_ms", round(measure(), 1), "ms"
