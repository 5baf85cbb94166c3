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
