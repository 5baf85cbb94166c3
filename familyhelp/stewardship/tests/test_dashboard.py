"""The directory administrators' dashboard: its figures, filters, CSV downloads and access."""

import csv
import datetime
import io
import uuid

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from familyhelp.accounts import navigation
from familyhelp.accounts.testing import sign_in
from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.core.charts import Bar, BarChart, DataTable, csv_cell
from familyhelp.directory.models import OrganisationEditor, ProblemReport, Service
from familyhelp.directory.tests.factories import (
    AddressFactory,
    AttributeFactory,
    LocationFactory,
    OrganizationFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    TaxonomyTermFactory,
)
from familyhelp.stewardship import selectors_dashboard as selectors
from familyhelp.stewardship.models import ListingChange, Reminder, ReminderLink
from familyhelp.stewardship.presenters_dashboard import DashboardPresenter
from familyhelp.stewardship.tests.factories import directory_administrator

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
URL = "/directory-admin/"
CSV_URL = "/directory-admin/dashboard.csv"
# The most queries the page may make, whatever the size of the directory: eight any signed-in
# page makes (the session and its save, the person, their roles, the header's permissions), three
# for the filters' choices and check, two for the review periods and seven for the figures.
MAX_QUERIES = 20


def months_ago(months, days=0):
    return TODAY - relativedelta(months=months, days=days)


def venue(service, town):
    location = LocationFactory()
    if town is not None:
        AddressFactory(location=location, city=town)
    ServiceAtLocationFactory(service=service, location=location)


def reminder(service, kind, *, sent_days_ago, used_after_days=(), unused_links=0):
    sent_at = None if sent_days_ago is None else timezone.now() - datetime.timedelta(sent_days_ago)
    row = Reminder.objects.create(
        service=service,
        kind=kind,
        review_by=TODAY + datetime.timedelta(days=len(Reminder.objects.all())),
        sent_at=sent_at,
    )
    for days in used_after_days:
        ReminderLink.objects.create(
            reminder=row,
            recipient="editor",
            token_hash=uuid.uuid4().hex,
            expires_at=timezone.now() + datetime.timedelta(days=30),
            sent_at=sent_at,
            used_at=sent_at + datetime.timedelta(days=days),
        )
    for _ in range(unused_links):
        ReminderLink.objects.create(
            reminder=row,
            recipient="service_contact",
            token_hash=uuid.uuid4().hex,
            expires_at=timezone.now() + datetime.timedelta(days=30),
            sent_at=sent_at,
        )
    return row


