import datetime
import io

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from familyhelp.core import geo
from familyhelp.core.models import Place, Postcode
from familyhelp.core.tests.factories import PlaceFactory, PostcodeFactory
from familyhelp.demo.services import ADMIN_PASSWORD, ADMIN_USERNAME, DemoError, demo_load
from familyhelp.demo.stewardship import EDITOR_EMAIL, SECOND_EDITOR
from familyhelp.directory import search
from familyhelp.directory.models import (
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from familyhelp.directory.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 3)
SIX_MONTHS_AGO = TODAY - datetime.timedelta(days=183)


@pytest.fixture
def county():
    return demo_load(today=TODAY)


def _snapshot():
    return (
        list(Service.objects.order_by("id").values_list("id", "name", "organization__name")),
        list(Schedule.objects.order_by("id").values_list("id", "dtstart", "byday", "opens_at")),
        list(Location.objects.order_by("id").values_list("id", "name", "latitude")),
    )


def test_two_loads_of_the_same_seed_give_the_same_directory(county):
    first = _snapshot()
    demo_load(today=TODAY, reset=True)
    assert _snapshot() == first
    assert len(first[0]) == 500


def test_a_different_seed_gives_a_different_directory(county):
    first = _snapshot()
    demo_load(today=TODAY, reset=True, seed=7)
    assert _snapshot()[0] != first[0]


def test_every_one_of_the_43_subcategories_has_active_services(county):
    subcategories = TaxonomyTerm.objects.filter(parent__isnull=False)
    assert subcategories.count() == 43
    # Published as of the demo's own date: long-unchecked listings are hidden (stewardship).
    with time_machine.travel(datetime.datetime(2026, 3, 3, 12, tzinfo=datetime.UTC), tick=False):
        for term in subcategories:
            active = Service.objects.published().in_taxonomy_terms([term.id])
            assert active.exists(), term.name


def test_some_listings_are_stale_and_some_over_a_year_old(county):
    stale = Service.objects.filter(assured_date__lt=SIX_MONTHS_AGO).count()
    over_a_year = Service.objects.filter(assured_date__lt=TODAY - datetime.timedelta(days=365))
    assert 0.08 * 500 < stale < 0.25 * 500
    assert over_a_year.exists()
    assert not Service.objects.filter(assured_date__gt=TODAY).exists()


def test_whats_on_has_plenty_of_upcoming_sessions_and_events(county):
    upcoming = Schedule.objects.filter(dtstart__gte=TODAY)
    one_off = upcoming.filter(freq="")
    running = Schedule.objects.filter(dtstart__lt=TODAY, until__gte=TODAY, freq="WEEKLY")
    assert upcoming.count() > 100
    assert one_off.exists()
    assert running.exists()
    opening_hours = Schedule.objects.filter(dtstart__isnull=True, freq="WEEKLY")
    assert opening_hours.exclude(byday="").filter(opens_at__isnull=False).count() > 100


def test_postcodes_come_through_the_postcode_import_and_geocode(county):
    assert Postcode.objects.count() == county.postcodes > 2000
    assert not Postcode.objects.exclude(postcode__startswith="WX").exists()
    assert Place.objects.count() == 20
    assert geo.geocode("wx1 2ab").label == "WX1 2AB"  # the example every hint gives
    ashcombe = geo.geocode("Ashcombe")
    centre = geo.geocode("WX1")
    assert geo.haversine_miles(ashcombe.latitude, ashcombe.longitude, *_point(centre)) < 2
    address = Location.objects.filter(is_confidential=False).first().addresses.get()
    assert Postcode.objects.filter(postcode=address.postal_code).exists()


def _point(point):
    return point.latitude, point.longitude


def test_a_refuge_is_confidential_and_some_services_are_not_active(county):
    refuge = Location.objects.get(is_confidential=True)
    assert ServiceAtLocation.objects.filter(location=refuge).exists()
    assert Service.objects.exclude(status=Service.Status.ACTIVE).count() >= 3
    remote = Service.objects.filter(service_at_locations__isnull=True)
    assert remote.exists()
    assert not remote.filter(delivered_online=False, delivered_by_telephone=False).exists()


