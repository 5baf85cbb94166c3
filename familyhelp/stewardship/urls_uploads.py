"""Stewardship pages: uploads (namespace "stewardship")."""

urlpatterns = []
