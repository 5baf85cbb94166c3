"""Single sign-on with OpenID Connect: each agency may bring its own provider.

- `providers`: the OIDC_PROVIDERS setting, checked, and each provider's endpoints (discovery).
- `matching`: which invited account a provider's verified claims belong to; recording the
  sign-in, the link and every refusal in the audit log; unlinking.
- `backend`: mozilla-django-oidc's authentication backend, set up per provider.
- `refusals`: why a sign-in was refused (the codes the audit log keeps).

A person is matched to an account that already exists in the provider's agency, by the
provider's subject once linked, or else by a verified email address; no account is ever created.
docs/sso.md explains the settings.
"""
