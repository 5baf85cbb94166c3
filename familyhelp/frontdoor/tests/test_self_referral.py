"""Ask for help for your family: the public form, its abuse protection, and the reference sent."""

import datetime
import json

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from familyhelp.audit.models import AuditEvent
from familyhelp.core.notifications.testing import outbox
from familyhelp.core.tests.factories import PostcodeFactory
from familyhelp.frontdoor.models import Request
from familyhelp.frontdoor.services import self_referral as service
from familyhelp.frontdoor.services.common import decision_due_on

pytestmark = pytest.mark.django_db

URL = reverse("frontdoor:self-referral")
EMAIL = "parent@example.com"
PHONE = "07700 900982"
NAME = "Jo Parent"
WHO = "Ava Parent, 7, and Leo Parent, 3"
HELP = "Leo will not sleep and Ava is missing school. I am exhausted."
# Anything a message or the audit log must never carry.
PERSONAL = [EMAIL, "07700", NAME, "Ava", "Leo", "exhausted", "WX1"]


@pytest.fixture(autouse=True)
def postcode():
    return PostcodeFactory(postcode="WX1 2AB")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def token(seconds_ago=30):
    return service.form_token_new(at=timezone.now() - datetime.timedelta(seconds=seconds_ago))


def answers(**changes):
    data = {
        "who_needs_help": WHO,
        "help_with": HELP,
        "contact_name": NAME,
        "contact_phone": PHONE,
        "safe_to_leave_message": "no",
        "contact_by_text": "yes",
        "contact_email": EMAIL,
        "safe_contact_notes": "Only call on weekday mornings",
        "postcode": "wx12ab",
        "consent": "true",
        "nickname": "",
        "form_token": token(),
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def send(client, ip="203.0.113.9", **changes):
    return client.post(URL, answers(**changes), REMOTE_ADDR=ip)


def create(**changes):
    fields = {
        "who_needs_help": WHO,
        "help_with": HELP,
        "contact_name": NAME,
        "contact_email": EMAIL,
        "contact_phone": PHONE,
        "safe_to_leave_message": False,
        "contact_by_text": True,
        "postcode": "WX1 2AB",
        "consent_given": True,
        "form_token": token(),
        "ip_address": "198.51.100.4",
    }
    fields.update(changes)
    return service.self_referral_create(**fields)


def page(response) -> str:
    return response.content.decode()


def assert_nothing_personal(message):
    text = json.dumps(message.personalisation) + message.reference
    for detail in PERSONAL:
        assert detail not in text


def assert_refused(response, message, status=400):
    assert response.status_code == status
    content = page(response)
    assert "<title>Error: " in content
    assert "There is a problem" in content
    assert message.replace("’", "&#8217;") in content or message in content
    assert not Request.objects.exists()
    assert not outbox()


# Links and the form --------------------------------------------------------------------------


def test_the_home_page_and_service_pages_link_to_asking_for_help(client):
    from familyhelp.directory.tests.factories import ServiceFactory

    home = page(client.get(reverse("directory:home")))
    assert "Ask for help for your family" in home
    assert URL in home
    service_page = page(client.get(reverse("directory:service", args=[ServiceFactory().pk])))
    assert "Ask for help for your family" in service_page
    assert URL in service_page


def test_the_form_needs_no_sign_in_and_carries_a_fresh_token_and_a_hidden_honeypot(client):
    response = client.get(URL)
    assert response.status_code == 200
    content = page(response)
    assert "Ask for help for your family" in content
    assert 'name="form_token"' in content
    assert "<div hidden>" in content and 'name="nickname"' in content
    assert "may share it with the services that can help" in content


# Sending -------------------------------------------------------------------------------------


def test_a_request_goes_into_the_queue_with_a_reference_and_is_audited(client, committed):
    with committed(execute=True):
        response = send(client)
    assert response.status_code == 302
    kept = Request.objects.get()
    assert kept.kind == Request.Kind.SELF_REFERRAL
    assert kept.status == Request.Status.SUBMITTED
    assert kept.created_by is None and kept.family is None and kept.agency is None
    assert kept.consent_given and kept.contact_by_text and not kept.safe_to_leave_message
    assert (kept.contact_name, kept.contact_email, kept.contact_phone) == (NAME, EMAIL, PHONE)
    assert kept.postcode == "WX1 2AB" and kept.area == "WX1"
    assert kept.submitted_at is not None
    assert kept.decision_due_on == decision_due_on(kept.submitted_at)
    assert kept.ip_hash == service.ip_hash("203.0.113.9")
    # The confirmation page shows the reference in a panel
    confirmation = page(client.get(response.url))
    assert "Request sent" in confirmation and "govuk-panel" in confirmation
    assert kept.reference in confirmation
    assert "We have sent your reference number to your email address and your phone" in (
        confirmation
    )
    # Audited as the public, with no personal values and no IP address
    (event,) = AuditEvent.objects.filter(record_type="frontdoor.request", action="create")
    assert event.actor is None and event.actor_label == service.PUBLIC_ACTOR
    assert event.record_id == str(kept.pk)
    assert event.ip_address is None
    audited = json.dumps(event.values)
    assert kept.reference in audited
    for detail in PERSONAL:
        assert detail not in audited


def test_the_family_is_emailed_and_texted_the_reference_and_nothing_personal(committed):
    with committed(execute=True):
        kept = create()
    (email,) = outbox(template="self_referral_received")
    assert email.channel == "email" and email.to == EMAIL
    assert email.personalisation["reference"] == kept.reference
    assert email.personalisation["what_happens_next"] == service.WHAT_HAPPENS_NEXT
    (text,) = outbox(template="self_referral_received_sms")
    assert text.channel == "sms" and text.to == "07700900982"
    assert text.personalisation["reference"] == kept.reference
    for message in (email, text):
        assert_nothing_personal(message)


def test_no_text_unless_they_said_we_may_and_no_email_unless_one_was_given(committed):
    with committed(execute=True):
        create(contact_by_text=False, contact_email="")
    assert not outbox()


def test_messages_wait_for_the_commit(committed):
    with committed(execute=False) as callbacks:
        create()
    assert not outbox()
    assert len(callbacks) == 2


def test_the_confirmation_page_needs_a_signed_reference(client):
    assert client.get(reverse("frontdoor:self-referral-sent")).status_code == 404
    forged = reverse("frontdoor:self-referral-sent") + "?reference=ABCD-EFGH"
    assert client.get(forged).status_code == 404


# Bad answers ---------------------------------------------------------------------------------


def test_no_safe_way_to_contact_is_refused(client):
    response = send(client, contact_phone="", contact_email="", contact_by_text="no")
    assert_refused(response, service.NO_SAFE_CONTACT)
    assert 'href="#id_contact_phone"' in page(response)


def test_a_postcode_that_does_not_exist_is_refused(client):
    assert_refused(send(client, postcode="WX9 9ZZ"), "We cannot find the postcode WX9 9ZZ")
    assert_refused(send(client, postcode="not a postcode"), service.POSTCODE_FORMAT)


def test_consent_is_required(client):
    assert_refused(send(client, consent=None), service.CONSENT_REQUIRED)


def test_who_and_what_and_name_are_required(client):
    response = send(client, who_needs_help=" ", help_with="", contact_name="")
    for message in (service.WHO_REQUIRED, service.HELP_WITH_REQUIRED, service.NAME_REQUIRED):
        assert_refused(response, message)


def test_a_text_needs_a_mobile_and_a_phone_needs_an_answer_about_messages(client):
    assert_refused(
        send(client, contact_phone="01632 960 001", contact_by_text="yes"),
        service.TEXT_NEEDS_MOBILE,
    )
    assert_refused(send(client, safe_to_leave_message=None), service.MESSAGE_CHOICE_REQUIRED)
    assert_refused(send(client, contact_email="not-an-email"), service.EMAIL_INVALID)
    assert_refused(send(client, contact_phone="call me"), service.PHONE_INVALID)


def test_the_form_shown_again_keeps_the_answers(client):
    response = send(client, postcode="WX9 9ZZ")
    assert WHO in page(response)
    assert NAME in page(response)


def test_the_service_checks_the_answers_too():
    with pytest.raises(service.SelfReferralError) as refused:
        create(contact_phone="", contact_email="")
    assert str(refused.value) == service.NO_SAFE_CONTACT
    with pytest.raises(service.SelfReferralError, match="We cannot find the postcode"):
        create(postcode="WX9 9ZZ")
    with pytest.raises(service.SelfReferralError) as refused:
        create(consent_given=False)
    assert str(refused.value) == service.CONSENT_REQUIRED
    assert not Request.objects.exists()


# Abuse protection ----------------------------------------------------------------------------


def test_the_honeypot_refuses_the_request(client):
    assert_refused(send(client, nickname="Bot"), service.HONEYPOT_FILLED)


def test_a_form_sent_too_soon_after_it_was_shown_is_refused_and_can_be_sent_again(client):
    quick = token(seconds_ago=0)
    response = send(client, form_token=quick)
    assert_refused(response, service.TOO_FAST)
    # The same token is kept, so sending again a moment later works
    assert f'value="{quick}"' in page(response)
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=10)):
        assert send(client, form_token=quick).status_code == 302
    assert Request.objects.count() == 1


