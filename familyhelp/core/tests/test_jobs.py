"""Daily jobs (familyhelp/core/jobs.py, run_daily_jobs): at most once per job and date."""

import datetime
import io
import logging
import threading
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, connections, transaction
from django.test import override_settings
from django.utils import timezone

from familyhelp.core import jobs
from familyhelp.core.models import JobRun

pytestmark = pytest.mark.django_db

PERSONAL = "jane.doe@example.com"
calls: list[datetime.date] = []
calls_lock = threading.Lock()
fixed = {"failing_job": False}


def counting_job(today):
    with calls_lock:
        calls.append(today)
    return {"sent": 2, "skipped": 1}


def slow_job(today):
    """Holds its claim a while, so a second worker arrives while the first is still running."""
    with calls_lock:
        calls.append(today)
    time.sleep(0.3)
    return {"sent": 1}


def failing_job(today):
    with calls_lock:
        calls.append(today)
    if not fixed["failing_job"]:
        raise ValueError(f"Notify refused {PERSONAL} (Jane Doe)")
    return {"sent": 4}


def bad_counts_job(today):
    return [PERSONAL]


COUNTING = f"{__name__}.counting_job"
SLOW = f"{__name__}.slow_job"
FAILING = f"{__name__}.failing_job"
BAD_COUNTS = f"{__name__}.bad_counts_job"
DAY = datetime.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def fresh_calls():
    calls.clear()
    fixed["failing_job"] = False
    yield
    calls.clear()
    fixed["failing_job"] = False  # test_tasks.py runs the failing job too


