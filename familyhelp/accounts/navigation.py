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


NAVIGATION: list[NavigationItem] = []


def items_for(user) -> list[NavigationItem]:
    if user is None or not user.is_authenticated:
        return []
    return [
        item for item in NAVIGATION if item.permission is None or user.has_perm(item.permission)
    ]
