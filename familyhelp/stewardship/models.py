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
