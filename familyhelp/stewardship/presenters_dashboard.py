"""The dashboard's figures as people read them: headline rows, charts, tables and CSV tables.

A table and its CSV hold the same numbers (shares as percentages to one decimal place); the
charts draw some of those numbers (familyhelp/core/charts.py).
"""

import datetime

from django.utils import timezone

from familyhelp.core.charts import Bar, BarChart, DataTable
from familyhelp.core.formatting import long_date, plural
from familyhelp.stewardship.selectors_dashboard import Dashboard, FreshnessRow


def share(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def share_text(value: float | None) -> str:
    return "No listings" if value is None else f"{round(value):.0f}%"


def days_since(moment: datetime.datetime | None, now: datetime.datetime) -> int | None:
    return None if moment is None else max(0, (now - moment).days)


def days_text(days: float | None) -> str:
    if days is None:
        return "None confirmed yet"
    rounded = round(days, 1)
    return f"{rounded:g} day" + ("" if rounded == 1 else "s")


class DashboardPresenter:
    def __init__(self, dashboard: Dashboard, *, now: datetime.datetime | None = None):
        self.dashboard = dashboard
        self.now = now or timezone.now()
        self.since = long_date(dashboard.checked_since)

    # Headline figures ---------------------------------------------------------------------

    @property
    def checked_headline(self) -> str:
        totals = self.dashboard.totals
        if not totals.listings:
            return "There are no active listings"
        return (
            f"{share_text(totals.checked_share)} of listings checked since {self.since} "
            f"({totals.checked:,} of {totals.listings:,})"
        )

    @property
    def queue_age(self) -> int | None:
        return days_since(self.dashboard.approval_queue.oldest_since, self.now)

    @property
    def problem_age(self) -> int | None:
        return days_since(self.dashboard.open_problems.oldest_since, self.now)

    def _oldest(self, count: int, age: int | None) -> str:
        if not count or age is None:
            return ""
        if age == 0:
            return ", the oldest less than a day old"
        return f", the oldest {plural(age, 'day')} old"

    @property
    def queue_text(self) -> str:
        count = self.dashboard.approval_queue.count
        return f"{plural(count, 'change')} waiting" + self._oldest(count, self.queue_age)

    @property
    def problems_text(self) -> str:
        count = self.dashboard.open_problems.count
        return plural(count, "open report") + self._oldest(count, self.problem_age)

    @property
    def median_text(self) -> str:
        return days_text(self.dashboard.median_days_to_confirm)

    # Tables (and their CSV) ---------------------------------------------------------------

    def _freshness_table(self, caption: str, heading: str, rows: list[FreshnessRow]) -> DataTable:
        return DataTable(
            caption=caption,
            columns=[
                heading,
                "Listings",
                f"Checked since {self.since}",
                "Share checked (%)",
                "Overdue",
                "Hidden",
                "Never checked",
            ],
            rows=[
                [
                    row.label,
                    row.figures.listings,
                    row.figures.checked,
                    share(row.figures.checked_share),
                    row.figures.overdue,
                    row.figures.hidden,
                    row.figures.never_checked,
                ]
                for row in rows
            ],
            numeric=(1, 2, 3, 4, 5, 6),
        )

    @property
    def category_heading(self) -> str:
        return "Sub-category" if self.dashboard.category_level == "subcategory" else "Category"

    def categories_table(self) -> DataTable:
        return self._freshness_table(
            f"Listings by {self.category_heading.lower()}",
            self.category_heading,
            self.dashboard.by_category,
        )

    def areas_table(self) -> DataTable:
        return self._freshness_table("Listings by area", "Area", self.dashboard.by_area)

    def reminders_table(self) -> DataTable:
        return DataTable(
            caption=f"Reminders sent since {self.since}",
            columns=["Reminder", "Sent", "Confirmed from the reminder", "Share confirmed (%)"],
            rows=[
                [row.label, row.sent, row.confirmed, share(row.confirmed_share)]
                for row in self.dashboard.reminders
            ],
            numeric=(1, 2, 3),
        )

    def summary_table(self) -> DataTable:
        d = self.dashboard
        median = d.median_days_to_confirm
        rows = [
            ["Active listings", d.totals.listings],
            [f"Checked since {self.since}", d.totals.checked],
            ["Share checked (%)", share(d.totals.checked_share)],
            ["Overdue (hidden ones included)", d.totals.overdue],
            ["Hidden", d.totals.hidden],
            ["Never checked", d.totals.never_checked],
            [f"Reminders sent since {self.since}", d.reminders_sent],
            ["Reminders confirmed", d.reminders_confirmed],
            [
                "Median days from reminder to confirmation",
                None if median is None else round(median, 1),
            ],
            ["Changes waiting for approval", d.approval_queue.count],
            ["Oldest change waiting (days)", self.queue_age],
            ["Open problem reports", d.open_problems.count],
            ["Oldest open problem report (days)", self.problem_age],
        ]
        return DataTable(
            caption="The dashboard’s figures", columns=["Figure", "Value"], rows=rows, numeric=(1,)
        )

    def table(self, name: str) -> DataTable:
        return {
            "summary": self.summary_table,
            "categories": self.categories_table,
            "areas": self.areas_table,
            "reminders": self.reminders_table,
        }[name]()

    # Charts -------------------------------------------------------------------------------

    def _checked_chart(self, chart_id: str, title: str, rows: list[FreshnessRow]) -> BarChart:
        return BarChart(
            id=chart_id,
            title=title,
            description=f"Bar chart: the share of listings checked since {self.since}.",
            bars=[
                Bar(
                    row.label,
                    row.figures.checked_share or 0,
                    f"{share_text(row.figures.checked_share)} "
                    f"({row.figures.checked:,} of {row.figures.listings:,})",
                )
                for row in rows
            ],
            scale=100,
        )

    def _overdue_chart(self, chart_id: str, title: str, rows: list[FreshnessRow]) -> BarChart:
        return BarChart(
            id=chart_id,
            title=title,
            description="Bar chart: the number of overdue listings, with how many are hidden.",
            bars=[
                Bar(
                    row.label,
                    row.figures.overdue,
                    f"{row.figures.overdue:,} overdue, {row.figures.hidden:,} hidden",
                )
                for row in rows
            ],
        )

    def category_charts(self) -> list[BarChart]:
        noun = self.category_heading.lower()
        rows = self.dashboard.by_category
        return [
            self._checked_chart("chart-checked-category", f"Checked recently, by {noun}", rows),
            self._overdue_chart("chart-overdue-category", f"Overdue and hidden, by {noun}", rows),
        ]

    def area_charts(self) -> list[BarChart]:
        rows = self.dashboard.by_area
        return [
            self._checked_chart("chart-checked-area", "Checked recently, by area", rows),
            self._overdue_chart("chart-overdue-area", "Overdue and hidden, by area", rows),
        ]

    def reminder_chart(self) -> BarChart:
        return BarChart(
            id="chart-reminders",
            title="Reminders confirmed, by reminder",
            description="Bar chart: the share of reminders whose listing was confirmed from them.",
            bars=[
                Bar(
                    row.label,
                    row.confirmed_share or 0,
                    f"{row.confirmed:,} of {row.sent:,} confirmed"
                    + (
                        ""
                        if row.confirmed_share is None
                        else f" ({share_text(row.confirmed_share)})"
                    ),
                )
                for row in self.dashboard.reminders
            ],
            scale=100,
        )
