"""Who may look after listings beyond the directory's own rules (familyhelp/directory/rules.py).

Editing a listing asks `directory.edit_service` / `directory.edit_organization`; moderation,
the dashboard, join requests and restoring versions ask `directory.administer`.
"""

import rules

from familyhelp.accounts.rules import is_organisation_editor
from familyhelp.directory.rules import may_administer_directory

# "Your organisations": anyone who edits listings (administrators see every organisation).
rules.add_perm("stewardship.edit_listings", may_administer_directory | is_organisation_editor)

# Bulk upload (familyhelp/stewardship/uploads/; docs/bulk-upload.md): administrators upload any
# organisation's listings; an organisation editor only their organisations' (checked per row).
rules.add_perm("stewardship.bulk_upload", may_administer_directory | is_organisation_editor)
