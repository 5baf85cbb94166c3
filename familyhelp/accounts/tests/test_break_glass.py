"""Break-glass: emergency access to a record with a reason, audited, flagged and reviewed."""

import datetime
import re
import uuid

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from familyhelp.accounts import break_glass
from familyhelp.accounts.models import BreakGlassAccess
from familyhelp.accounts.testing import sign_in
from familyhelp.accounts.tests.factories import TeamFactory, UserFactory
from familyhelp.accounts.tests.records.factories import ProtectedRecordFactory, member_of
from familyhelp.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

RECORD_TYPE = "testrecords.protectedrecord"
REASON = "Police called about the children tonight and the keyworker is on leave."


@pytest.fixture
def family_team():
    return TeamFactory(name="Ashcombe Family Help")


@pytest.fixture
def front_door():
    return TeamFactory(name="Front Door")


@pytest.fixture
def record(family_team):
    return ProtectedRecordFactory(team=family_team, family_id="F00042", title="Record of F00042")


@pytest.fixture
def officer(front_door):
    return member_of(front_door, roles=["front-door-officer"], full_name="Olu Officer")


@pytest.fixture
def manager(front_door):
    return member_of(front_door, roles=["team-manager"], full_name="Mina Manager")


def record_url(pk):
    return reverse("testrecords:record", kwargs={"pk": pk})


def request_url(pk, next_url=None):
    url = reverse("accounts:break-glass", kwargs={"record_type": RECORD_TYPE, "record_id": pk})
    return url + (f"?next={next_url}" if next_url else "")


def events():
    """Audit events of what people did here (signing in is audited too, elsewhere)."""
    return AuditEvent.objects.exclude(action="sign_in")


def listed(response, table_id):
    """The ids of the uses of emergency access listed in one table of the reviews page."""
    html = response.content.decode()
    if f'id="{table_id}"' not in html:
        return []
    table = html[html.index(f'id="{table_id}"') :]
    table = table[: table.index("</table>")]
    return [uuid.UUID(pk) for pk in re.findall(r'href="/access/reviews/([0-9a-f-]{36})/"', table)]


def grant(user, record, *, minutes=60, **kwargs):
    now = timezone.now()
    return BreakGlassAccess.objects.create(
        user=user,
        record_type=RECORD_TYPE,
        record_id=str(record.pk),
        family_id=record.family_id,
        reason=REASON,
        expires_at=now + datetime.timedelta(minutes=minutes),
        **kwargs,
    )


# Asking --------------------------------------------------------------------------------------


def test_the_request_page_warns_that_everything_is_recorded(client, officer, record):
    response = sign_in(client, officer).get(request_url(record.pk, record_url(record.pk)))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Request emergency access" in html
    assert "govuk-warning-text" in html
    assert "Your manager will review your reason" in html
    assert f'name="next" value="{record_url(record.pk)}"' in html


@pytest.mark.parametrize(
    ("reason", "message"),
    [("", break_glass.REASON_MISSING), ("   too short   ", break_glass.REASON_TOO_SHORT)],
)
def test_a_missing_or_short_reason_is_refused_and_changes_nothing(
    client, officer, record, reason, message
):
    response = sign_in(client, officer).post(request_url(record.pk), {"reason": reason})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count(message) == 2  # the error summary and the field
    assert "<title>Error: Request emergency access" in html
    assert not BreakGlassAccess.objects.exists()
    assert not events().exists()


