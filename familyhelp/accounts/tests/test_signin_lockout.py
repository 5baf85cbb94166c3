"""Lockout after repeated failures (django-axes), the locked page, and unlocking it."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from familyhelp.accounts import signin
from familyhelp.accounts.models import Role
from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.audit.models import AuditEvent

PASSWORD = "long enough passphrase"
LIMIT = 5
AFTERNOON = timezone.make_aware(timezone.datetime(2026, 3, 4, 14, 15))
LATE_EVENING = timezone.make_aware(timezone.datetime(2026, 3, 4, 23, 50))


WRONG = "wrong password entirely"


def _attempt(client, email, password=WRONG, **extra):
    return client.post(reverse("accounts:sign-in"), {"email": email, "password": password}, **extra)


def _lock(client, email, **extra):
    responses = [_attempt(client, email, **extra) for _ in range(LIMIT)]
    return responses[-1]


def _verified_login(client, user):
    client.force_login(user)
    session = client.session
    session["accounts.mfa_satisfied_by"] = "test"
    session.save()


def _main(html):
    return html.split("<main")[1].split("</main>")[0]


@pytest.fixture
def person(council):
    return UserFactory(email="sam.jones@wessexvale.example", full_name="Sam Jones", agency=council)


def test_four_failures_still_get_the_sign_in_page(client, person):
    for _ in range(LIMIT - 1):
        response = _attempt(client, person.email)
        assert response.status_code == 200
        assert signin.SIGN_IN_FAILED in response.content.decode()
    assert not AuditEvent.objects.filter(action="lockout").exists()


def test_the_fifth_failure_locks_the_address_with_a_clear_page(client, person):
    with time_machine.travel(AFTERNOON, tick=False):
        response = _lock(client, person.email)
    html = response.content.decode()
    assert response.status_code == 429
    assert "<title>Your account is locked – Family Help</title>" in html
    assert "until <strong>2:45pm today</strong>" in html
    assert reverse("accounts:password-reset") in html
    assert "agency administrator" in html
    [lockout] = AuditEvent.objects.filter(action="lockout")
    assert lockout.actor == person
    assert lockout.values == {"failures": LIMIT}


def test_a_locked_address_is_refused_even_with_the_right_password(client, person):
    _lock(client, person.email)
    response = _attempt(client, person.email, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Refused while locked: audited as a failure, not as a second lockout.
    assert AuditEvent.objects.filter(action="lockout").count() == 1
    last = AuditEvent.objects.filter(action="sign_in_failed").order_by("-sequence").first()
    assert last.values == {"locked_out": True}


def test_the_lock_counts_the_address_in_any_case_and_from_any_ip(client, person):
    for number in range(LIMIT - 1):
        _attempt(client, person.email.upper(), REMOTE_ADDR=f"192.0.2.{number}")
    response = _attempt(client, f"  {person.email}", REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 429


def test_an_unknown_address_locks_the_same_way_so_it_reveals_nothing(client, person):
    known = _lock(client, person.email).content.decode()
    unknown = _lock(client, "nobody@wessexvale.example").content.decode()
    assert _main(known).replace(person.email, "") == _main(unknown).replace(
        "nobody@wessexvale.example", ""
    )
    event = AuditEvent.objects.filter(action="lockout").order_by("-sequence").first()
    assert (event.actor, event.actor_label) == (None, signin.UNKNOWN_ACCOUNT)


def test_the_lock_lifts_after_the_cool_off(client, person):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _lock(client, person.email)
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert _attempt(client, person.email, PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        response = _attempt(client, person.email, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)


def test_locking_one_address_does_not_lock_another_from_the_same_office(client, person):
    colleague = UserFactory(email="colleague@wessexvale.example")
    _lock(client, person.email)
    response = _attempt(client, colleague.email, PASSWORD)
    assert response.status_code == 302


def test_the_locked_accounts_page_lists_only_people_the_administrator_may_unlock(
    client, council, school, council_admin
):
    outsider = UserFactory(email="head@school.example", agency=school)
    people = [UserFactory(agency=council) for _ in range(3)]
    for locked in [*people, outsider]:
        _lock(client, locked.email)
    _lock(client, "nobody@wessexvale.example")
    _verified_login(client, council_admin)
    response = client.get(reverse("accounts:locked-accounts"))
    html = response.content.decode()
    assert response.status_code == 200
    for locked in people:
        assert locked.email in html
    assert outsider.email not in html
    assert "nobody@wessexvale.example" not in html
    assert "3 locked accounts you can unlock" in html


def test_the_locked_accounts_page_reads_the_same_number_of_queries_for_any_number(
    client, council, council_admin
):
    _lock(client, UserFactory(agency=council).email)
    _verified_login(client, council_admin)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("accounts:locked-accounts"))
    for _ in range(4):
        _lock(client, UserFactory(agency=council).email)
    with CaptureQueriesContext(connection) as five:
        html = client.get(reverse("accounts:locked-accounts")).content.decode()
    assert "5 locked accounts you can unlock" in html
    assert len(five) == len(one), "\n".join(q["sql"] for q in five.captured_queries)


def test_the_locked_accounts_page_is_not_found_for_people_who_are_not_administrators(
    client, person
):
    person_with_role = UserFactory(roles=["data-analyst"])
    client.force_login(person_with_role)
    assert client.get(reverse("accounts:locked-accounts")).status_code == 404


def test_an_administrator_unlocks_an_account_and_it_is_audited(client, person, council_admin):
    _lock(client, person.email)
    admin_client = client.__class__()
    _verified_login(admin_client, council_admin)
    response = admin_client.post(reverse("accounts:unlock-account", args=[person.pk]))
    assert response.status_code == 302
    assert "Sam Jones can sign in again." in admin_client.get(response.url).content.decode()
    assert not AccessAttempt.objects.filter(username=person.email).exists()
    event = AuditEvent.objects.filter(action="change").order_by("-sequence").first()
    assert event.actor == council_admin
    assert event.record_id == str(person.pk)
    assert event.values == {"locked_out": False, "attempts_cleared": 1}
    # And the person can sign in again at once.
    assert _attempt(client, person.email, PASSWORD).status_code == 302


def test_unlocking_someone_in_another_agency_is_not_found_and_audited(
    client, school, council_admin
):
    outsider = UserFactory(email="head@school.example", agency=school)
    _lock(client, outsider.email)
    _verified_login(client, council_admin)
    response = client.post(reverse("accounts:unlock-account", args=[outsider.pk]))
    assert response.status_code == 404
    assert AccessAttempt.objects.filter(username=outsider.email).exists()
    refusal = AuditEvent.objects.filter(action="change").order_by("-sequence").first()
    assert refusal.actor == council_admin
    assert refusal.values == {"refused": "not_allowed_to_unlock"}


def test_unlocking_someone_who_is_not_locked_says_so_and_changes_nothing(
    client, person, council_admin
):
    _verified_login(client, council_admin)
    before = AuditEvent.objects.count()
    response = client.post(reverse("accounts:unlock-account", args=[person.pk]), follow=True)
    assert "Sam Jones is not locked out." in response.content.decode()
    assert AuditEvent.objects.count() == before


def test_unlocking_is_a_post(client, person, council_admin):
    _verified_login(client, council_admin)
    assert client.get(reverse("accounts:unlock-account", args=[person.pk])).status_code == 405


def test_a_system_administrator_can_unlock_anyone(client, person, system_admin):
    _lock(client, person.email)
    assert system_admin.has_perm("accounts.unlock_account", person)
    signin.account_unlock(actor=system_admin, user=person)
    assert _attempt(client, person.email, PASSWORD).status_code == 302


def test_role_codes_used_here_exist():
    assert Role.AGENCY_ADMINISTRATOR == "agency-administrator"


def test_an_unlock_time_on_another_day_names_the_date(settings):
    with time_machine.travel(LATE_EVENING, tick=False):
        tomorrow = timezone.now() + timedelta(minutes=30)
        assert signin.describe_moment(tomorrow) == "12:20am on 5 March 2026"


def test_axes_takes_the_clients_address_as_the_audit_log_does(settings, rf):
    from axes.helpers import get_client_ip_address

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")
    settings.TRUSTED_PROXY_COUNT = 1
    assert get_client_ip_address(request) == "198.51.100.7"  # not the proxy, nor a forged entry
    settings.TRUSTED_PROXY_COUNT = 0
    assert get_client_ip_address(request) == "10.0.0.2"
