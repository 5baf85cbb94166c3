"""Email and text messages: one interface; GOV.UK Notify in production, an outbox otherwise."""

import json
import logging
import threading
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from notifications_python_client.authentication import decode_jwt_token, get_token_issuer
from notifications_python_client.errors import TokenError
from playwright.sync_api import expect

from familyhelp.core import notifications
from familyhelp.core.notifications.backends import notify
from familyhelp.core.notifications.testing import outbox
from familyhelp.core.testing import assert_accessible

ROOT = Path(__file__).resolve().parents[3]
NOTIFY_BACKEND = "familyhelp.core.notifications.backends.notify.NotifyBackend"
INVITATION_TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
RESET_TEMPLATE_ID = "9a1c7f5e-55a4-4b5f-a4a5-1f0b6bb4c9d2"

EMAIL_ADDRESS = "sam.taylor@wessexvale.example.gov.uk"
MOBILE = "07700 900 982"
PERSONALISATION = {"name": "Sam Taylor", "link": "https://familyhelp.example/invite/abc123"}


@dataclass
class NotifyRequest:
    path: str
    user_agent: str
    issuer: str
    body: dict


class FakeNotify:
    """GOV.UK Notify's v2 send endpoints on 127.0.0.1: checks the signed token, records requests."""

    def __init__(self, service_id, secret):
        self.service_id = service_id
        self.secret = secret
        self.requests = []
        self.refusal = None  # (status, body) to answer instead of accepting

    def answer(self, path, body):
        if self.refusal:
            return self.refusal
        notification_id = str(uuid.uuid4())
        content = (
            {"subject": "Join Family Help", "body": "...", "from_email": "help@notify.example"}
            if path.endswith("/email")
            else {"body": "...", "from_number": "FamilyHelp"}
        )
        return 201, {
            "id": notification_id,
            "reference": body.get("reference"),
            "content": content,
            "uri": f"https://api.notifications.service.gov.uk/v2/notifications/{notification_id}",
            "template": {
                "id": body["template_id"],
                "version": 1,
                "uri": f"https://api.notifications.service.gov.uk/v2/template/{body['template_id']}",
            },
        }


def _handler(fake):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the http.server API
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            try:
                decode_jwt_token(token, fake.secret)
            except TokenError as error:
                return self._reply(
                    403, {"errors": [{"error": "AuthError", "message": error.message}]}
                )
            fake.requests.append(
                NotifyRequest(self.path, self.headers["User-agent"], get_token_issuer(token), body)
            )
            return self._reply(*fake.answer(self.path, body))

        def _reply(self, status, payload):
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def fake_notify(settings, monkeypatch):
    fake = FakeNotify(service_id=str(uuid.uuid4()), secret=str(uuid.uuid4()))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        monkeypatch.delenv(proxy, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    settings.NOTIFICATIONS_BACKEND = NOTIFY_BACKEND
    settings.NOTIFY_API_KEY = f"familyhelp_test-{fake.service_id}-{fake.secret}"
    settings.NOTIFY_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}"
    settings.NOTIFY_TEMPLATES = {
        "invitation": INVITATION_TEMPLATE_ID,
        "password_reset": RESET_TEMPLATE_ID,
    }
    yield fake
    server.shutdown()
    server.server_close()
    thread.join()


def _assert_nothing_personal_logged(caplog):
    secrets_sent = [EMAIL_ADDRESS, "07700900982", "7700 900 982", *PERSONALISATION.values()]
    for record in caplog.records:
        text = record.getMessage()
        for secret in secrets_sent:
            assert secret not in text, f"{record.name} logged personal data: {text}"


# GOV.UK Notify backend, against a fake Notify on 127.0.0.1


