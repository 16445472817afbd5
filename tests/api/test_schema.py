"""The API against its own OpenAPI schema (schemathesis, inside pytest): no request, however odd, gets a 5xx,
and every response matches the schema. Also: the schema and the documentation page are served without a CDN."""

import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks, negative_data_rejection, positive_data_acceptance

from factcheck.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
load_all_checks()


@pytest.fixture(scope="module", autouse=True)
def outside_the_checkout(tmp_path_factory):
    """schemathesis keeps what it found in `.schemathesis/` under the working directory: a temporary one, not the
    checkout."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path_factory.mktemp("schemathesis"))
        yield


@pytest.fixture(scope="module", autouse=True)
def keep_the_test_connection():
    """The WSGI handler closes "old" connections around each request, which would close the test's own
    connection (and its transaction) on PostgreSQL: the test client does the same for itself."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=["admin", "review"])
def api_headers(request, db, adam, erin, settings):
    """An admin key, so that every endpoint (writes included) is exercised beyond its permission check, and an
    editor's review-scope key, which meets the registry's 403s and the review's own answers."""
    from tests.api.conftest import approve, key_client
    from tests.conftest import make_user
    from tests.factories import make_article, make_claim, make_document, make_source

    settings.API_THROTTLE_RATE = "100000/minute"
    reviewer, editor = make_user("rita", "reviewer"), make_user("ed", "editor")
    approve(make_claim(make_article()), reviewer=reviewer, editor=editor)
    make_document(source=make_source(key="src"), key="doc")
    user = adam if request.param == "admin" else erin
    return {"Authorization": f"Bearer {key_client(user, request.param).issued.key}"}


# Where schemathesis's `positive_data_acceptance` cannot know the answer: it sends what the schema allows and expects
# it accepted, but these answers depend on the rows held, so a 400 with the fields named is right. A filter or a
# document naming a row that does not exist (article, speaker, a source's key), a source's key that does not change,
# an action the claim's state does not allow or that needs a reason or evidence first. (It also sends a form's null
# as the word "null", which a form cannot mean.) Every other check runs on these too.
ANSWERS_DEPEND_ON_THE_DATA = {
    # An article's content rules: a text that holds no article (empty, binary), both text and html.
    "POST /api/v1/articles/",
    "GET /api/v1/claims/",
    "POST /api/v1/claims/{id}/transitions/",
    "POST /api/v1/claims/{id}/unlink/",
    "POST /api/v1/documents/",
    "PATCH /api/v1/documents/{id}/",
    "PATCH /api/v1/sources/{id}/",
}


# Where schemathesis's `negative_data_rejection` is wrong: in a form-encoded body an array is its field repeated, so
# one `aliases=A` is an array of one, which it counts as "not an array". JSON bodies are checked in full.
ARRAYS_IN_FORMS = {"POST /api/v1/sources/", "PATCH /api/v1/sources/{id}/"}


# A query string cannot carry an object: schemathesis's negative case `source={"a": {...}, "b": {}}` reaches the
# server as a plain string (the WSGI client sends one key of the object), which is a valid value there. Every other
# schema-violating request is checked, a parameter repeated where one value is expected among them.
def negative_data_rejection_but_objects_in_queries(ctx, response, case):
    if any(isinstance(value, dict) for value in (case.query or {}).values()):
        return None
    return negative_data_rejection(ctx, response, case)


# A cursor is opaque: the schema cannot say which strings are cursors the API wrote, so `positive_data_acceptance`
# counts the 400 for one it did not write as a failure (schemathesis's limit).
def positive_data_acceptance_but_cursors(ctx, response, case):
    if (case.query or {}).get("cursor"):
        return None
    return positive_data_acceptance(ctx, response, case)


CHECKS_RUN = [check for check in CHECKS.get_all() if check not in (negative_data_rejection, positive_data_acceptance)]


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_keeps_to_its_schema(case, api_headers):
    """Every check schemathesis has: no server error, status codes, content types, headers and bodies as
    documented, bad input refused and good input accepted, the Allow header, authentication not ignored."""
    response = case.call(headers=api_headers)
    checks = list(CHECKS_RUN)
    if case.operation.label not in ANSWERS_DEPEND_ON_THE_DATA:
        checks.append(positive_data_acceptance_but_cursors)
    if case.operation.label not in ARRAYS_IN_FORMS or case.media_type != "application/x-www-form-urlencoded":
        checks.append(negative_data_rejection_but_objects_in_queries)
    case.validate_response(response, checks=checks, headers=api_headers)


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
