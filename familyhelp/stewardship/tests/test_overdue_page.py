"""The directory administrators' list of listings not checked on time."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from familyhelp.accounts.testing import sign_in as signed_in
from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.directory.models import OrganisationEditor
from familyhelp.directory.tests.factories import ServiceFactory
from familyhelp.stewardship.models import Reminder

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
URL = "/directory-admin/overdue/"


@pytest.fixture
def administrator(client):
    return signed_in(client, UserFactory(roles=["directory-administrator"]))


def make_listings(n):
    for i in range(n):
        overdue = ServiceFactory(
            name=f"Overdue {i}", assured_date=TODAY - relativedelta(months=6, days=5 + i)
        )
        Reminder.objects.create(service=overdue, kind="on_day", review_by=TODAY)
        ServiceFactory(name=f"Hidden {i}", assured_date=TODAY - relativedelta(months=6, days=90))
    ServiceFactory(name="Fresh", assured_date=TODAY - datetime.timedelta(days=3))
    ServiceFactory(name="Never checked", assured_date=None)


def test_it_lists_overdue_hidden_and_never_checked_listings(administrator):
    make_listings(2)

    response = administrator.get(URL)

    page = response.content.decode()
    assert response.status_code == 200
    assert reverse("stewardship:overdue") == URL
    for name in ["Overdue 0", "Overdue 1", "Hidden 0", "Hidden 1", "Never checked"]:
        assert name in page
    assert "Fresh" not in page
    assert "5 listings overdue or never checked, of which 2 hidden" in page
    assert page.index("Never checked") < page.index("Hidden 0") < page.index("Overdue 1")
    assert "On the day it is due" in page


def test_the_page_makes_the_same_number_of_queries_however_many_listings(administrator):
    make_listings(1)
    with CaptureQueriesContext(connection) as few:
        administrator.get(URL)
    make_listings(8)
    with CaptureQueriesContext(connection) as many:
        response = administrator.get(URL)

    assert (
        response.content.decode().count("govuk-table__row") == 1 + 20
    )  # the head, 9 overdue, 9 hidden, 2 never checked
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize("roles", [[], ["organisation-editor"], ["practitioner"]])
def test_people_who_do_not_administer_the_directory_get_not_found(client, roles):
    person = UserFactory(roles=roles)
    if roles == ["organisation-editor"]:
        OrganisationEditor.objects.create(user=person, organization=ServiceFactory().organization)

    response = signed_in(client, person).get(URL)

    assert response.status_code == 404


def test_signed_out_people_are_asked_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert "next=" in response["Location"]
