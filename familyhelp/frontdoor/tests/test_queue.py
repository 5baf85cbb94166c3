"""The front door queue (/front-door/): who sees it, what each row says, sorts, filters, paging."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from familyhelp.accounts import access
from familyhelp.accounts.testing import sign_in
from familyhelp.accounts.tests.factories import AgencyFactory, UserFactory
from familyhelp.families.tests.factories import PersonFactory
from familyhelp.frontdoor import selectors_queue
from familyhelp.frontdoor.models import Request
from familyhelp.frontdoor.services import triage
from familyhelp.frontdoor.tests.factories import (
    RequestFactory,
    SelfReferralFactory,
    front_door_manager,
    front_door_officer,
    front_door_team,
    level,
    team_member,
)
from familyhelp.frontdoor.tests.pages import table_rows, text

pytestmark = pytest.mark.django_db

# A Wednesday, so "yesterday" and "tomorrow" are working days.
TODAY = datetime.date(2026, 11, 25)
URL = reverse("frontdoor:queue")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 25, 10, 0), tick=False):
        yield


def waiting(*, due=TODAY + datetime.timedelta(days=1), **kwargs):
    submitted = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)
    return RequestFactory(submitted=True, submitted_at=submitted, decision_due_on=due, **kwargs)


def references(response):
    """The references in the queue's table, top to bottom."""
    return [row[0].split(" | ")[0] for row in table_rows(response)]


def test_only_the_front_door_team_sees_the_queue(client):
    sign_in(client, UserFactory(roles=["practitioner"]))
    assert client.get(URL).status_code == 404
    sign_in(client, UserFactory(roles=["front-door-officer"]))  # not in the front door team
    assert client.get(URL).status_code == 404
    sign_in(client, front_door_manager())
    assert client.get(URL).status_code == 200


def test_a_row_says_who_asked_for_whom_how_long_it_waited_and_when_it_is_due(client):
    agency = AgencyFactory(name="Valley Primary School")
    author = UserFactory(roles=["practitioner"], agency=agency)
    child = PersonFactory(
        given_names="Ava", family_name="Tran", date_of_birth=datetime.date(2017, 3, 1)
    )
    request = waiting(created_by=author, children=[child], suggested_level=level(2))
    sign_in(client, front_door_officer())
    response = client.get(URL)
    assert table_rows(response) == [
        [
            f"{request.reference} | WX1",
            "Valley Primary School",
            "AT, 9",
            "2: Early help",
            "2 working days",
            "26 November 2026",
            "Waiting for triage",
        ]
    ]
    assert "Tran" not in text(response)  # initials and age only


def test_self_referrals_say_so(client):
    SelfReferralFactory(children=[PersonFactory()], safeguarding=True)
    sign_in(client, front_door_officer())
    ((reference, made_by, *_),) = table_rows(client.get(URL))
    assert made_by == "Self-referral"
    assert "Safeguarding" in reference


def test_safeguarding_first_then_overdue_then_by_due_date(client):
    later = waiting(due=TODAY + datetime.timedelta(days=2))
    overdue = waiting(due=TODAY - datetime.timedelta(days=1))
    due_today = waiting(due=TODAY)
    safeguarding = waiting(due=TODAY + datetime.timedelta(days=5), safeguarding=True)
    sign_in(client, front_door_officer())
    response = client.get(URL)
    assert references(response) == [
        safeguarding.reference,
        overdue.reference,
        due_today.reference,
        later.reference,
    ]
    due = [row[5] for row in table_rows(response)]
    assert due[1] == "24 November 2026 | Overdue"
    assert due[2] == "25 November 2026 | Due today"
    assert "4 open requests, 1 overdue" in text(response)


def test_decided_and_draft_requests_are_not_in_the_queue(client):
    open_one = waiting()
    RequestFactory()  # a draft
    waiting(status=Request.Status.DECIDED)
    sign_in(client, front_door_officer())
    assert references(client.get(URL)) == [open_one.reference]


def test_filters_by_agency_area_age_status_and_who_picked_it_up(client):
    school = AgencyFactory(name="Valley Primary School")
    from_school = waiting(
        created_by=UserFactory(roles=["practitioner"], agency=school), area="Northvale"
    )
    baby = waiting(
        children=[PersonFactory(date_of_birth=datetime.date(2025, 6, 1))],
        youngest_child_born_on=datetime.date(2025, 6, 1),
        area="Southvale",
    )
    officer = front_door_officer()
    triage.request_pick_up(actor=officer, request=baby)
    self_referral = SelfReferralFactory(postcode="WX9 1AA")
    sign_in(client, officer)
    assert references(client.get(URL, {"made_by": school.pk})) == [from_school.reference]
    assert references(client.get(URL, {"made_by": "self"})) == [self_referral.reference]
    assert references(client.get(URL, {"area": "Southvale"})) == [baby.reference]
    # No area recorded: the postcode district stands in.
    assert references(client.get(URL, {"area": "WX9"})) == [self_referral.reference]
    assert references(client.get(URL, {"age": "0-4"})) == [baby.reference]
    assert references(client.get(URL, {"status": "in_triage"})) == [baby.reference]
    assert references(client.get(URL, {"picked_up": "me"})) == [baby.reference]
    assert set(references(client.get(URL, {"picked_up": "nobody"}))) == {
        from_school.reference,
        self_referral.reference,
    }
    # A value the form does not know shows everything rather than failing.
    assert len(references(client.get(URL, {"made_by": "nonsense", "sort": "x"}))) == 3
    assert (
        '<option value="Southvale" selected>'
        in client.get(URL, {"area": "Southvale"}).content.decode()
    )


