"""`make run` and `make demo`: the fictional county on a developer's machine.

The only difference from base: demo people sign in without the one-time-code step, and the
sign-in page says so. Production refuses this setting.
"""

from .base import *  # noqa: F403

MFA_SKIPPED_FOR_DEMO = True
