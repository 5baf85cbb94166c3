"""Test helpers: a session signed in and past the second-factor step, for a test client or for
a browser. Tests of signing in itself go through the pages instead."""

from django.conf import settings
from django.test import Client

from familyhelp.accounts.mfa import SATISFIED_BY_SESSION_KEY


def sign_in(client, user):
    """`client` (a django.test.Client) signed in as `user`, as the sign-in pages would leave it."""
    client.force_login(user)
    session = client.session
    session[SATISFIED_BY_SESSION_KEY] = "test"
    session.save()
    return client


def sign_in_browser(context, live_server, user):
    """Give a Playwright browser context that session for `user` on the live server."""
    cookie = sign_in(Client(), user).cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )
