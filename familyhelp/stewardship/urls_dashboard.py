"""Stewardship pages: dashboard (namespace "stewardship")."""

urlpatterns = []
