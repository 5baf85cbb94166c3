"""Episodes of Family Help around one lead professional, and the work done in them.

An episode begins when the front door decides on Family Help (waiting for allocation in the chosen
team) or when children's social care steps a family down. A manager allocates a lead professional;
the team around the family joins from other agencies. The plan, reviews, case notes, documents
and the chronology hang from the episode; step-up and step-down keep it and its history.
Caseloads, drift and case audits are read from these rows.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

USER = settings.AUTH_USER_MODEL


class CaseworkSettings(models.Model):
    """The one row of case work's settings (pk 1): review interval and caseload weighting."""

    review_interval_weeks = models.PositiveSmallIntegerField(default=6)
    # Caseload weight of an open episode by its level of need: {"2": 1.0, "3": 1.5, "4": 2.0}.
    level_weights = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name_plural = "case work settings"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="casework_settings_one_row")]

    def __str__(self):
        return "Case work settings"


class Episode(models.Model):
    class Status(models.TextChoices):
        AWAITING_ALLOCATION = "awaiting_allocation", "Waiting for allocation"
        OPEN = "open", "Open"
        STEPPED_UP = "stepped_up", "Stepped up to children’s social care"
        CLOSED = "closed", "Closed"

    class Origin(models.TextChoices):
        FRONT_DOOR = "front_door", "A front door decision for Family Help"
        STEP_DOWN = "step_down", "Stepped down from children’s social care"

    class ClosureReason(models.TextChoices):
        NEEDS_MET = "needs_met", "Needs met"
        DECLINED = "declined", "The family declined support"
        MOVED_AWAY = "moved_away", "The family moved away"
        STEPPED_UP = "stepped_up", "Stepped up to children’s social care"
        OTHER = "other", "Another reason"

    OPEN_STATUSES = (Status.AWAITING_ALLOCATION, Status.OPEN, Status.STEPPED_UP)

    reference = models.CharField(max_length=16, unique=True)
    family = models.ForeignKey("families.Family", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    origin = models.CharField(max_length=16, choices=Origin.choices)
    # The front door decision that opened it (one episode per decision).
    decision = models.OneToOneField(
        "frontdoor.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=24, choices=Status.choices, default=Status.AWAITING_ALLOCATION
    )
    level = models.ForeignKey(
        "frontdoor.ThresholdLevel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    people = models.ManyToManyField("families.Person", through="EpisodePerson", related_name="+")
    lead_professional = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A keyworker kept on as co-worker while social care leads (step-up), or the social worker
    # still involved after a step-down.
    co_worker = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Step-down from social care: the social worker's summary.
    step_down_summary = models.TextField(blank=True)
    social_worker_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    allocated_at = models.DateTimeField(null=True, blank=True)
    # The statutory referral when stepped up.
    stepped_up_at = models.DateTimeField(null=True, blank=True)
    statutory_referral_on = models.DateField(null=True, blank=True)
    step_up_reason = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closure_reason = models.CharField(max_length=16, choices=ClosureReason.choices, blank=True)
    closure_notes = models.TextField(blank=True)
    # Closed with actions still open: why (required then).
    open_actions_reason = models.TextField(blank=True)
    family_feedback = models.TextField(blank=True)
    # Opened within 12 months of an earlier episode for the family closing.
    is_repeat = models.BooleanField(default=False)
    next_review_due = models.DateField(null=True, blank=True)
    last_contact_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["team", "status"], name="casework_episode_team"),
            models.Index(fields=["lead_professional", "status"], name="casework_episode_lead"),
            models.Index(fields=["family", "status"], name="casework_episode_family"),
            models.Index(fields=["status", "closed_at"], name="casework_episode_closed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="open") | Q(lead_professional__isnull=False),
                name="casework_open_episode_has_lead",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed")
                | (Q(closed_at__isnull=False) & ~Q(closure_reason="")),
                name="casework_closed_episode_has_reason",
            ),
        ]

    def __str__(self):
        return f"Episode {self.reference}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class EpisodePerson(models.Model):
    class Role(models.TextChoices):
        CHILD = "child", "Child or young person"
        ADULT = "adult", "Adult"

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="episode_people")
    person = models.ForeignKey("families.Person", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=8, choices=Role.choices)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "person"], name="casework_person_once")
        ]
        indexes = [models.Index(fields=["person", "episode"], name="casework_person_episode")]

    def __str__(self):
        return f"{self.person_id} in episode {self.episode_id}"


