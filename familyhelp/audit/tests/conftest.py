import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from familyhelp.audit.services import audit_record


@pytest.fixture
def person(db):
    return get_user_model().objects.create_user(
        email="sam.jones@example.org", password="long enough passphrase"
    )


@pytest.fixture
def record_events(db):
    """Append n events by a named system job, one per record, and return them in order."""

    def record(n, **overrides):
        events = [
            audit_record(
                **{
                    "actor_label": "job:send_reminders",
                    "action": "view",
                    "record_type": "directory.service",
                    "record_id": f"service-{i}",
                    **overrides,
                }
            )
            for i in range(n)
        ]
        check_deferred_constraints_now()
        return events

    return record


def check_deferred_constraints_now():
    """Run PostgreSQL's deferred foreign-key checks now, not at the end of the test's transaction.

    Until they run, PostgreSQL refuses ALTER TABLE and TRUNCATE on the table with "pending
    trigger events", which would hide the refusal these tests look for.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


# --- The audit log's pages (readers, scope, signed-in clients) ---

MFA_SATISFIED_SESSION_KEY = "accounts.mfa_satisfied_by"


def sign_in(client, user):
    """Signed in with the second factor already satisfied, as the page tests need."""
    client.force_login(user)
    session = client.session
    session[MFA_SATISFIED_SESSION_KEY] = "test"
    session.save()
    return client


@pytest.fixture
def auditor(db):
    from familyhelp.accounts.tests.factories import UserFactory

    return UserFactory(
        email="auditor@wessexvale.example", full_name="Ada Auditor", roles=["auditor"]
    )


@pytest.fixture
def manager_team(db):
    """A team manager, a member of their team, and someone in another team of the same agency."""
    from familyhelp.accounts.models import TeamMembership
    from familyhelp.accounts.tests.factories import AgencyFactory, TeamFactory, UserFactory

    agency = AgencyFactory(name="Wessex Vale Council")
    team, other_team = (
        TeamFactory(agency=agency, name="North"),
        TeamFactory(agency=agency, name="South"),
    )
    manager = UserFactory(email="manager@wessexvale.example", agency=agency, roles=["team-manager"])
    member = UserFactory(email="member@wessexvale.example", agency=agency, roles=["practitioner"])
    outsider = UserFactory(
        email="outsider@wessexvale.example", agency=agency, roles=["practitioner"]
    )
    TeamMembership.objects.create(user=manager, team=team)
    TeamMembership.objects.create(user=member, team=team)
    TeamMembership.objects.create(user=outsider, team=other_team)
    return manager, member, outsider
