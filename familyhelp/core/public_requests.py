"""What forms the public sends without signing in have in common (report a problem, join the
directory, the front door's self-referral): a reference the sender can quote, a keyed hash of
their IP address, kept for rate limits instead of the address itself, and a signed form token
that refuses forms sent too fast or too late."""

import datetime
import secrets
from dataclasses import dataclass

from django.core import signing
from django.utils import timezone
from django.utils.crypto import salted_hmac

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def ip_hash(salt: str, ip_address: str | None) -> str:
    """A keyed hash of the address: the same address gives the same hash (under one `salt`), and
    it cannot be reversed without the SECRET_KEY."""
    return salted_hmac(salt, ip_address or "", algorithm="sha256").hexdigest()


def new_reference(model) -> str:
    """A reference like "K7QP-3XMD" that no row of `model` (with a `reference` field) has yet."""
    while True:
        code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
        reference = f"{code[:4]}-{code[4:]}"
        if not model.objects.filter(reference=reference).exists():
            return reference


class FormTokenRefused(Exception):
    """A public form's token was refused; `code` says why (one of the constants below)."""

    TOO_FAST = "too_fast"
    EXPIRED = "expired"
    FORGED = "forged"

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class FormToken:
    """The signed token a public form carries: when it was shown, and what for (`about`, such as
    a service id). A form sent sooner than `min_seconds` after it was shown (a robot), later than
    `max_seconds` (a token saved up to replay), for something else, or with a token this site did
    not sign, is refused. Nothing is stored: the signature is the proof."""

    salt: str
    min_seconds: float = 3
    max_seconds: float = 2 * 60 * 60

    def issue(self, *, about="", at: datetime.datetime | None = None) -> str:
        shown = (at or timezone.now()).timestamp()
        return signing.dumps({"shown": round(shown, 3), "about": str(about)}, salt=self.salt)

    def _shown_at(self, token, about) -> float | None:
        try:
            data = signing.loads(token or "", salt=self.salt)
        except signing.BadSignature:
            return None
        if not isinstance(data, dict) or data.get("about") != str(about):
            return None
        shown = data.get("shown")
        return float(shown) if isinstance(shown, int | float) else None

    def check(
        self,
        token,
        *,
        about="",
        at: datetime.datetime | None = None,
        min_seconds: float | None = None,
        max_seconds: float | None = None,
    ) -> None:
        """Raise FormTokenRefused unless the form was shown, for `about`, long enough ago but not
        too long (the limits given here override the token's own, e.g. from settings)."""
        shown = self._shown_at(token, about)
        age = None if shown is None else (at or timezone.now()).timestamp() - shown
        if age is None or age < -60:  # a token from the future was not made by this clock
            raise FormTokenRefused(FormTokenRefused.FORGED)
        if age < (self.min_seconds if min_seconds is None else min_seconds):
            raise FormTokenRefused(FormTokenRefused.TOO_FAST)
        if age > (self.max_seconds if max_seconds is None else max_seconds):
            raise FormTokenRefused(FormTokenRefused.EXPIRED)

    def keep_or_renew(self, token, *, about="", at: datetime.datetime | None = None) -> str:
        """The token to show a form again with: the same one while it has a quarter of an hour
        left, else a new one (so a form shown again with errors cannot run out of time unseen)."""
        at = at or timezone.now()
        shown = self._shown_at(token, about)
        if shown is None or at.timestamp() - shown > self.max_seconds - 15 * 60:
            return self.issue(about=about, at=at)
        return token
