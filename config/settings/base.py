"""Settings shared by every environment, read from the environment with safe defaults."""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEVELOPMENT_SECRET_KEY = "development-only-secret-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "mozilla_django_oidc",
    "familyhelp.core",
    "familyhelp.accounts",
    "familyhelp.audit",
    "familyhelp.directory",
    "familyhelp.stewardship",
    "familyhelp.families",
    "familyhelp.frontdoor",
    "familyhelp.casework",
    "familyhelp.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "familyhelp.accounts.mfa.MfaRequiredMiddleware",
    # Signs out a person idle for SESSION_IDLE_TIMEOUT_SECONDS, or whose account was deactivated.
    "familyhelp.accounts.sessions.IdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into our "account locked" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "familyhelp.core.jinja2.environment",
            "autoescape": True,
            "context_processors": [
                "familyhelp.core.context_processors.csp_nonce",
                # The signed-in header: navigation, "Sign out" and the timeout warning's settings.
                "familyhelp.accounts.signin.header_context",
            ],
        },
    },
    {
        # Django's own templates (the admin) stay on the Django engine.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers carry on while the demo loader or an import writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# django-axes first (it counts failures and refuses locked-out sign-ins), then object
# permissions from the `rules` in each app's rules.py, then email and password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Single sign-on: answers only the callback from an agency's provider (accounts/sso/).
    "familyhelp.accounts.sso.backend.ProviderOIDCBackend",
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:signed-out"
# Argon2id first; the others stay so any older hash still verifies and is upgraded at sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# The NCSC password guidance: length over complexity, a deny list, no composition rules and no
# expiry. The messages are GOV.UK style; see familyhelp/accounts/passwords.py and docs/sign-in.md.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "familyhelp.accounts.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {
        "NAME": "familyhelp.accounts.passwords.MaximumLengthValidator",
        "OPTIONS": {"max_length": 256},
    },
    {"NAME": "familyhelp.accounts.passwords.DenyListValidator"},
    {"NAME": "familyhelp.accounts.passwords.PersonalInformationValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "build" / "collected"
STATICFILES_DIRS = [BASE_DIR / "build" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

SERVICE_NAME = "Family Help"
ORGANISATION_NAME = env("ORGANISATION_NAME", default="Wessex Vale Council")
# The demo county is fictional; every page says so while this is on.
FICTIONAL_DATA_BANNER = env.bool("FICTIONAL_DATA_BANNER", default=True)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "EXCEPTION_HANDLER": "familyhelp.core.api.exception_handler",
    "UNAUTHENTICATED_USER": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Family Help API",
    "DESCRIPTION": "The Open Referral UK 3.0 directory feed and Family Help's own API.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# The Open Referral UK feed is public, read-only data meant for partners' systems.
CORS_URLS_REGEX = r"^/api/oruk/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]

# Seconds partners may cache a directory response before asking again (with ETag).
ORUK_CACHE_SECONDS = env.int("ORUK_CACHE_SECONDS", default=300)
# Seconds the feed keeps an answer it has built; any change to the directory invalidates it
# at once (see familyhelp/directory/changes.py). 0 turns the response cache off.
ORUK_RESPONSE_CACHE_SECONDS = env.int("ORUK_RESPONSE_CACHE_SECONDS", default=600)

# A file cache shared by every process on one machine needs no set-up; several machines share
# one cache server instead, e.g. CACHE_URL=rediscache://127.0.0.1:6379/1 (with the redis package).
CACHES = {
    "default": env.cache(
        "CACHE_URL", default=f"filecache://{BASE_DIR / 'build' / 'cache'}?max_entries=20000"
    )
}

# Email and text messages (familyhelp/core/notifications). The outbox keeps them in the
# database, readable at /outbox/ while DEBUG is on; production sends through GOV.UK Notify.
NOTIFICATIONS_BACKEND = env(
    "NOTIFICATIONS_BACKEND",
    default="familyhelp.core.notifications.backends.outbox.OutboxBackend"
    if DEBUG
    else "familyhelp.core.notifications.backends.notify.NotifyBackend",
)
NOTIFY_API_KEY = env("NOTIFY_API_KEY", default="")
NOTIFY_BASE_URL = env("NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk")
NOTIFY_TIMEOUT_SECONDS = env.int("NOTIFY_TIMEOUT_SECONDS", default=30)
# A JSON object of logical template name to Notify template id, e.g.
# NOTIFY_TEMPLATES='{"invitation": "f33517ff-...", "password_reset": "9a1c..."}'
NOTIFY_TEMPLATES = env.json("NOTIFY_TEMPLATES", default={})

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Its warnings quote Notify's error text, which can echo a recipient's address; the
        # notifications backend logs a redacted account of the same failure instead.
        "notifications_python_client": {"level": "ERROR"},
        # Sign-ins are in the audit log; django-axes need only report lockouts and problems.
        "axes": {"level": "WARNING"},
    },
}

