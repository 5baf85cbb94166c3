"""Stewardship's use cases, one module per area; each function is one transaction, checks its
permission inside and writes its audit record in the same transaction.

- `publishing`: the one path that changes a published listing (and writes its version).
- `editing`: drafts an organisation's editors start, save and submit.
- `moderation`: directory administrators approve, reject or ask for changes; restore versions;
  mark organisations trusted.
"""
