"""The family page's "Involvement" section: what each app has done with the family.

The apps that work with families sit above this one, so each contributes its rows here (from its
AppConfig.ready) instead of this app importing them:

    involvement.contribute(rows)   # rows(user, family) -> list[InvolvementRow]

A contributor returns only the rows the viewer may see (a requester sees their own requests, the
front door sees every request and decision) and reads them in a fixed number of queries, so the
family page's query count does not grow with the family's history.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class InvolvementRow:
    date: datetime.date
    kind: str  # such as "Request for support" or "Decision"
    summary: str
    url: str | None = None
    # Still going (an open request, an open episode) rather than past.
    current: bool = False


Contributor = Callable[[object, object], list[InvolvementRow]]
CONTRIBUTORS: list[Contributor] = []


def contribute(rows: Contributor) -> Contributor:
    """Add an app's rows to every family page (registering the same function again does not)."""
    if rows not in CONTRIBUTORS:
        CONTRIBUTORS.append(rows)
    return rows


def involvement_rows(user, family) -> list[InvolvementRow]:
    """Every row the viewer may see about the family, newest first, current ones first."""
    rows = [row for contributor in CONTRIBUTORS for row in contributor(user, family)]
    return sorted(rows, key=lambda row: (not row.current, -row.date.toordinal(), row.kind))
