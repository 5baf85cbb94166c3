"""Routes: self-referral, public, no sign-in (see docs/self-referral.md)."""

from django.urls import path

from familyhelp.frontdoor import views_self_referral as views

urlpatterns = [
    path("ask-for-help/", views.ask_for_help, name="self-referral"),
    path("ask-for-help/sent/", views.self_referral_sent, name="self-referral-sent"),
]
