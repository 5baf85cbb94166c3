"""Signing in with a password, locked accounts, and the signed-in header.

Sign-in goes through django.contrib.auth.authenticate(request=…) so django-axes counts failures;
the audit records for sign-in, sign-out, failures and lockouts come from the auth signals (see
signals.py), so a sign-in by single sign-on is audited the same way. Nothing here says whether
an email address has an account: a wrong password, an unknown address and a deactivated person
all get the same answer. Password reset is in password_reset.py.
"""

import time
from dataclasses import dataclass
from datetime import datetime

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, login
from django.db import transaction
from django.db.models import Max
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode

from familyhelp.accounts.models import Role, Team, User
from familyhelp.accounts.navigation import items_for
from familyhelp.accounts.rules import remember_roles
from familyhelp.accounts.services import USER_RECORD_TYPE, AccountsError
from familyhelp.audit.services import audit_record
from familyhelp.core.formatting import long_date, time_12h
from familyhelp.core.forms import GovukForm

# Session keys.
LAST_ACTIVITY = "accounts.last_activity"
SIGNED_OUT_REASON = "accounts.signed_out_reason"

# Why a session ended (shown on the sign-in page and recorded in the audit event's values).
SIGNED_OUT_IDLE = "idle_timeout"
SIGNED_OUT_DEACTIVATED = "deactivated"
SIGNED_OUT_BY_PERSON = "signed_out"
# Set on the request before logout() so the signal handler records why.
SIGN_OUT_REASON_ATTRIBUTE = "familyhelp_sign_out_reason"

UNKNOWN_ACCOUNT = "unknown account"

ENTER_EMAIL = "Enter your email address"
ENTER_EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"
ENTER_PASSWORD = "Enter your password"  # noqa: S105
SIGN_IN_FAILED = "Enter a correct email address and password"
PASSWORD_FIELD_TOO_LONG = "Password must be 1,024 characters or fewer"  # noqa: S105
NOT_LOCKED = "{person} is not locked out."
NOT_ALLOWED_TO_UNLOCK = "You cannot unlock this person's account."

# The sign-in form refuses absurd input before hashing it; new passwords have their own limit.
SIGN_IN_PASSWORD_MAX_LENGTH = 1024


class UnlockNotAllowed(AccountsError):
    """The actor may not unlock that person (the page answers 404, as for anyone unseen)."""


def normalise_email(value) -> str:
    return str(value or "").strip().lower()


# --- Forms -----------------------------------------------------------------------------------


class SignInForm(GovukForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={"required": ENTER_EMAIL, "invalid": ENTER_EMAIL_FORMAT},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=SIGN_IN_PASSWORD_MAX_LENGTH,
        error_messages={"required": ENTER_PASSWORD, "max_length": PASSWORD_FIELD_TOO_LONG},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])


# --- Signing in ------------------------------------------------------------------------------


def sign_in(*, request, email: str, password: str) -> User | None:
    """Check the email and password and sign the person in; None for any wrong answer.

    A locked-out address, an unknown one, a wrong password and a deactivated person all give
    None. django-axes counts the failure and, at the limit, marks the request locked out.
    """
    user = authenticate(request=request, username=email, password=password)
    if user is None:
        return None
    login(request, user)
    return user


def axes_username(request, credentials) -> str | None:
    """What django-axes counts failures against: the email address as typed, normalised."""
    value = None
    if credentials:
        value = credentials.get("username") or credentials.get("email")
    if value is None and request is not None:
        value = request.POST.get("email") or request.POST.get("username")
    return normalise_email(value) or None


def user_for_email(email) -> User | None:
    """The account with this email address, active or not (for audit records only)."""
    email = normalise_email(email)
    if not email:
        return None
    return User.objects.filter(email__iexact=email).first()


# --- Lockout ---------------------------------------------------------------------------------


def lockout_ends_at(email: str) -> datetime | None:
    """When the lockout of this address ends (the last counted failure plus the cool-off)."""
    cool_off = get_cool_off()
    last = AccessAttempt.objects.filter(username=normalise_email(email)).aggregate(
        last=Max("attempt_time")
    )["last"]
    if last is None or cool_off is None:
        return None
    return last + cool_off


def describe_moment(moment: datetime) -> str:
    """'3:45pm today' or '9am on 4 March 2026', in the service's time zone."""
    local = timezone.localtime(moment)
    today = timezone.localdate()
    if local.date() == today:
        return f"{time_12h(local.time())} today"
    return f"{time_12h(local.time())} on {long_date(local.date())}"