def test_the_search_index_is_rebuilt(county):
    found = search.search(Service.objects.all(), "breastfeeding")
    assert found.exists()


def test_if_empty_leaves_a_populated_directory_alone():
    ServiceFactory(name="A council's own listing")
    out = io.StringIO()
    call_command("load_demo", "--if-empty", stdout=out, verbosity=0)
    assert list(Service.objects.values_list("name", flat=True)) == ["A council's own listing"]
    assert "already has services" in out.getvalue()


def test_loading_over_existing_services_is_refused_without_a_flag():
    ServiceFactory()
    with pytest.raises(CommandError, match=r"already has records \(1 services\). Use --reset"):
        call_command("load_demo", verbosity=0)
    assert Service.objects.count() == 1


def test_the_demo_loads_over_postcodes_and_towns_already_there():
    PlaceFactory(name="Ashcombe", latitude=50.0)
    PostcodeFactory(postcode="WX1 2AB", latitude=50.0)
    demo_load(today=TODAY)
    assert Service.objects.count() == 500
    assert Place.objects.get(name="Ashcombe").latitude > 51
    assert Postcode.objects.get(postcode="WX1 2AB").latitude > 51


def test_leftover_venues_without_services_also_need_reset(county):
    Service.objects.all().delete()
    with pytest.raises(DemoError, match=r"already has records \(0 services\)"):
        demo_load(today=TODAY)
    demo_load(today=TODAY, reset=True)
    assert Service.objects.count() == 500


def test_a_small_benchmark_directory_loads_with_everything_linked():
    out = io.StringIO()
    call_command("load_demo", "--services", "500", "--reset", stdout=out, verbosity=0)
    assert Service.objects.count() == 500
    assert "500 services" in out.getvalue()
    assert not Service.objects.filter(attributes__isnull=True).exists()
    assert not Service.objects.filter(schedules__isnull=True).exists()
    assert Service.objects.filter(cost_options__amount__gt=0).exists()
    assert Service.objects.filter(cost_options__isnull=True).count() > 250


def test_the_demo_superuser_is_created_once_and_can_sign_in(client, county, settings):
    settings.MFA_SKIPPED_FOR_DEMO = True  # as config/settings/demo.py has it
    demo_load(today=TODAY, reset=True)
    users = get_user_model().objects.filter(email=ADMIN_USERNAME, is_superuser=True)
    assert users.count() == 1
    assert client.login(
        request=RequestFactory().post("/sign-in/"), username=ADMIN_USERNAME, password=ADMIN_PASSWORD
    )
    assert client.get("/django-admin/directory/service/").status_code == 200


def test_demo_logins_prints_the_admin_login():
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    assert ADMIN_USERNAME in text
    assert ADMIN_PASSWORD in text
    assert "http://127.0.0.1:8000/django-admin/" in text


def test_the_demo_has_a_person_for_every_role_in_agencies_and_teams(county):
    from familyhelp.accounts.models import Role, User
    from familyhelp.audit.models import AuditEvent
    from familyhelp.directory.models import OrganisationEditor

    demo_load(today=TODAY, reset=True)
    demo_load(today=TODAY, reset=True)  # a second load changes nothing

    for role in Role.objects.all():
        holders = User.objects.filter(role_assignments__role=role, is_active=True)
        # Besides the one person per role, a second organisation editor (demo/stewardship.py).
        holders = holders.exclude(email=SECOND_EDITOR[0])
        assert holders.count() == 1, role.code
        person = holders.get()
        assert person.check_password(ADMIN_PASSWORD)
        if role.code != Role.SYSTEM_ADMINISTRATOR:
            assert person.agency is not None and person.team_memberships.exists(), role.code
    editor = User.objects.get(email=EDITOR_EMAIL)
    assert OrganisationEditor.objects.filter(user=editor).count() == 1
    created = AuditEvent.objects.filter(
        actor_label="job:load_demo", action="create", record_type="accounts.user"
    )
    assert created.count() == Role.objects.count() + 1


def test_demo_logins_prints_a_sign_in_for_every_role():
    from familyhelp.accounts.models import Role

    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    for role in Role.objects.all():
        assert role.name in text
    assert "keyworker@wessexvale.example" in text
    assert "http://127.0.0.1:8000/sign-in/" in text
