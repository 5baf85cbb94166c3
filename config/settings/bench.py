"""`make bench`: production-like (no DEBUG, persistent connections) but served over plain HTTP."""

import warnings

from .base import *  # noqa: F403
from .base import DATABASES

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
WHITENOISE_USE_FINDERS = True
DATABASES["default"]["CONN_MAX_AGE"] = 600
LOGGING = {"version": 1, "disable_existing_loggers": True}

# The bench serves assets through finders; it has no collectstatic output for WhiteNoise to warn
# about on every worker start.
warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")
