"""Who may read the audit log: predicates for the `rules` package.

Auditors and system administrators read the whole log. A team manager reads it too, but only the
events of people in a team they manage; `selectors.audit_event_list` enforces that scope, these
permissions only say who may ask at all.
"""

import rules

from familyhelp.accounts.rules import is_auditor, is_system_administrator, is_team_manager

reads_whole_log = is_auditor | is_system_administrator
reads_log = reads_whole_log | is_team_manager

# Search the log (the /audit/ page).
rules.add_perm("audit.search_log", reads_log)
# See who has viewed a record (the viewers page).
rules.add_perm("audit.view_record_history", reads_log)
# Download a search as CSV.
rules.add_perm("audit.export_log", reads_log)
