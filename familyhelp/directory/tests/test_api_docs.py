"""The feed's own OpenAPI document and its docs page, served without any CDN."""

import re

import pytest

API_PATHS = {
    "/api/oruk/": [],
    "/api/oruk/services": [
        "search",
        "page",
        "per_page",
        "format",
        "taxonomy_term_id",
        "taxonomy_id",
        "organization_id",
        "modified_after",
        "minimal",
        "full",
        "postcode",
        "proximity",
        "minimum_age",
        "maximum_age",
        "day",
        "start_time",
        "end_time",
    ],
    "/api/oruk/services/{id}": ["id"],
    "/api/oruk/service_at_locations": [
        "search",
        "page",
        "per_page",
        "format",
        "taxonomy_term_id",
        "taxonomy_id",
        "organization_id",
        "modified_after",
        "full",
        "postcode",
        "proximity",
        "minimum_age",
        "maximum_age",
        "day",
        "start_time",
        "end_time",
    ],
    "/api/oruk/service_at_locations/{id}": ["id"],
    "/api/oruk/organizations": ["search", "page", "per_page", "format", "full", "full_service"],
    "/api/oruk/organizations/{id}": ["id", "full_service"],
    "/api/oruk/taxonomies": ["search", "page", "per_page", "format"],
    "/api/oruk/taxonomies/{id}": ["id"],
    "/api/oruk/taxonomy_terms": [
        "search",
        "page",
        "per_page",
        "format",
        "taxonomy_id",
        "top_only",
        "parent_id",
    ],
    "/api/oruk/taxonomy_terms/{id}": ["id"],
}


def test_openapi_document_lists_every_endpoint_and_parameter(client):
    document = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    documented = {
        path: sorted(p["name"] for p in operation["get"].get("parameters", []))
        for path, operation in document["paths"].items()
        if path.startswith("/api/oruk/")
    }
    assert documented == {path: sorted(names) for path, names in API_PATHS.items()}
    assert "404" in document["paths"]["/api/oruk/services/{id}"]["get"]["responses"]


def test_docs_page_loads_its_assets_from_this_site(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, "the docs page loads Swagger UI"
    assert all(url.startswith("/") for url in assets), assets
    assert "cdn" not in html.lower()


@pytest.mark.parametrize("asset", ["swagger-ui-bundle.js", "swagger-ui.css"])
def test_swagger_ui_assets_are_served_locally(client, asset):
    html = client.get("/api/docs/").content.decode()
    url = next(u for u in re.findall(r'(?:src|href)="([^"]+)"', html) if u.endswith(asset))

    assert client.get(url).status_code == 200
