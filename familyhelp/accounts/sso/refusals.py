"""Why a sign-in with a provider was refused."""


class Refusal:
    """Why a sign-in with a provider was refused: the code goes in the audit log."""

    NO_ACCOUNT = "no_account"
    NOT_INVITED = "not_invited"
    OTHER_AGENCY = "other_agency"
    DEACTIVATED = "deactivated"
    EMAIL_NOT_VERIFIED = "email_not_verified"
    NO_EMAIL = "no_email"
    SUBJECT_LINKED_TO_OTHER_ACCOUNT = "subject_linked_to_other_account"
    ACCOUNT_LINKED_TO_OTHER_SUBJECT = "account_linked_to_other_subject"
    INVALID_STATE = "invalid_state"
    PROVIDER_ERROR = "provider_error"
    INVALID_TOKEN = "invalid_token"  # noqa: S105 - a reason code, not a secret
    PROVIDER_UNAVAILABLE = "provider_unavailable"
    PROVIDER_MISCONFIGURED = "provider_misconfigured"
    LOCKED_OUT = "locked_out"


class SsoRefused(Exception):
    def __init__(self, reason, user=None):
        super().__init__(reason)
        self.reason = reason
        self.user = user
