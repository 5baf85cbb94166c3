"""Ending sessions the server should no longer honour: idle ones, and deactivated people's.

IdleTimeoutMiddleware sits after the authentication (and OTP) middleware. A signed-in person
whose last request was SESSION_IDLE_TIMEOUT_SECONDS ago or more is signed out (audited as a
sign-out with reason "idle_timeout") and sent to the sign-in page, which says why. The check is
on the server: the timeout warning in the browser (frontend/js/timeout-warning.mjs) only helps
people keep a session they are still using.

A session that still names a deactivated person (Django then treats the request as signed out,
silently) is flushed and audited, and the person is told on the sign-in page.
"""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from familyhelp.accounts import signin
from familyhelp.accounts.models import User
from familyhelp.audit.services import audit_record

# Why a session naming a person was refused, besides deactivation.
ACCOUNT_MISSING = "account_missing"
NOT_ACCEPTED = "not_accepted"


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ended = self._end_stale_session(request)
        if ended is not None:
            return ended
        return self.get_response(request)

    def _end_stale_session(self, request):
        session = getattr(request, "session", None)
        if session is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None  # no session cookie: nobody is signed in and there is nothing to end
        if request.user.is_authenticated:
            last = session.get(signin.LAST_ACTIVITY)
            now = int(time.time())
            if last is not None and now - int(last) >= settings.SESSION_IDLE_TIMEOUT_SECONDS:
                return _sign_out(request, signin.SIGNED_OUT_IDLE)
            session[signin.LAST_ACTIVITY] = now
            return None
        if SESSION_KEY in session:
            # The session names a person the authentication middleware would not accept.
            return _refuse_stale_person(request)
        return None


def _sign_out(request, reason):
    setattr(request, signin.SIGN_OUT_REASON_ATTRIBUTE, reason)
    logout(request)  # the user_logged_out handler writes the audit record
    request.session[signin.SIGNED_OUT_REASON] = reason
    return redirect(_sign_in_url(request))


def _refuse_stale_person(request):
    try:
        person = User.objects.filter(pk=request.session.get(SESSION_KEY)).first()
    except ValidationError:
        person = None
    if person is None:
        reason = ACCOUNT_MISSING
    elif not person.is_active:
        reason = signin.SIGNED_OUT_DEACTIVATED
    else:
        reason = NOT_ACCEPTED
    audit_record(
        actor=person,
        actor_label="" if person else signin.UNKNOWN_ACCOUNT,
        action="sign_out",
        record_type=signin.USER_RECORD_TYPE,
        record_id=person.pk if person else "",
        values={"reason": reason},
        request=request,
    )
    request.session.flush()
    request.session[signin.SIGNED_OUT_REASON] = reason
    return redirect(_sign_in_url(request))


def _sign_in_url(request):
    url = reverse("accounts:sign-in")
    if request.method == "GET" and request.path not in _no_return_paths():
        return f"{url}?{urlencode({'next': request.get_full_path()})}"
    return url


def _no_return_paths():
    return {
        reverse("accounts:sign-in"),
        reverse("accounts:sign-out"),
        reverse("accounts:keep-alive"),
    }