class TeamAroundFamilyMember(models.Model):
    """A practitioner from any agency working with the family, with their role in the team."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="team_members")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(
        max_length=200, help_text="Such as “School designated safeguarding lead”."
    )
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "user"],
                condition=Q(left_at__isnull=True),
                name="casework_taf_member_once",
            )
        ]
        indexes = [models.Index(fields=["user", "left_at"], name="casework_taf_user")]

    def __str__(self):
        return f"{self.user} ({self.role})"


class EpisodeTransition(models.Model):
    """A change in who holds the episode or where it sits: allocation, step-up, closure…"""

    class Kind(models.TextChoices):
        OPENED = "opened", "Opened"
        ALLOCATED = "allocated", "Allocated"
        REALLOCATED = "reallocated", "Reallocated"
        STEPPED_UP = "stepped_up", "Stepped up to children’s social care"
        STEPPED_DOWN = "stepped_down", "Stepped down to Family Help"
        CLOSED = "closed", "Closed"
        REOPENED = "reopened", "Re-opened"

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="transitions")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.TextField(blank=True)
    # Non-personal details: the lead professional before and after, the team, the level.
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d}"


# The plan ----------------------------------------------------------------------------------------


class Plan(models.Model):
    """The Family Help plan: needs, goals written with the family, actions; every change kept."""

    episode = models.OneToOneField(Episode, on_delete=models.CASCADE, related_name="plan")
    family_words = models.TextField("the family’s own words", blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revision = models.PositiveIntegerField(default=1)

    def __str__(self):
        return f"Plan for {self.episode}"


class PlanNeed(models.Model):
    class Domain(models.TextChoices):
        DEVELOPMENT = "development", "The child’s developmental needs"
        PARENTING = "parenting", "Parenting capacity"
        ENVIRONMENT = "environment", "Family and environmental factors"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="needs")
    domain = models.CharField(max_length=16, choices=Domain.choices)
    text = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.text[:60]


class Goal(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Working on it"
        MET = "met", "Met"
        PARTLY_MET = "partly_met", "Partly met"
        NOT_MET = "not_met", "Not met"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    text = models.TextField()
    family_words = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.text[:60]


class Action(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    OPEN_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS)

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions")
    text = models.TextField()
    # Anyone in the team around the family (or the lead professional).
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="casework_action_due")]

    def __str__(self):
        return self.text[:60]


class PlanVersion(models.Model):
    """The whole plan as it was after each change (needs, goals, actions as one document)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    document = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    summary = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="casework_plan_version_once")
        ]

    def __str__(self):
        return f"Plan version {self.number}"


# Reviews -----------------------------------------------------------------------------------------


class Review(models.Model):
    class Decision(models.TextChoices):
        CONTINUE = "continue", "Continue with the plan"
        STEP_UP = "step_up", "Step up to children’s social care"
        STEP_DOWN = "step_down", "Step down to universal services"
        CLOSE = "close", "Close"

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField()
    attendees = models.TextField(help_text="Who came, one per line, with their role.")
    family_views = models.TextField(blank=True)
    decision = models.CharField(max_length=16, choices=Decision.choices)
    notes = models.TextField(blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"Review on {self.held_on}"


class GoalProgress(models.Model):
    class Progress(models.TextChoices):
        MET = "met", "Met"
        GOOD = "good", "Good progress"
        SOME = "some", "Some progress"
        NONE = "none", "No progress"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="progress")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="progress")
    progress = models.CharField(max_length=8, choices=Progress.choices)
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "goal"], name="casework_progress_once")
        ]

    def __str__(self):
        return f"{self.get_progress_display()} on goal {self.goal_id}"


# Notes, documents and the chronology -------------------------------------------------------------


class CaseNote(models.Model):
    class Kind(models.TextChoices):
        HOME_VISIT = "home_visit", "Home visit"
        PHONE = "phone", "Phone call"
        MEETING = "meeting", "Meeting"
        SCHOOL_VISIT = "school_visit", "School visit"
        MESSAGE = "message", "Message"

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    happened_at = models.DateTimeField()
    people_seen = models.ManyToManyField("families.Person", blank=True, related_name="+")
    child_seen_alone = models.BooleanField(default=False)
    text = models.TextField()
    significant = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    # Set by the form when it is shown: the same form sent twice (two tabs, a double click)
    # makes one note.
    form_token = models.UUIDField(unique=True, default=uuid.uuid4)

    class Meta:
        ordering = ["-happened_at", "-pk"]
        indexes = [models.Index(fields=["episode", "happened_at"], name="casework_note_time")]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.happened_at:%Y-%m-%d}"