@pytest.mark.django_db
def test_email_goes_to_notify_as_a_signed_request_with_the_template_id(fake_notify):
    # When the platform sends an invitation
    notification = notifications.send_email(
        to=EMAIL_ADDRESS,
        template="invitation",
        personalisation=PERSONALISATION,
        reference="invitation-42",
    )

    # Then Notify received one request, signed with the service's key, for the right template
    [request] = fake_notify.requests
    assert request.path == "/v2/notifications/email"
    assert request.issuer == fake_notify.service_id
    assert request.user_agent.startswith("NOTIFY-API-PYTHON-CLIENT/")
    assert request.body == {
        "email_address": EMAIL_ADDRESS,
        "template_id": INVITATION_TEMPLATE_ID,
        "personalisation": PERSONALISATION,
        "reference": "invitation-42",
    }
    # And the caller gets Notify's id back, and nothing went to the outbox
    assert uuid.UUID(notification.id)
    assert notification.channel == notifications.EMAIL
    assert notification.template == "invitation"
    assert notification.reference == "invitation-42"
    assert outbox() == []


@pytest.mark.django_db
def test_text_message_goes_to_notify_with_the_number_written_plainly(fake_notify):
    notifications.send_sms(
        to="+44 (0)7700-900 982", template="password_reset", personalisation={"code": "123456"}
    )

    [request] = fake_notify.requests
    assert request.path == "/v2/notifications/sms"
    assert request.body == {
        "phone_number": "07700900982",
        "template_id": RESET_TEMPLATE_ID,
        "personalisation": {"code": "123456"},
    }


@pytest.mark.django_db
def test_notify_refusing_a_message_is_a_clear_error_without_personal_data(fake_notify, caplog):
    # Given Notify refuses the message, quoting the address it was given
    fake_notify.refusal = (
        400,
        {
            "status_code": 400,
            "errors": [
                {
                    "error": "BadRequestError",
                    "message": f"Can't send to {EMAIL_ADDRESS} using a team-only API key",
                }
            ],
        },
    )
    caplog.set_level(logging.DEBUG)

    # When the platform sends an invitation
    with pytest.raises(notifications.NotificationError) as refused:
        notifications.send_email(
            to=EMAIL_ADDRESS, template="invitation", personalisation=PERSONALISATION
        )

    # Then the error says what Notify said, without the address
    assert str(refused.value) == notify.NOTIFY_REFUSED.format(
        channel="email",
        template="invitation",
        status=400,
        reason="Can't send to [redacted] using a team-only API key",
    )
    # And no log line names the person
    assert any("invitation" in record.getMessage() for record in caplog.records)
    _assert_nothing_personal_logged(caplog)


@pytest.mark.django_db
def test_a_wrong_api_key_is_refused_by_notify(fake_notify, settings):
    settings.NOTIFY_API_KEY = f"familyhelp_test-{fake_notify.service_id}-{uuid.uuid4()}"

    with pytest.raises(notifications.NotificationError, match=r"\(status 403\): Invalid token"):
        notifications.send_email(
            to=EMAIL_ADDRESS, template="invitation", personalisation=PERSONALISATION
        )
    assert fake_notify.requests == []


@pytest.mark.django_db
def test_notify_out_of_reach_is_a_clear_error(fake_notify, settings):
    # Given nothing listens where Notify should be
    settings.NOTIFY_BASE_URL = _url_nobody_listens_on()

    with pytest.raises(notifications.NotificationError) as failed:
        notifications.send_sms(to=MOBILE, template="invitation", personalisation={})

    assert str(failed.value) == notify.NOTIFY_REFUSED.format(
        channel="text message", template="invitation", status=503, reason="Request failed"
    )


def _url_nobody_listens_on():
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_address[1]
    server.server_close()
    return f"http://127.0.0.1:{port}"


@pytest.mark.django_db
def test_a_template_without_a_notify_id_is_named_in_the_error(fake_notify, settings):
    settings.NOTIFY_TEMPLATES = {"invitation": INVITATION_TEMPLATE_ID}

    with pytest.raises(notifications.NotificationError) as missing:
        notifications.send_email(to=EMAIL_ADDRESS, template="password_reset", personalisation={})

    assert str(missing.value) == notify.MISSING_TEMPLATE_ID.format(template="password_reset")
    assert "NOTIFY_TEMPLATES" in str(missing.value)
    assert fake_notify.requests == []


