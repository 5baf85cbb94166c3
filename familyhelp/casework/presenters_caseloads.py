"""Caseloads and drift as the manager's pages show them: headlines, tables, charts and CSV."""

from decimal import ROUND_HALF_UP, Decimal

from django.urls import reverse
from markupsafe import escape

from familyhelp.casework.selectors_caseloads import Caseloads, DriftList, TeamLoad, WorkerLoad
from familyhelp.core.charts import Bar, BarChart, DataTable
from familyhelp.core.formatting import long_date, plural

CAPACITY_TEXT = "Has capacity"


def figure(value: Decimal | int, places: int = 1) -> str:
    """A number as people read it: 49 not 49.00, 5.9 not 5.94, 0.8 not 0.80."""
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def team_headline(load: TeamLoad) -> str:
    """Like "291 cases across 49 FTE: 5.9 per FTE"."""
    if not load.fte:
        return f"{plural(load.episodes, 'case')} and no one carrying cases"
    per_fte = Decimal(load.episodes) / load.fte
    return (
        f"{plural(load.episodes, 'case')} across {figure(load.fte, 2)} FTE: "
        f"{per_fte.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)} per FTE"
    )


class WorkerRow:
    def __init__(self, worker: WorkerLoad):
        self.id = worker.user.pk
        self.name = worker.user.full_name or worker.user.email
        self.fte = figure(worker.fte, 2)
        self.episodes = worker.episodes
        self.children = worker.children
        self.weighted = figure(worker.weighted, 2)
        self.weighted_per_fte = figure(worker.weighted_per_fte, 2)
        if not worker.in_team:
            self.capacity = "Not in the team"
        else:
            self.capacity = CAPACITY_TEXT if worker.has_capacity else "At or above average"
        self.url = reverse("casework:worker", args=[worker.user.pk])


class TeamPresenter:
    def __init__(self, load: TeamLoad):
        self.load = load
        self.id = load.team.pk
        self.name = load.team.name
        self.headline = team_headline(load)
        self.weighted_headline = (
            f"Weighted by level of need: {figure(load.weighted, 2)} across "
            f"{figure(load.fte, 2)} FTE, an average of {figure(load.weighted_per_fte, 2)} per FTE"
        )
        self.children = plural(load.children, "child", "children")
        self.awaiting = plural(load.awaiting, "episode")
        self.drifting = plural(load.drifting, "episode")
        self.workers = [WorkerRow(worker) for worker in load.workers]
        self.with_capacity = [row.name for row in self.workers if row.capacity == CAPACITY_TEXT]
        self.download_url = reverse("casework:caseloads-download", args=[load.team.pk])

    def chart(self) -> BarChart:
        return BarChart(
            id=f"chart-team-{self.id}",
            title=f"{self.name}: weighted caseload per FTE",
            description="Each worker’s open episodes, weighted by level of need, per FTE.",
            bars=[
                Bar(
                    label=row.name,
                    value=float(worker.weighted_per_fte),
                    text=f"{row.weighted_per_fte} per FTE",
                )
                for row, worker in zip(self.workers, self.load.workers, strict=True)
            ],
        )

    def govuk_table(self) -> dict:
        """The caseloads table for the page: each worker's name links to their episodes."""
        params = self.table().govuk_table()
        for cells, row in zip(params["rows"], self.workers, strict=False):
            cells[0] = {
                "html": f'<a class="govuk-link" href="{escape(row.url)}">{escape(row.name)}</a>'
            }
        return params

    def table(self) -> DataTable:
        return DataTable(
            caption=f"{self.name}: caseloads",
            columns=[
                "Worker",
                "FTE",
                "Open episodes",
                "Children",
                "Weighted caseload",
                "Weighted per FTE",
                "Capacity",
            ],
            rows=[
                [
                    row.name,
                    row.fte,
                    row.episodes,
                    row.children,
                    row.weighted,
                    row.weighted_per_fte,
                    row.capacity,
                ]
                for row in self.workers
            ]
            + [
                [
                    "Team total",
                    figure(self.load.fte, 2),
                    self.load.episodes,
                    self.load.children,
                    figure(self.load.weighted, 2),
                    figure(self.load.weighted_per_fte, 2),
                    "",
                ]
            ],
            numeric=(1, 2, 3, 4, 5),
        )


class CaseloadsPresenter:
    def __init__(self, caseloads: Caseloads):
        self.on = long_date(caseloads.on)
        self.teams = [TeamPresenter(load) for load in caseloads.teams]
        self.weights = [
            f"Level {number}: {figure(weight, 2)}"
            for number, weight in sorted(caseloads.weights.items())
        ]

    def team(self, team_id) -> TeamPresenter | None:
        return next((team for team in self.teams if team.id == team_id), None)


class DriftPresenter:
    def __init__(self, found: DriftList):
        self.on = long_date(found.on)
        self.rules = [rule.reason for rule in found.rules]
        self.page = found.page
        names = {team.pk: team.name for team in found.teams}
        self.team_counts = []
        for team in found.teams:
            counts = found.counts.get(team.pk, {})
            self.team_counts.append(
                {
                    "name": team.name,
                    "total": plural(counts.get("total", 0), "episode"),
                    "reasons": [
                        f"{rule.reason}: {counts.get(rule.code, 0)}" for rule in found.rules
                    ],
                }
            )
        self.pagination = _pagination(found.page)
        self.rows = [
            {
                "reference": item.episode.reference,
                "url": reverse("casework:episode", args=[item.episode.pk]),
                "team": names.get(item.episode.team_id, ""),
                "lead": (
                    (
                        item.episode.lead_professional.full_name
                        or item.episode.lead_professional.email
                    )
                    if item.episode.lead_professional
                    else "Not allocated"
                ),
                "reasons": item.reasons,
                "reallocate_url": (
                    reverse("casework:reallocate", args=[item.episode.pk])
                    if item.episode.lead_professional_id
                    and item.episode.status == item.episode.Status.OPEN
                    else None
                ),
                # An episode waiting for allocation is allocated from its own page.
                "allocate_url": (
                    reverse("casework:episode-allocate", args=[item.episode.pk])
                    if item.episode.status == item.episode.Status.AWAITING_ALLOCATION
                    else None
                ),
            }
            for item in found.page.object_list
        ]


def _pagination(page) -> dict | None:
    """The govukPagination parameters for a Paginator page, or None when there is one page."""
    if page.paginator.num_pages <= 1:
        return None
    params: dict = {}
    if page.has_previous():
        params["previous"] = {"href": f"?page={page.previous_page_number()}"}
    if page.has_next():
        params["next"] = {"href": f"?page={page.next_page_number()}"}
    params["landmarkLabel"] = f"Drifting episodes, page {page.number} of {page.paginator.num_pages}"
    return params
