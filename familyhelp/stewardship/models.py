"""Freshness: how often each category's listings are checked, and the reminders sent about them.

A service's review-by date is its `assured_date` plus its review period: the shortest period of
its categories (a category's own, or its parent category's), else DIRECTORY_REVIEW_MONTHS.
See familyhelp/stewardship/freshness.py and docs/freshness.md.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

MIN_MONTHS = 1
MAX_MONTHS = 24


class CategoryReviewPeriod(models.Model):
    """How many months a listing in this category stays fresh after it was last checked."""

    taxonomy_term = models.OneToOneField(
        "directory.TaxonomyTerm", on_delete=models.CASCADE, related_name="review_period"
    )
    months = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(MIN_MONTHS), MaxValueValidator(MAX_MONTHS)],
        help_text=f"Between {MIN_MONTHS} and {MAX_MONTHS} months.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(months__gte=MIN_MONTHS, months__lte=MAX_MONTHS),
                name="stewardship_review_months_in_range",
            )
        ]

    def __str__(self):
        return f"{self.taxonomy_term}: {self.months} months"


class Reminder(models.Model):
    """One reminder of one kind about one service's review cycle (its review-by date).

    The unique constraint is what makes the daily job send each reminder exactly once, however
    often it runs and however many workers run it at once: only the run whose insert succeeds
    sends the emails."""

    class Kind(models.TextChoices):
        BEFORE = "before", "14 days before it is due"
        ON_DAY = "on_day", "On the day it is due"
        FINAL = "final", "Final reminder, 21 days after it was due"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        "directory.Service", on_delete=models.CASCADE, related_name="review_reminders"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    review_by = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    recipient_count = models.PositiveSmallIntegerField(default=0)
    # Set once the emails were handed to the notifications backend (after the row committed).
    sent_count = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "kind", "review_by"], name="stewardship_reminder_once"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.service_id} (review by {self.review_by})"


class ReminderLink(models.Model):
    """One recipient's "Yes, this is still correct" link: signed, single use, expiring.

    Only the SHA-256 of the link's random token is stored."""

    class Recipient(models.TextChoices):
        EDITOR = "editor", "Organisation editor"
        SERVICE_CONTACT = "service_contact", "The service's contact email"
        ORGANISATION_CONTACT = "organisation_contact", "The organisation's contact email"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="links")
    recipient = models.CharField(max_length=20, choices=Recipient.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="review_reminder_links",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Link {self.pk} ({self.get_recipient_display()})"


# --- Editing, moderation and history (issue 5 §1, §2; familyhelp/stewardship/services/) ---


class ListingChange(models.Model):
    """A proposed version of one listing: a draft, then a change waiting for approval.

    `document` is the whole listing as editors see it (familyhelp/stewardship/listing.py), so a
    draft can be saved at any step and the queue can show a side-by-side difference. The public
    site and the Open Referral API read only the published rows, so they keep showing the last
    approved version while a change waits. `revision` goes up on every save: forms carry it, and
    a save from a stale form is refused with what changed (nobody silently overwrites anyone).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Waiting for approval"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    OPEN_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED)
    EDITABLE_STATUSES = (Status.DRAFT, Status.CHANGES_REQUESTED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "directory.Organization", on_delete=models.CASCADE, related_name="listing_changes"
    )
    # Empty for a new service, until its first version is approved.
    service = models.ForeignKey(
        "directory.Service",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="listing_changes",
    )
    document = models.JSONField(default=dict)
    # The published version the draft started from (None: a new service, or no version yet).
    base_version = models.PositiveIntegerField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="listing_changes_created",
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="listing_changes_updated",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="listing_changes_submitted",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="listing_changes_decided",
    )
    # The administrator's message to the editors (why it was rejected, what to change).
    message = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="listing_change_queue"),
            models.Index(fields=["organization", "status"], name="listing_change_org_status"),
        ]
        constraints = [
            # One open change per service: two editors share it (and its revision check).
            models.UniqueConstraint(
                fields=["service"],
                condition=Q(status__in=["draft", "submitted", "changes_requested"]),
                name="stewardship_one_open_change_per_service",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(status="withdrawn") | Q(submitted_at__isnull=False),
                name="stewardship_change_submitted_has_a_time",
            ),
        ]

    def __str__(self):
        name = (self.document or {}).get("name") or "new service"
        return f"{self.get_status_display()}: {name}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES


class ListingVersion(models.Model):
    """One published version of a listing, whole, with who published it and when.

    Written by the one path that changes a published listing (services/publishing.py), so every
    version can be viewed, compared and restored (restoring publishes a new version)."""

    class Reason(models.TextChoices):
        BASELINE = "baseline", "As it was before its first recorded change"
        CREATED = "created", "Added"
        APPROVED = "approved", "Change approved"
        PUBLISHED = "published", "Published without approval (trusted organisation)"
        RESTORED = "restored", "Earlier version restored"
        UPLOADED = "uploaded", "Bulk upload"
        ADMIN = "admin", "Changed in the Django admin"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        "directory.Service", on_delete=models.CASCADE, related_name="listing_versions"
    )
    number = models.PositiveIntegerField()
    document = models.JSONField()
    reason = models.CharField(max_length=20, choices=Reason.choices)
    change = models.ForeignKey(
        ListingChange, on_delete=models.SET_NULL, null=True, blank=True, related_name="versions"
    )
    restored_from = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="listing_versions_created",
    )

    class Meta:
        ordering = ["service", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "number"], name="stewardship_version_number_once"
            )
        ]

    def __str__(self):
        return f"Version {self.number} of {self.service_id}"


class TrustedOrganisation(models.Model):
    """An organisation whose editors publish without approval (set by a directory admin)."""

    organization = models.OneToOneField(
        "directory.Organization", on_delete=models.CASCADE, related_name="trust"
    )
    trusted_at = models.DateTimeField(default=timezone.now)
    trusted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self):
        return f"{self.organization} publishes without approval"


class JoinRequest(models.Model):
    """An organisation asks to join the directory, or to claim a listing that is already in it."""

    class Kind(models.TextChoices):
        JOIN = "join", "Add a new organisation"
        CLAIM = "claim", "Claim an existing listing"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=9, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The listing claimed; for a join, the organisation created when it is approved.
    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="join_requests",
    )
    organisation_name = models.CharField(max_length=255)
    charity_number = models.CharField(max_length=8, blank=True, default="")
    company_number = models.CharField(max_length=8, blank=True, default="")
    website = models.URLField(max_length=500, blank=True, default="")
    contact_name = models.CharField(max_length=200)
    contact_email = models.EmailField()
    contact_phone = models.CharField(max_length=50, blank=True, default="")
    contact_role = models.CharField(max_length=200, blank=True, default="")
    message = models.TextField(blank=True, default="")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ip_hash = models.CharField(max_length=64, blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="join_request_queue"),
            models.Index(fields=["ip_hash", "created_at"], name="join_request_ip_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="stewardship_join_decided_has_a_time",
            ),
            models.CheckConstraint(
                condition=Q(kind="join") | Q(organization__isnull=False),
                name="stewardship_claim_names_a_listing",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.organisation_name} ({self.reference})"


class BulkUpload(models.Model):
    """A CSV or XLSX file of services: validated as a whole, previewed, then applied at once.

    The file is kept (it is small: see BULK_UPLOAD_MAX_BYTES) so validation can run as a
    background task that records its progress here, and applying re-reads exactly what was
    previewed."""

    class Status(models.TextChoices):
        VALIDATING = "validating", "Checking the file"
        INVALID = "invalid", "The file has errors"
        READY = "ready", "Ready to confirm"
        APPLYING = "applying", "Saving"
        APPLIED = "applied", "Saved"
        CANCELLED = "cancelled", "Cancelled"
        FAILED = "failed", "Could not be checked"

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file_name = models.CharField(max_length=255)
    file_format = models.CharField(max_length=4, choices=Format.choices)
    file_size = models.PositiveIntegerField()
    file_sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.VALIDATING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    # [{"row": 3, "column": "postcode", "problem": "...", "fix": "..."}, ...]
    errors = models.JSONField(default=list, blank=True)
    # {"new": 12, "changed": 30, "unchanged": 3}
    summary = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    validated_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"
