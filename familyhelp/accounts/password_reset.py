"""Password reset by email: the same answer for any address, a signed, expiring, single-use link.

The link carries Django's PasswordResetTokenGenerator token: signed with the secret key, valid
for PASSWORD_RESET_TIMEOUT seconds, and single-use because it is derived from the password hash
(and the last sign-in time), which change once it is used. Saving a new password checks the
password rules, ends every session the person has, and lifts any lockout. Each step is audited
without the typed email address.
"""

import contextlib
from datetime import timedelta

from axes.utils import reset as axes_reset
from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from familyhelp.accounts.models import User
from familyhelp.accounts.services import USER_RECORD_TYPE, user_end_sessions
from familyhelp.accounts.signin import (
    ENTER_EMAIL,
    ENTER_EMAIL_FORMAT,
    UNKNOWN_ACCOUNT,
    normalise_email,
    user_for_email,
)
from familyhelp.audit.models import AuditEvent
from familyhelp.audit.services import audit_record
from familyhelp.core import notifications
from familyhelp.core.forms import GovukForm
from familyhelp.core.tasks import enqueue_on_commit, task

PASSWORD_RESET_RECORD_TYPE = "accounts.password_reset"  # noqa: S105
ENTER_NEW_PASSWORD = "Enter a new password"  # noqa: S105
# Moved here from the link, so the token leaves the address bar (and any Referer header).
RESET_SESSION_TOKEN = "accounts.password_reset_token"  # noqa: S105 - a session key's name
# Emails one person can be sent in an hour, however often someone asks (inbox flooding).
DEFAULT_LINKS_PER_HOUR = 3


class PasswordResetRequestForm(GovukForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="The email address you use to sign in to Family Help.",
        error_messages={"required": ENTER_EMAIL, "invalid": ENTER_EMAIL_FORMAT},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])


class NewPasswordForm(GovukForm):
    password = forms.CharField(
        label="New password",
        strip=False,
        help_text="Use 12 characters or more. Three or four random words together make a "
        "strong password that is easy to remember.",
        error_messages={"required": ENTER_NEW_PASSWORD},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        validate_password(password, self.user)
        return password


def password_reset_request(*, request, email: str) -> None:
    """Email a reset link if the address belongs to an active person with a password.

    The caller shows the same page whatever happens, so the answer says nothing about the
    address. Audited either way, without the typed address.
    """
    user = user_for_email(email)
    if user is None or not user.is_active or not user.has_usable_password():
        audit_record(
            actor=user,
            actor_label="" if user else UNKNOWN_ACCOUNT,
            action="create",
            record_type=PASSWORD_RESET_RECORD_TYPE,
            record_id=user.pk if user else "",
            values={"link_sent": False},
            request=request,
        )
        return
    if _links_sent_recently(user) >= links_per_hour():
        # Someone asking again and again fills the person's inbox; the answer stays the same.
        audit_record(
            actor=user,
            action="create",
            record_type=PASSWORD_RESET_RECORD_TYPE,
            record_id=user.pk,
            values={"link_sent": False, "throttled": True},
            request=request,
        )
        return
    with transaction.atomic():
        audit_record(
            actor=user,
            action="create",
            record_type=PASSWORD_RESET_RECORD_TYPE,
            record_id=user.pk,
            values={"link_sent": True},
            request=request,
        )
        # Sent by the background worker: waiting here for GOV.UK Notify would make the answer
        # slower for an address with an account than for one without, telling them apart.
        enqueue_on_commit(send_password_reset_link, str(user.pk))


@task()
def send_password_reset_link(user_id: str) -> None:
    """Email the person a reset link (the task carries their id only, never the link)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:password-reset-link", kwargs={"uidb64": uidb64, "token": token})
    _send_link(
        user=user,
        personalisation={
            "name": user.get_short_name(),
            "link": notifications.site_url(path),
            "expires": reset_link_lifetime(),
        },
    )


def _send_link(*, user: User, personalisation: dict) -> None:
    """Email the link. A failure to send must not change the answer (a server error only for
    addresses with an account would tell them apart); notifications logs it, without the
    address."""
    with contextlib.suppress(notifications.NotificationError):
        notifications.send_email(
            to=user.email,
            template="password_reset",
            personalisation=personalisation,
            reference=f"password-reset-{user.pk}",
        )


def links_per_hour() -> int:
    """How many reset emails one person can be sent in an hour (PASSWORD_RESET_LINKS_PER_HOUR)."""
    return getattr(settings, "PASSWORD_RESET_LINKS_PER_HOUR", DEFAULT_LINKS_PER_HOUR)


def _links_sent_recently(user: User) -> int:
    """Reset emails sent to the person in the last hour, counted from the audit log (its
    record-and-time index answers this)."""
    return AuditEvent.objects.filter(
        record_type=PASSWORD_RESET_RECORD_TYPE,
        record_id=str(user.pk),
        occurred_at__gte=timezone.now() - timedelta(hours=1),
        values__link_sent=True,
    ).count()


def reset_link_lifetime() -> str:
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour" + ("" if hours == 1 else "s")
    return f"{minutes} minutes"


def password_reset_user(*, uidb64: str, token: str) -> User | None:
    """The active person a reset link is for, or None if the link is wrong, used or expired."""
    user = _user_from_uid(uidb64)
    if user is None or not user.is_active:
        return None
    if not default_token_generator.check_token(user, token):
        return None
    return user


def password_reset_refused(*, request, uidb64: str) -> None:
    """Audit a reset link that did not work (wrong, already used or expired)."""
    user = _user_from_uid(uidb64)
    audit_record(
        actor=user,
        actor_label="" if user else UNKNOWN_ACCOUNT,
        action="sign_in_failed",
        record_type=PASSWORD_RESET_RECORD_TYPE,
        record_id=user.pk if user else "",
        values={"refused": "invalid_used_or_expired"},
        request=request,
    )


def password_reset_complete(*, request, user: User, password: str) -> int:
    """Set the new password, end every session the person has, and lift any lockout."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        validate_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
        ended = user_end_sessions(user)
        cleared = axes_reset(username=user.email)
        audit_record(
            actor=user,
            action="change",
            record_type=USER_RECORD_TYPE,
            record_id=user.pk,
            fields_changed=["password"],
            values={"via": "password_reset", "sessions_ended": ended, "attempts_cleared": cleared},
            request=request,
        )
    return ended


def _user_from_uid(uidb64: str) -> User | None:
    try:
        pk = force_str(urlsafe_base64_decode(uidb64))
        return User.objects.filter(pk=pk).first()
    except (ValueError, TypeError, OverflowError, ValidationError):
        return None