@pytest.mark.parametrize(
    ("api_key", "error"),
    [("", notify.MISSING_API_KEY), ("not-a-notify-key", notify.MALFORMED_API_KEY)],
)
def test_notify_needs_a_whole_api_key(settings, api_key, error):
    settings.NOTIFICATIONS_BACKEND = NOTIFY_BACKEND
    settings.NOTIFY_API_KEY = api_key

    with pytest.raises(notifications.NotificationError) as refused:
        notifications.send_email(to=EMAIL_ADDRESS, template="invitation", personalisation={})

    assert str(refused.value) == error


# The interface: validation, template names, the outbox backend


@pytest.mark.django_db
def test_the_outbox_keeps_what_would_have_been_sent():
    notification = notifications.send_email(
        to=EMAIL_ADDRESS,
        template="invitation",
        personalisation=PERSONALISATION,
        reference="invitation-42",
    )

    [message] = outbox()
    assert notification.id == str(message.pk)
    assert message.channel == "email"
    assert message.to == EMAIL_ADDRESS
    assert message.template == "invitation"
    assert message.personalisation == PERSONALISATION
    assert message.reference == "invitation-42"


@pytest.mark.django_db
def test_outbox_helper_finds_one_persons_messages():
    notifications.send_email(to=EMAIL_ADDRESS, template="invitation", personalisation={})
    notifications.send_sms(to=MOBILE, template="password_reset", personalisation={})
    notifications.send_email(to="alex@example.com", template="invitation", personalisation={})

    assert [m.template for m in outbox(to=EMAIL_ADDRESS)] == ["invitation"]
    assert [m.to for m in outbox(template="invitation")] == [EMAIL_ADDRESS, "alex@example.com"]
    assert [m.to for m in outbox(to="07700900982")] == ["07700900982"]


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["", "sam", "sam@", "@example.com", "sam @example.com", None])
def test_an_invalid_email_address_is_refused(address):
    with pytest.raises(notifications.NotificationError) as refused:
        notifications.send_email(to=address, template="invitation", personalisation={})

    assert str(refused.value) == notifications.INVALID_EMAIL
    assert outbox() == []


@pytest.mark.parametrize(
    "number",
    ["07700900982", "07700 900 982", "+447700900982", "+44 (0)7700 900982", "0044 7700 900982"],
)
def test_uk_mobile_numbers_are_written_one_way(number):
    assert notifications.normalise_uk_mobile(number) == "07700900982"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "number", ["", "01632 960001", "0770090098", "077009009821", "+1 202 555 0100", "call me", 7700]
)
def test_a_number_that_is_not_a_uk_mobile_is_refused(number):
    with pytest.raises(notifications.NotificationError) as refused:
        notifications.send_sms(to=number, template="invitation", personalisation={})

    assert str(refused.value) == notifications.INVALID_MOBILE
    assert outbox() == []


@pytest.mark.django_db
def test_an_unknown_template_name_is_a_clear_error():
    with pytest.raises(notifications.NotificationError) as unknown:
        notifications.send_email(to=EMAIL_ADDRESS, template="invitaton", personalisation={})

    assert str(unknown.value) == (
        "There is no notification template called 'invitaton'. "
        f"Known templates: {', '.join(sorted(notifications.TEMPLATES))}."
    )
    assert {"invitation", "password_reset"} <= set(notifications.TEMPLATES)
    assert outbox() == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "personalisation",
    [None, "name=Sam", {"name": {"first": "Sam"}}, {1: "Sam"}, {"ok": True}, {"list": [1, 2]}],
)
def test_personalisation_must_be_template_fields(personalisation):
    with pytest.raises(notifications.NotificationError) as refused:
        notifications.send_email(
            to=EMAIL_ADDRESS, template="invitation", personalisation=personalisation
        )

    assert str(refused.value) == notifications.INVALID_PERSONALISATION
    assert outbox() == []


