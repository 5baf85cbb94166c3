"""Where a request came from, behind the council's reverse proxies as well as without them."""

from django.conf import settings


def client_ip(request) -> str | None:
    """The address the request came from, for the audit log.

    With TRUSTED_PROXY_COUNT = 0 (no proxy) that is REMOTE_ADDR. Behind N trusted proxies, each
    appends the address it received the request from to X-Forwarded-For, so the client's is the
    N-th from the right; anything further left was written by the client and is ignored.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    return forwarded[-count] if len(forwarded) >= count else remote
