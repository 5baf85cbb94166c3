"""Requests for support, the front door's triage of them, and the decisions it makes.

A request is either an Early Support Assessment (a practitioner's, built up as a draft) or a
family's own self-referral from the public site. Once submitted it waits in the front door queue
until an officer picks it up and decides; some decisions then wait for a manager's approval.
The threshold guidance (the partnership's levels of need) and the front door's settings are
data an administrator edits.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ThresholdLevel(models.Model):
    """One of the partnership's levels of need, shown beside every decision."""

    number = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=100)
    summary = models.CharField(max_length=300)
    descriptors = models.TextField(help_text="What needs at this level look like, one per line.")
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=9), name="frontdoor_level_number_1_to_9"
            ),
        ]

    def __str__(self):
        return f"Level {self.number}: {self.name}"


class FrontDoorSettings(models.Model):
    """The one row of the front door's settings (pk 1)."""

    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The team whose front door officers and managers triage requests.",
    )
    # Decision kinds (Decision.Kind values) a manager must approve before they take effect.
    decisions_needing_approval = models.JSONField(default=list, blank=True)
    decision_due_working_days = models.PositiveSmallIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name_plural = "front door settings"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="frontdoor_settings_one_row")]

    def __str__(self):
        return "Front door settings"


class Request(models.Model):
    class Kind(models.TextChoices):
        ASSESSMENT = "assessment", "Early Support Assessment"
        SELF_REFERRAL = "self_referral", "Self-referral"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Waiting for triage"
        IN_TRIAGE = "in_triage", "In triage"
        AWAITING_APPROVAL = "awaiting_approval", "Waiting for a manager’s approval"
        DECIDED = "decided", "Decided"

    OPEN_STATUSES = (Status.SUBMITTED, Status.IN_TRIAGE, Status.AWAITING_APPROVAL)

    reference = models.CharField(max_length=16, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Empty for a self-referral until the front door finds or makes the family.
    family = models.ForeignKey(
        "families.Family",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    people = models.ManyToManyField("families.Person", through="RequestPerson", related_name="+")
    # Who asked: a practitioner (and their agency), or nobody signed in for a self-referral.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Colleagues in the same agency who may see and edit the draft.
    shared_with = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    revision = models.PositiveIntegerField(default=1)

    # The assessment (the sections of the task list; see frontdoor/assessment.py).
    reasons = models.TextField(blank=True)
    development_strengths = models.TextField(blank=True)
    development_needs = models.TextField(blank=True)
    parenting_strengths = models.TextField(blank=True)
    parenting_needs = models.TextField(blank=True)
    environment_strengths = models.TextField(blank=True)
    environment_needs = models.TextField(blank=True)
    child_views = models.TextField(blank=True)
    family_views = models.TextField(blank=True)
    support_in_place = models.TextField(blank=True)
    suggested_level = models.ForeignKey(
        ThresholdLevel, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Sections marked "completed" on the task list, by key.
    sections_completed = models.JSONField(default=list, blank=True)
    # Consent was not sought because asking would put a child at risk: goes to safeguarding.
    consent_not_sought_reason = models.TextField(blank=True)
    safeguarding = models.BooleanField(default=False)
    declaration_name = models.CharField(max_length=200, blank=True)

    # A self-referral: who is asking and how to reach them safely.
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=32, blank=True)
    safe_to_leave_message = models.BooleanField(default=False)
    safe_contact_notes = models.TextField(blank=True)
    contact_by_text = models.BooleanField(default=False)
    # The family agreed to the front door assessing their request and sharing it with the agencies
    # that can help; recorded as the family's Consent once the front door links the family.
    consent_given = models.BooleanField(default=False)
    who_needs_help = models.TextField(blank=True)
    help_with = models.TextField(blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    ip_hash = models.CharField(max_length=64, blank=True)

    # The front door's part.
    submitted_at = models.DateTimeField(null=True, blank=True)
    decision_due_on = models.DateField(null=True, blank=True)
    # A decision about one of these children in the 12 months before it was submitted.
    is_re_referral = models.BooleanField(default=False)
    picked_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    picked_up_at = models.DateTimeField(null=True, blank=True)
    # The youngest child's date of birth (or expected date), kept for the queue's filters.
    youngest_child_born_on = models.DateField(null=True, blank=True)
    area = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "decision_due_on"], name="frontdoor_request_queue"),
            # The front door queue's default order, over open requests only, so its first page
            # is read in order and nothing is sorted (frontdoor/selectors_queue.py). The statuses
            # are Request.OPEN_STATUSES, which this class body cannot name.
            models.Index(
                fields=["-safeguarding", "decision_due_on", "submitted_at", "id"],
                condition=Q(status__in=["submitted", "in_triage", "awaiting_approval"]),
                name="frontdoor_request_open_queue",
            ),
            models.Index(fields=["family", "status"], name="frontdoor_request_family"),
            models.Index(fields=["created_by", "status"], name="frontdoor_request_creator"),
            models.Index(fields=["submitted_at"], name="frontdoor_request_submitted"),
            models.Index(fields=["ip_hash", "created_at"], name="frontdoor_request_ip"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="frontdoor_request_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="in_triage") | Q(picked_up_by__isnull=False),
                name="frontdoor_request_in_triage_has_officer",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.reference}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class RequestPerson(models.Model):
    class Role(models.TextChoices):
        CHILD = "child", "Child or young person the request is about"
        UNBORN = "unborn", "Unborn baby"
        FAMILY_MEMBER = "family_member", "Family member"

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="request_people")
    person = models.ForeignKey("families.Person", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=16, choices=Role.choices)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "person"], name="frontdoor_person_once"),
        ]
        indexes = [models.Index(fields=["person", "request"], name="frontdoor_person_request")]

    def __str__(self):
        return f"{self.person_id} on {self.request_id}"


