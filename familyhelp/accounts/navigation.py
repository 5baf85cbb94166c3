"""The links a signed-in person sees in the service navigation, each behind a permission.

Each area adds its own entries to NAVIGATION. `items_for(user)` keeps those the person may use;
the header shows them, and "Your account" lists them too.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class NavigationItem:
    url_name: str
    text: str
    # A `rules` permission name; None means every signed-in person sees it.
    permission: str | None = None
    # False: listed on "Your account" only, keeping the header short on a phone.
    in_header: bool = True


NAVIGATION: list[NavigationItem] = []


def items_for(user, *, header: bool = False) -> list[NavigationItem]:
    """The items the person may use: all of them for "Your account", fewer for the header."""
    if user is None or not user.is_authenticated:
        return []
    return [
        item
        for item in NAVIGATION
        if (item.in_header or not header)
        and (item.permission is None or user.has_perm(item.permission))
    ]


# Second factor (familyhelp/accounts/mfa.py): anyone signed in may get new recovery codes.
NAVIGATION.append(
    NavigationItem(
        "accounts:second-factor-new-recovery-codes", "Get new recovery codes", in_header=False
    )
)

# Access (familyhelp/accounts/break_glass.py): team managers review emergency access.
NAVIGATION.append(
    NavigationItem(
        "accounts:break-glass-reviews",
        "Emergency access reviews",
        "accounts.view_break_glass_reviews",
    )
)

# People (familyhelp/accounts/views/people.py): administrators manage their agency's people.
NAVIGATION.append(NavigationItem("accounts:people", "People", "accounts.view_people"))

# Sign-in (familyhelp/accounts/views/signin.py): everyone's own account page; administrators
# see the accounts locked after too many failed sign-ins.
NAVIGATION.append(NavigationItem("accounts:home", "Your account"))
NAVIGATION.append(
    NavigationItem(
        "accounts:locked-accounts", "Locked accounts", "accounts.view_people", in_header=False
    )
)

# Freshness (familyhelp/stewardship/views.py): directory administrators see overdue listings.
NAVIGATION.append(
    NavigationItem(
        "stewardship:overdue", "Overdue listings", "directory.administer", in_header=False
    )
)

# Audit log (familyhelp/audit/views.py): auditors, system administrators and team managers.
NAVIGATION.append(NavigationItem("audit:search", "Audit log", "audit.search_log"))

# Report a problem (familyhelp/directory/views_problems.py): reports about service pages, for
# directory administrators and organisation editors. Listed on "Your account".
NAVIGATION.append(
    NavigationItem(
        "directory:problem-reports",
        "Problem reports",
        "directory.view_problem_reports",
        in_header=False,
    )
)

# Moderation (familyhelp/stewardship/views_moderation.py): directory administrators approve
# organisations' changes to their listings.
NAVIGATION.append(NavigationItem("stewardship:queue", "Changes to approve", "directory.administer"))

# Joining (familyhelp/stewardship/views_joining.py): requests to join the directory or claim a
# listing, for directory administrators. Listed on "Your account".
NAVIGATION.append(
    NavigationItem(
        "stewardship:join-requests",
        "Requests to join the directory",
        "directory.administer",
        in_header=False,
    )
)

# Dashboard (familyhelp/stewardship/views_dashboard.py): directory administrators see freshness,
# reminders, the approval queue and problem reports at a glance.
NAVIGATION.append(
    NavigationItem("stewardship:dashboard", "Directory dashboard", "directory.administer")
)

# Editing (familyhelp/stewardship/views_editing/): editors see their organisations' listings.
NAVIGATION.append(
    NavigationItem("stewardship:organisations", "Your organisations", "stewardship.edit_listings")
)

# Bulk upload (familyhelp/stewardship/views_uploads.py): administrators and organisation editors
# add or change many listings from a spreadsheet. Listed on "Your account".
NAVIGATION.append(
    NavigationItem(
        "stewardship:upload-start", "Upload listings", "stewardship.bulk_upload", in_header=False
    )
)

# Front door (familyhelp/frontdoor/views_triage/queue.py): the queue of open requests, for the front
# door team's officers and managers.
NAVIGATION.append(NavigationItem("frontdoor:queue", "Front door", "frontdoor.view_queue"))

# Front door figures (familyhelp/frontdoor/views_figures.py): requests, decisions and waits,
# for the front door team, analysts and system administrators.
NAVIGATION.append(
    NavigationItem("frontdoor:figures", "Front door figures", "frontdoor.view_figures")
)

# Threshold guidance (familyhelp/frontdoor/views_thresholds.py): the levels of need, for everyone
# who asks for help or triages; the front door's settings for administrators. On "Your account".
NAVIGATION.append(
    NavigationItem(
        "frontdoor:thresholds", "Threshold guidance", "frontdoor.view_thresholds", in_header=False
    )
)
NAVIGATION.append(
    NavigationItem(
        "frontdoor:front-door-settings",
        "Front door settings",
        "frontdoor.edit_thresholds",
        in_header=False,
    )
)

# Early Support Assessment (familyhelp/frontdoor/views_assessment/): practitioners' requests.
NAVIGATION.append(
    NavigationItem("frontdoor:requests", "Requests for support", "frontdoor.make_request")
)

# Caseloads and drift (familyhelp/casework/views_caseloads.py): team managers see their teams'
# caseloads per FTE and drifting episodes; administrators change case work settings.
NAVIGATION.append(NavigationItem("casework:caseloads", "Caseloads", "casework.view_caseloads"))
NAVIGATION.append(
    NavigationItem("casework:settings", "Case work settings", "casework.configure", in_header=False)
)

# Case audits (familyhelp/casework/views_audits.py): auditors and team managers audit cases; a
# worker whose case was audited finds it on "Your account" (the page lists only their own).
NAVIGATION.append(NavigationItem("casework:case-audits", "Case audits", "casework.audit_cases"))
NAVIGATION.append(
    NavigationItem(
        "casework:case-audits", "Audits of your cases", "families.add_person", in_header=False
    )
)

# Episodes (familyhelp/casework/views_episodes/): "Your cases" for keyworkers, team managers and
# practitioners in a team around the family.
NAVIGATION.append(NavigationItem("casework:episodes", "Cases", "casework.view_cases"))

# Subject access (familyhelp/casework/views_export.py): information governance exports everything
# held about one person.
NAVIGATION.append(
    NavigationItem(
        "casework:subject-access-start", "Subject access export", "casework.export_subject_access"
    )
)