def test_a_form_open_for_too_long_is_refused_with_a_fresh_token(client):
    old = token(seconds_ago=service.TOKEN_MAX_SECONDS + 60)
    response = send(client, form_token=old)
    assert_refused(response, service.TOO_OLD)
    assert f'value="{old}"' not in page(response)
    assert 'name="form_token" value="' in page(response)


@pytest.mark.parametrize(
    "forge",
    [lambda: "", lambda: "made-up", lambda: service.form_token_new()[:-3] + "abc"],
    ids=["missing", "made-up", "signature-changed"],
)
def test_a_forged_or_missing_token_is_refused(client, forge):
    assert_refused(send(client, form_token=forge()), service.FORM_NOT_RECOGNISED)


def test_a_token_signed_for_something_else_is_refused():
    from django.core import signing

    other = signing.dumps({"shown": timezone.now().timestamp() - 60}, salt="something.else")
    with pytest.raises(service.SelfReferralRefused) as refused:
        service.form_token_check(other)
    assert refused.value.code == service.FORM_FORGED


@override_settings(SELF_REFERRALS_PER_IP_PER_HOUR=2)
def test_the_rate_limit_counts_requests_from_one_address_in_an_hour(client):
    assert send(client).status_code == 302
    assert send(client).status_code == 302
    response = send(client)
    assert response.status_code == 429
    assert "You have sent 2 requests in the last hour" in page(response)
    assert Request.objects.count() == 2
    # Another address is not held back
    assert send(client, ip="203.0.113.10").status_code == 302
    # An hour later the first address may send again
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61)):
        assert send(client, form_token=token()).status_code == 302
    assert Request.objects.count() == 4


def test_the_default_rate_limit_is_five_an_hour(settings):
    if hasattr(settings, "SELF_REFERRALS_PER_IP_PER_HOUR"):
        del settings.SELF_REFERRALS_PER_IP_PER_HOUR
    for _ in range(service.DEFAULT_PER_IP_PER_HOUR):
        create()
    with pytest.raises(service.SelfReferralRefused) as refused:
        create()
    assert refused.value.code == service.RATE_LIMITED
    assert Request.objects.count() == service.DEFAULT_PER_IP_PER_HOUR
