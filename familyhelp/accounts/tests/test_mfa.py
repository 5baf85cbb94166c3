"""The second factor: who needs it, the middleware, set-up, the code page and recovery codes."""

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path, reverse
from django.utils.http import urlencode
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.urls import urlpatterns as site_urlpatterns
from familyhelp.accounts import mfa
from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.audit.models import AuditEvent


@login_required
def ordinary_signed_in_page(request):
    return HttpResponse("The ordinary page")


# This module doubles as the URLconf: the whole site, plus one plain signed-in page.
urlpatterns = [
    path("ordinary-page/", ordinary_signed_in_page, name="ordinary-page"),
    *site_urlpatterns,
]
pytestmark = pytest.mark.urls(__name__)

NOON = datetime(2026, 3, 2, 12, 0, 5, tzinfo=UTC)
ORDINARY = "/ordinary-page/"


# Helpers shared with the other test_mfa files


def code_for(device, *, at=None):
    """What the person's app shows now (or at `at`), from the device's own parameters."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at.timestamp()
    return f"{totp.token():0{device.digits}d}"


def confirmed_device(user):
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def recovery_codes_for(user, codes=("abcd2345", "efgh6723")):
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    for code in codes:
        StaticToken.objects.create(device=device, token=code)
    return device


def signed_in(user, *, verified_with=None, satisfied_by=None):
    client = Client()
    client.force_login(user)
    if verified_with or satisfied_by:
        session = client.session
        if verified_with:
            session[DEVICE_ID_SESSION_KEY] = verified_with.persistent_id
        if satisfied_by:
            session[mfa.SATISFIED_BY_SESSION_KEY] = satisfied_by
        session.save()
    return client


def events(action, user):
    """The values of the person's audit events of that action about their second factor."""
    found = AuditEvent.objects.filter(action=action, actor=user).order_by("sequence")
    return [
        event.values
        for event in found
        if "second_factor" in event.values or "second_factor" in str(event.values.get("step"))
    ]


def with_next(url_name, next_url=ORDINARY):
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


@pytest.fixture
def practitioner(db):
    return UserFactory(email="jo.practitioner@wessexvale.example", roles=["practitioner"])


# Who needs a second factor


@pytest.mark.parametrize(
    ("roles", "staff", "superuser", "needed"),
    [
        (["practitioner"], False, False, True),
        (["family-keyworker", "data-analyst"], False, False, True),
        (["data-analyst"], False, False, False),
        ([], False, False, False),
        ([], True, False, True),
        ([], True, True, True),
    ],
)
def test_who_needs_a_second_factor(db, roles, staff, superuser, needed):
    person = UserFactory(roles=roles, is_staff=staff, is_superuser=superuser)
    assert mfa.second_factor_required(person) is needed


def test_a_deactivated_person_needs_nothing_because_they_cannot_sign_in(db):
    person = UserFactory(roles=["practitioner"], is_active=False)
    assert mfa.second_factor_required(person) is False


# The middleware


def test_a_person_without_an_app_is_sent_to_set_one_up_before_any_signed_in_page(practitioner):
    response = signed_in(practitioner).get(ORDINARY)
    assert response.status_code == 302
    assert response["Location"] == with_next("accounts:second-factor-set-up")


def test_a_person_with_an_app_is_asked_for_a_code_before_any_signed_in_page(practitioner):
    confirmed_device(practitioner)
    response = signed_in(practitioner).get(ORDINARY + "?page=2")
    assert response.status_code == 302
    assert response["Location"] == with_next("accounts:second-factor", ORDINARY + "?page=2")


def test_posting_to_a_signed_in_page_without_a_second_factor_changes_nothing(practitioner):
    confirmed_device(practitioner)
    response = signed_in(practitioner).post(ORDINARY)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:second-factor"))


def test_the_django_admin_is_not_exempt(db):
    staff = UserFactory(is_staff=True, is_superuser=True, roles=[])
    response = signed_in(staff).get("/django-admin/")
    assert response.status_code == 302
    assert response["Location"] == with_next("accounts:second-factor-set-up", "/django-admin/")


