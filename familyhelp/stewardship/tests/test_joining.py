"""Joining the directory: asking to join or claim, the rate limit, and administrators deciding."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from familyhelp.accounts.models import Invitation, RoleAssignment, User
from familyhelp.accounts.testing import sign_in
from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.audit.models import AuditEvent
from familyhelp.core.notifications.testing import outbox
from familyhelp.directory.models import OrganisationEditor, Organization, OrganizationIdentifier
from familyhelp.directory.tests.factories import OrganizationFactory
from familyhelp.stewardship import forms_joining, selectors_joining
from familyhelp.stewardship.models import JoinRequest
from familyhelp.stewardship.services import joining
from familyhelp.stewardship.tests.factories import directory_administrator, editor_of

pytestmark = pytest.mark.django_db

CONTACT = "sam@wexfordparents.example"
JOIN_URL = reverse("stewardship:join")


def join_data(**changes):
    data = {
        "organisation_name": "Wexford Parents' Forum",
        "charity_number": "1190001",
        "company_number": "",
        "website": "https://wexfordparents.example/",
        "contact_name": "Sam Okafor",
        "contact_role": "Chair",
        "contact_email": CONTACT,
        "contact_phone": "01632 960 456",
        "message": "We run coffee mornings for parent carers.",
        "nickname": "",
    }
    data.update(changes)
    return data


def ask(client, ip="203.0.113.7", **changes):
    return client.post(JOIN_URL, join_data(**changes), REMOTE_ADDR=ip)


def a_join_request(**changes):
    fields = {
        "kind": JoinRequest.Kind.JOIN,
        "organisation_name": "Wexford Parents' Forum",
        "charity_number": "1190001",
        "website": "https://wexfordparents.example/",
        "contact_name": "Sam Okafor",
        "contact_email": CONTACT,
        "contact_role": "Chair",
        "ip_address": "198.51.100.1",
    }
    fields.update(changes)
    return joining.join_request_create(**fields)


def http_request(user):
    request = RequestFactory().post("/")
    request.user = user
    return request


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(execute=True):` runs what waits for the commit (the emails) at its end."""
    return django_capture_on_commit_callbacks


@pytest.fixture
def admin():
    return directory_administrator(email="directory.admin@wessexvale.example")


# The public form -----------------------------------------------------------------------------


def test_the_directory_links_to_joining_and_each_organisation_to_claiming(client):
    organisation = OrganizationFactory(name="Vale Family Trust")
    home = client.get(reverse("directory:home")).content.decode()
    assert reverse("stewardship:join-start") in home
    page = client.get(reverse("directory:organisation", args=[organisation.pk])).content.decode()
    assert "Is this your organisation?" in page
    assert reverse("stewardship:claim", args=[organisation.pk]) in page
    start = client.get(reverse("stewardship:join-start"))
    assert start.status_code == 200
    assert JOIN_URL in start.content.decode()


def test_asking_to_join_keeps_the_request_and_emails_the_contact_and_administrators(
    client, admin, committed
):
    with committed(execute=True):
        response = ask(client, charity_number=" 1190 001 ")
    assert response.status_code == 302
    join_request = JoinRequest.objects.get()
    assert join_request.kind == JoinRequest.Kind.JOIN
    assert join_request.status == JoinRequest.Status.PENDING
    assert join_request.charity_number == "1190001"
    assert join_request.ip_hash == joining.ip_hash("203.0.113.7")
    assert "203.0.113.7" not in join_request.ip_hash
    # The confirmation page shows the reference
    sent = client.get(response.url)
    assert join_request.reference in sent.content.decode()
    # The contact gets the reference, the administrators a link to the request
    (received,) = outbox(template="join_request_received")
    assert received.to == CONTACT
    assert received.personalisation["reference"] == join_request.reference
    (waiting,) = outbox(template="join_request_waiting")
    assert waiting.to == admin.email
    assert str(join_request.pk) in waiting.personalisation["link"]
    # Audited as a member of the public, without their address
    event = AuditEvent.objects.get(record_type=joining.RECORD_TYPE, action="create")
    assert event.actor_label == joining.PUBLIC_ACTOR
    assert event.ip_address in (None, "")


