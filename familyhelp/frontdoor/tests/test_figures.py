"""The front door's figures for managers: each figure against a hand count, the page, its CSV
downloads, its period filter and who may see it."""

import csv
import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from familyhelp.accounts import navigation
from familyhelp.accounts.models import Agency
from familyhelp.accounts.testing import sign_in
from familyhelp.accounts.tests.factories import AgencyFactory, TeamFactory, UserFactory
from familyhelp.audit.models import AuditEvent
from familyhelp.frontdoor import selectors_figures as selectors
from familyhelp.frontdoor.forms_figures import END_BEFORE_START, START_IN_FUTURE, TOO_LONG
from familyhelp.frontdoor.models import Decision, Request
from familyhelp.frontdoor.services.common import decision_due_on
from familyhelp.frontdoor.tests.factories import (
    DecisionFactory,
    RequestFactory,
    SelfReferralFactory,
    front_door_manager,
    front_door_officer,
)

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
# Wednesday 18 November 2026, midday (GMT: no bank holidays in November).
NOW = datetime.datetime(2026, 11, 18, 12, 0, tzinfo=LONDON)
TODAY = NOW.date()
# Two whole weeks: Monday 2 to Sunday 15 November 2026.
PERIOD = selectors.Period(datetime.date(2026, 11, 2), datetime.date(2026, 11, 15))
URL = "/front-door/figures/"
CSV_URL = "/front-door/figures/figures.csv"
PERIOD_QUERY = {"start": "2/11/2026", "end": "15/11/2026"}


def at(day, month, hour, minute=0):
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _request(agency, submitted_at, *, status=Request.Status.DECIDED, re_referral=False, **kw):
    factory = SelfReferralFactory if agency is None else RequestFactory
    extra = {} if agency is None else {"agency": agency, "created_by": None}
    return factory(
        submitted=True,
        status=status,
        submitted_at=submitted_at,
        decision_due_on=decision_due_on(submitted_at),
        is_re_referral=re_referral,
        **extra,
        **kw,
    )


def _decide(request, kind, decided_at, *, approval=Decision.Approval.NOT_NEEDED, approved_at=None):
    extra = {}
    if kind == Decision.Kind.FAMILY_HELP:
        extra["team"] = TeamFactory()
    if kind != Decision.Kind.NO_FURTHER_ACTION:
        extra["no_further_action_reason"] = ""
    return DecisionFactory(
        request=request,
        kind=kind,
        decided_at=decided_at,
        approval=approval,
        approved_at=approved_at,
        **extra,
    )


