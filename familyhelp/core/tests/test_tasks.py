"""The task interface (familyhelp/core/tasks.py) on its three backends: immediate (the tests'),
the database queue with its worker, and Redis through RQ against 127.0.0.1:6379."""

import datetime
import io
import os
import subprocess
import sys
import uuid

import django_rq
import pytest
import redis
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker
from django_tasks_db.models import DBTaskResult
from rq.cron import CronJob
from rq.worker import SimpleWorker

from familyhelp.core import jobs
from familyhelp.core.models import JobRun
from familyhelp.core.tasks import (
    RQJob,
    TaskResultStatus,
    default_task_backend,
    enqueue_on_commit,
    task,
)

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
DAY = datetime.date(2026, 3, 2)
ran: list = []


@task()
def add_numbers(first: int, second: int) -> dict:
    ran.append((first, second))
    return {"total": first + second}


@task()
def broken_task() -> None:
    raise RuntimeError("no such place")


def counting_job(today):
    ran.append(today)
    return {"sent": 3}


COUNTING = f"{__name__}.counting_job"


@pytest.fixture(autouse=True)
def fresh():
    ran.clear()
    yield
    ran.clear()


def run_database_worker():
    """What `manage.py db_worker --batch` does, in this process: every waiting task, then stop."""
    DatabaseWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


# --- The interface ---


def test_the_tests_run_tasks_as_they_are_enqueued():
    result = add_numbers.enqueue(2, 3)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == {"total": 5}


def test_enqueue_on_commit_waits_for_the_transaction(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue_on_commit(add_numbers, 1, 1)
        assert ran == []
    assert len(callbacks) == 1
    assert ran == [(1, 1)]


# --- The database queue ---


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_the_database_worker_runs_what_was_enqueued():
    result = add_numbers.enqueue(20, 22)
    failing = broken_task.enqueue()
    assert result.status == TaskResultStatus.READY
    assert ran == []
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 2

    run_database_worker()

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == {"total": 42}
    assert ran == [(20, 22)]
    failing.refresh()
    assert failing.status == TaskResultStatus.FAILED
    assert failing.errors[0].exception_class is RuntimeError
    # Run again: nothing is waiting, nothing runs twice.
    run_database_worker()
    assert ran == [(20, 22)]


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS, DAILY_JOBS=[COUNTING])
def test_daily_jobs_through_the_database_queue_run_once():
    for _ in range(2):
        out = io.StringIO()
        call_command("run_daily_jobs", "--date", "2026-03-02", "--enqueue", stdout=out)
        assert out.getvalue().startswith(f"{COUNTING}: enqueued for 2026-03-02 (task ")
    assert JobRun.objects.count() == 0  # waiting for the worker

    out = io.StringIO()
    call_command("worker", "--batch", stdout=out)  # `make worker`, stopping when done
    assert "Database task worker for queues: default" in out.getvalue()

    assert ran == [DAY]
    run = JobRun.objects.get()
    assert (run.job, run.run_date, run.status, run.counts) == (
        COUNTING,
        DAY,
        "succeeded",
        {"sent": 3},
    )
    results = DBTaskResult.objects.all()
    assert [result.status for result in results] == [TaskResultStatus.SUCCESSFUL] * 2
    assert sorted(result.return_value["result"] for result in results) == ["ran", "skipped"]


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS, DAILY_JOBS=["familyhelp.core.tests.test_jobs.failing_job"])
def test_a_failed_daily_job_fails_its_task_without_personal_data():
    from familyhelp.core.tests.test_jobs import fixed

    fixed["failing_job"] = False  # whatever a test before this one on the worker left
    call_command("run_daily_jobs", "--date", "2026-03-02", "--enqueue", stdout=io.StringIO())
    run_database_worker()
    result = DBTaskResult.objects.get()
    assert result.status == TaskResultStatus.FAILED
    assert result.exception_class_path == "familyhelp.core.jobs.DailyJobFailed"
    assert "jane" not in result.traceback.lower()
    assert JobRun.objects.get().status == "failed"


def test_the_worker_command_needs_a_queue_with_a_worker():
    with pytest.raises(Exception, match="runs tasks without a worker"):
        call_command("worker", "--batch", stdout=io.StringIO())


# --- Redis through RQ, against the server on 127.0.0.1:6379 ---

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")  # a db of its own


