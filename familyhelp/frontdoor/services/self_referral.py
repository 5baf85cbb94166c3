"""A family asks the front door for help from the public site, without signing in.

The request goes straight into the front door queue (kind self_referral, nobody signed in as its
author, no family until the front door finds or adds one), and the parent is sent their
reference by email and, if they said we may, by text (docs/self-referral.md).

Abuse protection, counted in the database and checked here so no way in can skip it: a hidden
honeypot field; a form token signed with the SECRET_KEY that carries when the form was shown (a
form sent within a few seconds of being shown was not filled in by a person, and one older than
a couple of hours is refused so a token cannot be saved up and replayed); and at most
SELF_REFERRALS_PER_IP_PER_HOUR requests from one IP address in any hour (only a keyed hash of the
address is kept).
"""

import datetime
import logging
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from familyhelp.audit.services import audit_record
from familyhelp.core import notifications, public_requests
from familyhelp.core.geo import normalise_postcode
from familyhelp.core.models import Postcode
from familyhelp.frontdoor.models import Request
from familyhelp.frontdoor.services.common import request_mark_submitted

logger = logging.getLogger(__name__)

RECORD_TYPE = "frontdoor.request"
PUBLIC_ACTOR = "member of the public"
IP_HASH_SALT = "familyhelp.frontdoor.self_referral.ip"
TOKEN_SALT = "familyhelp.frontdoor.self_referral.form"  # noqa: S105 - a namespace, not a secret
DEFAULT_PER_IP_PER_HOUR = 5
# A person needs longer than this to read and fill in the form; a robot does not.
TOKEN_MIN_SECONDS = 3
# Long enough to write about a hard situation at a parent's own pace; short enough that a token
# cannot be kept and replayed later.
TOKEN_MAX_SECONDS = 2 * 60 * 60

WHO_MAX_LENGTH = 2000
HELP_WITH_MAX_LENGTH = 5000
NOTES_MAX_LENGTH = 1000
NAME_MAX_LENGTH = 200
PHONE_MAX_LENGTH = 32

WHO_REQUIRED = "Tell us who needs help, like the children’s names and ages"
WHO_TOO_LONG = f"Tell us who needs help in {WHO_MAX_LENGTH:,} characters or fewer"
HELP_WITH_REQUIRED = "Tell us what you would like help with"
HELP_WITH_TOO_LONG = (
    f"Tell us what you need help with in {HELP_WITH_MAX_LENGTH:,} characters or fewer"
)
NAME_REQUIRED = "Enter your name"
NAME_TOO_LONG = f"Your name must be {NAME_MAX_LENGTH} characters or fewer"
NO_SAFE_CONTACT = "Give a phone number or an email address so we can contact you safely"
PHONE_INVALID = "Enter a phone number, like 01632 960 001 or 07700 900 982"
EMAIL_INVALID = "Enter an email address in the correct format, like name@example.com"
MESSAGE_CHOICE_REQUIRED = "Tell us if it is safe to leave a message on this phone"
TEXT_NEEDS_MOBILE = (
    "Enter a mobile phone number, like 07700 900 982, or choose no if we should not text you"
)
NOTES_TOO_LONG = f"Tell us how to contact you safely in {NOTES_MAX_LENGTH:,} characters or fewer"
POSTCODE_REQUIRED = "Enter your postcode, like WX1 2AB"
POSTCODE_FORMAT = "Enter a full postcode, like WX1 2AB"
POSTCODE_NOT_FOUND = "We cannot find the postcode {postcode}. Check it and enter it again"
CONSENT_REQUIRED = "Tick the box to say you agree, so we can look at your request"

HONEYPOT_FILLED = (
    "Your request could not be sent. If a browser extension or tool fills in forms for you, "
    "turn it off and send the form again"
)
TOO_FAST = (
    "Your request was sent too quickly after the page opened, so we did not accept it. "
    "Check your answers and send the form again"
)
TOO_OLD = (
    "The form was open for more than 2 hours, so for your security we did not accept it. "
    "Check your answers and send the form again"
)
FORM_NOT_RECOGNISED = (
    "Something went wrong with the form, so we did not accept it. "
    "Check your answers and send the form again"
)
TOO_MANY_FROM_YOU = (
    "You have sent {limit} requests in the last hour, which is the most we accept. "
    "Wait an hour, then send your request again"
)

# Why a request was refused (logged; no personal values).
HONEYPOT = "honeypot"
RATE_LIMITED = "rate_limited"
FORM_TOO_FAST = "too_fast"
FORM_TOO_OLD = "too_old"
FORM_FORGED = "forged"