def test_the_django_admin_opens_once_the_code_is_entered(db):
    staff = UserFactory(is_staff=True, is_superuser=True, roles=[])
    device = confirmed_device(staff)
    assert signed_in(staff, verified_with=device).get("/django-admin/").status_code == 200


def test_a_verified_person_reaches_signed_in_pages(practitioner):
    device = confirmed_device(practitioner)
    response = signed_in(practitioner, verified_with=device).get(ORDINARY)
    assert response.status_code == 200


def test_an_unconfirmed_device_in_the_session_does_not_count(practitioner):
    device = TOTPDevice.objects.create(user=practitioner, confirmed=False)
    response = signed_in(practitioner, verified_with=device).get(ORDINARY)
    assert response["Location"].startswith(reverse("accounts:second-factor-set-up"))


def test_another_persons_device_in_the_session_does_not_count(practitioner):
    someone_else = confirmed_device(UserFactory(roles=["practitioner"]))
    response = signed_in(practitioner, verified_with=someone_else).get(ORDINARY)
    assert response.status_code == 302


def test_a_trusted_single_sign_on_stands_in_for_the_code(practitioner):
    client = signed_in(practitioner, satisfied_by="sso:wessex-entra")
    assert client.get(ORDINARY).status_code == 200


def test_a_role_without_personal_data_needs_no_second_factor(db):
    analyst = UserFactory(roles=["data-analyst"])
    assert signed_in(analyst).get(ORDINARY).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/privacy/",
        "/api/oruk/services",
        "/api/docs/",
        "/account/second-factor/set-up/",
        "/static/css/application.css",
    ],
)
def test_public_pages_and_the_second_factor_pages_stay_open(practitioner, url):
    response = signed_in(practitioner).get(url)
    assert response.status_code == 200, response.get("Location")


def test_signing_out_stays_open(practitioner):
    client = signed_in(practitioner)
    response = client.post(reverse("accounts:sign-out"))
    assert response["Location"] == reverse("accounts:signed-out")
    assert "_auth_user_id" not in client.session


def test_the_session_timeout_ping_stays_open(practitioner):
    response = signed_in(practitioner).post(reverse("accounts:keep-alive"))
    assert response.status_code == 204


def test_signed_out_visitors_are_left_to_the_page_itself(db):
    response = Client().get("/django-admin/")
    assert response.status_code == 302
    assert "/account/second-factor" not in response["Location"]


@override_settings(MFA_SKIPPED_FOR_DEMO=True)
def test_the_demo_setting_lets_people_through_and_says_so_in_the_session(practitioner):
    client = signed_in(practitioner)
    assert client.get(ORDINARY).status_code == 200
    assert client.session[mfa.SATISFIED_BY_SESSION_KEY] == "demo"


def test_without_the_demo_setting_nobody_is_let_through(practitioner, settings):
    assert settings.MFA_SKIPPED_FOR_DEMO is False
    client = signed_in(practitioner)
    assert client.get(ORDINARY).status_code == 302
    assert mfa.SATISFIED_BY_SESSION_KEY not in client.session


# Setting up an authenticator app


def test_the_set_up_page_shows_a_qr_code_and_the_key_and_keeps_them_on_reload(practitioner):
    client = signed_in(practitioner)
    first = client.get(reverse("accounts:second-factor-set-up")).content.decode()
    second = client.get(reverse("accounts:second-factor-set-up")).content.decode()
    device = TOTPDevice.objects.get(user=practitioner)
    assert device.confirmed is False
    secret = mfa.totp_secret_text(device)
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", secret)
    assert secret in first and secret in second
    svg = re.search(r"<svg.*?</svg>", first, re.S).group(0)
    assert 'class="segno"' in svg
    assert "style" not in svg and "<script" not in svg
    assert "Enter the 6-digit code" in first


def test_the_qr_code_holds_the_otpauth_link_for_the_person(practitioner):
    device = mfa.totp_device_for_set_up(user=practitioner)
    assert device.config_url.startswith("otpauth://totp/Family%20Help%3Ajo.practitioner")
    assert "issuer=Family%20Help" in device.config_url