@pytest.fixture
def rq_queue():
    """A queue of this test's own on Redis (unique per test and xdist worker), deleted after."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS_URL} ({exc}), and CI must test it")
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({exc}); CI runs it, start it locally")
    name = f"familyhelp-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{uuid.uuid4().hex}"
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [name]}},
        # django-tasks-rq fetches results through the "default" queue's connection.
        RQ_QUEUES={queue: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60} for queue in [name, "default"]},
        TASKS_QUEUE_NAMES=[name],
    ):
        yield name
    delete_own_keys(client, name)
    client.close()


def delete_own_keys(client, name):
    """Only this queue's keys and its jobs' keys: other runs may share the database."""
    own = list(client.scan_iter(match=f"*{name}*"))
    job_ids = set()
    for key in own:
        kind = client.type(key)
        if kind == b"list":
            job_ids.update(client.lrange(key, 0, -1))
        elif kind == b"zset":
            job_ids.update(client.zrange(key, 0, -1))
    for job_id in job_ids:
        job_id = job_id.decode()
        own.extend(client.scan_iter(match=f"rq:*{job_id}*"))
    for key in client.scan_iter(match="rq:worker:*"):  # workers of this queue, by any name
        if client.type(key) == b"hash" and client.hget(key, "queues") == name.encode():
            own.append(key)
            client.srem("rq:workers", key)
    client.srem("rq:queues", f"rq:queue:{name}")
    client.zrem("rq:cron_jobs", f"{name}-cron")
    if own:
        client.delete(*own)


def run_rq_worker(name):
    """`manage.py rqworker --burst` in this process (SimpleWorker does not fork)."""
    worker = django_rq.get_worker(name, worker_class=SimpleWorker, name=f"{name}-worker")
    assert worker.job_class is RQJob  # settings.RQ["JOB_CLASS"]
    worker.work(burst=True)


def test_the_redis_queue_holds_tasks_until_the_worker_runs_them(rq_queue):
    queue = django_rq.get_queue(rq_queue)
    result = add_numbers.using(queue_name=rq_queue).enqueue(40, 2)
    failing = broken_task.using(queue_name=rq_queue).enqueue()
    assert queue.count == 2
    assert default_task_backend.get_result(result.id).status == TaskResultStatus.READY
    assert ran == []

    run_rq_worker(rq_queue)

    assert queue.count == 0
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == {"total": 42}
    assert ran == [(40, 2)]
    failing.refresh()
    assert failing.status == TaskResultStatus.FAILED
    assert failing.errors[0].exception_class_path == "builtins.RuntimeError"


def test_daily_jobs_through_the_redis_queue_run_once(rq_queue):
    with override_settings(DAILY_JOBS=[COUNTING]):
        for _ in range(3):
            call_command(
                "run_daily_jobs", "--date", "2026-03-02", "--enqueue", stdout=io.StringIO()
            )
        assert django_rq.get_queue(rq_queue).count == 3
        run_rq_worker(rq_queue)
    assert ran == [DAY]
    assert JobRun.objects.get().counts == {"sent": 3}


def test_rqs_cron_scheduler_runs_the_daily_jobs(rq_queue):
    """`manage.py rqcron familyhelp.core.rq_cron`: RQ's own cron puts a plain function on the
    queue, and the worker's job class runs it beside django-tasks' tasks."""
    scheduler = django_rq.cron.DjangoCronScheduler()
    scheduler.load_config_from_file("familyhelp.core.rq_cron")
    [cron_job] = scheduler.get_jobs()
    assert (cron_job.func, cron_job.cron, cron_job.queue_name) == (
        jobs.run_todays_daily_jobs,
        "0 6 * * *",
        rq_queue,
    )

    connection = django_rq.get_connection(rq_queue)
    job = CronJob(
        queue_name=rq_queue,
        func=jobs.run_todays_daily_jobs,
        cron=cron_job.cron,
        name=f"{rq_queue}-cron",
    )
    with override_settings(DAILY_JOBS=[COUNTING]):
        job.enqueue(connection)
        job.enqueue(connection)  # two schedulers, or a restart, on the same morning
        run_rq_worker(rq_queue)
    assert ran == [timezone.localdate()]
    assert JobRun.objects.get().status == "succeeded"


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_runs_the_redis_worker(rq_queue):
    result = add_numbers.using(queue_name=rq_queue).enqueue(1, 2)
    out = io.StringIO()
    call_command("worker", "--batch", stdout=out)
    assert f"Redis (RQ) task worker for queues: {rq_queue}" in out.getvalue()
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == {"total": 3}


# --- Choosing the queue (config/settings/base.py) ---

SHOW_TASKS = (
    "from config.settings import base; "
    "print(base.TASKS['default']['BACKEND'], base.RQ_QUEUES['default']['URL'])"
)


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, "django_tasks_db.DatabaseBackend redis://127.0.0.1:6379/0"),
        ({"TASKS_BACKEND": "redis"}, "django_tasks_rq.RQBackend redis://127.0.0.1:6379/0"),
        ({"REDIS_URL": "redis://queue:6379/2"}, "django_tasks_rq.RQBackend redis://queue:6379/2"),
        (
            {"REDIS_URL": "redis://queue:6379/2", "TASKS_BACKEND": "database"},
            "django_tasks_db.DatabaseBackend redis://queue:6379/2",
        ),
        ({"TASKS_BACKEND": "celery"}, "TASKS_BACKEND must be one of database, redis."),
    ],
)
def test_the_environment_chooses_the_queue(environment, expected):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("TASKS_BACKEND", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(environment)
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SHOW_TASKS],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert expected in done.stdout + done.stderr