@pytest.fixture
def directory():
    """Six active listings (and one inactive) whose figures are worked out by hand below."""
    family = TaxonomyTermFactory(name="Family support")
    parenting = TaxonomyTermFactory(name="Parenting", parent=family, taxonomy=family.taxonomy)
    money = TaxonomyTermFactory(name="Money", parent=family, taxonomy=family.taxonomy)
    health = TaxonomyTermFactory(name="Health", taxonomy=family.taxonomy)
    hearing = TaxonomyTermFactory(name="Hearing", parent=health, taxonomy=family.taxonomy)
    trust = OrganizationFactory(name="Vale Family Trust")

    fresh = ServiceFactory(
        name="Fresh parenting", organization=trust, assured_date=months_ago(0, 10)
    )
    overdue = ServiceFactory(
        name="Overdue parenting", organization=trust, assured_date=months_ago(6, 5)
    )
    hidden = ServiceFactory(name="Hidden money", assured_date=months_ago(6, 90))
    never = ServiceFactory(name="Never checked hearing", assured_date=None)
    online = ServiceFactory(name="Online hearing", assured_date=months_ago(0, 1))
    plain = ServiceFactory(name="No category", assured_date=TODAY - datetime.timedelta(days=100))
    closed = ServiceFactory(name="Closed", status=Service.Status.INACTIVE, assured_date=None)

    for service, terms in [
        (fresh, [family, parenting]),  # tagged with the category and a sub-category: once
        (overdue, [parenting]),
        (hidden, [money]),
        (never, [hearing]),
        (online, [hearing]),
        (closed, [parenting]),
    ]:
        for term in terms:
            AttributeFactory(service=service, taxonomy_term=term)
    venue(fresh, "Ashcombe")
    venue(fresh, "Brookfield")
    venue(overdue, "Ashcombe")
    venue(hidden, "Brookfield")
    venue(plain, None)
    venue(closed, "Ashcombe")

    # Reminders sent in the last six months: waits of 2, 4 and 1 days (median 2).
    reminder(overdue, "before", sent_days_ago=10, used_after_days=[2], unused_links=1)
    reminder(hidden, "on_day", sent_days_ago=20, used_after_days=[4])
    reminder(fresh, "final", sent_days_ago=5, used_after_days=[1, 3])
    reminder(never, "before", sent_days_ago=3, unused_links=2)
    reminder(online, "on_day", sent_days_ago=300, used_after_days=[1])  # too long ago
    reminder(plain, "final", sent_days_ago=None)  # not sent

    now = timezone.now()
    ListingChange.objects.create(
        organization=trust,
        service=overdue,
        status="submitted",
        submitted_at=now - datetime.timedelta(days=3, hours=1),
    )
    ListingChange.objects.create(
        organization=trust, service=None, status="submitted", submitted_at=now
    )
    ListingChange.objects.create(organization=trust, service=fresh, status="draft")
    ProblemReport.objects.create(
        reference="AAAA-0001",
        service=hidden,
        kind="closed",
        created_at=now - datetime.timedelta(days=7, hours=1),
    )
    ProblemReport.objects.create(
        reference="AAAA-0002", service=fresh, kind="other", status="resolved", resolved_at=now
    )
    return {"family": family, "parenting": parenting, "money": money, "health": health}


def figures(filters=None):
    categories = selectors.category_choices()
    return selectors.dashboard_get(
        actor=directory_administrator(),
        filters=filters or selectors.DashboardFilters(),
        categories=categories,
    )


def as_tuple(freshness):
    f = freshness
    return (f.listings, f.checked, f.overdue, f.hidden, f.never_checked)


def rows(found):
    return {row.label: as_tuple(row.figures) for row in found}


# Selectors -----------------------------------------------------------------------------------


def test_the_whole_directory_figures(directory):
    found = figures()

    assert as_tuple(found.totals) == (6, 3, 2, 1, 1)
    assert found.totals.checked_share == 50
    assert found.checked_since == months_ago(6)


def test_figures_by_top_level_category_count_each_listing_once_per_category(directory):
    found = figures()

    assert found.category_level == "category"
    assert [row.label for row in found.by_category] == ["Family support", "Health", "No category"]
    assert rows(found.by_category) == {
        "Family support": (3, 1, 2, 1, 0),
        "Health": (2, 1, 0, 0, 1),
        "No category": (1, 1, 0, 0, 0),
    }


def test_figures_by_area_count_each_town_a_listing_has_a_venue_in(directory):
    found = figures()

    assert [row.label for row in found.by_area] == [
        "Ashcombe",
        "Brookfield",
        "Venue with no town",
        "No venue (online or phone)",
    ]
    assert rows(found.by_area) == {
        "Ashcombe": (2, 1, 1, 0, 0),
        "Brookfield": (2, 1, 1, 1, 0),
        "Venue with no town": (1, 1, 0, 0, 0),
        "No venue (online or phone)": (2, 1, 0, 0, 1),
    }


def test_reminders_sent_and_confirmed_and_the_median_wait(directory):
    found = figures()

    assert [(r.kind, r.sent, r.confirmed) for r in found.reminders] == [
        ("before", 2, 1),
        ("on_day", 1, 1),
        ("final", 1, 1),
    ]
    assert (found.reminders_sent, found.reminders_confirmed) == (4, 3)
    assert found.median_days_to_confirm == pytest.approx(2, abs=0.001)


def test_the_median_of_an_even_number_of_waits_is_halfway_between_the_middle_two():
    services = ServiceFactory.create_batch(4)
    for service, days in zip(services, [1, 4, 6, 10], strict=True):
        reminder(service, "before", sent_days_ago=20, used_after_days=[days])

    assert figures().median_days_to_confirm == pytest.approx(5, abs=0.001)


