"""People, the families they belong to, how they are related, and what they consented to.

A family is the group the partnership works with: usually one household, but a person can be in
more than one (a child who lives with each parent in turn, a father with a new partner), and a
member need not live there (`FamilyMember.lives_here`). Relationships are between two people,
whatever families they are in. Consent belongs to a family and may be about one person in it.

Every read and change goes through `services.py` and `selectors.py`, which check access by
relationship (`rules.py`) and write the audit record.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Person(models.Model):
    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        NOT_KNOWN = "not_known", "Not known"

    # The 2021 census ethnic groups for England and Wales, and "not stated".
    class Ethnicity(models.TextChoices):
        ASIAN_BANGLADESHI = "asian_bangladeshi", "Asian or Asian British: Bangladeshi"
        ASIAN_CHINESE = "asian_chinese", "Asian or Asian British: Chinese"
        ASIAN_INDIAN = "asian_indian", "Asian or Asian British: Indian"
        ASIAN_PAKISTANI = "asian_pakistani", "Asian or Asian British: Pakistani"
        ASIAN_OTHER = "asian_other", "Asian or Asian British: any other Asian background"
        BLACK_AFRICAN = "black_african", "Black, Black British, Caribbean or African: African"
        BLACK_CARIBBEAN = "black_caribbean", "Black, Black British, Caribbean or African: Caribbean"
        BLACK_OTHER = (
            "black_other",
            (
                "Black, Black British, Caribbean or African: any other Black, Black British or "
                "Caribbean background"
            ),
        )
        MIXED_WHITE_ASIAN = "mixed_white_asian", "Mixed or multiple ethnic groups: White and Asian"
        MIXED_WHITE_BLACK_AFRICAN = (
            "mixed_white_black_african",
            ("Mixed or multiple ethnic groups: White and Black African"),
        )
        MIXED_WHITE_BLACK_CARIBBEAN = (
            "mixed_white_black_caribbean",
            ("Mixed or multiple ethnic groups: White and Black Caribbean"),
        )
        MIXED_OTHER = (
            "mixed_other",
            ("Mixed or multiple ethnic groups: any other Mixed or multiple ethnic background"),
        )
        WHITE_BRITISH = (
            "white_british",
            ("White: English, Welsh, Scottish, Northern Irish or British"),
        )
        WHITE_IRISH = "white_irish", "White: Irish"
        WHITE_GYPSY_TRAVELLER = "white_gypsy_traveller", "White: Gypsy or Irish Traveller"
        WHITE_ROMA = "white_roma", "White: Roma"
        WHITE_OTHER = "white_other", "White: any other White background"
        OTHER_ARAB = "other_arab", "Other ethnic group: Arab"
        OTHER_ANY = "other_any", "Other ethnic group: any other ethnic group"
        NOT_STATED = "not_stated", "Not stated"

    class SpecialEducationalNeeds(models.TextChoices):
        NONE = "none", "No special educational needs"
        SEN_SUPPORT = "sen_support", "SEN support"
        EHC_PLAN = "ehc_plan", "Education, health and care plan"
        NOT_KNOWN = "not_known", "Not known"

    given_names = models.CharField(max_length=200)
    family_name = models.CharField(max_length=200)
    preferred_name = models.CharField(max_length=200, blank=True)
    # Earlier names (a surname before marriage, a name used before adoption): matched too.
    previous_names = models.JSONField(default=list, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    # An unborn baby has an expected date of delivery instead of a date of birth.
    expected_date = models.DateField("expected date of birth", null=True, blank=True)
    sex = models.CharField(max_length=16, choices=Sex.choices, default=Sex.NOT_KNOWN)
    gender = models.CharField(
        max_length=100, blank=True, help_text="How the person describes their gender, if given."
    )
    ethnicity = models.CharField(
        max_length=32, choices=Ethnicity.choices, default=Ethnicity.NOT_STATED
    )
    first_language = models.CharField(max_length=100, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    disability = models.TextField(blank=True, help_text="Any disability, in the person's words.")
    special_educational_needs = models.CharField(
        max_length=16,
        choices=SpecialEducationalNeeds.choices,
        default=SpecialEducationalNeeds.NOT_KNOWN,
    )
    address_line_1 = models.CharField(max_length=200, blank=True)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    # Normalised ("WX1 2AB"); must be a postcode that exists (core.Postcode).
    postcode = models.CharField(max_length=8, blank=True)
    nhs_number = models.CharField("NHS number", max_length=10, blank=True)
    unique_pupil_number = models.CharField(max_length=13, blank=True)
    school_or_setting = models.CharField(max_length=200, blank=True)
    # Matching keys, set by the services from the names (families/matching.py).
    family_name_key = models.CharField(max_length=32, blank=True)
    given_name_key = models.CharField(max_length=32, blank=True)
    # A record merged into another: kept, so the merge can be undone.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_records"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    # Incremented on every change: a form carries it, and a stale one is refused.
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["family_name", "given_names", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_of_birth__isnull=True) | Q(expected_date__isnull=True),
                name="families_person_born_or_expected",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("pk")),
                name="families_person_not_merged_into_itself",
            ),
        ]
        indexes = [
            models.Index(fields=["date_of_birth"], name="families_person_dob"),
            models.Index(fields=["postcode"], name="families_person_postcode"),
            models.Index(fields=["nhs_number"], name="families_person_nhs"),
            models.Index(fields=["unique_pupil_number"], name="families_person_upn"),
            models.Index(fields=["family_name_key"], name="families_person_name_key"),
            models.Index(fields=["given_name_key"], name="families_person_given_key"),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()

    @property
    def is_unborn(self) -> bool:
        return self.date_of_birth is None and self.expected_date is not None


class Family(models.Model):
    # Quoted on the phone and in letters instead of anyone's name, like "F-K7QP-3XMD".
    reference = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=200, help_text="Such as “The Smith family”.")
    members = models.ManyToManyField(Person, through="FamilyMember", related_name="families")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name_plural = "families"

    def __str__(self):
        return self.name


class FamilyMember(models.Model):
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    # A parent who lives elsewhere is still in the family; "who lives with whom" is this flag.
    lives_here = models.BooleanField(default=True)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["family", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["family", "person"], name="families_member_once_per_family"
            ),
        ]
        indexes = [models.Index(fields=["person", "family"], name="families_member_person")]

    def __str__(self):
        return f"{self.person} in {self.family}"


class PersonRelationship(models.Model):
    """`person` is the `kind` of `relative`: "Jo Smith is a parent of Sam Smith"."""

    class Kind(models.TextChoices):
        PARENT = "parent", "Parent"
        STEP_PARENT = "step_parent", "Step-parent"
        CARER = "carer", "Carer"
        GRANDPARENT = "grandparent", "Grandparent"
        SIBLING = "sibling", "Sibling"
        PARTNER = "partner", "Partner"
        OTHER = "other", "Other relative"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships")
    relative = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships_to")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # Whether `person` holds parental responsibility for `relative`.
    parental_responsibility = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "relative", "kind"], name="families_relationship_once"
            ),
            models.CheckConstraint(
                condition=~Q(person=models.F("relative")), name="families_relationship_two_people"
            ),
            models.CheckConstraint(
                condition=Q(parental_responsibility=False)
                | Q(kind__in=["parent", "step_parent", "carer", "grandparent", "other"]),
                name="families_relationship_responsibility_kind",
            ),
        ]

    def __str__(self):
        return f"{self.person} is {self.get_kind_display().lower()} of {self.relative}"


class Consent(models.Model):
    class Scope(models.TextChoices):
        ASSESSMENT = "assessment", "An Early Support Assessment and request for support"
        SHARING = "sharing", "Sharing information with named agencies"
        CONTACT_BY_TEXT = "contact_by_text", "Contact by text message"

    class Method(models.TextChoices):
        VERBAL = "verbal", "Verbally, in person or by phone"
        WRITTEN = "written", "In writing, signed"
        ONLINE = "online", "Online, on the request for support form"

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="consents")
    # The person the consent is about; empty when it covers the whole family.
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="consents"
    )
    scope = models.CharField(max_length=20, choices=Scope.choices)
    # For SHARING: the agencies it names.
    agencies = models.ManyToManyField("accounts.Agency", blank=True, related_name="+")
    given_by_name = models.CharField("given by", max_length=200)
    given_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="consents_given"
    )
    given_on = models.DateField()
    method = models.CharField(max_length=16, choices=Method.choices)
    expires_on = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        indexes = [models.Index(fields=["family", "scope"], name="families_consent_scope")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("given_on")),
                name="families_consent_expires_after_given",
            ),
        ]

    def __str__(self):
        return f"{self.get_scope_display()} for {self.family}"

    def is_active(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.withdrawn_at is None and (self.expires_on is None or self.expires_on >= on)


class PersonMerge(models.Model):
    """Two records of one person made one, by a manager; undone by `unmerged_at`.

    `moved` lists what the merge moved from `merged` to `kept` ({"app.model": [ids]}), so undoing
    it moves exactly those rows back.
    """

    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_merged")
    reason = models.TextField()
    moved = models.JSONField(default=dict)
    merged_at = models.DateTimeField(default=timezone.now)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    unmerged_at = models.DateTimeField(null=True, blank=True)
    unmerged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unmerge_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-merged_at"]
        constraints = [
            # A record is merged away at most once at a time.
            models.UniqueConstraint(
                fields=["merged"],
                condition=Q(unmerged_at__isnull=True),
                name="families_merge_one_open_per_record",
            ),
        ]

    def __str__(self):
        return f"{self.merged_id} merged into {self.kept_id}"
