"""Need-to-know access: records open by relationship only, refusals are 404s, reads are audited."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from familyhelp.accounts import access, relationships
from familyhelp.accounts.access import RecordNotFound, get_object_for_user_or_404, visible_to
from familyhelp.accounts.relationships import Relationship
from familyhelp.accounts.testing import sign_in
from familyhelp.accounts.tests.factories import TeamFactory, UserFactory
from familyhelp.accounts.tests.records.factories import ProtectedRecordFactory, member_of
from familyhelp.accounts.tests.records.models import ProtectedRecord
from familyhelp.audit.models import AuditEvent

PERM = "testrecords.view_protectedrecord"

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return TeamFactory(name="Ashcombe Family Help")


@pytest.fixture
def keyworker(team):
    return member_of(team, roles=["family-keyworker"], email="keyworker@wessexvale.example")


@pytest.fixture
def record(team, keyworker):
    return ProtectedRecordFactory(team=team, lead_professional=keyworker, family_id="F00042")


@pytest.fixture
def stranger():
    """A practitioner with no relationship to the family."""
    return UserFactory(email="stranger@wessexvale.example", roles=["practitioner"])


def views_of(record):
    return AuditEvent.objects.filter(
        action="view", record_type="testrecords.protectedrecord", record_id=str(record.pk)
    )


# Relationships -------------------------------------------------------------------------------


def test_each_relationship_is_found_and_lists_agree(team):
    lead = UserFactory(roles=["family-keyworker"])
    taf = UserFactory(roles=["practitioner"])
    manager = member_of(team, roles=["team-manager"])
    officer = member_of(team, roles=["front-door-officer"])
    record = ProtectedRecordFactory(
        team=team, lead_professional=lead, team_around_family=[taf], request_open=True
    )
    closed = ProtectedRecordFactory(team=team, request_open=False)

    assert relationships.relationships_of(lead, record) == {Relationship.LEAD_PROFESSIONAL}
    assert relationships.relationships_of(taf, record) == {Relationship.TEAM_AROUND_FAMILY}
    assert relationships.relationships_of(manager, record) == {Relationship.TEAM_MANAGER}
    assert relationships.relationships_of(officer, record) == {Relationship.FRONT_DOOR_OPEN_REQUEST}
    # The front door's relationship lasts only while a request is open.
    assert relationships.relationships_of(officer, closed) == set()
    everything = ProtectedRecord.objects.all()
    assert set(visible_to(lead, Relationship.LEAD_PROFESSIONAL, everything)) == {record}
    assert set(visible_to(taf, Relationship.TEAM_AROUND_FAMILY, everything)) == {record}
    assert set(visible_to(manager, Relationship.TEAM_MANAGER, everything)) == {record, closed}
    assert set(visible_to(officer, PERM, everything)) == {record}
    assert set(visible_to(officer, Relationship.LEAD_PROFESSIONAL, everything)) == set()


def test_membership_of_the_team_without_the_role_is_no_relationship(team):
    colleague = member_of(team, roles=["practitioner"])
    record = ProtectedRecordFactory(team=team, request_open=True)
    assert relationships.relationships_of(colleague, record) == set()
    assert not access.user_has_perm(colleague, PERM, record)
    assert list(visible_to(colleague, PERM, ProtectedRecord.objects.all())) == []


def test_a_deactivated_lead_professional_has_no_relationship(record, keyworker):
    keyworker.is_active = False
    keyworker.save()
    assert relationships.relationships_of(keyworker, record) == set()
    assert list(visible_to(keyworker, PERM, ProtectedRecord.objects.all())) == []
    with pytest.raises(RecordNotFound):
        get_object_for_user_or_404(keyworker, PERM, ProtectedRecord.objects.all(), pk=record.pk)


def test_a_superuser_gets_no_shortcut_to_personal_records(record):
    superuser = UserFactory(is_superuser=True, is_staff=True, agency=None)
    assert superuser.has_perm(PERM, record)  # Django's own shortcut…
    # …is not how the service decides: only the rules do.
    with pytest.raises(RecordNotFound):
        get_object_for_user_or_404(superuser, PERM, ProtectedRecord.objects.all(), pk=record.pk)
    assert list(visible_to(superuser, PERM, ProtectedRecord.objects.all())) == []


def test_visible_to_refuses_a_permission_not_declared_for_the_model(keyworker):
    with pytest.raises(ImproperlyConfigured, match="accounts.view_people"):
        visible_to(keyworker, "accounts.view_people", ProtectedRecord.objects.all())


def test_a_list_costs_the_same_queries_however_many_records(
    team, keyworker, django_assert_num_queries
):
    ProtectedRecordFactory.create_batch(3, team=team, lead_professional=keyworker)
    ProtectedRecordFactory.create_batch(2, team=team, team_around_family=[keyworker])
    ProtectedRecordFactory.create_batch(4, team=team)
    keyworker = type(keyworker).objects.get(pk=keyworker.pk)
    # The person's roles, their break-glass record ids, then the list itself.
    with django_assert_num_queries(3):
        titles = [r.title for r in visible_to(keyworker, PERM, ProtectedRecord.objects.all())]
    assert len(titles) == 5


# get_object_for_user_or_404 ------------------------------------------------------------------


def test_opening_a_record_through_a_relationship_is_audited_with_the_family(record, keyworker):
    opened = get_object_for_user_or_404(
        keyworker, PERM, ProtectedRecord.objects.all(), pk=record.pk
    )
    assert opened == record
    event = views_of(record).get()
    assert event.actor == keyworker
    assert event.family_id == "F00042"
    assert event.values == {}


def test_a_refused_record_and_a_missing_one_raise_the_same_404(record, stranger):
    with pytest.raises(RecordNotFound) as refused:
        get_object_for_user_or_404(stranger, PERM, ProtectedRecord.objects.all(), pk=record.pk)
    with pytest.raises(RecordNotFound) as missing:
        get_object_for_user_or_404(stranger, PERM, ProtectedRecord.objects.all(), pk=record.pk + 99)
    assert str(refused.value) == str(missing.value)
    assert (refused.value.record_type, refused.value.personal) == (
        missing.value.record_type,
        missing.value.personal,
    )
    # The refusal is audited, flagged as refused; nothing is written for a record that is not there.
    refusal = views_of(record).get()
    assert refusal.actor == stranger
    assert refusal.values == {"refused": True, "permission": PERM}
    assert AuditEvent.objects.count() == 1


def test_a_malformed_id_is_a_404_not_an_error(stranger):
    with pytest.raises(RecordNotFound):
        get_object_for_user_or_404(stranger, PERM, ProtectedRecord.objects.all(), pk="not-a-number")


# Pages ---------------------------------------------------------------------------------------


def record_url(record_or_pk):
    pk = getattr(record_or_pk, "pk", record_or_pk)
    return reverse("testrecords:record", kwargs={"pk": pk})


def test_the_lead_professional_opens_the_record_page(client, record, keyworker):
    response = sign_in(client, keyworker).get(record_url(record))
    assert response.status_code == 200
    assert record.title in response.content.decode()
    assert "Emergency access" not in response.content.decode()
    assert views_of(record).count() == 1


def test_someone_signed_out_is_sent_to_sign_in_whether_or_not_the_record_exists(client, record):
    for url in (record_url(record), record_url(record.pk + 99)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:sign-in"))


def test_a_refused_record_page_is_a_404_identical_to_a_missing_one(client, record, stranger):
    sign_in(client, stranger)
    refused = client.get(record_url(record))
    missing = client.get(record_url(record.pk + 99))
    assert refused.status_code == missing.status_code == 404
    assert _main(refused) == _main(missing).replace(str(record.pk + 99), str(record.pk))
    assert "Page not found" in _main(refused)
    # A practitioner's role does not allow break-glass: no offer.
    assert "emergency access" not in _main(refused).lower()


def test_someone_who_may_break_glass_is_offered_it_the_same_way_for_any_record(client, record):
    officer = UserFactory(roles=["front-door-officer"])
    sign_in(client, officer)
    refused = client.get(record_url(record))
    missing = client.get(record_url(record.pk + 99))
    assert refused.status_code == missing.status_code == 404
    assert "request emergency access" in _main(refused)
    assert _main(refused) == _main(missing).replace(str(record.pk + 99), str(record.pk))
    offer = reverse(
        "accounts:break-glass",
        kwargs={"record_type": "testrecords.protectedrecord", "record_id": record.pk},
    )
    assert offer in _main(refused)


def _main(response):
    html = response.content.decode()
    start = html.index('<main class="govuk-main-wrapper')
    return html[start : html.index("</main>", start)]


# API -----------------------------------------------------------------------------------------


def test_the_api_lists_only_the_records_the_person_may_open(
    client, team, keyworker, django_assert_max_num_queries
):
    mine = ProtectedRecordFactory.create_batch(3, team=team, lead_professional=keyworker)
    ProtectedRecordFactory.create_batch(3, team=team)
    sign_in(client, keyworker)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("testrecords:api-list"))
    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == sorted(r.pk for r in mine)


def test_the_api_answers_a_refused_record_as_it_answers_a_missing_one(client, record, stranger):
    sign_in(client, stranger)
    refused = client.get(reverse("testrecords:api-detail", kwargs={"pk": record.pk}))
    missing = client.get(reverse("testrecords:api-detail", kwargs={"pk": record.pk + 99}))
    assert refused.status_code == missing.status_code == 404
    assert refused.json() == missing.json()


def test_the_api_opens_a_record_for_its_lead_professional_and_audits_it(client, record, keyworker):
    sign_in(client, keyworker)
    response = client.get(reverse("testrecords:api-detail", kwargs={"pk": record.pk}))
    assert response.status_code == 200
    assert response.json()["family_id"] == "F00042"
    assert views_of(record).get().actor == keyworker


def test_the_api_refuses_someone_signed_out(client, record):
    response = client.get(reverse("testrecords:api-list"))
    assert response.status_code in (401, 403)


def test_a_record_page_needs_the_second_factor_first(client, record, keyworker):
    client.force_login(keyworker)  # password only
    response = client.get(record_url(record))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:second-factor-set-up"))
    assert not views_of(record).exists()
