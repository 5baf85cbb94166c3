"""The Django admin shows audit events and changes none."""

import pytest
from django.urls import reverse

from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.audit.models import AuditEvent
from familyhelp.audit.services import TAMPER_REFUSED
from familyhelp.audit.tests.conftest import sign_in


@pytest.fixture
def superuser(db):
    return UserFactory(
        email="root@wessexvale.example", is_staff=True, is_superuser=True, agency=None
    )


@pytest.fixture
def admin_client(client, superuser):
    return sign_in(client, superuser)


@pytest.fixture
def logged(record_events):
    return record_events(3, reason="Listing review")


def snapshot():
    return list(AuditEvent.objects.filter(record_type="directory.service").values())


def attempts():
    return list(
        AuditEvent.objects.filter(record_type="audit.auditevent")
        .order_by("sequence")
        .values_list("action", "values__events")
    )


def test_the_list_and_each_event_can_be_read(admin_client, logged, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        listing = admin_client.get(reverse("admin:audit_auditevent_changelist"))
    page = admin_client.get(reverse("admin:audit_auditevent_change", args=[logged[1].sequence]))

    assert listing.status_code == 200
    assert b"Add audit event" not in listing.content
    assert b'name="action"' not in listing.content  # no bulk actions, so no delete_selected
    assert page.status_code == 200
    text = page.content.decode()
    assert logged[1].hash in text
    assert "Listing review" in text
    assert 'name="_save"' not in text
    assert 'name="_continue"' not in text
    assert "deletelink" not in text


def test_posting_the_change_form_changes_nothing_and_is_recorded(admin_client, logged):
    before = snapshot()

    target = logged[1].sequence
    response = admin_client.post(
        reverse("admin:audit_auditevent_change", args=[target]), {"reason": "covering tracks"}
    )

    assert response.status_code == 302
    assert snapshot() == before
    assert attempts() == [("change", [target])]
    followed = admin_client.get(response.url)
    assert TAMPER_REFUSED in followed.content.decode()


def test_the_delete_page_and_the_delete_action_are_refused_and_recorded(admin_client, logged):
    before = snapshot()

    first, _, last = (event.sequence for event in logged)
    page = admin_client.post(
        reverse("admin:audit_auditevent_delete", args=[first]), {"post": "yes"}
    )
    action = admin_client.post(
        reverse("admin:audit_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [first, last], "post": "yes"},
    )

    assert (page.status_code, action.status_code) == (302, 302)
    assert snapshot() == before
    assert attempts() == [("delete", [first]), ("delete", [first, last])]


def test_adding_an_event_is_refused_and_recorded(admin_client, logged):
    response = admin_client.post(reverse("admin:audit_auditevent_add"), {"action": "view"})

    assert response.status_code == 302
    assert AuditEvent.objects.filter(record_type="directory.service").count() == 3
    assert attempts() == [("create", [])]
    assert AuditEvent.objects.order_by("-sequence").first().actor.email == "root@wessexvale.example"
