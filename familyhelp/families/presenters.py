"""People, families, consent and duplicate candidates as the pages show them."""

import datetime

from django.urls import reverse
from django.utils import timezone

from familyhelp.core.formatting import long_date, time_12h
from familyhelp.families.models import Consent, Person

NOT_GIVEN = "Not given"


def age(born: datetime.date, today: datetime.date) -> str:
    years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if years >= 2:
        return f"{years} years"
    months = (today.year - born.year) * 12 + today.month - born.month - (today.day < born.day)
    return "1 month" if months == 1 else f"{max(months, 0)} months"


def birth(person: Person, today=None) -> str:
    """ "4 May 2016 (9 years)", "Due 14 February 2027", or "Not known"."""
    today = today or timezone.localdate()
    if person.date_of_birth:
        return f"{long_date(person.date_of_birth)} ({age(person.date_of_birth, today)})"
    if person.expected_date:
        return f"Unborn, due {long_date(person.expected_date)}"
    return "Not known"


def when(moment) -> str:
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{long_date(local.date())} at {time_12h(local.time())}"


def person_url(person) -> str:
    return reverse("families:person", kwargs={"pk": person.pk})


class MemberPresenter:
    def __init__(self, member, *, family, may_change):
        person = member.person
        self.id = person.pk
        self.name = person.full_name
        self.preferred_name = person.preferred_name
        self.birth = birth(person)
        self.lives_here = "Lives here" if member.lives_here else "Lives elsewhere"
        self.url = person_url(person)
        self.remove_url = (
            reverse("families:member-remove", kwargs={"pk": family.pk, "person_pk": person.pk})
            if may_change
            else None
        )


class RelationshipPresenter:
    def __init__(self, relationship, *, remove_url=None):
        self.id = relationship.pk
        self.person = relationship.person.full_name
        self.person_url = person_url(relationship.person)
        self.kind = relationship.get_kind_display().lower()
        self.relative = relationship.relative.full_name
        self.relative_url = person_url(relationship.relative)
        self.sentence = f"{self.person} is {self.kind} of {self.relative}"
        self.responsibility = (
            "Has parental responsibility" if relationship.parental_responsibility else ""
        )
        self.remove_url = remove_url


class ConsentPresenter:
    TAGS = {
        "Active": "govuk-tag--green",
        "Withdrawn": "govuk-tag--red",
        "Expired": "govuk-tag--grey",
    }

    def __init__(self, consent: Consent, *, withdraw_url=None, today=None):
        today = today or timezone.localdate()
        self.id = consent.pk
        self.scope = consent.get_scope_display()
        self.about = consent.person.full_name if consent.person else "The whole family"
        self.agencies = ", ".join(agency.name for agency in consent.agencies.all())
        self.given = (
            f"By {consent.given_by_name} on {long_date(consent.given_on)}, "
            f"{consent.get_method_display().lower()}"
        )
        self.expires = long_date(consent.expires_on) if consent.expires_on else "No end date"
        if consent.withdrawn_at is not None:
            self.status = "Withdrawn"
            who = consent.withdrawn_by.full_name if consent.withdrawn_by else "someone"
            self.withdrawal = (
                f"Withdrawn on {when(consent.withdrawn_at)} (recorded by {who}): "
                f"{consent.withdrawal_reason}"
            )
        elif not consent.is_active(today):
            self.status = "Expired"
            self.withdrawal = ""
        else:
            self.status = "Active"
            self.withdrawal = ""
        self.tag = self.TAGS[self.status]
        self.withdraw_url = withdraw_url if self.status == "Active" else None


class CandidatePresenter:
    """A record that may be the same person. One the viewer may not open shows only what
    identifies the match: name, date of birth, the postcode's outward code and the reasons."""

    def __init__(self, candidate):
        person = candidate.person
        self.person = person
        self.id = person.pk
        self.name = person.full_name
        self.birth = birth(person)
        self.postcode = (
            person.postcode if candidate.visible else candidate.outward_code
        ) or NOT_GIVEN
        self.reasons = ", ".join(candidate.reasons)
        self.reasons_sentence = self.reasons[:1].upper() + self.reasons[1:]
        self.score = candidate.score
        self.likelihood = "Very likely" if candidate.score >= 80 else "Possible"
        self.url = person_url(person) if candidate.visible else None
        self.label = f"{self.name}, born {self.birth}, record {self.id}"


class PersonPresenter:
    """Every detail on the person page, as summary list rows."""

    def __init__(self, person: Person):
        self.id = person.pk
        self.name = person.full_name
        self.rows = [
            ("Record number", str(person.pk)),
            ("Preferred name", person.preferred_name or NOT_GIVEN),
            ("Previous names", ", ".join(person.previous_names or []) or "None"),
            ("Date of birth", birth(person)),
            ("Sex", person.get_sex_display()),
            ("Gender", person.gender or NOT_GIVEN),
            ("Ethnic group", person.get_ethnicity_display()),
            ("First language", person.first_language or NOT_GIVEN),
            ("Interpreter needed", "Yes" if person.interpreter_needed else "No"),
            ("Disability", person.disability or "None recorded"),
            ("Special educational needs", person.get_special_educational_needs_display()),
            ("Address", self.address(person)),
            ("NHS number", self.nhs(person.nhs_number) or NOT_GIVEN),
            ("Unique pupil number", person.unique_pupil_number or NOT_GIVEN),
            ("School or setting", person.school_or_setting or NOT_GIVEN),
        ]

    @staticmethod
    def address(person) -> str:
        parts = [
            person.address_line_1,
            person.address_line_2,
            person.town,
            person.postcode,
        ]
        return ", ".join(part for part in parts if part) or NOT_GIVEN

    @staticmethod
    def nhs(number: str) -> str:
        return f"{number[:3]} {number[3:6]} {number[6:]}" if number else ""


def summary_rows(rows) -> list[dict]:
    return [{"key": {"text": key}, "value": {"text": value}} for key, value in rows]


class InvolvementPresenter:
    def __init__(self, row):
        self.date_text = long_date(row.date)
        self.kind = row.kind
        self.summary = row.summary
        self.url = row.url
        self.current = row.current