# Content Security Policy without 'unsafe-inline': the one inline script (GOV.UK Frontend's
# "js-enabled" class) carries a per-request nonce; everything else comes from this site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Only config/settings/demo.py turns this on: the demo people then sign in without a one-time
# code, and the sign-in page says so. Production refuses it.
MFA_SKIPPED_FOR_DEMO = False

# --- Sign-in (familyhelp/accounts: signin area; docs/sign-in.md) ---
# Sessions end after this many seconds without a request; a warning appears two minutes before.
SESSION_IDLE_TIMEOUT_SECONDS = env.int("SESSION_IDLE_TIMEOUT_SECONDS", default=30 * 60)
SESSION_IDLE_WARNING_SECONDS = env.int("SESSION_IDLE_WARNING_SECONDS", default=2 * 60)
# A password reset link works once, for this many seconds.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT_SECONDS", default=2 * 60 * 60)
# django-axes: 5 failed sign-ins for one email address lock it for AXES_COOLOFF_MINUTES, from any
# IP address. Not by IP: a council office shares one address, and distributed guessing uses many.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for ip_address, against rotating user agents; failures here are counted per
# address whatever the user agent or IP, so that bypass does not apply (docs/sign-in.md).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
# Failures while locked do not push the unlock time back, so the page can say when it unlocks.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "familyhelp.accounts.signin.axes_username"
AXES_LOCKOUT_CALLABLE = "familyhelp.accounts.views.signin.locked_out"
# Neither the typed email address nor the password is copied into axes' records of the request.
AXES_SENSITIVE_PARAMETERS = ["username", "email", "ip_address", "password"]
AXES_HTTP_RESPONSE_CODE = 429
# Sign-ins are recorded in the audit log; axes need not keep a second copy of who signed in when.
AXES_DISABLE_ACCESS_LOG = True
# The client's address behind trusted proxies, as the audit log reads it (TRUSTED_PROXY_COUNT).
AXES_CLIENT_IP_CALLABLE = "familyhelp.core.client.client_ip"

# Second factor (familyhelp/accounts/mfa.py). The name authenticator apps show for the account.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default=SERVICE_NAME)

# --- Single sign-on (familyhelp/accounts/sso/; docs/sso.md) ---
# Each agency's OpenID Connect provider, a JSON object keyed by a slug used in the sign-in URL:
# OIDC_PROVIDERS='{"wessex-entra": {"name": "Wessex Vale Council (Microsoft Entra ID)",
#   "agency": "Wessex Vale Council", "issuer": "https://login.microsoftonline.com/<tenant>/v2.0",
#   "client_id": "...", "client_secret": "...", "mfa_at_provider": true}}'
OIDC_PROVIDERS = env.json("OIDC_PROVIDERS", default={})
# Seconds to wait for a provider's discovery, token, userinfo and key endpoints.
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
# Never create an account from a provider's claims: people are invited first.
OIDC_CREATE_USER = False
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:sso-callback"
TEMPLATES[0]["OPTIONS"]["context_processors"].append(
    "familyhelp.accounts.sso.providers.sign_in_options"
)

# --- People and invitations (familyhelp/accounts/invitations.py; docs/people.md) ---
# Days an invitation link works before the person must be sent a new one.
INVITATION_EXPIRY_DAYS = env.int("INVITATION_EXPIRY_DAYS", default=7)

# --- Access (familyhelp/accounts/access.py, break_glass.py; docs/access.md) ---
# Minutes a person's emergency (break-glass) access to one record lasts after they give a reason.
BREAK_GLASS_MINUTES = env.int("BREAK_GLASS_MINUTES", default=60)

