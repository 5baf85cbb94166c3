"""The front door's figures as managers read them: headlines, charts, tables and CSV tables.

A table and its CSV hold the same numbers (shares as percentages to one decimal place); each
chart draws one table's numbers (familyhelp/core/charts.py).
"""

from familyhelp.core.charts import Bar, BarChart, DataTable
from familyhelp.core.formatting import long_date, plural
from familyhelp.frontdoor.selectors_figures import Figures


def share(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def share_text(value: float | None) -> str:
    return "None" if value is None else f"{round(value):.0f}%"


def hours_text(hours: float | None) -> str:
    if hours is None:
        return "No decisions yet"
    if hours < 1:
        return "Less than an hour"
    rounded = round(hours, 1)
    return f"{rounded:g} hour" + ("" if rounded == 1 else "s")


def working_days_text(days: float | None) -> str:
    if days is None:
        return "No decisions yet"
    if days == 0:
        return "The same day"
    return f"{days:g} working day" + ("" if days == 1 else "s")


class FiguresPresenter:
    def __init__(self, figures: Figures):
        self.figures = figures
        self.start = long_date(figures.period.start)
        self.end = long_date(figures.period.end)
        self.on = long_date(figures.on)

    @property
    def period_text(self) -> str:
        return f"{self.start} to {self.end}"

    # Headline figures ---------------------------------------------------------------------

    @property
    def submitted_text(self) -> str:
        return plural(self.figures.submitted, "request")

    @property
    def re_referral_text(self) -> str:
        found = self.figures.re_referrals
        if not found.requests:
            return "No requests"
        return f"{share_text(found.share)} ({found.re_referrals:,} of {found.requests:,})"

    @property
    def decisions_text(self) -> str:
        return plural(self.figures.time_to_decision.decisions, "decision")

    @property
    def within_due_text(self) -> str:
        found = self.figures.time_to_decision
        if not found.decisions:
            return "No decisions"
        return f"{share_text(found.within_due_share)} ({found.within_due:,} of {found.decisions:,})"

    @property
    def median_hours_text(self) -> str:
        return hours_text(self.figures.time_to_decision.median_hours)

    @property
    def median_working_days_text(self) -> str:
        return working_days_text(self.figures.time_to_decision.median_working_days)

    @property
    def conversion_text(self) -> str:
        found = self.figures.conversion
        if not found.assessments:
            return "No assessments"
        return f"{share_text(found.share)} ({found.family_help:,} of {found.assessments:,})"

    @property
    def open_text(self) -> str:
        return (
            f"{plural(self.figures.open_requests, 'request')}, "
            f"{self.figures.open_overdue:,} overdue"
        )

    def headline_rows(self) -> list[dict]:
        """The govukSummaryList rows."""
        rows = [
            ("Requests submitted", self.submitted_text),
            ("Re-referrals", self.re_referral_text),
            ("Decisions made", self.decisions_text),
            ("Decided by the day they were due", self.within_due_text),
            ("Median time to decision", self.median_hours_text),
            ("Median working days to decision", self.median_working_days_text),
            ("Assessments leading to Family Help", self.conversion_text),
            (f"Open on {self.on}", self.open_text),
        ]
        return [{"key": {"text": key}, "value": {"text": value}} for key, value in rows]

    # Tables (and their CSV) ---------------------------------------------------------------

    def summary_table(self) -> DataTable:
        f = self.figures
        time = f.time_to_decision
        median_hours = time.median_hours
        rows = [
            ["Period start", f.period.start.isoformat()],
            ["Period end", f.period.end.isoformat()],
            ["Requests submitted", f.submitted],
            ["Re-referrals", f.re_referrals.re_referrals],
            ["Re-referral rate (%)", share(f.re_referrals.share)],
            ["Decisions made", time.decisions],
            ["Decided by the day they were due", time.within_due],
            ["Share decided by the day they were due (%)", share(time.within_due_share)],
            ["Median hours to decision", None if median_hours is None else round(median_hours, 1)],
            ["Median working days to decision", time.median_working_days],
            ["Assessments submitted", f.conversion.assessments],
            ["Assessments decided", f.conversion.decided],
            ["Assessments leading to Family Help", f.conversion.family_help],
            ["Conversion to Family Help (%)", share(f.conversion.share)],
            [f"Open requests on {f.on.isoformat()}", f.open_requests],
            [f"Open requests overdue on {f.on.isoformat()}", f.open_overdue],
        ]
        return DataTable(
            caption=f"The front door’s figures, {self.period_text}",
            columns=["Figure", "Value"],
            rows=rows,
            numeric=(1,),
        )

    def weeks_table(self) -> DataTable:
        return DataTable(
            caption=f"Requests submitted by week, {self.period_text}",
            columns=["Week starting", "Requests"],
            rows=[[long_date(w.week_starting), w.requests] for w in self.figures.by_week],
            numeric=(1,),
        )

    def sources_table(self) -> DataTable:
        total = self.figures.submitted
        return DataTable(
            caption=f"Requests submitted by source, {self.period_text}",
            columns=["Source", "Requests", "Share of requests (%)"],
            rows=[
                [s.source, s.requests, share(s.requests * 100 / total) if total else None]
                for s in self.figures.by_source
            ],
            numeric=(1, 2),
        )

    def decisions_table(self) -> DataTable:
        total = self.figures.time_to_decision.decisions
        return DataTable(
            caption=f"Decisions made by type, {self.period_text}",
            columns=["Decision", "Decisions", "Share of decisions (%)"],
            rows=[
                [k.label, k.decisions, share(k.decisions * 100 / total) if total else None]
                for k in self.figures.by_kind
            ],
            numeric=(1, 2),
        )

    def ages_table(self) -> DataTable:
        return DataTable(
            caption=f"Open requests on {self.on} by the working days they have waited",
            columns=["Waited", "Open requests", "Overdue"],
            rows=[[b.label, b.requests, b.overdue] for b in self.figures.open_by_age],
            numeric=(1, 2),
        )

    def table(self, name: str) -> DataTable:
        return {
            "summary": self.summary_table,
            "weeks": self.weeks_table,
            "sources": self.sources_table,
            "decisions": self.decisions_table,
            "ages": self.ages_table,
        }[name]()

    # Charts -------------------------------------------------------------------------------

    def weeks_chart(self) -> BarChart:
        return BarChart(
            id="chart-weeks",
            title="Requests submitted by week",
            description="Bar chart: the number of requests submitted each week, by the Monday "
            "it starts.",
            bars=[
                Bar(f"Week starting {long_date(w.week_starting)}", w.requests, f"{w.requests:,}")
                for w in self.figures.by_week
            ],
        )

    def sources_chart(self) -> BarChart:
        return BarChart(
            id="chart-sources",
            title="Requests submitted by source",
            description="Bar chart: the number of requests each agency made, and families' "
            "self-referrals.",
            bars=[Bar(s.source, s.requests, f"{s.requests:,}") for s in self.figures.by_source],
        )

    def decisions_chart(self) -> BarChart:
        return BarChart(
            id="chart-decisions",
            title="Decisions made by type",
            description="Bar chart: the number of decisions of each type.",
            bars=[Bar(k.label, k.decisions, f"{k.decisions:,}") for k in self.figures.by_kind],
        )

    def ages_chart(self) -> BarChart:
        return BarChart(
            id="chart-ages",
            title="Open requests by how long they have waited",
            description="Bar chart: the number of open requests by the working days since they "
            "arrived, with how many are overdue.",
            bars=[
                Bar(b.label, b.requests, f"{b.requests:,} ({b.overdue:,} overdue)")
                for b in self.figures.open_by_age
            ],
        )
