"""People who sign in, the agencies and teams they work in, and the roles they hold.

Roles are rows, not code: a council can rename one without a release. Who may do what with a role
is issue 4's `rules` work; this app only records who holds which.
"""

import uuid
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

FTE_MIN = Decimal("0.01")
FTE_MAX = Decimal("1.00")


class Agency(models.Model):
    class Kind(models.TextChoices):
        COUNCIL = "council", "Council"
        SCHOOL = "school", "School"
        HEALTH = "health", "Health"
        POLICE = "police", "Police"
        HOUSING = "housing", "Housing"
        VOLUNTARY_COMMUNITY = "voluntary_community", "Voluntary or community organisation"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=32, choices=Kind.choices)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self):
        return self.name


class Team(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "name"], name="accounts_team_name_per_agency"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.agency.name})"


class Role(models.Model):
    # Codes the application relies on; the ten roles are seeded by migration 0002.
    SYSTEM_ADMINISTRATOR = "system-administrator"
    AGENCY_ADMINISTRATOR = "agency-administrator"

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    requires_mfa = models.BooleanField(
        "requires a second factor",
        default=True,
        help_text="Holders must use a one-time code to sign in (roles that can see personal data "
        "or change the directory).",
    )
    may_break_glass = models.BooleanField(
        default=False,
        help_text="Holders may open a record outside their relationship to it by giving a reason.",
    )
    agency_administrators_may_grant = models.BooleanField(
        default=False,
        help_text="Agency administrators may give this role to people in their own agency (never "
        "to themselves). Otherwise only a system administrator can.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("A person needs an email address to sign in.")
        user = self.model(email=self.normalize_email(email).strip().lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if extra_fields["is_staff"] is not True or extra_fields["is_superuser"] is not True:
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        # Sign-in ignores case: Sam.Jones@… and sam.jones@… are the same person.
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # unique=True for Django's own checks; the Lower("email") constraint below ignores case.
    email = models.EmailField("email address", max_length=254, unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    fte = models.DecimalField(
        "FTE",
        max_digits=3,
        decimal_places=2,
        default=FTE_MAX,
        validators=[MinValueValidator(FTE_MIN), MaxValueValidator(FTE_MAX)],
        help_text="Full-time equivalent, from 0.01 to 1.00; case work uses it for caseloads.",
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        help_text="Empty only for system administrators, who work for no one agency.",
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May sign in to the Django admin site.")
    date_joined = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_unique_any_case"),
            models.CheckConstraint(
                condition=models.Q(fte__gte=FTE_MIN, fte__lte=FTE_MAX),
                name="accounts_user_fte_between_0_01_and_1",
            ),
        ]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).strip().lower()

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


class TeamMembership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="team_memberships")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="memberships")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "team"], name="accounts_one_membership_per_team"
            ),
        ]

    def __str__(self):
        return f"{self.user} in {self.team}"


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="assignments")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role"], name="accounts_one_assignment_per_role"
            ),
        ]

    def __str__(self):
        return f"{self.user} as {self.role}"


class Invitation(models.Model):
    """A signed, expiring, single-use link for an invited person to set their password.

    Only a hash of the link's token is stored, so the table cannot be used to sign in.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="invitations_sent"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "created_at"], name="accounts_invite_user_time")]

    def __str__(self):
        return f"Invitation for {self.user}"


class ExternalIdentity(models.Model):
    """A person's account at an agency's single sign-on provider, linked to their invited account.

    Linked only when the provider's verified email matches an account that already exists.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="external_identities")
    provider = models.SlugField(max_length=64, help_text="The key in OIDC_PROVIDERS.")
    subject = models.CharField(max_length=255, help_text="The provider's `sub` claim.")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "subject"], name="accounts_one_account_per_subject"
            ),
            models.UniqueConstraint(
                fields=["provider", "user"], name="accounts_one_subject_per_provider"
            ),
        ]

    def __str__(self):
        return f"{self.user} at {self.provider}"


class BreakGlassAccess(models.Model):
    """A person opened a record outside their relationship to it, giving a reason.

    Grants access to that one record until `expires_at`; listed for their manager to review.
    """

    class Outcome(models.TextChoices):
        APPROPRIATE = "appropriate", "Appropriate"
        NOT_APPROPRIATE = "not_appropriate", "Not appropriate"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="break_glass_accesses")
    record_type = models.CharField(max_length=100)
    record_id = models.CharField(max_length=64)
    # NULL when the record belongs to no family.
    family_id = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    reason = models.TextField()
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="break_glass_reviews",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=32, choices=Outcome.choices, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-granted_at"]
        indexes = [
            models.Index(
                fields=["user", "record_type", "record_id", "expires_at"],
                name="accounts_breakglass_lookup",
            ),
            models.Index(fields=["reviewed_at", "granted_at"], name="accounts_breakglass_review"),
        ]

    def __str__(self):
        return f"{self.user} broke glass on {self.record_type} {self.record_id}"
