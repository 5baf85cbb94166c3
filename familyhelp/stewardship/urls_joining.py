"""Stewardship pages: joining (namespace "stewardship")."""

urlpatterns = []
