"""Run the background worker for whichever task queue settings.TASKS uses (`make worker`).

The database queue runs django-tasks-db's `db_worker`; the Redis queue runs django-rq's
`rqworker` (with familyhelp.core.tasks.RQJob, from settings.RQ). `--batch` runs what is waiting,
then stops.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django_tasks_db import DatabaseBackend
from django_tasks_rq import RQBackend

from familyhelp.core.tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends


class Command(BaseCommand):
    help = "Run the background worker for the configured task queue (database or Redis)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch", action="store_true", help="Run the tasks waiting now, then stop."
        )

    def handle(self, *args, batch=False, verbosity=1, **options):
        backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
        queues = sorted(backend.queues) or list(settings.TASKS_QUEUE_NAMES)
        if isinstance(backend, DatabaseBackend):
            self.stdout.write(f"Database task worker for queues: {', '.join(queues)}")
            call_command(
                "db_worker",
                queue_name=",".join(queues),
                batch=batch,
                reload=settings.DEBUG and not batch,
                verbosity=verbosity,
            )
        elif isinstance(backend, RQBackend):
            self.stdout.write(f"Redis (RQ) task worker for queues: {', '.join(queues)}")
            call_command("rqworker", *queues, burst=batch, verbosity=verbosity)
        else:
            raise CommandError(
                f"{type(backend).__name__} runs tasks without a worker; "
                "set TASKS_BACKEND=database or TASKS_BACKEND=redis."
            )
