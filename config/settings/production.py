"""Production: refuse to start with a development secret or DEBUG; secure every cookie."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    DEVELOPMENT_SECRET_KEY,
    NOTIFY_API_KEY,
    SECRET_KEY,
    env,
)

DEBUG = env.bool("DEBUG", default=False)
if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production (set DEBUG=False).")
if SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Set SECRET_KEY to a long random value for production.")
NOTIFY_BACKEND = "familyhelp.core.notifications.backends.notify.NotifyBackend"
NOTIFICATIONS_BACKEND = env("NOTIFICATIONS_BACKEND", default=NOTIFY_BACKEND)
if NOTIFICATIONS_BACKEND != NOTIFY_BACKEND:
    raise ImproperlyConfigured(
        f"Production sends email through GOV.UK Notify: unset NOTIFICATIONS_BACKEND or set it to "
        f"{NOTIFY_BACKEND}."
    )
if not NOTIFY_API_KEY:
    raise ImproperlyConfigured("Set NOTIFY_API_KEY to the service's GOV.UK Notify API key.")

if env.bool("MFA_SKIPPED_FOR_DEMO", default=False):
    raise ImproperlyConfigured("The one-time-code step cannot be skipped in production.")
MFA_SKIPPED_FOR_DEMO = False

WHITENOISE_USE_FINDERS = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