def test_a_forged_confirmation_link_is_not_found(client):
    response = client.get(reverse("stewardship:join-sent"), {"reference": "AAAA-BBBB"})
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("charity_number", "12345", joining.CHARITY_NUMBER_INVALID),
        ("charity_number", "123456789", joining.CHARITY_NUMBER_INVALID),
        ("charity_number", "11900A1", joining.CHARITY_NUMBER_INVALID),
        ("company_number", "1234567", joining.COMPANY_NUMBER_INVALID),
        ("company_number", "S1234567", joining.COMPANY_NUMBER_INVALID),
        ("company_number", "SCX12345", joining.COMPANY_NUMBER_INVALID),
        ("company_number", "123456789", joining.COMPANY_NUMBER_INVALID),
        ("organisation_name", "", forms_joining.NAME_REQUIRED),
        ("organisation_name", "x" * 201, forms_joining.NAME_TOO_LONG),
        ("contact_name", "", forms_joining.CONTACT_NAME_REQUIRED),
        ("contact_email", "", forms_joining.EMAIL_REQUIRED),
        ("contact_email", "sam at example", forms_joining.EMAIL_INVALID),
        ("contact_phone", "call me", forms_joining.PHONE_INVALID),
        ("message", "x" * 2001, forms_joining.MESSAGE_TOO_LONG),
        ("contact_role", "x" * 201, forms_joining.ROLE_TOO_LONG),
        ("website", "not a website", forms_joining.WEBSITE_INVALID),
    ],
)
def test_bad_answers_get_a_clear_error_and_change_nothing(client, committed, field, value, message):
    with committed(execute=True):
        response = ask(client, **{field: value})
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Error: " in page
    assert message.replace("’", "&#8217;") in page or message in page
    assert f'href="#id_{field}"' in page
    assert not JoinRequest.objects.exists()
    assert not outbox()


@pytest.mark.parametrize("number", ["01234567", "SC123456", "ni123456", "OC 123456"])
def test_company_numbers_of_each_kind_are_accepted(client, number):
    assert ask(client, charity_number="", company_number=number).status_code == 302
    assert JoinRequest.objects.get().company_number == number.replace(" ", "").upper()


@pytest.mark.parametrize("number", ["123456", "1123456", "11234567"])
def test_charity_numbers_of_6_to_8_digits_are_accepted(client, number):
    assert ask(client, charity_number=number).status_code == 302


def test_html_is_kept_and_shown_as_text_never_as_a_link(client, admin):
    ask(
        client,
        organisation_name="<b>Bold</b> Group",
        message='<a href="https://evil.example">click</a> https://evil.example/x',
        website="https://group.example/<script>",
    )
    join_request = JoinRequest.objects.get()
    assert join_request.organisation_name == "<b>Bold</b> Group"
    page = sign_in(client, admin).get(reverse("stewardship:join-request", args=[join_request.pk]))
    html = page.content.decode()
    assert "&lt;b&gt;Bold&lt;/b&gt; Group" in html
    assert "&lt;a href=" in html
    assert 'href="https://evil.example' not in html
    assert "<script>" not in html


def test_the_honeypot_refuses_a_robot_and_keeps_nothing(client):
    response = ask(client, nickname="robot")
    assert response.status_code == 400
    assert joining.HONEYPOT_FILLED in response.content.decode()
    assert not JoinRequest.objects.exists()


def test_one_address_may_send_five_requests_an_hour(client, settings):
    settings.JOIN_REQUESTS_PER_IP_PER_HOUR = 5
    for _ in range(5):
        assert ask(client).status_code == 302
    refused = ask(client)
    assert refused.status_code == 429
    assert joining.TOO_MANY_FROM_YOU.format(limit=5) in refused.content.decode()
    assert JoinRequest.objects.count() == 5
    # Another address is not limited, and an hour later this one may ask again
    assert ask(client, ip="203.0.113.99").status_code == 302
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61)):
        assert ask(client).status_code == 302


