"""Run the daily jobs (settings.DAILY_JOBS) for today, each at most once: what cron calls.

    manage.py run_daily_jobs                  # run them here, now; one line per job
    manage.py run_daily_jobs --enqueue        # or put them on the task queue for the worker
    manage.py run_daily_jobs --retry-failed   # run again any that failed today
    manage.py run_daily_jobs --date 2026-03-02 --job familyhelp.example.jobs.send_reminders

Calling it again the same day, or from two machines at once, runs nothing twice. It exits with
status 1 when a job failed (cron then mails its output), and never prints personal data.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from familyhelp.core.jobs import daily_jobs, run_daily_job, run_daily_job_task
from familyhelp.core.models import JobRun


def iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--date must be a real date as YYYY-MM-DD, like 2026-03-02, not {value!r}"
        ) from None


class Command(BaseCommand):
    help = "Run each daily job in settings.DAILY_JOBS for today, at most once per day."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=str,
            help="Run the jobs for this date (YYYY-MM-DD) instead of today, e.g. to catch up.",
        )
        parser.add_argument(
            "--job",
            action="append",
            dest="jobs",
            metavar="DOTTED.PATH",
            help="Run only this job from DAILY_JOBS (may be given more than once).",
        )
        parser.add_argument(
            "--retry-failed",
            action="store_true",
            help="Run again any job recorded as failed (or interrupted) for the date.",
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Put each job on the task queue for the worker instead of running it here.",
        )

    def handle(self, *args, date=None, jobs=None, retry_failed=False, enqueue=False, **options):
        run_date = iso_date(date) if date else timezone.localdate()
        configured = daily_jobs()
        if jobs:
            unknown = [job for job in jobs if job not in configured]
            if unknown:
                raise CommandError(
                    f"Not in settings.DAILY_JOBS: {', '.join(unknown)}. "
                    f"The daily jobs are: {', '.join(configured) or 'none'}."
                )
            configured = [job for job in configured if job in jobs]
        if not configured:
            self.stdout.write("No daily jobs to run: settings.DAILY_JOBS is empty.")
            return

        if enqueue:
            daily_task = run_daily_job_task.using(queue_name=settings.TASKS_QUEUE_NAMES[0])
            for job in configured:
                result = daily_task.enqueue(job, run_date.isoformat(), retry_failed)
                self.stdout.write(f"{job}: enqueued for {run_date:%Y-%m-%d} (task {result.id})")
            return

        failed = 0
        for job in configured:
            outcome = run_daily_job(job, run_date, retry_failed=retry_failed)
            # Failed now, or earlier and not yet retried: either way the day's job is not done.
            if outcome.run.status == JobRun.Status.FAILED:
                failed += 1
                self.stderr.write(outcome.describe())
            else:
                self.stdout.write(outcome.describe())
        if failed:
            raise CommandError(
                f"{failed} of {len(configured)} daily jobs failed for {run_date:%Y-%m-%d}. "
                "Fix the cause, then run again with --retry-failed."
            )
