"""The second factor: time-based one-time codes (django-otp), recovery codes, reset, enforcement.

Who needs one: anyone holding a role with `requires_mfa`, and staff or superusers (the Django
admin). A request has satisfied it when django-otp verified a device in this session, or when
`session["accounts.mfa_satisfied_by"]` is set (an agency's SSO provider trusted to do MFA, or
"demo" under MFA_SKIPPED_FOR_DEMO). MfaRequiredMiddleware sends everyone else to set-up or to the
code page before any other signed-in page, the Django admin included.

Services check, change and audit in one transaction. A refused code is audited and, through
django-otp's ThrottlingMixin, counted towards the device's back-off; so the audit record and the
throttle count are committed before the refusal is raised.
"""

import logging
import re
import time
from base64 import b32encode
from urllib.parse import urlencode

import django_otp
import segno
from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from markupsafe import Markup

from familyhelp.accounts.models import User
from familyhelp.accounts.services import USER_RECORD_TYPE, user_end_sessions
from familyhelp.audit.services import audit_record
from familyhelp.core import notifications

logger = logging.getLogger(__name__)

SATISFIED_BY_SESSION_KEY = "accounts.mfa_satisfied_by"
# Recovery codes just made, kept until the person confirms they saved them (shown once).
NEW_RECOVERY_CODES_SESSION_KEY = "accounts.mfa_new_recovery_codes"
SATISFIED_BY_DEMO = "demo"

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"

CODE_REQUIRED = "Enter the 6-digit code from your authenticator app"
CODE_FORMAT = "The code must be 6 digits, like 123456"
CODE_DID_NOT_WORK = (
    "That code did not work. Enter the newest code your authenticator app shows, "
    "and wait for a new one if you have already used it"
)
TOO_MANY_ATTEMPTS = "You have entered too many codes that did not work. Wait {wait}, then try again"
RECOVERY_CODE_REQUIRED = "Enter one of your recovery codes"
RECOVERY_CODE_FORMAT = "A recovery code is 8 letters and numbers, like abcd 2345"
RECOVERY_CODE_DID_NOT_WORK = (
    "That recovery code did not work. Check it, or use another one: each code works only once"
)
NO_RECOVERY_CODES = (
    "You have no recovery codes left. Ask your administrator to reset your second factor"
)
SET_UP_STARTED_AGAIN = "Your set-up has expired. Scan the new QR code and enter the code it gives"
ALREADY_SET_UP = "You have already set up an authenticator app"
NOT_SET_UP = "Set up an authenticator app first"
CANNOT_RESET_YOURSELF = (
    "You cannot reset your own second factor. Ask another administrator to do it"
)
NOT_PERMITTED = "You cannot reset this person's second factor"
NOTHING_TO_RESET = "{person} has not set up a second factor, so there is nothing to reset"

CODE_PATTERN = re.compile(r"\d{6}")
RECOVERY_CODE_PATTERN = re.compile(r"[a-z2-7]{8}")
_SPACES_AND_DASHES = re.compile(r"[\s\-]")


class MfaError(Exception):
    pass


class MfaNotPermitted(MfaError):
    """The actor may not manage that person: views answer 404, so nothing is confirmed."""


# Who needs it, and has it been done


def second_factor_required(user) -> bool:
    """Whether this person must use a second factor: a role that asks for it, or staff."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return user.role_assignments.filter(role__requires_mfa=True).exists()


def second_factor_satisfied(request) -> bool:
    """A device was verified in this session, or SSO (or the demo) stands in for it."""
    if request.session.get(SATISFIED_BY_SESSION_KEY):
        return True
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


def totp_device_get(user) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def person_get(person_id) -> User | None:
    """The person an administrator asks to reset; whether they may is the service's question."""
    return User.objects.select_related("agency").filter(pk=person_id).first()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# Setting up an authenticator app


def totp_device_for_set_up(*, user: User) -> TOTPDevice:
    """The unconfirmed device the set-up page shows, made once so its secret stays the same."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
        if device is None:
            device = TOTPDevice(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
            device.full_clean()
            device.save(force_insert=True)
    return device


def totp_secret_text(device: TOTPDevice) -> str:
    """The secret as an app asks for it when typed in: base32, in groups of 4."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_code_svg(device: TOTPDevice) -> Markup:
    """The device's otpauth:// link as an inline SVG QR code (no style attributes, for the CSP)."""
    qr_code = segno.make(device.config_url, error="m", micro=False)
    svg = qr_code.svg_inline(
        scale=4, border=4, dark="#0b0c0c", light="#ffffff", title="QR code for your app"
    )
    return Markup(svg)  # noqa: S704 - segno's own output; the only text in it is escaped


