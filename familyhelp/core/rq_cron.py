"""RQ's cron scheduler for the Redis queue: `manage.py rqcron familyhelp.core.rq_cron`.

An alternative to a cron line calling `manage.py run_daily_jobs` (docs/background-jobs.md): the
scheduler puts the daily jobs on the Redis queue every morning and `manage.py rqworker` runs
them. Running it twice, or alongside cron, sends nothing twice: each job claims its day first.
"""

from django.conf import settings
from rq import cron

from familyhelp.core.jobs import run_todays_daily_jobs

cron.register(
    run_todays_daily_jobs,
    queue_name=settings.TASKS_QUEUE_NAMES[0],
    cron=settings.DAILY_JOBS_CRON,
    name="familyhelp.daily_jobs",
)
