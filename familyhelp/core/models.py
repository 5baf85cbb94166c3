import uuid

from django.db import models


class Postcode(models.Model):
    """One row of the ONS Postcode Directory: where a postcode's centroid is."""

    postcode = models.CharField(max_length=8, primary_key=True)  # normalised: "WX1 2AB"
    outward_code = models.CharField(max_length=4, db_index=True)  # "WX1"
    latitude = models.FloatField()
    longitude = models.FloatField()
    local_authority_code = models.CharField(max_length=9, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90)
                & models.Q(longitude__gte=-180, longitude__lte=180),
                name="postcode_coordinates_in_range",
            )
        ]

    def __str__(self):
        return self.postcode


class Place(models.Model):
    """A town or village people search by name ("Where? Ashcombe")."""

    name = models.CharField(max_length=100)
    search_name = models.CharField(max_length=100, unique=True)  # lower-case, for exact lookups
    latitude = models.FloatField()
    longitude = models.FloatField()
    local_authority_code = models.CharField(max_length=9, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class OpenReferralModel(models.Model):
    """Directory records are identified by UUIDs, as Open Referral UK requires."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta:
        abstract = True


class OutboxMessage(models.Model):
    """A message the development notifications backend kept instead of sending (see /outbox/)."""

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "Text message"

    channel = models.CharField(max_length=5, choices=Channel.choices)
    to = models.CharField(max_length=320)
    template = models.CharField(max_length=100)
    personalisation = models.JSONField(default=dict, blank=True)
    reference = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_channel_display()} {self.template}"


class JobRun(models.Model):
    """One run of a named daily job for one date (familyhelp/core/jobs.py).

    The unique (job, run_date) row is the claim: whoever inserts it runs the job, everyone else
    finds it and does nothing, so a daily job runs at most once a day however many schedulers or
    workers start it. `counts` says what the job did, and `error` where it failed; neither ever
    holds personal data.
    """

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    job = models.CharField(max_length=200)  # the dotted path listed in settings.DAILY_JOBS
    run_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices)
    attempts = models.PositiveSmallIntegerField(default=1)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-run_date", "job"]
        constraints = [
            models.UniqueConstraint(fields=["job", "run_date"], name="core_jobrun_once_per_day")
        ]

    def __str__(self):
        return f"{self.job} for {self.run_date:%Y-%m-%d} ({self.get_status_display()})"
