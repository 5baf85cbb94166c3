"""Audit records for signing in and out, failed sign-ins and lockouts, from the auth signals.

Connected in AccountsConfig.ready(). Django's signals fire for every way of signing in (password,
single sign-on, the test client's force_login), so no sign-in escapes the audit log. A failure
names the account when the email address has one, and "unknown account" otherwise: the typed
address is never stored.
"""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from familyhelp.accounts import signin
from familyhelp.accounts.services import USER_RECORD_TYPE
from familyhelp.audit.services import audit_record

SSO_BACKEND = "familyhelp.accounts.sso.backend.ProviderOIDCBackend"


def connect():
    user_logged_in.connect(record_sign_in, dispatch_uid="accounts.audit.sign_in")
    user_logged_out.connect(record_sign_out, dispatch_uid="accounts.audit.sign_out")
    user_login_failed.connect(record_sign_in_failed, dispatch_uid="accounts.audit.sign_in_failed")
    user_locked_out.connect(record_lockout, dispatch_uid="accounts.audit.lockout")


def record_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        signin.touch_session(request.session)
    backend = getattr(user, "backend", "") or ""
    if backend == SSO_BACKEND:
        return  # single sign-on records its own sign-in event, naming the provider
    audit_record(
        actor=user,
        action="sign_in",
        record_type=USER_RECORD_TYPE,
        record_id=user.pk,
        values={"backend": backend.rsplit(".", 1)[-1]},
        request=request,
    )


def record_sign_out(sender, request, user, **kwargs):
    if user is None:
        return
    reason = getattr(request, signin.SIGN_OUT_REASON_ATTRIBUTE, signin.SIGNED_OUT_BY_PERSON)
    audit_record(
        actor=user,
        action="sign_out",
        record_type=USER_RECORD_TYPE,
        record_id=user.pk,
        values={"reason": reason},
        request=request,
    )


def record_sign_in_failed(sender, credentials, request=None, **kwargs):
    person = signin.user_for_email(signin.axes_username(request, credentials))
    values = {"locked_out": bool(getattr(request, "axes_locked_out", False))}
    if person is not None and not person.is_active:
        values["account_active"] = False
    audit_record(
        actor=person,
        actor_label="" if person else signin.UNKNOWN_ACCOUNT,
        action="sign_in_failed",
        record_type=USER_RECORD_TYPE,
        record_id=person.pk if person else "",
        values=values,
        request=request,
    )


def record_lockout(sender, request, username, ip_address=None, **kwargs):
    # django-axes sends this both when an address becomes locked and for each attempt refused
    # while it is locked; only the first counts failures (and sets axes_failures_since_start).
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    person = signin.user_for_email(username)
    audit_record(
        actor=person,
        actor_label="" if person else signin.UNKNOWN_ACCOUNT,
        action="lockout",
        record_type=USER_RECORD_TYPE,
        record_id=person.pk if person else "",
        values={"failures": request.axes_failures_since_start},
        request=request,
    )
