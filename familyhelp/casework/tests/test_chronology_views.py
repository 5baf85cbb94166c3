"""The chronology: one timeline merged from case work entries and the front door, filtered, paged,
scoped to the viewer, exported as CSV (audited), in a constant number of queries."""

# The fixtures come from notes_setup (pytest finds them by name; ruff sees them redefined).
# ruff: noqa: F811

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from familyhelp.accounts.testing import sign_in
from familyhelp.audit.models import AuditEvent
from familyhelp.casework import selectors_chronology
from familyhelp.casework.chronology import chronology_record
from familyhelp.casework.models import ChronologyEntry
from familyhelp.casework.tests.factories import CaseNoteFactory, EpisodeFactory
from familyhelp.casework.tests.notes_setup import (  # noqa: F401
    child,
    episode,
    family,
    lead,
    parent,
    stranger,
    taf_member,
)
from familyhelp.frontdoor.models import Decision
from familyhelp.frontdoor.tests.factories import DecisionFactory, RequestFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def days_ago(days):
    return NOW - datetime.timedelta(days=days)


def family_url(family, **query):
    url = reverse("casework:chronology", kwargs={"pk": family.pk})
    return url


def entry(episode, *, at, kind="note", summary="Home visit", significant=True):
    note = CaseNoteFactory(episode=episode, happened_at=at)
    return chronology_record(
        family_id=episode.family_id,
        episode=episode,
        at=at,
        kind=kind,
        summary=summary,
        source=note,
        significant=significant,
    )


@pytest.fixture
def history(episode, family, child):
    """A request (40 days ago), its decision (39), two notes (10, 2) and a step (5)."""
    request = RequestFactory(
        submitted=True, status="decided", family=family, children=[child], submitted_at=days_ago(40)
    )
    DecisionFactory(
        request=request,
        kind=Decision.Kind.FAMILY_HELP,
        team=episode.team,
        no_further_action_reason="",
        decided_at=days_ago(39),
    )
    entry(episode, at=days_ago(10), summary="Home visit, 2 people seen")
    entry(episode, at=days_ago(2), summary="Phone call, 1 person seen", significant=False)
    entry(episode, at=days_ago(5), kind="transition", summary="Episode stepped up")
    return request


def rows_of(response):
    body = response.content.decode()
    return body.split('<tbody class="govuk-table__body">')[1].split("</tbody>")[0]


def test_the_lead_sees_every_event_newest_first(client, episode, lead, history):
    sign_in(client, lead)

    response = client.get(family_url(episode.family))

    assert response.status_code == 200
    rows = rows_of(response)
    order = [
        "Phone call, 1 person seen",
        "Episode stepped up",
        "Home visit, 2 people seen",
        f"Family Help (request {history.reference})",
        f"Early Support Assessment {history.reference} submitted",
    ]
    positions = [rows.index(text) for text in order]
    assert positions == sorted(positions)
    assert "5 events" in response.content.decode()


def test_filtering_by_type_and_dates(client, episode, lead, history):
    sign_in(client, lead)
    url = family_url(episode.family)
    start, end = days_ago(12).date(), days_ago(3).date()

    response = client.get(
        url,
        {
            "kind": ["note", "decision"],
            "date_from-day": start.day,
            "date_from-month": start.month,
            "date_from-year": start.year,
            "date_to-day": end.day,
            "date_to-month": end.month,
            "date_to-year": end.year,
        },
    )

    rows = rows_of(response)
    assert "Home visit, 2 people seen" in rows
    assert "Phone call" not in rows  # after the range
    assert "Episode stepped up" not in rows  # another type
    assert "Family Help" not in rows  # before the range
    assert "1 event matches the filters" in response.content.decode()


def test_significant_only_leaves_out_the_rest(client, episode, lead, history):
    sign_in(client, lead)

    response = client.get(family_url(episode.family), {"significant_only": "true"})

    rows = rows_of(response)
    assert "Phone call" not in rows
    assert "Home visit" in rows and "Family Help" in rows