@pytest.fixture
def requests():
    """Fifteen requests whose figures are counted by hand (times London, wd: working days).

    | ref | source | submitted        | due    | now                | decision in force, effective |
    |-----|--------|------------------|--------|--------------------|------------------------------|
    | R1  | school | Mon 2 Nov 09:00  | 3 Nov  | decided            | F. Help 2 Nov 15:00 6h 0wd   |
    | R2  | school | Tue 3 Nov 10:00  | 4 Nov  | decided            | advice 5 Nov 10:00 48h 2wd * |
    | R3  | health | Fri 6 Nov 16:00  | 9 Nov  | decided            | social care, approved        |
    |     |        |                  |        |                    |   9 Nov 16:00 72h 1wd        |
    | R4  | self   | Sat 7 Nov 11:00  | 9 Nov  | decided, re-ref.   | NFA 10 Nov 11:00 72h 2wd *   |
    | R5  | health | Mon 9 Nov 09:00  | 10 Nov | decided, re-ref.   | F. Help 10 Nov 09:00 24h 1wd |
    |     |        |                  |        |                    |   (an earlier one returned)  |
    | R6  | school | Wed 11 Nov 09:00 | 12 Nov | awaiting approval  | none (F. Help waiting)       |
    | R7  | school | Fri 13 Nov 09:00 | 16 Nov | in triage          | none                         |
    | R8  | self   | Sun 15 Nov 20:00 | 16 Nov | waiting            | none                         |
    | R9  | school | Fri 30 Oct 09:00 | 2 Nov  | decided            | advice 2 Nov 09:00 72h 1wd   |
    | R10 | school | Wed 18 Nov 08:00 | 19 Nov | waiting            | none                         |
    | R11 | school | (draft)          |        | draft              | none                         |
    | R12 | school | Fri 16 Oct 09:00 | 19 Oct | waiting            | none                         |
    | R13 | police | Thu 12 Nov 14:00 | 13 Nov | decided            | NFA 13 Nov 09:00 19h 1wd     |
    | R14 | school | Tue 17 Nov 09:00 | 18 Nov | waiting            | none                         |
    | R15 | health | Tue 10 Nov 09:00 | 11 Nov | in triage          | none                         |
    (* decided after the day it was due)

    In the period (2 to 15 November): submitted R1-R8, R13, R15 = 10 (R9, R12 before, R10, R14
    after, R11 a draft). Decisions in force taking effect in it: R9, R1, R2, R3, R4, R5, R13 = 7.
    """
    school = AgencyFactory(name="Ashdown School", kind=Agency.Kind.SCHOOL)
    health = AgencyFactory(name="Brook Health", kind=Agency.Kind.HEALTH)
    police = AgencyFactory(name="County Police", kind=Agency.Kind.POLICE)
    officer = front_door_officer()
    triage = {"status": Request.Status.IN_TRIAGE, "picked_up_by": officer}
    found = {}
    found["R1"] = _request(school, at(2, 11, 9))
    _decide(found["R1"], Decision.Kind.FAMILY_HELP, at(2, 11, 15))
    found["R2"] = _request(school, at(3, 11, 10))
    _decide(found["R2"], Decision.Kind.ADVICE, at(5, 11, 10))
    found["R3"] = _request(health, at(6, 11, 16))
    _decide(
        found["R3"],
        Decision.Kind.SOCIAL_CARE,
        at(9, 11, 10),
        approval=Decision.Approval.APPROVED,
        approved_at=at(9, 11, 16),
    )
    found["R4"] = _request(None, at(7, 11, 11), re_referral=True)
    _decide(found["R4"], Decision.Kind.NO_FURTHER_ACTION, at(10, 11, 11))
    found["R5"] = _request(health, at(9, 11, 9), re_referral=True)
    _decide(
        found["R5"],
        Decision.Kind.FAMILY_HELP,
        at(9, 11, 12),
        approval=Decision.Approval.RETURNED,
    )
    _decide(found["R5"], Decision.Kind.FAMILY_HELP, at(10, 11, 9))
    found["R6"] = _request(school, at(11, 11, 9), status=Request.Status.AWAITING_APPROVAL)
    _decide(
        found["R6"], Decision.Kind.FAMILY_HELP, at(12, 11, 9), approval=Decision.Approval.AWAITING
    )
    found["R7"] = _request(school, at(13, 11, 9), **triage)
    found["R8"] = _request(None, at(15, 11, 20), status=Request.Status.SUBMITTED)
    found["R9"] = _request(school, at(30, 10, 9))
    _decide(found["R9"], Decision.Kind.ADVICE, at(2, 11, 9))
    found["R10"] = _request(school, at(18, 11, 8), status=Request.Status.SUBMITTED)
    found["R11"] = RequestFactory(agency=school, created_at=at(4, 11, 9))
    found["R12"] = _request(school, at(16, 10, 9), status=Request.Status.SUBMITTED)
    found["R13"] = _request(police, at(12, 11, 14))
    _decide(found["R13"], Decision.Kind.NO_FURTHER_ACTION, at(13, 11, 9))
    found["R14"] = _request(school, at(17, 11, 9), status=Request.Status.SUBMITTED)
    found["R15"] = _request(health, at(10, 11, 9), **triage)
    return found


def manager():
    return front_door_manager()


# The figures, against the hand counts ------------------------------------------------------


def test_requests_by_week_counts_each_week_of_the_period(requests):
    # Week of 2 Nov: R1, R2, R3, R4 (Saturday). Week of 9 Nov: R5, R6, R7, R8 (Sunday evening),
    # R13, R15.
    weeks = selectors.requests_by_week(actor=manager(), period=PERIOD)
    assert weeks == [
        selectors.WeekCount(datetime.date(2026, 11, 2), 4),
        selectors.WeekCount(datetime.date(2026, 11, 9), 6),
    ]


def test_a_period_starting_mid_week_lists_that_week_with_only_its_days(requests):
    # Thursday 5 to Tuesday 10 November: R3, R4 in the first week; R5, R15 in the second.
    period = selectors.Period(datetime.date(2026, 11, 5), datetime.date(2026, 11, 10))
    weeks = selectors.requests_by_week(actor=manager(), period=period)
    assert [(w.week_starting.day, w.requests) for w in weeks] == [(2, 2), (9, 2)]


def test_requests_by_source_counts_self_referrals_as_their_own_source(requests):
    # Ashdown School: R1, R2, R6, R7. Brook Health: R3, R5, R15. Self: R4, R8. Police: R13.
    sources = selectors.requests_by_source(actor=manager(), period=PERIOD)
    assert [(s.source, s.requests) for s in sources] == [
        ("Ashdown School", 4),
        ("Brook Health", 3),
        (selectors.SELF_REFERRAL_SOURCE, 2),
        ("County Police", 1),
    ]
    assert sources[2].agency_id is None