@dataclass(frozen=True)
class LockedAccount:
    user: User
    locked_until: datetime | None

    @property
    def locked_until_text(self):
        return (
            describe_moment(self.locked_until)
            if self.locked_until
            else "an administrator unlocks it"
        )


def _locked_attempts():
    """Failure counts of addresses at or over the limit within the cool-off window."""
    attempts = AccessAttempt.objects.filter(
        username__isnull=False, failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    )
    cool_off = get_cool_off()
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return attempts


def locked_account_list(*, actor: User) -> list[LockedAccount]:
    """Locked-out accounts the actor may unlock, soonest unlocked first (two queries)."""
    last_failure = dict(
        _locked_attempts()
        .values("username")
        .annotate(last=Max("attempt_time"))
        .values_list("username", "last")
    )
    if not last_failure:
        return []
    cool_off = get_cool_off()
    people = list(User.objects.filter(email__in=list(last_failure)).select_related("agency"))
    remember_roles(people)
    locked = [
        LockedAccount(
            user=person,
            locked_until=last_failure[person.email] + cool_off if cool_off else None,
        )
        for person in people
        if actor.has_perm("accounts.unlock_account", person)
    ]
    return sorted(locked, key=lambda account: (account.locked_until is None, account.locked_until))


def account_unlock(*, actor: User, user: User, request=None) -> int:
    """Clear a person's failed sign-ins so they can try again at once; returns how many."""
    if not actor.has_perm("accounts.unlock_account", user):
        # The refusal is audited, outside any transaction, then raised.
        audit_record(
            actor=actor,
            action="change",
            record_type=USER_RECORD_TYPE,
            record_id=user.pk,
            fields_changed=["locked_out"],
            values={"refused": "not_allowed_to_unlock"},
            request=request,
        )
        raise UnlockNotAllowed(NOT_ALLOWED_TO_UNLOCK)
    with transaction.atomic():
        if not _locked_attempts().filter(username=user.email).exists():
            raise AccountsError(NOT_LOCKED.format(person=user))
        cleared = axes_reset(username=user.email)
        audit_record(
            actor=actor,
            action="change",
            record_type=USER_RECORD_TYPE,
            record_id=user.pk,
            fields_changed=["locked_out"],
            values={"locked_out": False, "attempts_cleared": cleared},
            request=request,
        )
    return cleared


# --- The signed-in person --------------------------------------------------------------------


@dataclass(frozen=True)
class AccountSummary:
    user: User
    teams: list[Team]
    roles: list[Role]
    navigation: list[dict]


def account_summary(*, user: User) -> AccountSummary:
    """What "Your account" shows: the person, their agency, teams, roles and what they may use."""
    teams = list(Team.objects.filter(memberships__user=user).select_related("agency"))
    roles = list(Role.objects.filter(assignments__user=user).order_by("name"))
    here = reverse("accounts:home")
    navigation = [item for item in _navigation(user, "", header=False) if item["href"] != here]
    return AccountSummary(user=user, teams=teams, roles=roles, navigation=navigation)


def _navigation(user, current_path: str, *, header: bool = True) -> list[dict]:
    items = []
    for item in items_for(user, header=header):
        try:
            href = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"href": href, "text": item.text, "active": False})
    # The current page belongs to the item whose address is its longest prefix, so the
    # dashboard (/directory-admin/) is not also "current" on /directory-admin/changes/.
    matches = [
        item
        for item in items
        if current_path == item["href"]
        or (item["href"] != "/" and current_path.startswith(item["href"]))
    ]
    if matches:
        max(matches, key=lambda item: len(item["href"]))["active"] = True
    return items


def header_context(request):
    """Context processor: what the header needs to show a signed-in or signed-out person."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"signed_in": False}
    return {
        "signed_in": True,
        "account_navigation": _navigation(user, request.path),
        "idle_timeout": {
            "timeout": settings.SESSION_IDLE_TIMEOUT_SECONDS,
            "warning": settings.SESSION_IDLE_WARNING_SECONDS,
            "keep_alive_url": reverse("accounts:keep-alive"),
            "sign_in_url": reverse("accounts:sign-in")
            + "?"
            + urlencode({"next": request.get_full_path()}),
        },
    }


def idle_minutes() -> int:
    return max(1, round(settings.SESSION_IDLE_TIMEOUT_SECONDS / 60))


def touch_session(session) -> None:
    session[LAST_ACTIVITY] = int(time.time())
