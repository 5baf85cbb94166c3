"""Stewardship pages: moderation (namespace "stewardship")."""

urlpatterns = []
