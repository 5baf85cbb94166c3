"""The search pages: the category tiles, the results title, paging and widening a search."""

from urllib.parse import urlencode

from django.urls import reverse

from familyhelp.core.formatting import plural
from familyhelp.directory.presenters.schedules import join_words


class CategoryTile:
    """A category on the home page, linking to its results, with its sub-categories."""

    def __init__(self, term, key, child_keys):
        search = reverse("directory:search")
        self.name = term.name
        self.description = term.description if term.description != term.name else ""
        self.url = f"{search}?{urlencode({'category': key})}"
        self.subcategories = [
            (child.name, f"{search}?{urlencode({'category': key, 'subcategory': child_key})}")
            for child, child_key in child_keys
        ]


def results_title(total: int, text: str, place_label: str, category_names: list[str]) -> str:
    """'12 results for ‘nursery’ in Childcare near WX1 2AB'."""
    title = plural(total, "result")
    if text:
        title += f" for ‘{text}’"
    if category_names:
        title += f" in {join_words(category_names)}"
    if place_label:
        title += f" near {place_label}"
    return title


def widen_suggestions(query, *, has_place: bool, radius: float, has_filters: bool, has_text: bool):
    """Links that widen a search which found nothing: (text, href)."""
    search = reverse("directory:search")
    suggestions = []
    if has_place and radius < 20:
        wider = query.copy()
        wider["radius"] = "20"
        wider.pop("page", None)
        suggestions.append(("Search within 20 miles", f"{search}?{wider.urlencode()}"))
    if has_filters:
        kept = {k: query.get(k) for k in ("q", "where", "radius") if query.get(k)}
        suggestions.append(("Remove all filters", f"{search}?{urlencode(kept)}"))
    if has_text:
        fewer = query.copy()
        fewer.pop("q", None)
        fewer.pop("page", None)
        suggestions.append(("Search without your words", f"{search}?{fewer.urlencode()}"))
    if has_place:
        anywhere = query.copy()
        for key in ("where", "radius", "page"):
            anywhere.pop(key, None)
        if anywhere.get("sort") == "distance":
            anywhere.pop("sort")
        suggestions.append(("Search everywhere", f"{search}?{anywhere.urlencode()}"))
    return suggestions


def pagination(query, page: int, total_pages: int, window: int = 2) -> dict | None:
    """Parameters for the GOV.UK pagination component, keeping the rest of the query string."""
    if total_pages <= 1:
        return None

    def href(number):
        params = query.copy()
        params["page"] = str(number)
        return "?" + params.urlencode()

    items = []
    previous_number = 0
    for number in range(1, total_pages + 1):
        if number in (1, total_pages) or abs(number - page) <= window:
            if number - previous_number > 1:
                items.append({"ellipsis": True})
            items.append({"number": number, "href": href(number), "current": number == page})
            previous_number = number
    params: dict = {"items": items}
    if page > 1:
        params["previous"] = {"href": href(page - 1)}
    if page < total_pages:
        params["next"] = {"href": href(page + 1)}
    return params