# --- Background jobs (familyhelp/core/tasks.py, jobs.py; docs/background-jobs.md) ---
# One task interface (django-tasks, Django's task API): the database queue and `make worker` by
# default; TASKS_BACKEND=redis (or setting REDIS_URL) puts tasks on Redis through RQ instead.
INSTALLED_APPS += ["django_tasks", "django_tasks_db", "django_rq"]
REDIS_URL = env("REDIS_URL", default="")
TASKS_BACKEND = env("TASKS_BACKEND", default="redis" if REDIS_URL else "database")
TASKS_QUEUE_NAMES = ["default"]
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "redis": "django_tasks_rq.RQBackend",
}
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)}.")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND], "QUEUES": TASKS_QUEUE_NAMES}}
# django-rq's queues, for the Redis backend; each name in TASKS_QUEUE_NAMES needs one.
RQ_QUEUES = {
    name: {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 60 * 60}
    for name in TASKS_QUEUE_NAMES
}
# `manage.py rqworker` runs django-tasks' jobs (and plain RQ jobs, such as the RQ cron's).
RQ = {"JOB_CLASS": "familyhelp.core.tasks.RQJob"}
# django-rq's dashboard in the admin, only when there is a Redis queue to show.
RQ_SHOW_ADMIN_LINK = TASKS_BACKEND == "redis"
# Jobs `manage.py run_daily_jobs` runs once a day: dotted paths to functions taking
# `today: datetime.date` and returning a dict of counts (what they did, never who to).
DAILY_JOBS = []
# A daily job still "running" after this many hours is recorded as interrupted (failed), so
# `run_daily_jobs --retry-failed` can run it again; it is never re-run without being asked.
DAILY_JOBS_INTERRUPTED_AFTER_HOURS = env.int("DAILY_JOBS_INTERRUPTED_AFTER_HOURS", default=6)
# When RQ's cron scheduler (`manage.py rqcron familyhelp.core.rq_cron`) enqueues the daily jobs:
# minute, hour, day of month, month, day of week, in TIME_ZONE. Cron or a systemd timer calling
# `manage.py run_daily_jobs` needs no setting here.
DAILY_JOBS_CRON = env("DAILY_JOBS_CRON", default="0 6 * * *")

# --- Freshness (familyhelp/stewardship: review reminders; docs/freshness.md) ---
# The address emailed links start with (a daily job has no request to take it from).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# A listing's review period when none of its categories sets one (stewardship admin).
DIRECTORY_REVIEW_MONTHS = env.int("DIRECTORY_REVIEW_MONTHS", default=6)
# Days past its review-by date before a listing is hidden from public search and the API.
DIRECTORY_REVIEW_GRACE_DAYS = env.int("DIRECTORY_REVIEW_GRACE_DAYS", default=60)
# Days a reminder's "Yes, this is still correct" link works.
DIRECTORY_REMINDER_LINK_DAYS = env.int("DIRECTORY_REMINDER_LINK_DAYS", default=60)
DAILY_JOBS += ["familyhelp.stewardship.jobs.send_review_reminders"]
# Drift (familyhelp/casework/jobs.py): the weekly digest to team managers, sent on Mondays.
DAILY_JOBS += ["familyhelp.casework.jobs.send_drift_digests"]
# Case audits (familyhelp/casework/services/audits.py): on the 1st, last month's random sample.
DAILY_JOBS += ["familyhelp.casework.services.audits.case_audit_monthly_job"]

# --- Case work documents (familyhelp/casework/services/documents.py; docs/deploy.md) ---
# Uploaded files are kept through Django's storage API (STORAGES["default"]), under MEDIA_ROOT
# with the local file system; they are only ever served by the permission-checked download page.
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
# The largest document accepted (PDF, PNG, JPEG, DOCX, XLSX, ODT).
CASEWORK_DOCUMENT_MAX_BYTES = env.int("CASEWORK_DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)

# --- Bulk upload and joining (familyhelp/stewardship; docs/bulk-upload.md, docs/joining.md) ---
# The largest CSV or XLSX file accepted, and the most rows in it.
BULK_UPLOAD_MAX_BYTES = env.int("BULK_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
BULK_UPLOAD_MAX_ROWS = env.int("BULK_UPLOAD_MAX_ROWS", default=20_000)
# Requests to join or claim a listing from one address in any hour.
JOIN_REQUESTS_PER_IP_PER_HOUR = env.int("JOIN_REQUESTS_PER_IP_PER_HOUR", default=5)
# Self-referrals (familyhelp/frontdoor/services/self_referral.py) from one address in any hour
# (a keyed hash of the address is kept, never the address itself).
SELF_REFERRALS_PER_IP_PER_HOUR = env.int("SELF_REFERRALS_PER_IP_PER_HOUR", default=5)

# Reverse proxies in front of the site (nginx, a load balancer) that append to X-Forwarded-For:
# 1 behind one nginx. The audit log records the client's address, not the proxy's. Leave 0 when
# nothing sits in front, or a client could write its own address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
