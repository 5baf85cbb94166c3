"""The feed's response cache: repeated questions are answered without the database, and any
change to the directory is seen at once."""

import pytest
from django.test import override_settings

from familyhelp.directory.models import Service
from familyhelp.directory.tests.factories import ServiceFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("response_cache"),
]

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture
def response_cache():
    with override_settings(CACHES=LOCMEM, ORUK_RESPONSE_CACHE_SECONDS=600):
        from django.core.cache import cache

        cache.clear()
        yield
        cache.clear()


def test_a_repeated_question_is_answered_from_the_cache(client, django_assert_num_queries):
    ServiceFactory(name="Stay and play")
    first = client.get("/api/oruk/services", {"per_page": 10})
    with django_assert_num_queries(0):
        again = client.get("/api/oruk/services", {"per_page": 10})
    assert again.status_code == 200
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert "max-age=" in again["Cache-Control"]


def test_the_order_of_parameters_does_not_matter(client, django_assert_num_queries):
    ServiceFactory()
    client.get("/api/oruk/services?page=1&per_page=5")
    with django_assert_num_queries(0):
        assert client.get("/api/oruk/services?per_page=5&page=1").status_code == 200


def test_a_change_through_a_write_path_is_seen_at_once(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        service = ServiceFactory(name="Stay and play")
    assert client.get("/api/oruk/services").json()["contents"][0]["name"] == "Stay and play"

    Service.objects.filter(pk=service.pk).update(name="Baby massage")
    with django_capture_on_commit_callbacks(execute=True):
        from familyhelp.directory import search

        search.index_services([service.pk])
    assert client.get("/api/oruk/services").json()["contents"][0]["name"] == "Baby massage"


def test_a_partner_that_has_the_answer_gets_304_from_the_cache(client):
    ServiceFactory()
    etag = client.get("/api/oruk/services")["ETag"]
    response = client.get("/api/oruk/services", headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response.content == b""


def test_errors_are_not_cached(client):
    assert client.get("/api/oruk/services", {"page": "abc"}).status_code == 400
    ServiceFactory()
    assert client.get("/api/oruk/services", {"page": "abc"}).status_code == 400
    assert client.get("/api/oruk/services").status_code == 200


@override_settings(ORUK_RESPONSE_CACHE_SECONDS=0)
def test_the_cache_can_be_turned_off(client, django_assert_max_num_queries):
    ServiceFactory()
    client.get("/api/oruk/services")
    with django_assert_max_num_queries(10) as captured:
        client.get("/api/oruk/services")
    assert len(captured) > 0