@time_machine.travel(NOON, tick=False)
def test_entering_the_code_confirms_the_app_gives_recovery_codes_and_is_audited(practitioner):
    client = signed_in(practitioner)
    client.get(reverse("accounts:second-factor-set-up"))
    device = TOTPDevice.objects.get(user=practitioner)

    response = client.post(with_next("accounts:second-factor-set-up"), {"code": code_for(device)})

    assert response.status_code == 302
    assert response["Location"] == with_next("accounts:second-factor-recovery-codes")
    device.refresh_from_db()
    assert device.confirmed is True
    tokens = list(StaticToken.objects.filter(device__user=practitioner))
    assert len(tokens) == 10
    assert len({token.token for token in tokens}) == 10
    assert client.get(ORDINARY).status_code == 200
    [enrolled] = events("change", practitioner)
    assert enrolled == {"second_factor": "authenticator_app_set_up", "recovery_codes": 10}
    assert not any(token.token in str(enrolled) for token in tokens)


@time_machine.travel(NOON, tick=False)
def test_a_wrong_code_at_set_up_is_refused_and_audited(practitioner):
    client = signed_in(practitioner)
    client.get(reverse("accounts:second-factor-set-up"))
    device = TOTPDevice.objects.get(user=practitioner)
    wrong = code_for(device, at=NOON - timedelta(minutes=5))

    response = client.post(reverse("accounts:second-factor-set-up"), {"code": wrong})

    assert response.status_code == 200
    page = response.content.decode()
    assert mfa.CODE_DID_NOT_WORK in page
    assert "<title>Error: " in page
    device.refresh_from_db()
    assert device.confirmed is False
    assert not StaticDevice.objects.filter(user=practitioner).exists()
    assert events("sign_in_failed", practitioner) == [
        {"step": "second_factor_set_up", "why": "wrong_code"}
    ]


@pytest.mark.parametrize(
    ("code", "message"),
    [("", mfa.CODE_REQUIRED), ("12345", mfa.CODE_FORMAT), ("12345a", mfa.CODE_FORMAT)],
)
def test_a_code_that_is_not_6_digits_is_explained(practitioner, code, message):
    client = signed_in(practitioner)
    response = client.post(reverse("accounts:second-factor-set-up"), {"code": code})
    assert message in response.content.decode()
    assert events("sign_in_failed", practitioner) == []
    assert TOTPDevice.objects.get(user=practitioner).throttling_failure_count == 0


@time_machine.travel(NOON, tick=False)
def test_a_code_typed_with_a_space_is_accepted(practitioner):
    client = signed_in(practitioner)
    client.get(reverse("accounts:second-factor-set-up"))
    code = code_for(TOTPDevice.objects.get(user=practitioner))
    response = client.post(
        reverse("accounts:second-factor-set-up"), {"code": f"{code[:3]} {code[3:]}"}
    )
    assert response.status_code == 302


def test_someone_with_an_app_is_sent_from_set_up_to_the_code_page(practitioner):
    confirmed_device(practitioner)
    response = signed_in(practitioner).get(with_next("accounts:second-factor-set-up"))
    assert response["Location"] == with_next("accounts:second-factor")
    assert TOTPDevice.objects.filter(user=practitioner).count() == 1


def test_an_open_set_up_page_cannot_add_a_second_app_after_one_is_confirmed(practitioner):
    device = mfa.totp_device_for_set_up(user=practitioner)
    confirmed_device(practitioner)
    with pytest.raises(mfa.MfaError, match=mfa.ALREADY_SET_UP):
        mfa.totp_device_confirm(
            request=None, user=practitioner, device_id=device.pk, token=code_for(device)
        )


# Recovery codes after set-up


@time_machine.travel(NOON, tick=False)
def test_recovery_codes_are_shown_once_and_the_person_confirms_they_saved_them(practitioner):
    client = signed_in(practitioner)
    client.get(reverse("accounts:second-factor-set-up"))
    device = TOTPDevice.objects.get(user=practitioner)
    client.post(with_next("accounts:second-factor-set-up"), {"code": code_for(device)})
    url = with_next("accounts:second-factor-recovery-codes")

    page = client.get(url).content.decode()
    for token in StaticToken.objects.filter(device__user=practitioner):
        assert f"{token.token[:4]} {token.token[4:]}" in page
    refused = client.post(url, {})
    assert mfa_views_confirm_saved() in refused.content.decode()

    response = client.post(url, {"saved": "true"})
    assert response["Location"] == ORDINARY
    again = client.get(url)
    assert again["Location"].startswith(reverse("accounts:second-factor-new-recovery-codes"))