def totp_device_confirm(*, request, user: User, device_id: int, token: str) -> list[str]:
    """Confirm the app the person just set up, and give them their recovery codes."""
    error = None
    codes: list[str] = []
    with transaction.atomic():
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise MfaError(ALREADY_SET_UP)
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False, pk=device_id)
            .first()
        )
        if device is None:
            raise MfaError(SET_UP_STARTED_AGAIN)
        error, why = _check_totp(device, token)
        if error:
            _audit_failure(request, user, step="second_factor_set_up", why=why)
        else:
            device.confirmed = True
            device.full_clean()
            device.save()
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            codes = _replace_recovery_codes(user)
            audit_record(
                actor=user,
                action="change",
                record_type=USER_RECORD_TYPE,
                record_id=user.pk,
                fields_changed=["second_factor"],
                values={"second_factor": "authenticator_app_set_up", "recovery_codes": len(codes)},
                request=request,
            )
    if error:
        raise MfaError(error)
    django_otp.login(request, device)
    request.session[NEW_RECOVERY_CODES_SESSION_KEY] = codes
    return codes


# Signing in with the second factor


def totp_verify(*, request, user: User, token: str) -> None:
    """Accept a code from the person's app for this session, or raise MfaError saying why not."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=True)
            .order_by("pk")
            .first()
        )
        if device is None:
            raise MfaError(NOT_SET_UP)
        error, why = _check_totp(device, token)
        if error:
            _audit_failure(request, user, step="second_factor", why=why)
        else:
            _audit_success(request, user, method="authenticator_app")
    if error:
        raise MfaError(error)
    django_otp.login(request, device)


def recovery_code_verify(*, request, user: User, code: str) -> int:
    """Accept one recovery code (it stops working at once); returns how many are left."""
    code = normalise_recovery_code(code)
    error = None
    with transaction.atomic():
        device = (
            StaticDevice.objects.select_for_update()
            .filter(user=user, confirmed=True)
            .order_by("pk")
            .first()
        )
        if device is None or not device.token_set.exists():
            _audit_failure(request, user, step="second_factor", why="no_recovery_codes")
            error = NO_RECOVERY_CODES
        else:
            allowed, details = device.verify_is_allowed()
            if not allowed:
                error = _throttled_message(details)
                _audit_failure(request, user, step="second_factor", why="throttled")
            elif device.verify_token(code):
                left = device.token_set.count()
                _audit_success(request, user, method="recovery_code", recovery_codes_left=left)
            else:
                error = RECOVERY_CODE_DID_NOT_WORK
                _audit_failure(request, user, step="second_factor", why="wrong_recovery_code")
    if error:
        raise MfaError(error)
    django_otp.login(request, device)
    return left


def normalise_recovery_code(code: str) -> str:
    return _SPACES_AND_DASHES.sub("", code or "").lower()


def recovery_codes_renew(*, request, user: User) -> list[str]:
    """New recovery codes for a person who has signed in with their second factor."""
    with transaction.atomic():
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise MfaError(NOT_SET_UP)
        codes = _replace_recovery_codes(user)
        audit_record(
            actor=user,
            action="change",
            record_type=USER_RECORD_TYPE,
            record_id=user.pk,
            fields_changed=["second_factor"],
            values={"second_factor": "recovery_codes_renewed", "recovery_codes": len(codes)},
            request=request,
        )
    request.session[NEW_RECOVERY_CODES_SESSION_KEY] = codes
    return codes


# An administrator resets a person's second factor


def second_factor_reset(*, actor: User, person: User, request=None) -> int:
    """Remove the person's app and recovery codes and end their sessions; they set up again.

    Returns how many of their sessions were ended.
    """
    refusal = None
    if person.pk == actor.pk:
        refusal, why = CANNOT_RESET_YOURSELF, "own_account"
    elif not actor.has_perm("accounts.reset_second_factor", person):
        refusal, why = NOT_PERMITTED, "not_permitted"
    if refusal:
        with transaction.atomic():
            _audit_refused_reset(actor, person, why, request)
        if why == "not_permitted":
            raise MfaNotPermitted(refusal)
        raise MfaError(refusal)

    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        totp_removed, _ = TOTPDevice.objects.filter(user=person).delete()
        static_devices = StaticDevice.objects.filter(user=person)
        recovery_removed = static_devices.count()
        static_devices.delete()
        if not totp_removed and not recovery_removed:
            _audit_refused_reset(actor, person, "nothing_to_reset", request)
            refusal = NOTHING_TO_RESET.format(person=person)
        else:
            ended = user_end_sessions(person)
            audit_record(
                actor=actor,
                action="change",
                record_type=USER_RECORD_TYPE,
                record_id=person.pk,
                fields_changed=["second_factor"],
                values={"second_factor": "reset", "sessions_ended": ended},
                request=request,
            )
            transaction.on_commit(
                lambda: _tell_them_it_was_reset(person=person, actor=actor),
            )
    if refusal:
        raise MfaError(refusal)
    return ended


def _tell_them_it_was_reset(*, person: User, actor: User) -> None:
    reference = f"second-factor-reset-{person.pk}-{int(time.time())}"
    try:
        notifications.send_email(
            to=person.email,
            template="second_factor_reset",
            personalisation={
                "name": person.get_short_name(),
                "reset_by": actor.get_full_name(),
                "service_name": settings.SERVICE_NAME,
            },
            reference=reference,
        )
    except notifications.NotificationError:
        # The reset stands; the administrator has already told them in person or will.
        logger.warning("Could not send the second factor reset email (reference %r)", reference)


# The checks behind each code


def _check_totp(device: TOTPDevice, token: str) -> tuple[str | None, str | None]:
    """(error message, audit reason) for a code, or (None, None) when the device accepted it."""
    allowed, details = device.verify_is_allowed()
    if not allowed:
        return _throttled_message(details), "throttled"
    if device.verify_token(token):
        return None, None
    return CODE_DID_NOT_WORK, "replayed" if _was_replayed(device, token) else "wrong_code"


def _was_replayed(device: TOTPDevice, token: str) -> bool:
    """The code is right for a time step the device already accepted (django-otp refuses it)."""
    try:
        number = int(token)
    except ValueError:
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return totp.verify(number, device.tolerance) and totp.t() <= device.last_t


def _throttled_message(details) -> str:
    locked_until = (details or {}).get("locked_until")
    seconds = 1
    if locked_until is not None:
        seconds = max(1, int((locked_until - timezone.now()).total_seconds() + 0.999))
    if seconds >= 120:
        wait = f"{(seconds + 59) // 60} minutes"
    else:
        wait = "1 second" if seconds == 1 else f"{seconds} seconds"
    return TOO_MANY_ATTEMPTS.format(wait=wait)


def _replace_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    device.full_clean()
    device.save(force_insert=True)
    codes = []
    while len(codes) < RECOVERY_CODE_COUNT:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _audit_success(request, user, **values):
    audit_record(
        actor=user,
        action="sign_in",
        record_type=USER_RECORD_TYPE,
        record_id=user.pk,
        values={"step": "second_factor", **values},
        request=request,
    )


def _audit_failure(request, user, *, step, why):
    audit_record(
        actor=user,
        action="sign_in_failed",
        record_type=USER_RECORD_TYPE,
        record_id=user.pk,
        values={"step": step, "why": why},
        request=request,
    )


def _audit_refused_reset(actor, person, why, request):
    audit_record(
        actor=actor,
        action="change",
        record_type=USER_RECORD_TYPE,
        record_id=person.pk,
        values={"second_factor": "reset_refused", "why": why},
        request=request,
    )


# Enforcement


# Pages a signed-in person reaches before their second factor: the MFA pages themselves, signing
# out, and what the public can see anyway. The Django admin is deliberately not here.
EXEMPT_NAMESPACES = frozenset({"core", "directory", "oruk"})
EXEMPT_URL_NAMES = frozenset(
    {
        "accounts:second-factor",
        "accounts:second-factor-set-up",
        "accounts:second-factor-recovery-code",
        "accounts:second-factor-recovery-codes",
        "accounts:second-factor-new-recovery-codes",
        "accounts:sign-out",
        "accounts:signed-out",
        # The session timeout warning's ping: it keeps the session alive and shows nothing.
        "accounts:keep-alive",
        "api-docs",
        "api-schema",
    }
)


class MfaRequiredMiddleware:
    """Sends a signed-in person who needs a second factor to set it up or enter a code first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None  # no session, so nobody is signed in: the feed's many requests stop here
        user = request.user
        if not user.is_authenticated or _is_exempt(request):
            return None
        if second_factor_satisfied(request) or not second_factor_required(user):
            return None
        if settings.MFA_SKIPPED_FOR_DEMO:
            request.session[SATISFIED_BY_SESSION_KEY] = SATISFIED_BY_DEMO
            return None
        target = "accounts:second-factor"
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            target = "accounts:second-factor-set-up"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


def _is_exempt(request) -> bool:
    if request.path.startswith(settings.STATIC_URL):
        return True
    match = request.resolver_match
    if match is None:
        return False
    return match.view_name in EXEMPT_URL_NAMES or bool(set(match.namespaces) & EXEMPT_NAMESPACES)