def run_command(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("run_daily_jobs", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return 1, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


@override_settings(DAILY_JOBS=[COUNTING])
def test_a_daily_job_runs_once_however_often_it_is_run():
    code, out, _ = run_command()
    assert code == 0
    assert out.strip() == f"{COUNTING}: sent=2, skipped=1"
    for _ in range(3):
        code, out, _ = run_command()
        assert code == 0
        today = timezone.localdate()
        assert out.strip() == f"{COUNTING}: already ran for {today:%Y-%m-%d} (sent=2, skipped=1)"

    assert calls == [timezone.localdate()]
    run = JobRun.objects.get()
    assert (run.job, run.run_date, run.status) == (COUNTING, timezone.localdate(), "succeeded")
    assert run.counts == {"sent": 2, "skipped": 1}
    assert run.attempts == 1
    assert run.started_at <= run.finished_at
    assert run.error == ""


@override_settings(DAILY_JOBS=[COUNTING])
def test_each_date_is_its_own_run():
    assert run_command("--date", "2026-03-02")[0] == 0
    assert run_command("--date", "2026-03-03")[0] == 0
    assert run_command("--date", "2026-03-02")[0] == 0
    assert calls == [DAY, DAY + datetime.timedelta(days=1)]
    assert sorted(JobRun.objects.values_list("run_date", flat=True)) == calls


def test_the_unique_claim_refuses_a_second_run_for_the_same_day():
    """What two workers racing reduce to: the second insert for a (job, date) fails."""
    JobRun.objects.create(job=COUNTING, run_date=DAY, status="running", started_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        JobRun.objects.create(
            job=COUNTING, run_date=DAY, status="running", started_at=timezone.now()
        )

    # Another worker holds the claim (still running): this one does not run the job.
    outcome = jobs.run_daily_job(COUNTING, DAY)
    assert outcome.result == jobs.SKIPPED
    assert outcome.describe().startswith(f"{COUNTING}: already running for 2026-03-02 since ")
    assert calls == []
    assert JobRun.objects.count() == 1


@override_settings(DAILY_JOBS=[FAILING])
def test_a_failure_is_recorded_without_personal_data_and_not_run_again(caplog):
    caplog.set_level(logging.DEBUG)
    code, out, err = run_command("--date", "2026-03-02")
    assert code == 1
    run = JobRun.objects.get()
    assert run.status == "failed"
    assert run.error.startswith("ValueError at familyhelp/core/tests/test_jobs.py:")
    assert run.error.endswith(" in failing_job")
    assert run.finished_at is not None
    assert f"{FAILING}: failed (ValueError at familyhelp/core/tests/test_jobs.py:" in err
    assert "1 of 1 daily jobs failed for 2026-03-02" in err
    assert "--retry-failed" in err

    # Run again without asking for a retry: nothing runs, and it still says the day failed.
    code, out, err = run_command("--date", "2026-03-02")
    assert code == 1
    assert "failed earlier for 2026-03-02" in err
    assert calls == [DAY]

    for text in [out, err, caplog.text, run.error]:
        assert PERSONAL not in text
        assert "Jane" not in text
    assert "Daily job" in caplog.text  # the failure is logged, by name


@override_settings(DAILY_JOBS=[FAILING])
def test_a_failed_run_is_retried_when_asked_and_only_once():
    assert run_command("--date", "2026-03-02")[0] == 1
    fixed["failing_job"] = True  # the cause is fixed

    code, out, _ = run_command("--date", "2026-03-02", "--retry-failed")
    assert code == 0
    assert out.strip() == f"{FAILING}: sent=4"
    run = JobRun.objects.get()
    assert (run.status, run.attempts, run.counts, run.error) == ("succeeded", 2, {"sent": 4}, "")

    code, out, _ = run_command("--date", "2026-03-02", "--retry-failed")
    assert code == 0
    assert "already ran for 2026-03-02" in out
    assert calls == [DAY, DAY]


@override_settings(DAILY_JOBS=[COUNTING], DAILY_JOBS_INTERRUPTED_AFTER_HOURS=6)
def test_a_run_whose_process_died_is_recorded_as_interrupted_and_retried_when_asked():
    started = timezone.now() - datetime.timedelta(hours=7)
    JobRun.objects.create(job=COUNTING, run_date=DAY, status="running", started_at=started)
    recent = timezone.now() - datetime.timedelta(hours=1)
    JobRun.objects.create(
        job=COUNTING, run_date=DAY + datetime.timedelta(days=1), status="running", started_at=recent
    )

    code, _, err = run_command("--date", "2026-03-02")
    assert code == 1
    assert "Interrupted: no result 6 hours after it started" in err
    assert calls == []
    # A run that started an hour ago may still be going: it is left alone.
    assert JobRun.objects.get(run_date=DAY + datetime.timedelta(days=1)).status == "running"

    assert run_command("--date", "2026-03-02", "--retry-failed")[0] == 0
    assert calls == [DAY]
    assert JobRun.objects.get(run_date=DAY).status == "succeeded"


@override_settings(DAILY_JOBS=[BAD_COUNTS])
def test_a_job_must_return_counts():
    code, _, err = run_command("--date", "2026-03-02")
    assert code == 1
    run = JobRun.objects.get()
    assert run.error.startswith("TypeError at familyhelp/core/jobs.py:")
    assert PERSONAL not in run.error + err


@override_settings(DAILY_JOBS=[COUNTING, FAILING])
def test_one_failure_does_not_stop_the_other_jobs():
    code, out, err = run_command("--date", "2026-03-02")
    assert code == 1
    assert out.strip() == f"{COUNTING}: sent=2, skipped=1"
    assert "1 of 2 daily jobs failed" in err
    assert dict(JobRun.objects.values_list("job", "status")) == {
        COUNTING: "succeeded",
        FAILING: "failed",
    }


@override_settings(DAILY_JOBS=[COUNTING, FAILING])
def test_one_job_can_be_run_alone():
    assert run_command("--date", "2026-03-02", "--job", COUNTING)[0] == 0
    assert list(JobRun.objects.values_list("job", flat=True)) == [COUNTING]


@override_settings(DAILY_JOBS=[COUNTING])
def test_clear_errors_for_a_wrong_job_or_date():
    code, _, err = run_command("--job", "familyhelp.nowhere.job")
    assert code == 1
    assert (
        f"Not in settings.DAILY_JOBS: familyhelp.nowhere.job. The daily jobs are: {COUNTING}."
        in err
    )
    code, _, err = run_command("--date", "2026-02-31")
    assert code == 1
    assert "--date must be a real date as YYYY-MM-DD, like 2026-03-02, not '2026-02-31'" in err
    assert JobRun.objects.count() == 0
    assert calls == []


@override_settings(DAILY_JOBS=[])
def test_no_daily_jobs():
    code, out, _ = run_command()
    assert (code, out.strip()) == (0, "No daily jobs to run: settings.DAILY_JOBS is empty.")


@override_settings(DAILY_JOBS=[COUNTING])
def test_enqueue_puts_each_job_on_the_task_queue():
    """The tests' immediate backend runs the task as it is enqueued."""
    code, out, _ = run_command("--date", "2026-03-02", "--enqueue")
    assert code == 0
    assert out.startswith(f"{COUNTING}: enqueued for 2026-03-02 (task ")
    assert run_command("--date", "2026-03-02", "--enqueue")[0] == 0
    assert calls == [DAY]
    assert JobRun.objects.get().status == "succeeded"


def test_describe_exception_names_the_type_and_place_never_the_message():
    try:
        failing_job(DAY)
    except ValueError as exc:
        description = jobs.describe_exception(exc)
    assert description.startswith("ValueError at familyhelp/core/tests/test_jobs.py:")
    assert PERSONAL not in description
    assert jobs.describe_exception(IntegrityError("x")) == "django.db.utils.IntegrityError"


def test_the_admin_lists_runs_read_only(admin_client):
    JobRun.objects.create(
        job=COUNTING,
        run_date=DAY,
        status="succeeded",
        started_at=timezone.now(),
        finished_at=timezone.now(),
        counts={"sent": 2},
    )
    run = JobRun.objects.get()
    page = admin_client.get("/django-admin/core/jobrun/")
    assert page.status_code == 200
    assert COUNTING in page.content.decode()
    assert admin_client.get("/django-admin/core/jobrun/add/").status_code == 403
    detail = admin_client.get(f"/django-admin/core/jobrun/{run.pk}/change/")
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    deleted = admin_client.post(f"/django-admin/core/jobrun/{run.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 403
    assert JobRun.objects.filter(pk=run.pk).exists()


# --- Two workers at once, on PostgreSQL ---

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason=(
        "Two database sessions racing needs a server database: SQLite's in-memory test database "
        "serialises writers, so the race cannot happen there. The unique claim it relies on is "
        "tested on SQLite by test_the_unique_claim_refuses_a_second_run_for_the_same_day."
    ),
)


def race(count, target):
    """Run `target` in `count` threads (each its own database session), all starting together."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def worker():
        try:
            barrier.wait(timeout=10)
            results.append(target())
        except BaseException as exc:  # reported by the test below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    return results


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_run_the_job_once():
    outcomes = race(4, lambda: jobs.run_daily_job(SLOW, DAY))
    assert sorted(outcome.result for outcome in outcomes) == [
        jobs.RAN,
        jobs.SKIPPED,
        jobs.SKIPPED,
        jobs.SKIPPED,
    ]
    assert calls == [DAY]
    run = JobRun.objects.get()
    assert (run.status, run.attempts, run.counts) == ("succeeded", 1, {"sent": 1})


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_retries_at_once_run_the_failed_job_once():
    assert jobs.run_daily_job(FAILING, DAY).result == jobs.FAILED
    fixed["failing_job"] = True
    outcomes = race(4, lambda: jobs.run_daily_job(FAILING, DAY, retry_failed=True))
    assert sorted(outcome.result for outcome in outcomes).count(jobs.RAN) == 1
    assert calls == [DAY, DAY]
    run = JobRun.objects.get()
    assert (run.status, run.attempts) == ("succeeded", 2)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_commands_at_once_run_the_job_once():
    with override_settings(DAILY_JOBS=[SLOW]):
        codes = race(3, lambda: run_command("--date", "2026-03-02")[0])
    assert codes == [0, 0, 0]
    assert calls == [DAY]
