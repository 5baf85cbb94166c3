"""The directory's version: a token that changes whenever any published data may have changed.

Every write path ends in `search.index_services`, which calls `directory_changed` once the
transaction commits, so caches keyed by `directory_version()` (the Open Referral feed's response
cache) never serve data older than the last committed change.
"""

import uuid

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "directory:version"


def directory_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        # Another process may have set it first: use whichever won.
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY, version)
    return version


def directory_changed() -> None:
    """Invalidate everything cached against the directory, once the change is committed."""
    transaction.on_commit(lambda: cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None))


def cached_until_changed(name: str, build, timeout: int = 24 * 60 * 60):
    """`build()`'s result, computed once per directory version (so never stale)."""
    key = f"directory:{directory_version()}:{name}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout)
    return value
