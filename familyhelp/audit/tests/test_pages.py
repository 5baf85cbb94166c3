"""The audit log's search page and "who has viewed this record"."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.audit import forms
from familyhelp.audit.models import AuditEvent
from familyhelp.audit.services import audit_record
from familyhelp.audit.tests.conftest import sign_in

SEARCH = "/audit/"


def record(moment=None, **fields):
    fields = {
        "actor_label": "job:send_reminders",
        "action": "view",
        "record_type": "families.family",
        "record_id": "7",
        **fields,
    }
    if moment is None:
        return audit_record(**fields)
    with time_machine.travel(moment, tick=False):
        return audit_record(**fields)


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def table_rows(response):
    body = response.content.decode().split("<tbody", 1)
    return [] if len(body) == 1 else re.findall(r"<tr class=\"govuk-table__row\">", body[1])


def searches():
    return list(AuditEvent.objects.filter(record_type="audit.log").order_by("sequence"))


@pytest.fixture
def auditor_client(client, auditor):
    return sign_in(client, auditor)


def test_the_url_names_are_the_contract():
    assert reverse("audit:search") == SEARCH
    assert reverse("audit:export") == "/audit/export.csv"
    assert reverse("audit:viewers", args=["families.family", "7"]) == (
        "/audit/records/families.family/7/viewers/"
    )


def test_an_auditor_sees_the_newest_events_and_the_search_is_recorded(auditor_client, auditor):
    record(datetime(2026, 3, 1, 9, 30, 5, tzinfo=UTC), reason="Safeguarding check")

    response = auditor_client.get(SEARCH)

    assert response.status_code == 200
    page = text(response)
    assert '<h1 class="govuk-heading-l">Audit log</h1>' in page
    assert "1 March 2026, 9:30:05am" in page
    assert "job:send_reminders" in page
    assert "Safeguarding check" in page
    assert 'href="/audit/records/families.family/7/viewers/"' in page
    assert [(e.actor, e.action, e.values) for e in searches()] == [(auditor, "view", {})]


def test_search_by_person_email_or_id_and_by_dates(auditor_client, person, auditor):
    wanted = record(datetime(2026, 3, 10, 12, tzinfo=UTC), actor=person, record_id="71")
    record(datetime(2026, 2, 1, 12, tzinfo=UTC), actor=person, record_id="72")  # before the dates
    record(datetime(2026, 3, 10, 12, tzinfo=UTC), record_id="73")  # someone else
    dates = {
        "date_from-day": "1",
        "date_from-month": "3",
        "date_from-year": "2026",
        "date_to-day": "31",
        "date_to-month": "3",
        "date_to-year": "2026",
    }

    by_email = auditor_client.get(SEARCH, {"person": "Sam.Jones@example.org", **dates})
    by_id = auditor_client.get(SEARCH, {"person": str(person.pk)})

    assert len(table_rows(by_email)) == 1
    assert "families.family 71" in text(by_email)
    assert len(table_rows(by_id)) == 2
    assert searches()[-2].values == {
        "person": str(person.pk),
        "date_from": "2026-03-01",
        "date_to": "2026-03-31",
    }
    assert wanted.sequence


def test_search_by_record_family_and_action(auditor_client):
    record(record_id="1", family_id="40", action="change")
    record(record_id="2", family_id="41")
    record(record_type="directory.service", record_id="1")

    def shown(**query):
        return len(table_rows(auditor_client.get(SEARCH, query)))

    assert shown(record_type="families.family", record_id="1") == 1
    assert shown(record_type="families.family") == 2
    assert shown(family_id="41") == 1
    assert shown(action="change") == 1
    assert shown(action="export") == 0


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"person": "nobody@example.org"}, "person", forms.ERROR_PERSON_UNKNOWN),
        ({"person": "Sam"}, "person", forms.ERROR_PERSON),
        ({"record_id": "7"}, "record_type", forms.ERROR_RECORD_ID_WITHOUT_TYPE),
        ({"action": "peek"}, "action", forms.ERROR_ACTION),
        (
            {"date_from-day": "31", "date_from-month": "2", "date_from-year": "2026"},
            "date_from",
            "Date from must be a real date, like 27 3 2026",
        ),
        (
            {"date_to-day": "31", "date_to-month": "12", "date_to-year": "9999"},
            "date_to",
            "Date to must be a real date, like 27 3 2026",
        ),
        (
            {"date_to-day": "3", "date_to-year": "2026"},
            "date_to",
            "Date to must include a month",
        ),
        (
            {
                **{"date_from-day": "5", "date_from-month": "3", "date_from-year": "2026"},
                **{"date_to-day": "4", "date_to-month": "3", "date_to-year": "2026"},
            },
            "date_to",
            forms.ERROR_DATE_ORDER,
        ),
        ({"older": "not-a-cursor"}, None, forms.ERROR_PAGE_LINK),
    ],
)
def test_bad_filters_get_a_specific_message_and_search_nothing(
    auditor_client, query, field, message
):
    record()

    response = auditor_client.get(SEARCH, query)

    page = text(response)
    assert response.status_code == 200
    assert "<title>Error: Audit log" in page
    assert "govuk-error-summary" in page
    href = f'href="#id_{field}"' if field else 'href="#main-content"'
    assert f"{href}>{message}</a>" in page
    assert table_rows(response) == []
    assert searches() == []


def test_a_person_link_from_the_people_pages_fills_the_filter(auditor_client, person):
    response = auditor_client.get(SEARCH, {"person": str(person.pk)})

    assert f'value="{person.pk}"' in text(response)


def test_pages_go_older_and_newer_without_counting(auditor_client, monkeypatch):
    monkeypatch.setattr("familyhelp.audit.selectors.PAGE_SIZE", 2)
    start = datetime(2026, 3, 1, tzinfo=UTC)
    made = [record(start + timedelta(hours=h), record_id=str(h)) for h in range(5)]

    first = auditor_client.get(SEARCH, {"action": "view"})
    older = re.search(r'href="\?action=view&amp;older=([\d-]+)"', text(first))
    second = auditor_client.get(SEARCH, {"action": "view", "older": older[1]})
    newer = re.search(r'href="\?action=view&amp;newer=([\d-]+)"', text(second))
    back = auditor_client.get(SEARCH, {"action": "view", "newer": newer[1]})

    assert "govuk-pagination" in text(first)
    assert "Older events" in text(first) and "Newer events" not in text(first)
    assert "families.family 4" in text(first) and "families.family 2" not in text(first)
    assert "families.family 2" in text(second) and "families.family 1" in text(second)
    assert "Newer events" in text(second)
    assert "families.family 4" in text(back)
    assert len(made) == 5


def queries_for(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm the session and role caches, as any second page view is
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


def test_the_search_page_takes_the_same_queries_for_many_events(auditor_client, person):
    record(actor=person, record_id="first")
    few, _ = queries_for(auditor_client, SEARCH)
    for n in range(30):
        record(actor=UserFactory() if n % 2 else None, record_id=str(n))

    many, response = queries_for(auditor_client, SEARCH)

    assert len(table_rows(response)) == 35  # 31 events, and the first 4 searches of the log
    assert many == few
    # session, user, roles, the header's permissions, one for the page of events and their
    # people, the audited search (savepoint, last event, insert, release), the session's save
    assert many <= 14


@pytest.mark.parametrize(
    "roles", [[], ["practitioner"], ["agency-administrator"], ["data-analyst"]]
)
def test_people_who_do_not_read_the_log_get_page_not_found(client, db, roles):
    sign_in(client, UserFactory(roles=roles))

    for url in (SEARCH, "/audit/export.csv", "/audit/records/families.family/7/viewers/"):
        assert client.get(url).status_code == 404
    # Each refusal is recorded.
    assert [(e.action, e.record_id, e.values) for e in searches()] == [
        ("view", "search", {"refused": "no_permission"}),
        ("export", "export", {"refused": "no_permission"}),
        ("view", "viewers", {"refused": "no_permission"}),
    ]


def test_someone_signed_out_is_asked_to_sign_in(client, db, settings):
    settings.LOGIN_URL = "/sign-in/"

    response = client.get(SEARCH)

    assert response.status_code == 302
    assert response.url == "/sign-in/?next=/audit/"


def same_page(response):
    """The page without what changes on every response (CSRF token, CSP nonce)."""
    body = response.content.decode()
    body = re.sub(r'nonce="[^"]+"', "NONCE", body)
    body = re.sub(r'data-csrf-token="[^"]+"', "CSRF", body)
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", body)
    # The sign-in link's ?next= repeats the address asked for, as it does on every 404 page.
    return re.sub(r'person%3D[^"&]+', "PERSON", body)


def test_a_team_manager_sees_their_teams_only_and_a_search_outside_them_is_not_found(
    client, manager_team
):
    manager, member, outsider = manager_team
    record(actor=member, record_id="501")
    record(actor=outsider, record_id="502")
    sign_in(client, manager)

    everything = client.get(SEARCH)
    outside = client.get(SEARCH, {"person": outsider.email})

    assert "families.family 501" in text(everything)
    assert "families.family 502" not in text(everything)
    assert outside.status_code == 404
    assert searches()[-1].values == {"person": str(outsider.pk), "refused": "outside_your_teams"}
    # Someone with no account at all gets the same answer, so accounts cannot be discovered
    nobody = client.get(SEARCH, {"person": "nobody@wessexvale.example"})
    assert nobody.status_code == outside.status_code
    assert same_page(nobody) == same_page(outside)
    assert searches()[-1].values == {"person": None, "refused": "outside_your_teams"}


def test_the_navigation_offers_the_audit_log_to_those_who_may_read_it(auditor, db):
    from familyhelp.accounts.navigation import items_for

    assert "audit:search" in [item.url_name for item in items_for(auditor)]
    assert "audit:search" not in [
        item.url_name for item in items_for(UserFactory(roles=["practitioner"]))
    ]


def test_who_has_viewed_lists_each_person_with_counts_and_break_glass(auditor_client, manager_team):
    manager, member, outsider = manager_team
    day = datetime(2026, 3, 1, 10, tzinfo=UTC)
    record(day, actor=member)
    record(day + timedelta(days=1), actor=member)
    record(day + timedelta(days=2), actor=outsider, action="break_glass", reason="Urgent")
    record(day + timedelta(days=2, minutes=5), actor=outsider, values={"break_glass": True})
    url = reverse("audit:viewers", args=["families.family", "7"])
    few, _ = queries_for(auditor_client, url)
    for _ in range(10):
        record(day + timedelta(days=3), actor=UserFactory())

    many, response = queries_for(auditor_client, url)

    assert many == few <= 14
    page = text(response)
    assert "Who has viewed this record" in page
    assert "12 people" in page
    assert page.index("outsider@wessexvale.example") < page.index("member@wessexvale.example")
    assert "1 March 2026, 10:00:00am" in page and "2 March 2026, 10:00:00am" in page
    assert page.count("govuk-tag--red") == 1
    assert searches()[-1].values == {"record_type": "families.family", "record_id": "7"}


def test_who_has_viewed_a_record_no_one_viewed(auditor_client):
    response = auditor_client.get(reverse("audit:viewers", args=["families.family", "999"]))

    assert "No one has viewed this record." in text(response)