def test_a_date_range_the_wrong_way_round_is_explained(client, episode, lead, history):
    sign_in(client, lead)

    response = client.get(
        family_url(episode.family),
        {
            "date_from-day": "10",
            "date_from-month": "3",
            "date_from-year": "2025",
            "date_to-day": "1",
            "date_to-month": "3",
            "date_to-year": "2025",
        },
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "<title>Error: " in body
    assert "The date to must be the same as or after the date from" in body


def test_a_requester_sees_only_their_own_requests(client, episode, family, history, child):
    from familyhelp.accounts.tests.factories import UserFactory

    practitioner = UserFactory(roles=["practitioner"])
    own = RequestFactory(
        submitted=True,
        family=family,
        children=[],
        created_by=practitioner,
        submitted_at=days_ago(1),
    )
    sign_in(client, practitioner)

    response = client.get(family_url(family))

    assert response.status_code == 200
    rows = rows_of(response)
    assert own.reference in rows
    assert history.reference not in rows
    assert "Home visit" not in rows and "Episode stepped up" not in rows


def test_someone_unrelated_gets_page_not_found_and_is_audited(client, episode, stranger, history):
    sign_in(client, stranger)

    for name in ("casework:chronology", "casework:chronology-csv"):
        response = client.get(reverse(name, kwargs={"pk": episode.family_id}))
        assert response.status_code == 404
    for name in ("casework:episode-chronology", "casework:episode-chronology-csv"):
        response = client.get(reverse(name, kwargs={"pk": episode.pk}))
        assert response.status_code == 404
    refused = AuditEvent.objects.filter(actor=stranger, action="view")
    assert refused.count() == 4
    assert all(event.values.get("refused") for event in refused)
    assert not refused.filter(action="export").exists()


def test_the_episode_page_shows_the_same_timeline(client, episode, taf_member, history):
    sign_in(client, taf_member)

    response = client.get(reverse("casework:episode-chronology", kwargs={"pk": episode.pk}))

    assert response.status_code == 200
    rows = rows_of(response)
    assert "Home visit, 2 people seen" in rows and history.reference in rows


def test_the_csv_export_has_every_matching_event_and_is_audited(client, episode, lead, history):
    entry(episode, at=days_ago(1), summary='=HYPERLINK("http://example.com")')
    sign_in(client, lead)

    response = client.get(
        reverse("casework:chronology-csv", kwargs={"pk": episode.family_id}), {"kind": "note"}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["When", "Type", "What happened", "Significant"]
    assert [row[2] for row in rows[1:]] == [
        '\'=HYPERLINK("http://example.com")',
        "Phone call, 1 person seen",
        "Home visit, 2 people seen",
    ]
    event = AuditEvent.objects.get(action="export", actor=lead)
    assert event.record_type == "families.family"
    assert event.values["export"] == "chronology" and event.values["kinds"] == ["note"]


def test_a_page_costs_the_same_queries_however_long_the_history(
    client, episode, lead, history, django_assert_max_num_queries
):
    sign_in(client, lead)
    url = family_url(episode.family)
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    baseline = len(few.captured_queries)
    note = CaseNoteFactory(episode=episode)
    ChronologyEntry.objects.bulk_create(
        ChronologyEntry(
            family_id=episode.family_id,
            episode=episode,
            at=days_ago(60) + datetime.timedelta(hours=n),
            kind="note",
            summary=f"Visit {n}",
            source_type="casework.casenote",
            source_id=f"{note.pk}-{n}",
        )
        for n in range(5000)
    )

    with django_assert_max_num_queries(baseline):
        first = client.get(url)
    body = first.content.decode()
    assert "5,005 events" in body
    assert rows_of(first).count('<tr class="govuk-table__row">') == selectors_chronology.PAGE_SIZE
    assert "Newer events" not in body
    # The older pages, through the "Older events" links, cost the same too.
    seen = set(re.findall(r"Visit \d+", rows_of(first)))
    response = first
    for _ in range(3):
        older = re.search(r'href="(\?after=[^"]+)"', response.content.decode())[1]
        with django_assert_max_num_queries(baseline):
            response = client.get(url + older.replace("&amp;", "&"))
        visits = set(re.findall(r"Visit \d+", rows_of(response)))
        assert len(visits) == selectors_chronology.PAGE_SIZE and not visits & seen
        seen |= visits
    assert "Newer events" in response.content.decode()


def test_paging_back_and_forth_shows_each_event_once_in_order(episode, lead, history):
    """Keyset pages: events at the same moment, from different sources, are neither lost nor
    shown twice, going older and then newer again."""
    moment = days_ago(20)
    for n in range(7):
        entry(episode, at=moment, summary=f"Same moment {n}")
    history.submitted_at = moment
    history.save(update_fields=["submitted_at"])
    scope = selectors_chronology.ChronologyScope(family=episode.family, full=True)
    filters = selectors_chronology.ChronologyFilters()
    everything = list(selectors_chronology.chronology_rows(lead, scope, filters))
    assert len(everything) == 12

    pages, found = [], selectors_chronology.chronology_page(lead, scope, filters, per_page=5)
    while True:
        pages.append(found.rows)
        if found.older is None:
            break
        found = selectors_chronology.chronology_page(
            lead, scope, filters, after=found.older, per_page=5
        )
    assert [row for rows in pages for row in rows] == everything
    assert [len(rows) for rows in pages] == [5, 5, 2]
    back = selectors_chronology.chronology_page(
        lead, scope, filters, before=found.newer, per_page=5
    )
    assert back.rows == pages[1]
    assert [row.at for row in everything] == sorted((row.at for row in everything), reverse=True)


def test_a_link_that_is_not_a_cursor_shows_the_newest_page(client, episode, lead, history):
    sign_in(client, lead)

    response = client.get(family_url(episode.family), {"after": "not.a.cursor"})

    assert response.status_code == 200
    assert "Phone call, 1 person seen" in rows_of(response)


def test_another_familys_events_never_show(client, episode, lead, history):
    other = EpisodeFactory(lead_professional=lead, team=episode.team)
    entry(other, at=days_ago(1), summary="Someone else's visit")
    sign_in(client, lead)

    response = client.get(family_url(episode.family))

    assert "Someone else" not in response.content.decode()


def test_without_the_family_only_the_episodes_own_entries_show(episode, lead, history):
    """Someone who may open the episode but not the family (an auditor sampling the case) sees
    this episode's entries, and neither another episode's nor the front door's."""
    earlier = EpisodeFactory(family=episode.family, team=episode.team)
    entry(earlier, at=days_ago(300), summary="An earlier episode's visit")
    scope = selectors_chronology.ChronologyScope(family=episode.family, full=False, episode=episode)
    filters = selectors_chronology.ChronologyFilters()

    rows = list(selectors_chronology.chronology_rows(lead, scope, filters))

    summaries = [row.summary for row in rows]
    assert "An earlier episode's visit" not in summaries
    assert "Home visit, 2 people seen" in summaries
    assert not [row for row in rows if row.kind == "decision"]
