import pytest

from familyhelp.accounts.models import User
from familyhelp.accounts.tests.factories import AgencyFactory, TeamFactory, UserFactory

NO_INLINE_ROWS = {
    "team_memberships-TOTAL_FORMS": "0",
    "team_memberships-INITIAL_FORMS": "0",
    "role_assignments-TOTAL_FORMS": "0",
    "role_assignments-INITIAL_FORMS": "0",
}


@pytest.mark.parametrize(
    "path",
    [
        "/django-admin/accounts/user/",
        "/django-admin/accounts/user/add/",
        "/django-admin/accounts/agency/",
        "/django-admin/accounts/team/",
        "/django-admin/accounts/role/",
        "/django-admin/accounts/roleassignment/",
        "/django-admin/accounts/teammembership/",
    ],
)
def test_every_accounts_admin_page_opens(admin_client, path):
    TeamFactory()
    UserFactory(roles=["practitioner"])
    assert admin_client.get(path).status_code == 200


def test_the_admin_adds_a_person_by_email_with_a_password(admin_client):
    agency = AgencyFactory(name="Vale Housing", kind="housing")
    response = admin_client.post(
        "/django-admin/accounts/user/add/",
        {
            "email": "Pat.Lee@ValeHousing.example",
            "full_name": "Pat Lee",
            "job_title": "Tenancy officer",
            "fte": "0.80",
            "agency": agency.pk,
            "usable_password": "true",
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
            **NO_INLINE_ROWS,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    person = User.objects.get(email="pat.lee@valehousing.example")
    assert person.check_password("a long enough passphrase") and person.agency == agency


def test_the_admin_refuses_an_email_already_used_in_another_case(admin_client):
    UserFactory(email="pat.lee@valehousing.example")
    response = admin_client.post(
        "/django-admin/accounts/user/add/",
        {
            "email": "PAT.LEE@valehousing.example",
            "fte": "1.00",
            "usable_password": "false",
            **NO_INLINE_ROWS,
        },
    )
    assert response.status_code == 200
    assert "email" in str(response.context["adminform"].form.errors)
    assert User.objects.count() == 2  # the admin_client's superuser and Pat


def test_the_admin_changes_a_persons_details(admin_client):
    person = UserFactory(job_title="Health visitor")
    page = admin_client.get(f"/django-admin/accounts/user/{person.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in {"password", "groups", "user_permissions"}
    }
    data |= {
        "agency": person.agency_id,
        "job_title": "Lead health visitor",
        **NO_INLINE_ROWS,
    }
    response = admin_client.post(f"/django-admin/accounts/user/{person.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    person.refresh_from_db()
    assert person.job_title == "Lead health visitor"


def test_changes_in_the_admin_are_audited_by_field_name_only(admin_client):
    from familyhelp.audit.models import AuditEvent

    person = UserFactory(roles=["practitioner"])
    role_id = person.role_assignments.get().pk
    response = admin_client.post(
        f"/django-admin/accounts/user/{person.pk}/change/",
        {
            "email": person.email,
            "full_name": "A New Name",
            "job_title": person.job_title,
            "fte": "0.50",
            "agency": person.agency_id,
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
            "team_memberships-TOTAL_FORMS": "0",
            "team_memberships-INITIAL_FORMS": "0",
            "role_assignments-TOTAL_FORMS": "1",
            "role_assignments-INITIAL_FORMS": "1",
            "role_assignments-0-id": role_id,
            "role_assignments-0-user": person.pk,
            "role_assignments-0-role": person.role_assignments.get().role_id,
            "role_assignments-0-DELETE": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    events = list(AuditEvent.objects.order_by("sequence"))
    removed = next(e for e in events if e.record_type == "accounts.roleassignment")
    assert (removed.action, removed.record_id, removed.values["done"]) == (
        "permission_change",
        str(role_id),
        "delete",
    )
    changed = next(
        e for e in events if e.record_type == "accounts.user" and e.values.get("done") == "change"
    )
    assert changed.action == "change"
    assert set(changed.fields_changed) >= {"full_name", "fte"}
    assert "A New Name" not in str(changed.values)
    assert not person.role_assignments.exists()


def test_unticking_active_in_the_admin_ends_the_person_s_sessions(admin_client):
    from django.contrib.sessions.models import Session
    from django.test import Client

    person = UserFactory(is_staff=True)
    device = Client()
    device.force_login(person)
    assert Session.objects.count() == 2
    response = admin_client.post(
        f"/django-admin/accounts/user/{person.pk}/change/",
        {
            "email": person.email,
            "full_name": person.full_name,
            "job_title": person.job_title,
            "fte": "1.00",
            "agency": person.agency_id,
            "is_staff": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
            **NO_INLINE_ROWS,
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert not person.is_active and person.deactivated_at is not None
    assert Session.objects.count() == 1
