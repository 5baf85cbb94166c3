"""The signed token public forms carry (core.public_requests.FormToken)."""

import datetime

import pytest
from django.utils import timezone

from familyhelp.core.public_requests import FormToken, FormTokenRefused

TOKEN = FormToken(salt="familyhelp.tests.form", min_seconds=3, max_seconds=60 * 60)


def _shown(seconds_ago, about=""):
    return TOKEN.issue(about=about, at=timezone.now() - datetime.timedelta(seconds=seconds_ago))


def _refusal(token, **kwargs):
    with pytest.raises(FormTokenRefused) as refused:
        TOKEN.check(token, **kwargs)
    return refused.value.code


def test_a_form_sent_between_the_limits_is_accepted():
    TOKEN.check(_shown(10))
    TOKEN.check(_shown(10, about=42), about="42")


def test_too_fast_too_late_and_limits_given_at_check_time():
    assert _refusal(_shown(1)) == FormTokenRefused.TOO_FAST
    assert _refusal(_shown(2 * 60 * 60)) == FormTokenRefused.EXPIRED
    TOKEN.check(_shown(1), min_seconds=0)
    assert _refusal(_shown(100), max_seconds=50) == FormTokenRefused.EXPIRED


@pytest.mark.parametrize(
    "token",
    ["", "made-up", _shown(10)[:-3] + "abc", FormToken(salt="other").issue()],
    ids=["missing", "made-up", "signature-changed", "another-form"],
)
def test_tokens_this_form_did_not_sign_are_forged(token):
    assert _refusal(token) == FormTokenRefused.FORGED


def test_a_token_for_something_else_or_from_the_future_is_forged():
    assert _refusal(_shown(10, about=1), about=2) == FormTokenRefused.FORGED
    assert _refusal(_shown(-120)) == FormTokenRefused.FORGED


def test_a_form_shown_again_keeps_its_token_until_it_nears_its_end():
    fresh = _shown(60)
    assert TOKEN.keep_or_renew(fresh) == fresh
    old = _shown(50 * 60)
    renewed = TOKEN.keep_or_renew(old)
    assert renewed != old
    assert TOKEN.keep_or_renew("forged") != "forged"
    assert _refusal(renewed) == FormTokenRefused.TOO_FAST  # a new form starts its clock again