def test_time_to_decision(requests):
    # Decisions in force taking effect in the period, hours from submission and working days:
    # R9 72 h 1 wd (due 2 Nov, decided 2 Nov: in time), R1 6 h 0 wd (in time),
    # R2 48 h 2 wd (late), R3 72 h 1 wd (approved on its due day: in time),
    # R4 72 h 2 wd (late), R5 24 h 1 wd (in time), R13 19 h 1 wd (in time).
    # Hours sorted: 6 19 24 48 72 72 72 -> median 48. Working days: 0 1 1 1 1 2 2 -> median 1.
    found = selectors.time_to_decision(actor=manager(), period=PERIOD)
    assert found.decisions == 7
    assert found.within_due == 5
    assert found.median_hours == pytest.approx(48)
    assert found.median_working_days == 1
    assert found.within_due_share == pytest.approx(500 / 7)


def test_decisions_by_type_counts_only_decisions_in_force(requests):
    # Advice: R9, R2. Family Help: R1, R5 (its returned one and R6's waiting one are not in
    # force). Social care: R3. No further action: R4, R13.
    kinds = selectors.decisions_by_type(actor=manager(), period=PERIOD)
    assert [(k.kind, k.decisions) for k in kinds] == [
        ("advice", 2),
        ("family_help", 2),
        ("social_care", 1),
        ("no_further_action", 2),
    ]


def test_conversion_from_assessment_to_family_help(requests):
    # Assessments submitted in the period: R1, R2, R3, R5, R6, R7, R13, R15 = 8; with a decision
    # in force: R1, R2, R3, R5, R13 = 5; Family Help in force: R1, R5 = 2 (R6 still waiting).
    found = selectors.conversion(actor=manager(), period=PERIOD)
    assert found == selectors.Conversion(assessments=8, decided=5, family_help=2)
    assert found.share == pytest.approx(25)


def test_re_referral_rate(requests):
    # R4 and R5 of the 10 submitted in the period.
    found = selectors.re_referrals(actor=manager(), period=PERIOD)
    assert found == selectors.ReReferrals(requests=10, re_referrals=2)
    assert found.share == pytest.approx(20)


def test_open_requests_by_age_in_working_days(requests):
    # Open on Wednesday 18 November, working days waited since the day each arrived:
    # R10 0 (arrived today), R14 1 (due today: not overdue), R6 5, R7 3, R8 3 (all overdue),
    # R15 6 (overdue), R12 23 (overdue).
    bands = selectors.open_requests_by_age(actor=manager(), period=PERIOD)
    assert [(b.label, b.requests, b.overdue) for b in bands] == [
        ("Less than 1 working day", 1, 0),
        ("1 working day", 1, 0),
        ("2 to 5 working days", 3, 3),
        ("6 to 10 working days", 1, 1),
        ("More than 10 working days", 1, 1),
    ]


def test_an_empty_period_has_no_figures():
    figures = selectors.figures_get(actor=manager(), period=PERIOD)
    assert figures.submitted == 0
    assert figures.time_to_decision == selectors.TimeToDecision()
    assert figures.conversion.share is None
    assert figures.re_referrals.share is None
    assert figures.open_requests == 0


def test_the_figures_take_the_same_number_of_queries_whatever_the_number_of_requests(requests):
    actor = manager()
    selectors.figures_get(actor=actor, period=PERIOD)  # the person's roles and team, once
    with CaptureQueriesContext(connection) as few:
        selectors.figures_get(actor=actor, period=PERIOD)
    for day in range(2, 14):
        request = _request(None, at(day, 11, 10), re_referral=day % 2 == 0)
        _decide(request, Decision.Kind.ADVICE, at(day, 11, 14))
        _request(Agency.objects.first(), at(day, 11, 11), status=Request.Status.SUBMITTED)
    with CaptureQueriesContext(connection) as many:
        selectors.figures_get(actor=actor, period=PERIOD)
    assert len(many) == len(few) == 8


@pytest.mark.parametrize(
    "roles", [["practitioner"], ["family-keyworker"], ["auditor"], ["directory-administrator"]]
)
def test_people_outside_the_front_door_may_not_read_the_figures(roles):
    with pytest.raises(PermissionDenied):
        selectors.figures_get(actor=UserFactory(roles=roles), period=PERIOD)


def test_an_officer_outside_the_front_door_team_may_not_read_the_figures():
    front_door_officer()  # the front door team exists, and this officer is not in it
    with pytest.raises(PermissionDenied):
        selectors.conversion(actor=UserFactory(roles=["front-door-officer"]), period=PERIOD)


# The page ----------------------------------------------------------------------------------


# Queries for the page: the session and its save (three), the person, their roles, the front
# door team (two), the header's permissions (two), and eight for the figures.
MAX_QUERIES = 18


