"""System checks: a mistake in the single sign-on settings stops `migrate`, `check` and
`runserver`, rather than showing up the first time someone tries to sign in."""

from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@checks.register(checks.Tags.security)
def sso_providers_are_configured(app_configs=None, **kwargs):
    from familyhelp.accounts.sso.providers import providers

    try:
        providers()
    except ImproperlyConfigured as problem:
        return [
            checks.Error(str(problem), hint="See docs/sso.md.", id="accounts.E001"),
        ]
    return []