def mfa_views_confirm_saved():
    from familyhelp.accounts.views.mfa import CONFIRM_SAVED

    return CONFIRM_SAVED


# The code page


@pytest.fixture
def enrolled(practitioner):
    with time_machine.travel(NOON - timedelta(days=1), tick=False):
        device = confirmed_device(practitioner)
    recovery_codes_for(practitioner)
    return device


@time_machine.travel(NOON, tick=False)
def test_the_right_code_lets_the_person_in_and_is_audited(practitioner, enrolled):
    client = signed_in(practitioner)
    response = client.post(with_next("accounts:second-factor"), {"code": code_for(enrolled)})
    assert response["Location"] == ORDINARY
    assert client.get(ORDINARY).status_code == 200
    assert events("sign_in", practitioner) == [
        {"step": "second_factor", "method": "authenticator_app"}
    ]


@time_machine.travel(NOON, tick=False)
def test_a_wrong_code_is_refused_changes_nothing_and_is_audited(practitioner, enrolled):
    client = signed_in(practitioner)
    wrong = code_for(enrolled, at=NOON + timedelta(minutes=10))
    response = client.post(with_next("accounts:second-factor"), {"code": wrong})
    assert response.status_code == 200
    assert mfa.CODE_DID_NOT_WORK in response.content.decode()
    assert client.get(ORDINARY).status_code == 302
    enrolled.refresh_from_db()
    assert enrolled.last_t == -1
    assert events("sign_in_failed", practitioner) == [
        {"step": "second_factor", "why": "wrong_code"}
    ]


def test_a_replayed_code_is_refused_and_audited_as_a_replay(practitioner, enrolled):
    with time_machine.travel(NOON, tick=False):
        code = code_for(enrolled)
        first = signed_in(practitioner)
        first.post(with_next("accounts:second-factor"), {"code": code})
        assert first.get(ORDINARY).status_code == 200
    enrolled.refresh_from_db()
    last_t = enrolled.last_t
    # Someone who saw the code uses it ten seconds later, still inside its 30-second window.
    with time_machine.travel(NOON + timedelta(seconds=10), tick=False):
        second = signed_in(practitioner)
        response = second.post(with_next("accounts:second-factor"), {"code": code})
        assert response.status_code == 200
        assert mfa.CODE_DID_NOT_WORK in response.content.decode()
        assert second.get(ORDINARY).status_code == 302
    assert DEVICE_ID_SESSION_KEY not in second.session
    assert mfa.SATISFIED_BY_SESSION_KEY not in second.session
    enrolled.refresh_from_db()
    assert enrolled.last_t == last_t
    assert enrolled.confirmed
    assert events("sign_in", practitioner) == [
        {"step": "second_factor", "method": "authenticator_app"}
    ]
    assert events("sign_in_failed", practitioner) == [{"step": "second_factor", "why": "replayed"}]
    [failed] = AuditEvent.objects.filter(action="sign_in_failed")
    assert code not in str(failed.values)


def test_too_many_wrong_codes_are_throttled_with_a_clear_message(practitioner, enrolled):
    wrong = code_for(enrolled, at=NOON + timedelta(minutes=10))
    with time_machine.travel(NOON, tick=False) as traveller:
        client = signed_in(practitioner)
        client.post(reverse("accounts:second-factor"), {"code": wrong})
        traveller.shift(timedelta(seconds=2))
        client.post(reverse("accounts:second-factor"), {"code": wrong})
        # Two failures: django-otp wants 2 seconds before the next try, even with the right code.
        response = client.post(reverse("accounts:second-factor"), {"code": code_for(enrolled)})
        assert mfa.TOO_MANY_ATTEMPTS.format(wait="2 seconds") in response.content.decode()
        assert client.get(ORDINARY).status_code == 302
        assert [event["why"] for event in events("sign_in_failed", practitioner)] == [
            "wrong_code",
            "wrong_code",
            "throttled",
        ]
        traveller.shift(timedelta(seconds=3))
        response = client.post(with_next("accounts:second-factor"), {"code": code_for(enrolled)})
        assert response["Location"] == ORDINARY


