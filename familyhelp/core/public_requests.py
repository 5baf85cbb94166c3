"""What forms the public sends without signing in have in common (report a problem, join the
directory, and the front door's self-referral to come): a reference the sender can quote, and a
keyed hash of their IP address, kept for rate limits instead of the address itself."""

import secrets

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