def test_sorts_by_youngest_child_and_by_waiting_longest(client):
    older = waiting(children=[PersonFactory(date_of_birth=datetime.date(2012, 1, 1))])
    younger = waiting(children=[PersonFactory(date_of_birth=datetime.date(2022, 1, 1))])
    younger.youngest_child_born_on = datetime.date(2022, 1, 1)
    younger.save()
    older.youngest_child_born_on = datetime.date(2012, 1, 1)
    older.submitted_at -= datetime.timedelta(days=1)
    older.save()
    sign_in(client, front_door_officer())
    assert references(client.get(URL, {"sort": "youngest"})) == [
        younger.reference,
        older.reference,
    ]
    assert references(client.get(URL, {"sort": "waiting"}))[0] == older.reference


def test_sorts_by_area_and_by_who_made_it(client):
    north = waiting(area="Northvale", agency=AgencyFactory(name="Zeta Academy"))
    south = waiting(area="Southvale", agency=AgencyFactory(name="Alpha Health"))
    sign_in(client, front_door_officer())
    assert references(client.get(URL, {"sort": "area"})) == [north.reference, south.reference]
    assert references(client.get(URL, {"sort": "agency"})) == [south.reference, north.reference]


def test_who_picked_it_up_shows(client):
    request = waiting()
    triage.request_pick_up(actor=front_door_officer(full_name="Priya Shah"), request=request)
    sign_in(client, front_door_officer())
    assert "Picked up by Priya Shah" in text(client.get(URL))


def queries_for_a_page(client, rows):
    for _ in range(rows):
        waiting(children=[PersonFactory(), PersonFactory()], suggested_level=level(2))
    client.get(URL)  # warm the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert len(table_rows(response)) == min(Request.objects.count(), selectors_queue.PER_PAGE)
    return len(queries)


def test_the_page_costs_the_same_queries_whatever_its_size(client):
    sign_in(client, front_door_officer())
    few = queries_for_a_page(client, 2)
    many = queries_for_a_page(client, 30)  # a full page, and a second one
    assert few == many
    assert many <= 13


def test_pages_keep_the_filters(client):
    for _ in range(selectors_queue.PER_PAGE + 2):
        waiting(area="Northvale")
    sign_in(client, front_door_officer())
    first = client.get(URL, {"area": "Northvale"})
    assert "area=Northvale&amp;page=2" in first.content.decode()
    second = client.get(URL, {"area": "Northvale", "page": 2})
    assert len(table_rows(second)) == 2


def test_the_queue_lists_exactly_what_the_access_rules_allow():
    """frontdoor/access.py skips its condition for front door staff when the requests are
    already narrowed to open ones (so the queue walks its index): whatever the person and
    however the requests were narrowed, the result must be what the full condition gives."""
    author = UserFactory(roles=["practitioner"])
    mine = waiting(created_by=author)
    decided = waiting(status=Request.Status.DECIDED, family=mine.family)
    draft = RequestFactory(created_by=author)
    others = [waiting(), SelfReferralFactory(), waiting(status=Request.Status.DECIDED)]
    officer, manager = front_door_officer(), front_door_manager()
    both = team_member(front_door_team(), roles=["front-door-officer", "team-manager"])
    officer_elsewhere = UserFactory(roles=["front-door-officer"])
    open_statuses = Request.OPEN_STATUSES
    narrowed = [
        Request.objects.filter(status__in=open_statuses),
        Request.objects.filter(status=Request.Status.SUBMITTED),
        Request.objects.filter(status__in=open_statuses).filter(pk__in=[mine.pk, decided.pk]),
        Request.objects.filter(Q(status__in=open_statuses) | Q(pk=draft.pk)),
        Request.objects.exclude(status__in=open_statuses),
        Request.objects.filter(status__in=[*open_statuses, Request.Status.DRAFT]),
        Request.objects.all(),
    ]
    for user in (officer, manager, both, officer_elsewhere, author):
        for perm in (selectors_queue.TRIAGE, selectors_queue.APPROVE, "frontdoor.view_request"):
            everything = access.visible_to(user, perm, Request.objects.all())
            for queryset in narrowed:
                shown = set(access.visible_to(user, perm, queryset).values_list("pk", flat=True))
                allowed = everything.filter(pk__in=queryset.values("pk"))
                assert shown == set(allowed.values_list("pk", flat=True)), (user, perm, queryset)
    open_ones = {mine.pk, others[0].pk, others[1].pk}
    for user in (officer, manager, both):
        queue = selectors_queue.open_requests_for(user)
        assert set(queue.values_list("pk", flat=True)) == open_ones
        # Every open request, with no condition on families: the index can be walked in order.
        where = str(queue.query).split(" WHERE ")[1]
        assert "family" not in where
    assert not selectors_queue.open_requests_for(officer_elsewhere).exists()
    assert not selectors_queue.open_requests_for(author).exists()
