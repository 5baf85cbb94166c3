"""A change made in the Django admin is kept in the listing's history, like any other."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from familyhelp.audit.models import AuditEvent
from familyhelp.directory.models import Service
from familyhelp.directory.tests.factories import fully_described_service
from familyhelp.stewardship.models import ListingVersion

pytestmark = pytest.mark.django_db


class _Form(HTMLParser):
    """The values a browser would post back from the page's main form, as it was served."""

    def __init__(self):
        super().__init__()
        self.data, self._textarea, self._select = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "file"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data[name] = attrs.get("value", "on")
            else:
                self.data[name] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def _form_of(response) -> dict:
    parser = _Form()
    parser.feed(response.content.decode())
    return parser.data


def test_a_change_in_the_admin_is_a_new_version_with_the_one_before_kept(admin_client):
    service = fully_described_service(description="Songs and stories.")
    url = reverse("admin:directory_service_change", args=[service.pk])
    data = _form_of(admin_client.get(url))
    data["description"] = "Songs, stories and a snack."

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Service.objects.get(pk=service.pk).description == "Songs, stories and a snack."
    versions = list(ListingVersion.objects.filter(service=service).order_by("number"))
    assert [(v.number, v.reason) for v in versions] == [(1, "baseline"), (2, "admin")]
    assert versions[0].document["description"] == "Songs and stories."
    assert versions[1].document["description"] == "Songs, stories and a snack."
    event = AuditEvent.objects.get(record_id=str(service.pk), values__reason="admin")
    assert event.fields_changed == ["description"]


def test_saving_the_admin_form_unchanged_adds_no_version(admin_client):
    service = fully_described_service()
    url = reverse("admin:directory_service_change", args=[service.pk])
    response = admin_client.post(url, _form_of(admin_client.get(url)))
    assert response.status_code == 302
    assert list(
        ListingVersion.objects.filter(service=service).values_list("reason", flat=True)
    ) == ["baseline"]