@pytest.mark.django_db
def test_a_reference_longer_than_notify_allows_is_refused():
    with pytest.raises(notifications.NotificationError) as refused:
        notifications.send_email(
            to=EMAIL_ADDRESS, template="invitation", personalisation={}, reference="x" * 101
        )

    assert str(refused.value) == notifications.INVALID_REFERENCE


@pytest.mark.django_db
def test_sending_logs_the_template_and_reference_but_nothing_personal(caplog):
    caplog.set_level(logging.DEBUG)

    notifications.send_email(
        to=EMAIL_ADDRESS,
        template="invitation",
        personalisation=PERSONALISATION,
        reference="invitation-42",
    )
    notifications.send_sms(to=MOBILE, template="password_reset", personalisation=PERSONALISATION)

    messages = [
        record.getMessage() for record in caplog.records if record.name.startswith("familyhelp")
    ]
    assert "Sent email 'invitation' (reference 'invitation-42'" in messages[0]
    assert "Sent sms 'password_reset'" in messages[1]
    _assert_nothing_personal_logged(caplog)


# The outbox page


@pytest.mark.django_db
def test_the_outbox_page_does_not_exist_without_debug(client, settings):
    settings.DEBUG = False
    notifications.send_email(to=EMAIL_ADDRESS, template="invitation", personalisation={})

    response = client.get(reverse("core:outbox"))

    assert response.status_code == 404
    assert EMAIL_ADDRESS not in response.content.decode()


@pytest.mark.django_db
def test_the_outbox_page_lists_messages_newest_first_with_a_preview(client, settings):
    settings.DEBUG = True
    with time_machine.travel("2026-03-02 14:30 +00:00", tick=False):
        notifications.send_email(
            to=EMAIL_ADDRESS,
            template="invitation",
            personalisation=PERSONALISATION,
            reference="invitation-42",
        )
    with time_machine.travel("2026-03-02 15:05 +00:00", tick=False):
        notifications.send_sms(to=MOBILE, template="password_reset", personalisation={})

    response = client.get(reverse("core:outbox"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Outbox – Family Help</title>" in html
    assert html.index("07700900982") < html.index(EMAIL_ADDRESS)  # newest first
    assert "2 March 2026 at 2:30pm" in html
    assert (
        f'<h2 class="govuk-heading-m" id="message-{outbox()[0].pk}">Email to {EMAIL_ADDRESS}'
        in html
    )
    assert "invitation: Invitation to set a password and join Family Help" in html
    assert "https://familyhelp.example/invite/abc123" in html
    assert "invitation-42" in html


@pytest.mark.django_db
def test_the_empty_outbox_says_so(client, settings):
    settings.DEBUG = True

    response = client.get(reverse("core:outbox"))

    assert "No messages have been sent yet." in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 25])
def test_the_outbox_page_reads_the_database_once(
    client, settings, django_assert_num_queries, count
):
    settings.DEBUG = True
    for number in range(count):
        notifications.send_email(
            to=f"person{number}@example.com", template="invitation", personalisation={"n": "1"}
        )

    with django_assert_num_queries(1):
        response = client.get(reverse("core:outbox"))

    assert response.content.decode().count('<h2 class="govuk-heading-m" id="message-') == count


@pytest.mark.system
@pytest.mark.django_db(transaction=True)
def test_a_developer_reads_the_emails_the_platform_sent(live_server, page):
    # Given the platform sent an invitation on a development copy
    notifications.send_email(
        to=EMAIL_ADDRESS, template="invitation", personalisation=PERSONALISATION
    )
    with override_settings(DEBUG=True):
        # When the developer opens the outbox and follows the message's link
        page.goto(live_server.url + reverse("core:outbox"))
        expect(page.get_by_role("heading", level=1, name="Outbox")).to_be_visible()
        assert_accessible(page)
        page.get_by_role("table").get_by_role("link").first.click()

        # Then they read who it went to and what it said
        expect(
            page.get_by_role("heading", level=2, name=f"Email to {EMAIL_ADDRESS}")
        ).to_be_visible()
        expect(page.get_by_text("https://familyhelp.example/invite/abc123")).to_be_visible()
        assert_accessible(page)
