"""Bulk upload (issue 5 §6): a CSV or XLSX of services, checked whole, previewed, applied at once.

- `columns`: the template's columns, what each means in a listing document, the template files.
- `reading`: turning the uploaded bytes into rows, refusing files that are not CSV/XLSX, too big,
  too long or carrying formulas (nothing is saved for a refused file).
- `validation`: every row checked against the directory (looked up in bulk, not row by row),
  giving each row's resulting listing document and every problem at once; `parts` (the first
  venue, cost and weekly schedule) and `cells` (days, times, dates) help it.
- `documents`: many listings' current documents read at once.
- `export`: an organisation's listings as a filled-in template.
- `services`: the use cases (upload, check in the background, preview, apply, cancel).
- `tasks`: the background task that checks a file and records its progress.
- `testing`: files and a small directory for the tests.

See docs/bulk-upload.md.
"""