def _document_path(instance, filename):
    return f"casework/{instance.episode_id}/{uuid.uuid4().hex}"


class Document(models.Model):
    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        IMAGE = "image", "Image"
        OFFICE = "office", "Office document"

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=_document_path)
    title = models.CharField(max_length=200)
    original_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.title


class ChronologyEntry(models.Model):
    """One significant event in a family's history, written by the service that made it."""

    class Kind(models.TextChoices):
        REQUEST = "request", "Request for support"
        DECISION = "decision", "Front door decision"
        NOTE = "note", "Case note"
        REVIEW = "review", "Review"
        PLAN = "plan", "Plan changed"
        TRANSITION = "transition", "Episode"
        DOCUMENT = "document", "Document"

    family = models.ForeignKey("families.Family", on_delete=models.CASCADE, related_name="+")
    episode = models.ForeignKey(
        Episode, on_delete=models.CASCADE, null=True, blank=True, related_name="chronology"
    )
    at = models.DateTimeField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    summary = models.CharField(max_length=300)
    # Where it came from ("casework.casenote", id), for a link.
    source_type = models.CharField(max_length=64)
    source_id = models.CharField(max_length=64)
    significant = models.BooleanField(default=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["family", "-at", "-id"], name="casework_chronology_family"),
            models.Index(fields=["family", "kind", "-at"], name="casework_chronology_kind"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id", "kind"], name="casework_chronology_source_once"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.at:%Y-%m-%d}"


# Drift -------------------------------------------------------------------------------------------


class DriftRule(models.Model):
    class Code(models.TextChoices):
        NO_CONTACT = "no_contact", "No contact with the family"
        REVIEW_OVERDUE = "review_overdue", "Review overdue"
        NO_GOALS = "no_goals", "Plan with no goal after allocation"
        ACTIONS_OVERDUE = "actions_overdue", "Actions overdue"
        NOT_ALLOCATED = "not_allocated", "Waiting for allocation"

    code = models.CharField(max_length=20, choices=Code.choices, unique=True)
    working_days = models.PositiveSmallIntegerField(
        help_text="How many working days before the episode counts as drifting."
    )
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.get_code_display()


# Case audits -------------------------------------------------------------------------------------


class Grade(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"


class AuditTool(models.Model):
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class AuditSection(models.Model):
    tool = models.ForeignKey(AuditTool, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title


class AuditQuestion(models.Model):
    section = models.ForeignKey(AuditSection, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.text[:60]


class CaseAudit(models.Model):
    class Status(models.TextChoices):
        ASSIGNED = "assigned", "Waiting for the auditor"
        COMPLETED = "completed", "Waiting for the worker’s response"
        RESPONDED = "responded", "Responded"
        MODERATED = "moderated", "Moderated"

    tool = models.ForeignKey(AuditTool, on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="case_audits")
    # The month whose random sample chose it (first day of the month).
    sample_month = models.DateField()
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    # The worker whose case it is, when it was sampled.
    worker = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    auditor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ASSIGNED)
    grade = models.CharField(max_length=24, choices=Grade.choices, blank=True)
    summary = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    worker_response = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    moderated_grade = models.CharField(max_length=24, choices=Grade.choices, blank=True)
    moderation_note = models.TextField(blank=True)
    moderated_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-sample_month", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "sample_month"], name="casework_audit_once_a_month"
            )
        ]
        indexes = [models.Index(fields=["team", "sample_month"], name="casework_audit_team")]

    def __str__(self):
        return f"Case audit of {self.episode} for {self.sample_month:%B %Y}"

    @property
    def final_grade(self) -> str:
        return self.moderated_grade or self.grade


class CaseAuditAnswer(models.Model):
    audit = models.ForeignKey(CaseAudit, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(AuditQuestion, on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(max_length=24, choices=Grade.choices)
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["audit", "question"], name="casework_answer_once")
        ]

    def __str__(self):
        return f"{self.get_grade_display()} for question {self.question_id}"
