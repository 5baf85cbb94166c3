"""Password rules from the NCSC guidance: length over complexity, a deny list, no expiry.

There are no composition rules (no "must contain a number and a symbol"): they make passwords
harder to remember, not harder to guess. Every message follows the GOV.UK Design System: it says
what is wrong and how to put it right. Use them through Django's `validate_password(password,
user)`, which reads AUTH_PASSWORD_VALIDATORS.
"""

import re

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

# Messages, not passwords (ruff's S105 reads any name with "password" in it as a secret).
PASSWORD_TOO_SHORT = "Password must be {min_length} characters or more"  # noqa: S105
PASSWORD_TOO_LONG = "Password must be {max_length} characters or fewer"  # noqa: S105
PASSWORD_TOO_COMMON = (
    "Enter a stronger password. Do not use a very common password, or a common password with "  # noqa: S105
    "numbers or symbols added"
)
PASSWORD_TOO_SIMILAR = "Enter a password that is not based on your {attribute}"  # noqa: S105

# Leading and trailing digits, spaces and symbols, as in "Password2024!" or "!!letmein123".
_DECORATION = re.compile(r"^[\W\d_]+|[\W\d_]+$")
# A short run repeated: "aaaaaaaaaaaa", "abcabcabcabc", "12121212121212".
_REPEATED = re.compile(r"^(.{1,4})\1+$", re.DOTALL)


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Long passwords are the strongest simple defence: 12 characters or more by default."""

    def __init__(self, min_length=12):
        super().__init__(min_length=min_length)

    def get_error_message(self):
        return PASSWORD_TOO_SHORT.format(min_length=self.min_length)

    def get_help_text(self):
        return f"Your password must be {self.min_length} characters or more."


class MaximumLengthValidator:
    """A ceiling so nobody can make the server hash a megabyte of text."""

    def __init__(self, max_length=256):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                PASSWORD_TOO_LONG.format(max_length=self.max_length),
                code="password_too_long",
            )

    def get_help_text(self):
        return f"Your password must be {self.max_length} characters or fewer."


class DenyListValidator(password_validation.CommonPasswordValidator):
    """Refuse the 20,000 most common passwords (Django's list), also with digits or symbols
    added before or after, a short run of characters repeated, and the service's own name."""

    def validate(self, password, user=None):
        lowered = password.lower().strip()
        core = _DECORATION.sub("", lowered)
        if (
            lowered in self.passwords
            or (core and core in self.passwords)
            or core in _service_words()
            or _REPEATED.match(lowered)
        ):
            raise ValidationError(PASSWORD_TOO_COMMON, code="password_too_common")

    def get_help_text(self):
        return "Your password cannot be a very common password."


class PersonalInformationValidator(password_validation.UserAttributeSimilarityValidator):
    """Refuse a password close to the person's own email address or name."""

    ATTRIBUTE_NAMES = {"email": "email address", "full_name": "name"}

    def __init__(self, user_attributes=("email", "full_name"), max_similarity=0.7):
        super().__init__(user_attributes=user_attributes, max_similarity=max_similarity)

    def validate(self, password, user=None):
        for attribute in self.user_attributes:
            # One attribute at a time, so the message can name the one that matched.
            checker = password_validation.UserAttributeSimilarityValidator(
                user_attributes=(attribute,), max_similarity=self.max_similarity
            )
            try:
                checker.validate(password, user)
            except ValidationError:
                raise ValidationError(
                    PASSWORD_TOO_SIMILAR.format(
                        attribute=self.ATTRIBUTE_NAMES.get(attribute, attribute)
                    ),
                    code="password_too_similar",
                ) from None

    def get_help_text(self):
        return "Your password cannot be based on your name or email address."


def _service_words():
    words = {settings.SERVICE_NAME, settings.ORGANISATION_NAME}
    return {variant for word in words for variant in (word.lower(), word.lower().replace(" ", ""))}
