"""Test suite settings: fast hashing, in-memory mail, the same database rules as production."""

from .base import *  # noqa: F403
from .base import DATABASES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
NOTIFICATIONS_BACKEND = "familyhelp.core.notifications.backends.outbox.OutboxBackend"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests that need a cache (the feed's response cache) turn one on with override_settings.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# --- Access (docs/access.md): a stand-in personal record, and test-only URLs ---
# familyhelp/accounts/tests/records gives the access layer a personal record to test against
# until the families and casework apps exist. It is never installed outside the tests.
INSTALLED_APPS = [*INSTALLED_APPS, "familyhelp.accounts.tests.records"]  # noqa: F405
ROOT_URLCONF = "config.urls_test"

# --- Background jobs (docs/background-jobs.md): tasks run as they are enqueued, so no test needs
# a worker; the task and job tests switch to the database or Redis queue with override_settings.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}
