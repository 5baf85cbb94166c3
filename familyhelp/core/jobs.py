"""Daily jobs: each job listed in settings.DAILY_JOBS runs at most once for a date.

A daily job is a function taking `today: datetime.date` and returning a dict of counts, e.g.
`{"reminders_sent": 12}`: what it did, never who to. `run_daily_jobs` (the management command a
scheduler calls every day, docs/background-jobs.md) runs each through `run_daily_job`, which
first claims the job for the date by inserting its JobRun row. The row is unique per job and
date, so of any number of schedulers, workers or repeated calls exactly one insert succeeds and
only that caller runs the job; the others report what the row says.

A run that raises is recorded as failed, with the exception's type and where it was raised (never
its message, which may quote personal data), and is not run again until someone asks:
`run_daily_jobs --retry-failed`. A run still "running" after DAILY_JOBS_INTERRUPTED_AFTER_HOURS
(its process died) is recorded as interrupted, which is a failure, and so is retried the same way.
"""

import datetime
import logging
import traceback
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import JobRun
from .tasks import task

logger = logging.getLogger(__name__)

RAN = "ran"
FAILED = "failed"
SKIPPED = "skipped"


class DailyJobFailed(Exception):
    """A daily job failed; the message names the job and where it failed, nothing personal."""


@dataclass(frozen=True)
class Outcome:
    """What `run_daily_job` did: ran the job, saw it fail, or left it (someone else has it)."""

    result: str  # RAN, FAILED or SKIPPED
    run: JobRun

    @property
    def failed(self) -> bool:
        return self.result == FAILED

    def describe(self) -> str:
        """One line for the command's output and the logs: the job's name and its counts."""
        run = self.run
        counts = ", ".join(f"{name}={value}" for name, value in run.counts.items()) or "no counts"
        if self.result == RAN:
            return f"{run.job}: {counts}"
        if self.result == FAILED:
            return f"{run.job}: failed ({run.error})"
        if run.status == JobRun.Status.SUCCEEDED:
            return f"{run.job}: already ran for {run.run_date:%Y-%m-%d} ({counts})"
        if run.status == JobRun.Status.RUNNING:
            started = timezone.localtime(run.started_at)
            return f"{run.job}: already running for {run.run_date:%Y-%m-%d} since {started:%H:%M}"
        return (
            f"{run.job}: failed earlier for {run.run_date:%Y-%m-%d} ({run.error}); "
            "run again with --retry-failed"
        )

    def as_dict(self) -> dict:
        return {
            "job": self.run.job,
            "run_date": self.run.run_date.isoformat(),
            "result": self.result,
            "status": self.run.status,
            "counts": self.run.counts,
        }


def daily_jobs() -> list[str]:
    return list(settings.DAILY_JOBS)


def run_daily_jobs(run_date: datetime.date, *, retry_failed: bool = False) -> list[Outcome]:
    """Run every job in settings.DAILY_JOBS for `run_date`, each at most once."""
    return [run_daily_job(job, run_date, retry_failed=retry_failed) for job in daily_jobs()]


def run_daily_job(job: str, run_date: datetime.date, *, retry_failed: bool = False) -> Outcome:
    """Run the daily job `job` (a dotted path) for `run_date` if nobody has claimed it yet.

    With `retry_failed`, a run recorded as failed is claimed again and run once more.
    """
    _record_interrupted(job)
    run = _claim(job, run_date, retry_failed=retry_failed)
    if run is None:
        return Outcome(SKIPPED, JobRun.objects.get(job=job, run_date=run_date))

    logger.info("Daily job %s for %s started (attempt %d)", job, run_date, run.attempts)
    try:
        counts = _checked_counts(job, import_string(job)(run_date))
    except BaseException as exc:
        run.status = JobRun.Status.FAILED
        run.error = describe_exception(exc)
        _finish(run, update_fields=["status", "error", "finished_at"])
        # The description, not the exception: its message or traceback may hold personal data.
        logger.error("Daily job %s for %s failed: %s", job, run_date, run.error)
        if not isinstance(exc, Exception):
            raise  # KeyboardInterrupt, SystemExit: recorded, and the process still stops
        return Outcome(FAILED, run)

    run.status = JobRun.Status.SUCCEEDED
    run.counts = counts
    _finish(run, update_fields=["status", "counts", "finished_at"])
    logger.info("Daily job %s for %s finished: %s", job, run_date, counts)
    return Outcome(RAN, run)