@time_machine.travel(NOON, tick=False)
def test_a_next_address_on_another_site_is_ignored(practitioner, enrolled):
    client = signed_in(practitioner)
    response = client.post(
        reverse("accounts:second-factor") + "?next=https://evil.example/",
        {"code": code_for(enrolled)},
    )
    assert response["Location"] == reverse("accounts:home")


def test_the_code_page_sends_someone_without_an_app_to_set_up(practitioner):
    response = signed_in(practitioner).get(with_next("accounts:second-factor"))
    assert response["Location"] == with_next("accounts:second-factor-set-up")


def test_the_code_page_offers_a_recovery_code_instead(practitioner, enrolled):
    page = signed_in(practitioner).get(with_next("accounts:second-factor")).content.decode()
    assert "Use a recovery code instead" in page
    assert with_next("accounts:second-factor-recovery-code").replace("&", "&amp;") in page


# Signing in with a recovery code


def test_a_recovery_code_lets_the_person_in_once(practitioner, enrolled):
    client = signed_in(practitioner)
    url = with_next("accounts:second-factor-recovery-code")
    response = client.post(url, {"code": "ABCD-2345"})
    assert response.status_code == 200
    assert "You have 1 recovery code left" in response.content.decode()
    assert client.get(ORDINARY).status_code == 200
    assert not StaticToken.objects.filter(token="abcd2345").exists()
    assert events("sign_in", practitioner) == [
        {"step": "second_factor", "method": "recovery_code", "recovery_codes_left": 1}
    ]

    again = signed_in(practitioner)
    with time_machine.travel(datetime.now(UTC) + timedelta(seconds=5)):
        response = again.post(url, {"code": "abcd 2345"})
    assert mfa.RECOVERY_CODE_DID_NOT_WORK in response.content.decode()
    assert again.get(ORDINARY).status_code == 302
    assert events("sign_in_failed", practitioner) == [
        {"step": "second_factor", "why": "wrong_recovery_code"}
    ]


@pytest.mark.parametrize(
    ("code", "message"),
    [("", mfa.RECOVERY_CODE_REQUIRED), ("abc", mfa.RECOVERY_CODE_FORMAT)],
)
def test_a_recovery_code_in_the_wrong_form_is_explained(practitioner, enrolled, code, message):
    response = signed_in(practitioner).post(
        reverse("accounts:second-factor-recovery-code"), {"code": code}
    )
    assert message in response.content.decode()


def test_no_recovery_codes_left_says_who_can_help(practitioner, enrolled):
    StaticToken.objects.filter(device__user=practitioner).delete()
    response = signed_in(practitioner).post(
        reverse("accounts:second-factor-recovery-code"), {"code": "abcd2345"}
    )
    assert mfa.NO_RECOVERY_CODES in response.content.decode()


# New recovery codes


def test_new_recovery_codes_need_the_second_factor_first(practitioner, enrolled):
    client = signed_in(practitioner)
    response = client.post(reverse("accounts:second-factor-new-recovery-codes"))
    assert response["Location"].startswith(reverse("accounts:second-factor"))
    assert StaticToken.objects.filter(device__user=practitioner).count() == 2


def test_new_recovery_codes_replace_the_old_ones_and_are_audited(practitioner, enrolled):
    client = signed_in(practitioner, verified_with=enrolled)
    page = client.get(reverse("accounts:second-factor-new-recovery-codes")).content.decode()
    assert "You have 2 recovery codes left" in page

    response = client.post(reverse("accounts:second-factor-new-recovery-codes"))

    assert response["Location"].startswith(reverse("accounts:second-factor-recovery-codes"))
    codes = set(
        StaticToken.objects.filter(device__user=practitioner).values_list("token", flat=True)
    )
    assert len(codes) == 10
    assert not codes & {"abcd2345", "efgh6723"}
    shown = client.get(response["Location"]).content.decode()
    assert all(f"{code[:4]} {code[4:]}" in shown for code in codes)
    assert events("change", practitioner) == [
        {"second_factor": "recovery_codes_renewed", "recovery_codes": 10}
    ]
