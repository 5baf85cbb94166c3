"""Signing in, second factors, people, single sign-on and break-glass: namespace "accounts".

Each area keeps its own URL module so the pieces can change independently.
"""

from familyhelp.accounts import urls_access, urls_mfa, urls_people, urls_signin, urls_sso

app_name = "accounts"

urlpatterns = [
    *urls_signin.urlpatterns,
    *urls_mfa.urlpatterns,
    *urls_people.urlpatterns,
    *urls_sso.urlpatterns,
    *urls_access.urlpatterns,
]