# Plain text for the email and the text message (Notify templates fill in the rest).
WHAT_HAPPENS_NEXT = (
    "Someone from our family help team will look at your request and contact you in the way "
    "you told us is safe."
)


class SelfReferralError(Exception):
    """A request that cannot be accepted; `field` names the question at fault ("" for the form)."""

    def __init__(self, message: str, *, field: str = ""):
        super().__init__(message)
        self.field = field


class SelfReferralRefused(SelfReferralError):
    """Abuse protection refused a request; `code` says why."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


# The form token ------------------------------------------------------------------------------


FORM_TOKEN = public_requests.FormToken(
    salt=TOKEN_SALT, min_seconds=TOKEN_MIN_SECONDS, max_seconds=TOKEN_MAX_SECONDS
)
_REFUSALS = {
    public_requests.FormTokenRefused.FORGED: (FORM_NOT_RECOGNISED, FORM_FORGED),
    public_requests.FormTokenRefused.TOO_FAST: (TOO_FAST, FORM_TOO_FAST),
    public_requests.FormTokenRefused.EXPIRED: (TOO_OLD, FORM_TOO_OLD),
}


def form_token_new(*, at: datetime.datetime | None = None) -> str:
    """A token for a form shown at `at` (now), signed so nobody can make one up."""
    return FORM_TOKEN.issue(at=at)


def form_token_check(token: str, *, at: datetime.datetime | None = None) -> None:
    """Raise SelfReferralRefused unless the form was shown between a few seconds and two hours
    before `at` (now), by this site."""
    try:
        # The limits are read when checking, so a setting (or a test) can change them.
        FORM_TOKEN.check(token, at=at, min_seconds=TOKEN_MIN_SECONDS, max_seconds=TOKEN_MAX_SECONDS)
    except public_requests.FormTokenRefused as refused:
        raise SelfReferralRefused(*_REFUSALS[refused.code]) from None


def form_token_keep_or_renew(token: str, *, at: datetime.datetime | None = None) -> str:
    """The token to show a form again with (a new one when it is running out of time)."""
    return FORM_TOKEN.keep_or_renew(token, at=at)


# Checking answers (the form uses these too, so the two cannot disagree) ---------------------


def ip_hash(ip_address: str | None) -> str:
    return public_requests.ip_hash(IP_HASH_SALT, ip_address)


def postcode_clean(value: str) -> str:
    """The postcode as "WX1 2AB" when it exists; SelfReferralError otherwise."""
    text = (value or "").strip()
    if not text:
        raise SelfReferralError(POSTCODE_REQUIRED, field="postcode")
    postcode = normalise_postcode(text)
    if postcode is None or " " not in postcode:
        raise SelfReferralError(POSTCODE_FORMAT, field="postcode")
    if not Postcode.objects.filter(postcode=postcode).exists():
        raise SelfReferralError(POSTCODE_NOT_FOUND.format(postcode=postcode), field="postcode")
    return postcode


def phone_clean(value: str) -> str:
    phone = " ".join((value or "").split())
    digits = [c for c in phone if c.isdigit()]
    if phone and (
        len(phone) > PHONE_MAX_LENGTH
        or len(digits) < 10
        or any(not (c.isdigit() or c in " +()-") for c in phone)
    ):
        raise SelfReferralError(PHONE_INVALID, field="contact_phone")
    return phone


def email_clean(value: str) -> str:
    email = (value or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise SelfReferralError(EMAIL_INVALID, field="contact_email") from None
    return email


def contact_check(*, phone: str, email: str, contact_by_text: bool) -> None:
    """There is a safe way to reach the parent, and a text can only go to a mobile."""
    if not phone and not email:
        raise SelfReferralError(NO_SAFE_CONTACT, field="contact_phone")
    if contact_by_text:
        try:
            notifications.normalise_uk_mobile(phone)
        except notifications.NotificationError:
            raise SelfReferralError(TEXT_NEEDS_MOBILE, field="contact_by_text") from None


def _required(value: str, *, message: str, too_long: str, limit: int, field: str) -> str:
    text = (value or "").strip()
    if not text:
        raise SelfReferralError(message, field=field)
    if len(text) > limit:
        raise SelfReferralError(too_long, field=field)
    return text


def _check_rate_limit(*, hashed_ip: str, now: datetime.datetime) -> None:
    limit = getattr(settings, "SELF_REFERRALS_PER_IP_PER_HOUR", DEFAULT_PER_IP_PER_HOUR)
    since = now - datetime.timedelta(hours=1)
    if (
        Request.objects.filter(
            kind=Request.Kind.SELF_REFERRAL, ip_hash=hashed_ip, created_at__gte=since
        ).count()
        >= limit
    ):
        logger.warning("Self-referral refused: %s", RATE_LIMITED)
        raise SelfReferralRefused(TOO_MANY_FROM_YOU.format(limit=limit), RATE_LIMITED)


def _on_commit(send, **message) -> None:
    transaction.on_commit(partial(send, **message), robust=True)


# Asking --------------------------------------------------------------------------------------


def self_referral_create(
    *,
    who_needs_help: str,
    help_with: str,
    contact_name: str,
    contact_email: str = "",
    contact_phone: str = "",
    safe_to_leave_message: bool = False,
    safe_contact_notes: str = "",
    contact_by_text: bool = False,
    postcode: str,
    consent_given: bool,
    honeypot: str = "",
    form_token: str,
    ip_address: str | None = None,
) -> Request:
    """Put a family's own request for help into the front door queue and send them its
    reference. Raises SelfReferralRefused (abuse protection) or SelfReferralError (an answer to
    fix); either changes nothing."""
    if honeypot:
        logger.warning("Self-referral refused: %s", HONEYPOT)
        raise SelfReferralRefused(HONEYPOT_FILLED, HONEYPOT)
    now = timezone.now()
    try:
        form_token_check(form_token, at=now)
    except SelfReferralRefused as refused:
        logger.warning("Self-referral refused: %s", refused.code)
        raise
    who_needs_help = _required(
        who_needs_help,
        message=WHO_REQUIRED,
        too_long=WHO_TOO_LONG,
        limit=WHO_MAX_LENGTH,
        field="who_needs_help",
    )
    help_with = _required(
        help_with,
        message=HELP_WITH_REQUIRED,
        too_long=HELP_WITH_TOO_LONG,
        limit=HELP_WITH_MAX_LENGTH,
        field="help_with",
    )
    contact_name = _required(
        " ".join((contact_name or "").split()),
        message=NAME_REQUIRED,
        too_long=NAME_TOO_LONG,
        limit=NAME_MAX_LENGTH,
        field="contact_name",
    )
    phone, email = phone_clean(contact_phone), email_clean(contact_email)
    contact_check(phone=phone, email=email, contact_by_text=contact_by_text)
    notes = (safe_contact_notes or "").strip()
    if len(notes) > NOTES_MAX_LENGTH:
        raise SelfReferralError(NOTES_TOO_LONG, field="safe_contact_notes")
    postcode = postcode_clean(postcode)
    if not consent_given:
        raise SelfReferralError(CONSENT_REQUIRED, field="consent")
    hashed_ip = ip_hash(ip_address)
    with transaction.atomic():
        _check_rate_limit(hashed_ip=hashed_ip, now=now)
        request = Request(
            reference=public_requests.new_reference(Request),
            kind=Request.Kind.SELF_REFERRAL,
            status=Request.Status.DRAFT,
            who_needs_help=who_needs_help,
            help_with=help_with,
            contact_name=contact_name,
            contact_email=email,
            contact_phone=phone,
            safe_to_leave_message=bool(phone) and safe_to_leave_message,
            safe_contact_notes=notes,
            contact_by_text=bool(contact_by_text),
            postcode=postcode,
            area=postcode.split()[0],
            consent_given=True,
            ip_hash=hashed_ip,
            created_at=now,
            updated_at=now,
        )
        request.full_clean()
        # Saved first: what the queue filters on is read through the request's people.
        request.save(force_insert=True)
        request_mark_submitted(request, at=now)
        request.full_clean()
        request.save()
        audit_record(
            actor_label=PUBLIC_ACTOR,
            action="create",
            record_type=RECORD_TYPE,
            record_id=request.pk,
            # Which answers were given, never what they were; no IP address, not even here.
            values={
                "reference": request.reference,
                "kind": request.kind,
                "status": request.status,
                "email_given": bool(email),
                "phone_given": bool(phone),
                "contact_by_text": request.contact_by_text,
                "consent_given": True,
            },
        )
        _tell_the_family(request)
    return request


def _tell_the_family(request: Request) -> None:
    """The reference and what happens next, once the request is kept: nothing the parent typed,
    so a message seen by someone else gives nothing away."""
    personalisation = {"reference": request.reference, "what_happens_next": WHAT_HAPPENS_NEXT}
    if request.contact_email:
        _on_commit(
            notifications.send_email,
            to=request.contact_email,
            template="self_referral_received",
            personalisation=personalisation,
            reference=f"self-referral-{request.reference}",
        )
    if request.contact_by_text:
        _on_commit(
            notifications.send_sms,
            to=request.contact_phone,
            template="self_referral_received_sms",
            personalisation=personalisation,
            reference=f"self-referral-{request.reference}",
        )