def test_no_confirmed_reminders_means_no_median():
    reminder(ServiceFactory(), "before", sent_days_ago=2, unused_links=1)

    found = figures()

    assert found.median_days_to_confirm is None
    assert DashboardPresenter(found).median_text == "None confirmed yet"


def test_the_approval_queue_and_open_problem_reports(directory):
    found = figures()
    page = DashboardPresenter(found)

    assert found.approval_queue.count == 2
    assert page.queue_age == 3
    assert page.queue_text == "2 changes waiting, the oldest 3 days old"
    assert found.open_problems.count == 1
    assert page.problem_age == 7
    assert page.problems_text == "1 open report, the oldest 7 days old"


def test_a_queue_item_from_today_is_less_than_a_day_old(directory):
    ListingChange.objects.filter(service__isnull=False).delete()

    page = DashboardPresenter(figures())

    assert page.queue_text == "1 change waiting, the oldest less than a day old"


def test_a_top_level_category_shows_its_sub_categories(directory):
    found = figures(selectors.DashboardFilters(category=directory["family"]))

    assert as_tuple(found.totals) == (3, 1, 2, 1, 0)
    assert found.category_level == "subcategory"
    assert rows(found.by_category) == {"Money": (1, 0, 1, 1, 0), "Parenting": (2, 1, 1, 0, 0)}
    # Only the change to an existing listing in the category; the report is about "Hidden money".
    assert found.approval_queue.count == 1
    assert found.open_problems.count == 1
    assert (found.reminders_sent, found.reminders_confirmed) == (3, 3)


def test_a_sub_category_filter(directory):
    found = figures(selectors.DashboardFilters(category=directory["money"]))

    assert as_tuple(found.totals) == (1, 0, 1, 1, 0)
    assert rows(found.by_category) == {"Money": (1, 0, 1, 1, 0)}
    assert found.approval_queue.count == 0


def test_an_area_filter(directory):
    found = figures(selectors.DashboardFilters(area="Brookfield"))

    assert as_tuple(found.totals) == (2, 1, 1, 1, 0)
    assert rows(found.by_category) == {"Family support": (2, 1, 1, 1, 0)}
    assert found.open_problems.count == 1
    assert found.approval_queue.count == 0


def test_the_no_venue_and_no_town_areas(directory):
    no_venue = figures(selectors.DashboardFilters(area=selectors.NO_VENUE))
    no_town = figures(selectors.DashboardFilters(area=selectors.NO_TOWN))

    assert as_tuple(no_venue.totals) == (2, 1, 0, 0, 1)
    assert as_tuple(no_town.totals) == (1, 1, 0, 0, 0)


def test_an_organisation_filter_matches_part_of_the_name_in_any_case(directory):
    found = figures(selectors.DashboardFilters(organisation="family TRUST"))

    assert as_tuple(found.totals) == (2, 1, 1, 0, 0)
    # Both of its changes, the one about a new service included.
    assert found.approval_queue.count == 2
    assert found.open_problems.count == 0
    assert selectors.organisations_matching("family trust") == 1


def test_only_directory_administrators_may_read_the_figures():
    with pytest.raises(PermissionDenied, match="directory administrators"):
        selectors.dashboard_get(
            actor=UserFactory(roles=["practitioner"]),
            filters=selectors.DashboardFilters(),
            categories=[],
        )


def test_the_filter_choices(directory):
    categories = selectors.category_choices()

    assert [term.name for term in categories] == [
        "Family support",
        "Money",
        "Parenting",
        "Health",
        "Hearing",
    ]
    assert selectors.area_choices() == ["Ashcombe", "Brookfield"]


# Charts and tables ---------------------------------------------------------------------------


