"""A stand-in personal record for testing access, installed only by config/settings/test.py.

No personal record type exists until the families and casework apps (issues 6 and 7); this app
gives the access layer (relationships, 404-not-403, break-glass, audit of reads) a real model,
page and API endpoint to be tested against.
"""
