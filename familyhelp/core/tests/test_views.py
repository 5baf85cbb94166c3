import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("core:accessibility", "Accessibility statement for Family Help"),
        ("core:privacy", "Privacy notice"),
        ("core:cookies", "Cookies"),
        ("core:feedback", "Give feedback on Family Help"),
    ],
)
def test_content_pages_use_the_base_layout(client, name, heading):
    response = client.get(reverse(name))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in html
    assert 'href="#main-content"' in html  # skip link
    assert "govuk-phase-banner" in html
    assert "are fictional" in html
    for footer in ("core:accessibility", "core:privacy", "core:cookies"):
        assert f'href="{reverse(footer)}"' in html


def test_unknown_page_is_a_gov_uk_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert response.content.decode().count("<title>") == 1


def test_static_assets_are_served_locally(client):
    response = client.get("/static/css/application.css")
    assert response.status_code == 200
    css = b"".join(response.streaming_content)
    assert b"govuk-header" in css
    assert b"/static/assets/fonts/" in css
    font = client.get("/static/assets/images/favicon.svg")
    assert font.status_code == 200


def test_every_page_sends_a_content_security_policy_without_unsafe_inline(client):
    response = client.get(reverse("core:privacy"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in response.content.decode()