def test_a_chart_wraps_long_labels_and_scales_its_bars():
    chart = BarChart(
        id="c",
        title="Overdue",
        description="Bar chart.",
        bars=[
            Bar("Special educational needs and disabilities (SEND) support", 5, "5 overdue"),
            Bar("Health", 10, "10 overdue"),
            Bar("Nothing", 0, "0 overdue"),
        ],
    )

    laid_out, height = chart.layout()

    assert [len(row.label_lines) for row in laid_out] == [2, 1, 1]
    assert all(len(text) <= 32 for row in laid_out for _, text in row.label_lines)
    assert [row.bar_percent for row in laid_out] == [50, 100, 0]
    assert height > laid_out[-1].bar_y
    assert chart.full_description == (
        "Bar chart. Special educational needs and disabilities (SEND) support: 5 overdue; "
        "Health: 10 overdue; Nothing: 0 overdue."
    )


def test_a_chart_of_shares_is_scaled_to_a_hundred_and_of_nothing_says_so():
    share = BarChart(id="s", title="t", description="d.", bars=[Bar("A", 25, "25%")], scale=100)
    empty = BarChart(id="e", title="t", description="d.", bars=[])

    assert share.layout()[0][0].bar_percent == 25
    assert empty.full_description == "d. There is nothing to show."


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_quoted():
    assert csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert csv_cell("-1") == "'-1"
    assert csv_cell(12) == "12"
    assert csv_cell(None) == ""


def test_a_table_gives_the_govuk_table_its_numeric_columns():
    table = DataTable(
        caption="c", columns=["Area", "Listings"], rows=[["Ashcombe", 3]], numeric=(1,)
    )

    params = table.govuk_table()

    assert params["head"][1]["format"] == "numeric"
    assert params["rows"] == [
        [{"text": "Ashcombe", "format": ""}, {"text": "3", "format": "numeric"}]
    ]


# The page ------------------------------------------------------------------------------------


@pytest.fixture
def administrator(client):
    return sign_in(client, directory_administrator())


def test_the_dashboard_shows_the_figures_charts_and_links(administrator, directory):
    response = administrator.get(URL)

    page = response.content.decode()
    assert response.status_code == 200
    assert reverse("stewardship:dashboard") == URL
    assert "50% of listings checked since" in page
    assert "(3 of 6)" in page
    assert page.count('role="img"') == 5
    assert '<title id="chart-overdue-area-title">Overdue and hidden, by area</title>' in page
    assert "2 overdue, 1 hidden" in page
    assert 'width="33.33%" height="20" fill="#1d70b8"' in page  # Family support, 1 of 3 checked
    assert "2 changes waiting, the oldest 3 days old" in page
    assert f'href="{reverse("stewardship:queue")}"' in page
    assert f'href="{reverse("directory:problem-reports")}"' in page
    assert "1 open report, the oldest 7 days old" in page
    assert "2 days" in page  # the median
    assert f'href="{CSV_URL}?table=categories"' in page


def test_the_filters_narrow_the_figures_and_the_downloads(administrator, directory):
    family = directory["family"]

    response = administrator.get(URL, {"category": str(family.pk), "area": "Ashcombe"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Category: Family support (all)" in page
    assert "Area: Ashcombe" in page
    assert "50% of listings checked since" in page and "(1 of 2)" in page
    assert "By sub-category" in page
    assert f"{CSV_URL}?category={family.pk}&amp;area=Ashcombe&amp;table=areas" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"category": "not-a-category"}, "Select a category from the list"),
        ({"area": "Atlantis"}, "Select an area from the list"),
        ({"organisation": "x" * 101}, "Enter 100 characters or fewer of the organisation’s name"),
        (
            {"organisation": "Nobody"},
            "No organisation’s name contains “Nobody”. Check the spelling",
        ),
    ],
)
def test_bad_filters_get_a_clear_error(administrator, directory, query, message):
    response = administrator.get(URL, query)

    page = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: Directory dashboard" in page
    assert "There is a problem" in page
    assert page.count(message) == 2  # in the summary and by the field
    assert "checked since" not in page


