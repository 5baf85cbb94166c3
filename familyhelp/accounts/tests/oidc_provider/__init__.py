"""A real OpenID Connect provider for the single sign-on tests (django-oauth-toolkit).

A separate small Django project, run as a subprocess by `process.py`: its own settings, its own
SQLite database in a temporary folder, and an RSA signing key made when it starts. It never
imports Family Help, and Family Help never imports it outside the tests.
"""