@time_machine.travel(datetime.datetime(2026, 11, 28, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_giving_a_reason_opens_the_record_with_a_banner_for_the_configured_time(
    client, officer, record, settings
):
    settings.BREAK_GLASS_MINUTES = 30
    sign_in(client, officer)
    response = client.post(
        request_url(record.pk), {"reason": f"  {REASON}  ", "next": record_url(record.pk)}
    )
    assert response.status_code == 302
    assert response.url == record_url(record.pk)

    emergency = BreakGlassAccess.objects.get()
    assert (emergency.user, emergency.record_id, emergency.family_id) == (
        officer,
        str(record.pk),
        "F00042",
    )
    assert emergency.reason == REASON
    assert emergency.expires_at == timezone.now() + datetime.timedelta(minutes=30)
    asked = AuditEvent.objects.get(action="break_glass")
    assert (asked.actor, asked.record_type, asked.record_id, asked.family_id) == (
        officer,
        RECORD_TYPE,
        str(record.pk),
        "F00042",
    )
    assert asked.reason == REASON
    assert asked.values["break_glass_access"] == str(emergency.pk)

    page = client.get(response.url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Record of F00042" in html
    assert "Emergency access" in html
    assert "until 9:30am" in html  # 09:30 UTC is 9:30am in London in November
    viewed = AuditEvent.objects.get(action="view")
    assert viewed.values == {"break_glass": True, "break_glass_access": str(emergency.pk)}
    assert viewed.family_id == "F00042"


def test_every_view_during_emergency_access_is_audited_and_flagged(client, officer, record):
    emergency = grant(officer, record)
    sign_in(client, officer)
    for _ in range(3):
        assert client.get(record_url(record.pk)).status_code == 200
    flagged = AuditEvent.objects.filter(action="view", values__break_glass=True)
    assert flagged.count() == 3
    assert break_glass.break_glass_views(emergency) == 3


def test_emergency_access_ends_when_it_expires(client, officer, record):
    emergency = grant(officer, record, minutes=60)
    sign_in(client, officer)
    assert client.get(record_url(record.pk)).status_code == 200
    BreakGlassAccess.objects.filter(pk=emergency.pk).update(expires_at=timezone.now())
    assert client.get(record_url(record.pk)).status_code == 404


def test_emergency_access_opens_only_that_record(client, officer, record, family_team):
    other = ProtectedRecordFactory(team=family_team)
    grant(officer, record)
    sign_in(client, officer)
    assert client.get(record_url(record.pk)).status_code == 200
    assert client.get(record_url(other.pk)).status_code == 404


def test_a_missing_record_gets_the_same_404_after_the_reason_and_is_still_audited(
    client, officer, record
):
    sign_in(client, officer)
    response = client.post(request_url(record.pk + 99), {"reason": REASON})
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "request emergency access" not in response.content.decode()
    assert not BreakGlassAccess.objects.exists()
    event = events().get()
    assert (event.action, event.record_id, event.reason) == (
        "break_glass",
        str(record.pk + 99),
        REASON,
    )
    assert event.values == {"record_found": False}


def test_people_whose_role_does_not_allow_it_never_see_the_offer_or_the_form(client, record):
    practitioner = UserFactory(roles=["practitioner", "family-keyworker"])
    sign_in(client, practitioner)
    assert "emergency access" not in client.get(record_url(record.pk)).content.decode().lower()
    page = client.get(request_url(record.pk))
    assert page.status_code == 404
    assert "emergency access" not in page.content.decode().lower()
    posted = client.post(request_url(record.pk), {"reason": REASON})
    assert posted.status_code == 404
    assert not BreakGlassAccess.objects.exists()


def test_the_service_refuses_and_audits_someone_without_the_role(record):
    practitioner = UserFactory(roles=["practitioner"])
    with pytest.raises(break_glass.BreakGlassError, match="does not allow"):
        break_glass.break_glass_request(
            actor=practitioner, record_type=RECORD_TYPE, record_id=str(record.pk), reason=REASON
        )
    assert not BreakGlassAccess.objects.exists()
    event = AuditEvent.objects.get()
    assert (event.action, event.values) == ("break_glass", {"refused": True})


def test_the_next_address_cannot_send_people_to_another_site(client, officer, record):
    sign_in(client, officer)
    response = client.post(
        request_url(record.pk), {"reason": REASON, "next": "https://evil.example/steal"}
    )
    assert response.status_code == 302
    assert response.url == record_url(record.pk)


def test_may_break_glass_is_data_a_council_can_change(client, record):
    from familyhelp.accounts.models import Role

    analyst = UserFactory(roles=["data-analyst"])
    sign_in(client, analyst)
    assert client.get(request_url(record.pk)).status_code == 404
    Role.objects.filter(code="data-analyst").update(may_break_glass=True)
    assert client.get(request_url(record.pk)).status_code == 200


# Reviewing -----------------------------------------------------------------------------------


def test_a_team_manager_sees_their_teams_uses_oldest_waiting_first(
    client, officer, manager, record, front_door, django_assert_max_num_queries
):
    colleague = member_of(front_door, roles=["front-door-officer"], full_name="Cal Colleague")
    outsider = UserFactory(roles=["front-door-officer"], full_name="Oscar Outsider")
    now = timezone.now()
    newer = grant(officer, record, granted_at=now - datetime.timedelta(hours=1))
    older = grant(colleague, record, granted_at=now - datetime.timedelta(days=2))
    reviewed = grant(
        colleague,
        record,
        granted_at=now - datetime.timedelta(days=5),
        reviewed_by=manager,
        reviewed_at=now - datetime.timedelta(days=4),
        outcome="appropriate",
    )
    grant(outsider, record)  # not in a team this manager manages
    grant(manager, record)  # nobody reviews their own

    sign_in(client, manager)
    # 11: the header asks once whether a manager is in the front door team (frontdoor/access.py).
    with django_assert_max_num_queries(11):
        response = client.get(reverse("accounts:break-glass-reviews"))
    assert response.status_code == 200
    assert listed(response, "waiting") == [older.pk, newer.pk]
    assert listed(response, "reviewed") == [reviewed.pk]
    html = response.content.decode()
    assert "Oscar Outsider" not in html


def test_the_review_list_costs_the_same_queries_for_many_uses(client, manager, record, front_door):
    def count_queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("accounts:break-glass-reviews")).status_code == 200
        return len(captured)

    sign_in(client, manager)
    grant(member_of(front_door, roles=["front-door-officer"]), record)
    one = count_queries()
    for _ in range(5):
        person = member_of(front_door, roles=["front-door-officer"])
        grant(person, record)
        grant(
            person, record, reviewed_by=manager, reviewed_at=timezone.now(), outcome="appropriate"
        )
    assert count_queries() == one


def test_a_system_administrator_sees_every_use(client, officer, record):
    admin = UserFactory(agency=None, roles=["system-administrator"])
    use = grant(officer, record)
    sign_in(client, admin)
    response = client.get(reverse("accounts:break-glass-reviews"))
    assert listed(response, "waiting") == [use.pk]


def test_people_who_are_not_managers_cannot_see_reviews(client, officer, record):
    use = grant(officer, record)
    sign_in(client, officer)
    assert client.get(reverse("accounts:break-glass-reviews")).status_code == 404
    review = reverse("accounts:break-glass-review", kwargs={"pk": use.pk})
    assert client.get(review).status_code == 404


def test_a_manager_records_a_review_and_it_is_audited(client, officer, manager, record):
    use = grant(officer, record)
    sign_in(client, manager)
    review = reverse("accounts:break-glass-review", kwargs={"pk": use.pk})
    page = client.get(review)
    assert page.status_code == 200
    assert REASON in page.content.decode()

    response = client.post(review, {"outcome": "appropriate", "note": "Checked with police."})
    assert response.status_code == 302
    assert response.url == reverse("accounts:break-glass-reviews")
    use.refresh_from_db()
    assert (use.outcome, use.review_note, use.reviewed_by) == (
        "appropriate",
        "Checked with police.",
        manager,
    )
    event = AuditEvent.objects.get(action="change")
    assert (event.actor, event.record_type, event.record_id) == (
        manager,
        "accounts.breakglassaccess",
        str(use.pk),
    )
    assert event.values == {"outcome": "appropriate"}
    listing = client.get(response.url).content.decode()
    assert "Review recorded for Olu Officer" in listing


def test_not_appropriate_needs_a_note(client, officer, manager, record):
    use = grant(officer, record)
    sign_in(client, manager)
    review = reverse("accounts:break-glass-review", kwargs={"pk": use.pk})
    response = client.post(review, {"outcome": "not_appropriate", "note": " "})
    assert response.status_code == 200
    assert break_glass.NOTE_NEEDED in response.content.decode()
    missing = client.post(review, {"note": "x"})
    assert break_glass.OUTCOME_MISSING in missing.content.decode()
    use.refresh_from_db()
    assert use.reviewed_at is None
    assert not events().exists()


def test_a_use_is_reviewed_once_only(officer, manager, record, front_door):
    use = grant(officer, record)
    break_glass.break_glass_review(actor=manager, emergency=use, outcome="appropriate", note="")
    second = member_of(front_door, roles=["team-manager"])
    with pytest.raises(break_glass.BreakGlassError, match="already been reviewed"):
        break_glass.break_glass_review(
            actor=second, emergency=use, outcome="not_appropriate", note="No."
        )
    use.refresh_from_db()
    assert use.outcome == "appropriate"


def test_a_manager_of_another_team_gets_a_404_and_the_service_refuses_and_audits(
    client, officer, record
):
    use = grant(officer, record)
    other_manager = member_of(TeamFactory(), roles=["team-manager"])
    sign_in(client, other_manager)
    review = reverse("accounts:break-glass-review", kwargs={"pk": use.pk})
    assert client.get(review).status_code == 404
    assert client.post(review, {"outcome": "appropriate"}).status_code == 404
    with pytest.raises(break_glass.BreakGlassError):
        break_glass.break_glass_review(
            actor=other_manager, emergency=use, outcome="appropriate", note=""
        )
    use.refresh_from_db()
    assert use.reviewed_at is None
    assert AuditEvent.objects.filter(action="change", values__refused=True).count() == 1


def test_a_reviewed_use_shows_its_outcome_and_no_form(client, officer, manager, record):
    use = grant(officer, record)
    break_glass.break_glass_review(
        actor=manager, emergency=use, outcome="not_appropriate", note="Spoke to Olu about it."
    )
    sign_in(client, manager)
    review = reverse("accounts:break-glass-review", kwargs={"pk": use.pk})
    html = client.get(review).content.decode()
    assert "Not appropriate" in html
    assert "Spoke to Olu about it." in html
    assert "Mina Manager on " in html
    assert "<form" not in html.split("<main", 1)[1]
    response = client.post(review, {"outcome": "appropriate"})
    assert response.status_code == 200
    use.refresh_from_db()
    assert use.outcome == "not_appropriate"