class PartnerCheck(models.Model):
    """A check the officer made with a partner (police, health, school) before deciding."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="partner_checks")
    partner = models.CharField(max_length=200)
    outcome = models.TextField()
    checked_at = models.DateTimeField(default=timezone.now)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["checked_at", "pk"]

    def __str__(self):
        return f"Check with {self.partner}"


class Decision(models.Model):
    class Kind(models.TextChoices):
        ADVICE = "advice", "Advice and signposting"
        FAMILY_HELP = "family_help", "Family Help"
        SOCIAL_CARE = "social_care", "Step up to children’s social care"
        NO_FURTHER_ACTION = "no_further_action", "No further action"

    class Approval(models.TextChoices):
        NOT_NEEDED = "not_needed", "Not needed"
        AWAITING = "awaiting", "Waiting for a manager"
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned to the officer"

    class NoFurtherActionReason(models.TextChoices):
        NEEDS_MET = "needs_met", "Needs are already being met"
        BELOW_THRESHOLD = "below_threshold", "Needs can be met by universal services"
        DECLINED = "declined", "The family declined support"
        NO_CONTACT = "no_contact", "The family could not be contacted"
        DUPLICATE = "duplicate", "A duplicate of another request"
        OTHER = "other", "Another reason"

    # One decision in force per request (a manager may return one to the officer, who decides
    # again): the database refuses a second, whoever sends it.
    request = models.ForeignKey(Request, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    level = models.ForeignKey(
        ThresholdLevel, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rationale = models.TextField()
    # Family Help: the team to allocate to (case work opens the episode).
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Advice and signposting: the services sent to the family and the requester.
    services = models.ManyToManyField("directory.Service", blank=True, related_name="+")
    no_further_action_reason = models.CharField(
        max_length=20, choices=NoFurtherActionReason.choices, blank=True
    )
    # Step up: when the statutory referral was made.
    referred_to_social_care_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approval = models.CharField(
        max_length=16, choices=Approval.choices, default=Approval.NOT_NEEDED
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-decided_at"]
        indexes = [
            models.Index(fields=["decided_at"], name="frontdoor_decision_time"),
            models.Index(fields=["kind", "decided_at"], name="frontdoor_decision_kind"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                condition=~Q(approval="returned"),
                name="frontdoor_one_decision_per_request",
            ),
            models.CheckConstraint(
                condition=~Q(kind="family_help") | Q(team__isnull=False),
                name="frontdoor_family_help_has_team",
            ),
            models.CheckConstraint(
                condition=~Q(kind="no_further_action") | ~Q(no_further_action_reason=""),
                name="frontdoor_nfa_has_reason",
            ),
            models.CheckConstraint(condition=~Q(rationale=""), name="frontdoor_decision_rationale"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.request}"

    @property
    def in_effect(self) -> bool:
        return self.approval in (self.Approval.NOT_NEEDED, self.Approval.APPROVED)
