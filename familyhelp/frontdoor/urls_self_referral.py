"""Routes: self_referral (see frontdoor/README.md)."""

urlpatterns = []