def test_claiming_a_listing_names_the_organisation_from_the_link(client):
    organisation = OrganizationFactory(name="Vale Family Trust")
    url = reverse("stewardship:claim", args=[organisation.pk])
    page = client.get(url).content.decode()
    assert "Vale Family Trust" in page
    assert 'name="organisation_name"' not in page
    data = join_data(organisation_name="Something else", charity_number="1")
    response = client.post(url, data, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302
    claim = JoinRequest.objects.get()
    assert claim.kind == JoinRequest.Kind.CLAIM
    assert claim.organization == organisation
    assert claim.organisation_name == "Vale Family Trust"
    assert claim.charity_number == ""


def test_claiming_an_organisation_that_does_not_exist_is_not_found(client):
    url = reverse("stewardship:claim", args=["5d6a9f55-5ef4-4b8a-9d35-0a4b7e0e0c11"])
    assert client.get(url).status_code == 404
    assert client.post(url, join_data()).status_code == 404


# Administrators ------------------------------------------------------------------------------


def test_the_list_shows_waiting_requests_oldest_first_in_few_queries(
    client, admin, django_assert_max_num_queries
):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=2)):
        older = a_join_request(organisation_name="Older Group")
    newer = a_join_request(organisation_name="Newer Group", ip_address="198.51.100.2")
    refused = a_join_request(organisation_name="Refused Group", ip_address="198.51.100.3")
    joining.join_request_refuse(
        actor=admin, join_request_id=refused.pk, reason="Not a family service."
    )
    sign_in(client, admin)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("stewardship:join-requests"))
    for n in range(10):
        a_join_request(organisation_name=f"Group {n}", ip_address=f"198.51.100.{10 + n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("stewardship:join-requests")).content.decode()
    assert len(few.captured_queries) <= 10
    assert page.index(older.reference) < page.index(newer.reference)
    assert "12 requests waiting, oldest first" in page
    assert page.index("Recently decided") < page.index("Refused Group")


def test_a_claim_shows_the_listing_and_its_current_editors(client, admin):
    organisation = OrganizationFactory(name="Vale Family Trust")
    editor_of(organisation, full_name="Priya Shah", email="priya@valetrust.example")
    claim = a_join_request(kind=JoinRequest.Kind.CLAIM, organization_id=organisation.pk)
    page = sign_in(client, admin).get(reverse("stewardship:join-request", args=[claim.pk]))
    html = page.content.decode()
    assert "The listing claimed" in html
    assert reverse("directory:organisation", args=[organisation.pk]) in html
    assert "Priya Shah (priya@valetrust.example)" in html


@pytest.mark.parametrize("roles", [[], ["organisation-editor"], ["agency-administrator"]])
def test_anyone_but_a_directory_administrator_gets_not_found_and_is_audited(client, roles):
    join_request = a_join_request()
    person = UserFactory(roles=roles)
    sign_in(client, person)
    detail = reverse("stewardship:join-request", args=[join_request.pk])
    assert client.get(reverse("stewardship:join-requests")).status_code == 404
    assert client.get(detail).status_code == 404
    approve = reverse("stewardship:join-request-approve", args=[join_request.pk])
    refuse = reverse("stewardship:join-request-refuse", args=[join_request.pk])
    assert client.post(approve).status_code == 404
    assert client.post(refuse, {"reason": "No."}).status_code == 404
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING
    refusals = AuditEvent.objects.filter(
        actor=person,
        record_type=joining.RECORD_TYPE,
        values__refused=selectors_joining.REFUSED_NOT_AN_ADMINISTRATOR,
    )
    assert refusals.count() == 4
    assert not Organization.objects.exists()


def test_signed_out_people_are_sent_to_sign_in(client):
    join_request = a_join_request()
    response = client.get(reverse("stewardship:join-request", args=[join_request.pk]))
    assert response.status_code == 302
    assert "sign-in" in response.url or "login" in response.url


def test_approving_a_join_creates_the_organisation_and_invites_the_contact(
    client, admin, committed
):
    join_request = a_join_request(company_number="SC123456")
    sign_in(client, admin)
    with committed(execute=True):
        response = client.post(reverse("stewardship:join-request-approve", args=[join_request.pk]))
    assert response.status_code == 302
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.APPROVED
    assert join_request.decided_by == admin
    organisation = join_request.organization
    assert organisation.name == "Wexford Parents' Forum"
    assert organisation.website == "https://wexfordparents.example/"
    identifiers = set(
        OrganizationIdentifier.objects.filter(organization=organisation).values_list(
            "identifier_scheme", "identifier_type", "identifier"
        )
    )
    assert identifiers == {
        ("GB-CHC", "Charity number", "1190001"),
        ("GB-COH", "Company number", "SC123456"),
    }
    # The contact is a new person, an organisation editor only, linked to the organisation
    person = User.objects.get(email=CONTACT)
    assert not person.has_usable_password()
    assert person.agency.name == "Wexford Parents' Forum"
    assert person.agency.kind == "voluntary_community"
    assert set(person.role_assignments.values_list("role__code", flat=True)) == {
        "organisation-editor"
    }
    assert OrganisationEditor.objects.filter(user=person, organization=organisation).exists()
    assert Invitation.objects.filter(user=person, invited_by=admin).count() == 1
    (invitation,) = outbox(template="invitation")
    assert invitation.to == CONTACT
    (decision,) = outbox(template="join_request_decision")
    assert decision.to == CONTACT
    assert decision.personalisation["decision"] == "approved"
    assert decision.personalisation["reason"] == ""
    # Audited
    assert AuditEvent.objects.filter(
        actor=admin, record_type="directory.organization", record_id=str(organisation.pk)
    ).exists()
    assert AuditEvent.objects.filter(
        actor=admin, record_type=joining.RECORD_TYPE, record_id=str(join_request.pk)
    ).exists()
    # The page says so
    page = client.get(response.url).content.decode()
    assert "has been sent an invitation" in page


def test_approving_a_claim_links_an_existing_person_and_gives_them_the_role(admin, committed):
    organisation = OrganizationFactory(name="Vale Family Trust")
    existing = UserFactory(email="sam@wexfordparents.example", roles=["practitioner"])
    claim = a_join_request(
        kind=JoinRequest.Kind.CLAIM,
        organization_id=organisation.pk,
        contact_email="SAM@wexfordparents.example",
    )
    with committed(execute=True):
        approval = joining.join_request_approve(
            actor=admin, join_request_id=claim.pk, request=http_request(admin)
        )
    assert approval.invited is False
    assert len(outbox(template="join_request_decision")) == 1
    assert approval.editor == existing
    assert OrganisationEditor.objects.filter(user=existing, organization=organisation).exists()
    assert set(existing.role_assignments.values_list("role__code", flat=True)) == {
        "practitioner",
        "organisation-editor",
    }
    assert Organization.objects.count() == 1  # no organisation is made for a claim
    assert not outbox(template="invitation")
    assert existing.has_perm("directory.edit_organization", organisation)


def test_approving_for_a_person_who_already_edits_it_changes_only_the_request(admin):
    organisation = OrganizationFactory()
    existing = editor_of(organisation, email=CONTACT)
    claim = a_join_request(kind=JoinRequest.Kind.CLAIM, organization_id=organisation.pk)
    joining.join_request_approve(actor=admin, join_request_id=claim.pk, request=http_request(admin))
    assert OrganisationEditor.objects.filter(user=existing).count() == 1
    assert RoleAssignment.objects.filter(user=existing).count() == 1


def test_approving_for_a_deactivated_account_is_refused_and_changes_nothing(
    client, admin, committed
):
    UserFactory(email=CONTACT, is_active=False)
    join_request = a_join_request()
    sign_in(client, admin)
    url = reverse("stewardship:join-request-approve", args=[join_request.pk])
    with committed(execute=True):
        page = client.get(client.post(url).url).content.decode()
    assert joining.ACCOUNT_DEACTIVATED in page
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING
    assert not Organization.objects.exists()
    assert not outbox(template="join_request_decision")


def test_refusing_needs_a_reason(client, admin):
    join_request = a_join_request()
    sign_in(client, admin)
    url = reverse("stewardship:join-request-refuse", args=[join_request.pk])
    response = client.post(url, {"reason": "   "})
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Error: " in page
    assert joining.REASON_REQUIRED in page
    assert 'href="#id_reason"' in page
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING
    with pytest.raises(joining.StewardshipError, match=joining.REASON_REQUIRED):
        joining.join_request_refuse(actor=admin, join_request_id=join_request.pk, reason="")


def test_refusing_with_a_reason_records_it_and_emails_it(client, admin, committed):
    join_request = a_join_request()
    sign_in(client, admin)
    url = reverse("stewardship:join-request-refuse", args=[join_request.pk])
    reason = "We could not confirm you work for this organisation."
    with committed(execute=True):
        response = client.post(url, {"reason": reason})
    assert response.status_code == 302
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.REFUSED
    assert join_request.reason == reason
    assert join_request.decided_by == admin
    (decision,) = outbox(template="join_request_decision")
    assert decision.to == CONTACT
    assert decision.personalisation["decision"] == "refused"
    assert decision.personalisation["reason"] == reason
    assert not Organization.objects.exists()
    event = AuditEvent.objects.get(
        record_type=joining.RECORD_TYPE, record_id=str(join_request.pk), action="change"
    )
    assert event.reason == reason


def test_deciding_twice_is_refused_clearly(client, admin, committed):
    join_request = a_join_request()
    sign_in(client, admin)
    with committed(execute=True):
        joining.join_request_refuse(actor=admin, join_request_id=join_request.pk, reason="No.")
        approve = reverse("stewardship:join-request-approve", args=[join_request.pk])
        page = client.get(client.post(approve).url).content.decode()
        assert "This request was already refused by" in page
        refuse = reverse("stewardship:join-request-refuse", args=[join_request.pk])
        page = client.get(client.post(refuse, {"reason": "Again"}).url).content.decode()
    assert "This request was already refused by" in page
    join_request.refresh_from_db()
    assert join_request.reason == "No."
    assert not Organization.objects.exists()
    assert len(outbox(template="join_request_decision")) == 1
    with pytest.raises(joining.StewardshipError, match="already refused"):
        joining.join_request_approve(
            actor=admin, join_request_id=join_request.pk, request=http_request(admin)
        )


def test_a_join_shows_organisations_already_listed_with_a_similar_name(client, admin):
    listed = OrganizationFactory(name="The Wexford Parents' Forum CIO")
    OrganizationFactory(name="Somewhere Else")
    join_request = a_join_request()
    page = sign_in(client, admin).get(reverse("stewardship:join-request", args=[join_request.pk]))
    html = page.content.decode()
    assert "Already in the directory" in html
    assert reverse("directory:organisation", args=[listed.pk]) in html
    assert "Somewhere Else" not in html


def test_nothing_typed_into_the_form_is_repeated_in_an_email(client, admin, committed):
    with committed(execute=True):
        ask(client, organisation_name="Win a prize at https://spam.example", contact_name="x")
    for message in outbox():
        assert "spam.example" not in str(message.personalisation)
    (received,) = outbox(template="join_request_received")
    assert received.personalisation["organisation_name"] == joining.UNNAMED_ORGANISATION


def test_a_name_too_long_for_the_service_is_refused_and_changes_nothing():
    with pytest.raises(joining.StewardshipError, match="200 characters or fewer"):
        a_join_request(organisation_name="x" * 201)
    assert not JoinRequest.objects.exists()
