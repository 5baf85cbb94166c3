"""Case audits as the pages show them: display strings, the results' charts and tables."""

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from familyhelp.casework.models import CaseAudit, Grade
from familyhelp.core.charts import Bar, BarChart, DataTable
from familyhelp.core.formatting import long_date

GRADE_TAGS = {
    Grade.OUTSTANDING: "govuk-tag--green",
    Grade.GOOD: "govuk-tag--turquoise",
    Grade.REQUIRES_IMPROVEMENT: "govuk-tag--yellow",
    Grade.INADEQUATE: "govuk-tag--red",
}
STATUS_TAGS = {
    CaseAudit.Status.ASSIGNED: "govuk-tag--grey",
    CaseAudit.Status.COMPLETED: "govuk-tag--blue",
    CaseAudit.Status.RESPONDED: "govuk-tag--light-blue",
    CaseAudit.Status.MODERATED: "govuk-tag--green",
}


def name_of(user) -> str:
    return "" if user is None else (user.full_name or user.email)


def month_name(month) -> str:
    return f"{month:%B %Y}"


def when(moment) -> str:
    return "" if moment is None else long_date(timezone.localtime(moment).date())


def grade_label(code: str) -> str:
    return Grade(code).label if code else ""


def episode_url(episode) -> str | None:
    # The episode's page belongs to the episodes area: audits work without it.
    try:
        return reverse("casework:episode", args=[episode.pk])
    except NoReverseMatch:
        return None


class CaseAuditPresenter:
    def __init__(self, audit: CaseAudit):
        self.audit = audit
        self.pk = audit.pk
        self.url = reverse("casework:case-audit", args=[audit.pk])
        self.reference = audit.episode.reference
        self.title = f"Case audit of {audit.episode.reference}"
        self.month = month_name(audit.sample_month)
        self.team = audit.team.name
        self.tool = audit.tool.name
        self.worker = name_of(audit.worker)
        self.auditor = name_of(audit.auditor)
        self.status = audit.get_status_display()
        self.status_tag = STATUS_TAGS.get(audit.status, "")
        self.grade = grade_label(audit.grade)
        self.final_grade = grade_label(audit.final_grade)
        self.final_grade_tag = GRADE_TAGS.get(audit.final_grade, "")
        self.summary = audit.summary
        self.completed_on = when(audit.completed_at)
        self.response = audit.worker_response
        self.responded_on = when(audit.responded_at)
        self.moderated_grade = grade_label(audit.moderated_grade)
        self.moderation_note = audit.moderation_note
        self.moderated_by = name_of(audit.moderated_by)
        self.moderated_on = when(audit.moderated_at)
        self.grade_changed = bool(audit.moderated_grade) and audit.moderated_grade != audit.grade
        self.episode_url = episode_url(audit.episode)
        self.is_assigned = audit.status == CaseAudit.Status.ASSIGNED
        self.is_moderated = audit.status == CaseAudit.Status.MODERATED


class QuestionRow:
    def __init__(self, number, question, answer):
        self.pk = question.pk
        self.order = question.order
        self.number = number
        self.text = question.text
        self.grade = grade_label(answer.grade) if answer else ""
        self.grade_tag = GRADE_TAGS.get(answer.grade, "") if answer else ""
        self.comment = answer.comment if answer else ""
        self.grade_field = f"q{question.pk}_grade"
        self.comment_field = f"q{question.pk}_comment"


class SectionRows:
    def __init__(self, section, rows):
        self.pk = section.pk
        self.title = section.title
        self.order = section.order
        self.rows = rows


def numbered_sections(sections, answers=None) -> list[SectionRows]:
    """The tool's sections, with questions numbered through the whole tool."""
    answers = answers or {}
    out = []
    number = 0
    for section in sections:
        rows = []
        for question in section.questions.all():
            number += 1
            rows.append(QuestionRow(number, question, answers.get(question.pk)))
        out.append(SectionRows(section, rows))
    return out


# Results ----------------------------------------------------------------------------------

GRADE_ORDER = list(Grade)


class ResultsPresenter:
    TABLES = ("teams", "months")

    def __init__(self, results):
        self.results = results
        self.on = results.on
        self.period = f"{month_name(results.months[0])} to {month_name(results.months[-1])}"
        self.waiting = results.waiting
        total = sum(sum(counts.values()) for counts in results.by_team.values())
        self.total = total
        overall = dict.fromkeys(GRADE_ORDER, 0)
        for counts in results.by_team.values():
            for grade, count in counts.items():
                overall[grade] += count
        self.chart = BarChart(
            id="grades-chart",
            title="Completed audits by final grade",
            description=f"Case audits sampled from {self.period}, by their final grade.",
            bars=[
                Bar(
                    label=grade.label,
                    value=count,
                    text=f"{count} of {total}",
                )
                for grade, count in overall.items()
            ],
        )

    def table(self, name: str) -> DataTable:
        columns = [grade.label for grade in GRADE_ORDER]
        numeric = tuple(range(1, len(columns) + 2))
        if name == "teams":
            rows = [
                [team, *(counts.get(g, 0) for g in GRADE_ORDER), sum(counts.values())]
                for team, counts in self.results.by_team.items()
            ]
            return DataTable(
                caption="Completed audits by team and final grade",
                columns=["Team", *columns, "Total"],
                rows=rows,
                numeric=numeric,
            )
        rows = [
            [month_name(month), *(counts.get(g, 0) for g in GRADE_ORDER), sum(counts.values())]
            for month, counts in self.results.by_month.items()
        ]
        return DataTable(
            caption="Completed audits by month sampled and final grade",
            columns=["Month", *columns, "Total"],
            rows=rows,
            numeric=numeric,
        )