@pytest.mark.parametrize(
    "who",
    [
        front_door_manager,
        front_door_officer,
        lambda: UserFactory(roles=["data-analyst"]),
        lambda: UserFactory(roles=["system-administrator"], agency=None),
    ],
)
def test_the_page_shows_the_figures_to_the_front_door_analysts_and_administrators(
    client, requests, who
):
    sign_in(client, who())
    response = client.get(URL, PERIOD_QUERY)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Front door figures" in text
    assert "2 November 2026 to 15 November 2026" in text
    assert "10 requests" in text
    assert "20% (2 of 10)" in text  # re-referrals
    assert "71% (5 of 7)" in text  # decided by their due day
    assert "48 hours" in text
    assert "1 working day" in text
    assert "25% (2 of 8)" in text  # assessments leading to Family Help
    assert "7 requests, 5 overdue" in text
    assert 'role="img"' in text
    assert "Week starting 9 November 2026" in text


def test_the_page_defaults_to_the_last_twelve_weeks(client, requests):
    sign_in(client, manager())
    response = client.get(URL)
    assert response.status_code == 200
    # 27 August to 18 November 2026: everything but the draft, R10 and R14 included.
    assert "27 August 2026 to 18 November 2026" in response.content.decode()
    assert "14 requests" in response.content.decode()


def test_the_page_takes_a_constant_number_of_queries(
    client, requests, django_assert_max_num_queries
):
    sign_in(client, manager())
    client.get(URL, PERIOD_QUERY)
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(URL, PERIOD_QUERY).status_code == 200


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"start": "31/2/2026", "end": ""}, "start", "Enter a real date, like 3/11/2026"),
        ({"start": "1/12/2026", "end": ""}, "start", START_IN_FUTURE),
        ({"start": "10/11/2026", "end": "9/11/2026"}, "end", END_BEFORE_START),
        ({"start": "1/1/2024", "end": "18/11/2026"}, "start", TOO_LONG),
    ],
)
def test_a_bad_period_is_explained_and_shows_no_figures(client, query, field, message):
    sign_in(client, manager())
    response = client.get(URL, query)
    assert response.status_code == 400
    text = response.content.decode()
    assert "<title>Error: " in text
    assert "There is a problem" in text
    assert f'href="#id_{field}"' in text
    assert message in text
    assert "All the figures" not in text


def test_each_table_downloads_as_csv_for_the_period_chosen(client, requests):
    sign_in(client, manager())
    response = client.get(CSV_URL, {**PERIOD_QUERY, "table": "sources"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "front-door-figures-sources-2026-11-18.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["Source", "Requests", "Share of requests (%)"],
        ["Ashdown School", "4", "40.0"],
        ["Brook Health", "3", "30.0"],
        ["Self-referral (from a family)", "2", "20.0"],
        ["County Police", "1", "10.0"],
    ]
    summary = client.get(CSV_URL, {**PERIOD_QUERY, "table": "summary"}).content.decode("utf-8-sig")
    summary_rows = dict(row for row in csv.reader(io.StringIO(summary)))
    assert summary_rows["Decisions made"] == "7"
    assert summary_rows["Median working days to decision"] == "1.0"
    assert summary_rows["Conversion to Family Help (%)"] == "25.0"
    for table in ("weeks", "decisions", "ages"):
        assert client.get(CSV_URL, {**PERIOD_QUERY, "table": table}).status_code == 200


def test_a_bad_download_choice_is_refused_with_a_message(client):
    sign_in(client, manager())
    response = client.get(CSV_URL, {"table": "people"})
    assert response.status_code == 400
    assert "Choose which numbers to download" in response.content.decode()
    response = client.get(CSV_URL, {"table": "weeks", "start": "soon"})
    assert response.status_code == 400
    assert "Enter a real date" in response.content.decode()


@pytest.mark.parametrize("url", [URL, CSV_URL + "?table=summary"])
def test_anyone_else_gets_page_not_found_and_the_refusal_is_audited(client, url):
    person = UserFactory(roles=["practitioner"])
    sign_in(client, person)
    response = client.get(url)
    assert response.status_code == 404
    event = AuditEvent.objects.get(actor=person, record_type=selectors.FIGURES_RECORD_TYPE)
    assert event.values == {"refused": True, "permission": selectors.VIEW_FIGURES}


def test_signed_out_people_are_asked_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/sign-in/" in response["Location"]


def test_the_navigation_offers_the_page_to_managers_only():
    def texts(user):
        return [item.text for item in navigation.items_for(user, header=True)]

    assert "Front door figures" in texts(manager())
    assert "Front door figures" not in texts(UserFactory(roles=["practitioner"]))