def _claim(job: str, run_date: datetime.date, *, retry_failed: bool) -> JobRun | None:
    """The JobRun this caller now owns, or None when someone else has (or had) the job."""
    now = timezone.now()
    try:
        with transaction.atomic():
            return JobRun.objects.create(
                job=job, run_date=run_date, status=JobRun.Status.RUNNING, started_at=now
            )
    except IntegrityError:
        pass  # claimed already: by an earlier run, or by another worker this very moment
    if retry_failed:
        # One conditional UPDATE: of two callers retrying at once, one changes the row and the
        # other (which waits for its row lock, then re-reads the status) changes nothing.
        claimed = JobRun.objects.filter(
            job=job, run_date=run_date, status=JobRun.Status.FAILED
        ).update(
            status=JobRun.Status.RUNNING,
            attempts=F("attempts") + 1,
            started_at=now,
            finished_at=None,
            counts={},
            error="",
        )
        if claimed:
            return JobRun.objects.get(job=job, run_date=run_date)
    return None


def _finish(run: JobRun, *, update_fields: list[str]) -> None:
    run.finished_at = timezone.now()
    # Only the attempt that claimed the row records its end; a later retry owns the row after.
    values = {field: getattr(run, field) for field in update_fields}
    JobRun.objects.filter(pk=run.pk, attempts=run.attempts).update(**values)


def _record_interrupted(job: str) -> None:
    """Record runs of `job` with no result long after they started as failed (interrupted)."""
    hours = settings.DAILY_JOBS_INTERRUPTED_AFTER_HOURS
    now = timezone.now()
    JobRun.objects.filter(
        job=job, status=JobRun.Status.RUNNING, started_at__lt=now - datetime.timedelta(hours=hours)
    ).update(
        status=JobRun.Status.FAILED,
        finished_at=now,
        error=f"Interrupted: no result {hours} hours after it started",
    )


def _checked_counts(job: str, counts) -> dict[str, int]:
    if not isinstance(counts, dict) or not all(
        isinstance(name, str) and isinstance(value, int) and not isinstance(value, bool)
        for name, value in counts.items()
    ):
        raise TypeError(f"{job} must return a dict of counts, such as {{'sent': 3}}")
    return counts


def describe_exception(exc: BaseException) -> str:
    """The exception's type and the line that raised it: enough to find the fault, and never
    the message, which may quote an email address or a name."""
    kind = type(exc).__qualname__
    module = type(exc).__module__
    if module not in ("builtins", "__main__"):
        kind = f"{module}.{kind}"
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return kind
    frame = frames[-1]
    path = Path(frame.filename)
    try:
        path = path.relative_to(settings.BASE_DIR)
    except ValueError:
        path = Path(path.name)
    return f"{kind} at {path}:{frame.lineno} in {frame.name}"


@task()
def run_daily_job_task(job: str, run_date: str, retry_failed: bool = False) -> dict:
    """The queue's way into `run_daily_job`: `run_daily_jobs --enqueue` enqueues one per job."""
    outcome = run_daily_job(job, datetime.date.fromisoformat(run_date), retry_failed=retry_failed)
    if outcome.failed:
        raise DailyJobFailed(outcome.describe())
    return outcome.as_dict()


def run_todays_daily_jobs() -> list[dict]:
    """Every daily job for today, in this process; what RQ's cron scheduler calls (rq_cron.py)."""
    outcomes = run_daily_jobs(timezone.localdate())
    failures = [outcome.describe() for outcome in outcomes if outcome.failed]
    if failures:
        raise DailyJobFailed("; ".join(failures))
    return [outcome.as_dict() for outcome in outcomes]
