"""Stewardship pages: editing (namespace "stewardship")."""

urlpatterns = []
