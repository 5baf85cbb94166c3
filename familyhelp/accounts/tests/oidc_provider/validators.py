"""The claims the test provider sends: email, and whether it is verified, like a real one."""

from oauth2_provider.oauth2_validators import OAuth2Validator

# Members of this group have an email address the provider has not verified.
UNVERIFIED_EMAIL_GROUP = "unverified-email"


class ClaimsValidator(OAuth2Validator):
    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "email_verified": not user.groups.filter(name=UNVERIFIED_EMAIL_GROUP).exists(),
            "name": user.get_full_name() or user.username,
        }