def read_csv(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_category_csv_has_the_table_s_numbers(administrator, directory):
    response = administrator.get(CSV_URL, {"table": "categories"})

    assert response.status_code == 200
    assert (
        f"directory-dashboard-categories-{TODAY.isoformat()}.csv" in response["Content-Disposition"]
    )
    since = f"{months_ago(6).day} {months_ago(6):%B %Y}"
    assert read_csv(response) == [
        ["Category", "Listings", f"Checked since {since}", "Share checked (%)", "Overdue",
         "Hidden", "Never checked"],
        ["Family support", "3", "1", "33.3", "2", "1", "0"],
        ["Health", "2", "1", "50.0", "0", "0", "1"],
        ["No category", "1", "1", "100.0", "0", "0", "0"],
    ]  # fmt: skip


def test_the_csv_follows_the_filters(administrator, directory):
    response = administrator.get(CSV_URL, {"table": "areas", "organisation": "vale family"})

    assert read_csv(response)[1:] == [
        ["Ashcombe", "2", "1", "50.0", "1", "0", "0"],
        ["Brookfield", "1", "1", "100.0", "0", "0", "0"],
    ]


def test_the_reminders_and_summary_csv(administrator, directory):
    reminders = read_csv(administrator.get(CSV_URL, {"table": "reminders"}))
    summary = dict(read_csv(administrator.get(CSV_URL, {"table": "summary"}))[1:])

    assert reminders[1:] == [
        ["14 days before it is due", "2", "1", "50.0"],
        ["On the day it is due", "1", "1", "100.0"],
        ["Final reminder, 21 days after it was due", "1", "1", "100.0"],
    ]
    assert summary["Active listings"] == "6"
    assert summary["Median days from reminder to confirmation"] == "2.0"
    assert summary["Changes waiting for approval"] == "2"
    assert summary["Oldest change waiting (days)"] == "3"
    assert summary["Open problem reports"] == "1"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "Choose which numbers to download: summary, categories, areas, reminders"),
        ({"table": "people"}, "Choose which numbers to download: summary, categories, areas"),
        ({"table": "areas", "area": "Atlantis"}, "Select an area from the list"),
    ],
)
def test_a_bad_download_is_a_400_with_a_clear_message(administrator, directory, query, message):
    response = administrator.get(CSV_URL, query)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_page_makes_the_same_few_queries_however_big_the_directory(
    administrator, directory, django_assert_max_num_queries
):
    query = {"category": str(directory["family"].pk), "organisation": "trust"}
    with CaptureQueriesContext(connection) as few:
        administrator.get(URL, query)
    for n in range(15):
        service = ServiceFactory(assured_date=months_ago(n % 9, n))
        AttributeFactory(service=service, taxonomy_term=directory["parenting"])
        venue(service, f"Town {n}")
        reminder(service, "before", sent_days_ago=n + 1, used_after_days=[n % 3])
    with django_assert_max_num_queries(MAX_QUERIES):
        response = administrator.get(URL, query)
    with CaptureQueriesContext(connection) as many:
        administrator.get(URL, query)

    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize("roles", [[], ["organisation-editor"], ["practitioner"], ["data-analyst"]])
@pytest.mark.parametrize("url", [URL, CSV_URL + "?table=summary"])
def test_people_who_do_not_administer_the_directory_get_not_found(client, roles, url):
    person = UserFactory(roles=roles)
    if roles == ["organisation-editor"]:
        OrganisationEditor.objects.create(user=person, organization=ServiceFactory().organization)

    response = sign_in(client, person).get(url)

    assert response.status_code == 404
    assert b"Directory dashboard" not in response.content


@pytest.mark.parametrize("url", [URL, CSV_URL + "?table=summary"])
def test_signed_out_people_are_asked_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert "next=" in response["Location"]


def test_the_header_links_to_the_dashboard_for_directory_administrators_only():
    def header_links(user):
        return [item.url_name for item in navigation.items_for(user, header=True)]

    assert "stewardship:dashboard" in header_links(directory_administrator())
    assert "stewardship:dashboard" not in header_links(UserFactory(roles=["practitioner"]))


def test_an_empty_directory_shows_no_listings(administrator):
    response = administrator.get(URL)

    page = response.content.decode()
    assert response.status_code == 200
    assert "There are no active listings" in page
    assert "0 changes waiting" in page
