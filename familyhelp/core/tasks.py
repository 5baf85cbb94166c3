"""The one way Family Help runs work in the background: Django's task API (django-tasks).

Define a task with `@task()` on a module-level function whose arguments and return value are
JSON (ids, dates as ISO strings, never model instances or personal data), and enqueue it:

    from familyhelp.core.tasks import enqueue_on_commit, task

    @task()
    def send_welcome(person_id: int) -> dict:
        ...

    enqueue_on_commit(send_welcome, person.pk)   # after the surrounding transaction commits
    send_welcome.enqueue(person.pk)              # at once

Which queue runs it is settings.TASKS (config/settings/base.py, docs/background-jobs.md): the
database queue and `make worker` by default, or Redis through RQ (`TASKS_BACKEND=redis`). The
tests use the immediate backend, which runs a task as it is enqueued. On Django 6 the imports
below become `django.tasks`; nothing else changes.
"""

from functools import partial

from django.db import transaction
from django_tasks import (
    DEFAULT_TASK_BACKEND_ALIAS,
    TaskResult,
    TaskResultStatus,
    default_task_backend,
    task,
    task_backends,
)
from django_tasks.base import Task
from django_tasks_rq import Job as TasksRQJob
from rq.job import Job as PlainRQJob

__all__ = [
    "DEFAULT_TASK_BACKEND_ALIAS",
    "RQJob",
    "Task",
    "TaskResult",
    "TaskResultStatus",
    "default_task_backend",
    "enqueue_on_commit",
    "task",
    "task_backends",
]


def enqueue_on_commit(task_: Task, *args, **kwargs) -> None:
    """Enqueue `task_` once the current transaction commits (at once outside a transaction).

    A worker never picks up a task for a row that was rolled back or is not yet visible to it.
    """
    transaction.on_commit(partial(task_.enqueue, *args, **kwargs))


class RQJob(TasksRQJob):
    """RQ's job class for `manage.py rqworker` (settings.RQ["JOB_CLASS"]).

    django-tasks-rq's job runs only django-tasks tasks; this one also runs a plain function, as
    RQ's own cron scheduler enqueues them (familyhelp/core/rq_cron.py).
    """

    def _is_task(self) -> bool:
        return isinstance(PlainRQJob.func.fget(self), Task)

    @property
    def func(self):
        if self._is_task():
            return super().func
        return PlainRQJob.func.fget(self)

    def perform(self):
        if self._is_task():
            return super().perform()
        return PlainRQJob.perform(self)

    def _execute(self):
        if self._is_task():
            return super()._execute()
        return PlainRQJob._execute(self)
