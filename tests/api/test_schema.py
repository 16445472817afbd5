"""The API against its own OpenAPI schema (schemathesis, inside pytest): no request, however odd, gets a 5xx,
and every response matches the schema. Also: the schema and the documentation page are served without a CDN."""

import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from factcheck.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


@pytest.fixture(scope="module", autouse=True)
def keep_the_test_connection():
    """The WSGI handler closes "old" connections around each request, which would close the test's own
    connection (and its transaction) on PostgreSQL: the test client does the same for itself."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_headers(db, adam, settings):
    """An admin key, so that every endpoint (writes included) is exercised beyond its permission check."""
    from tests.api.conftest import approve, key_client
    from tests.conftest import make_user
    from tests.factories import make_article, make_claim, make_document, make_source

    settings.API_THROTTLE_RATE = "100000/minute"
    reviewer, editor = make_user("rita", "reviewer"), make_user("ed", "editor")
    approve(make_claim(make_article()), reviewer=reviewer, editor=editor)
    make_document(source=make_source(key="src"), key="doc")
    return {"Authorization": f"Bearer {key_client(adam, 'admin').issued.key}"}


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_keeps_to_its_schema(case, api_headers):
    response = case.call(headers=api_headers)
    case.validate_response(
        response,
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance, status_code_conformance],
    )


def test_the_schema_is_openapi_3_and_documents_every_endpoint(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    paths = set(document["paths"])
    for path in [
        "/api/v1/claims/",
        "/api/v1/claims/{id}/",
        "/api/v1/claims/lookup/",
        "/api/v1/claims/{id}/claimreview/",
        "/api/v1/claims/{id}/transitions/",
        "/api/v1/claims/{id}/attribution/",
        "/api/v1/claims/{id}/evidence/",
        "/api/v1/claims/{id}/comments/",
        "/api/v1/articles/",
        "/api/v1/articles/{id}/",
        "/api/v1/sources/",
        "/api/v1/documents/",
    ]:
        assert path in paths, sorted(paths)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary"), (method, path)
            assert "401" in operation["responses"], (method, path)


def test_the_documentation_page_loads_its_files_from_this_server(client, settings):
    # Served from the apps' static folders, as `collectstatic` would gather them (no collected copy in the tests).
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    page = client.get("/api/v1/docs/").content.decode()
    assert "swagger-ui" in page and "cdn" not in page.lower() and "<script>" not in page
    links = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any(link.endswith("swagger-ui-bundle.js") for link in links)
    for link in links:
        assert link.startswith("/"), link
        assert client.get(link).status_code == 200, link


def test_the_schema_describes_checkworthiness_reasons_as_objects_with_a_code(client):
    components = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()["components"]["schemas"]
    reasons = components["ClaimDetail"]["properties"]["checkworthiness_reasons"]
    item = reasons["items"]
    if "$ref" in item:
        item = components[item["$ref"].rsplit("/", 1)[-1]]
    assert item["type"] == "object"
    assert set(item["properties"]) == {"code", "detail"} and item["required"] == ["code"]
