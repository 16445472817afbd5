"""What a client sends is taken as sent, as the schema documents it: a number is not text, 1 is not true, an empty
form field or query parameter is not an absent one where the API needs a value; and the schema states the rules the
serializers check (found by schemathesis's negative and positive checks, tests/api/test_schema.py)."""

from urllib.parse import urlencode

import pytest

from claims.models import Source
from reviews.models import Comment
from tests.factories import make_claim

pytestmark = pytest.mark.django_db
FORM = "application/x-www-form-urlencoded"


def post_form(client, path, data):
    return client.post(path, urlencode(data), content_type=FORM)


@pytest.fixture
def review_key(erin):
    from tests.api.conftest import key_client

    return key_client(erin, "review")


@pytest.mark.parametrize("text", [0, 12.5, True, ["a"], {"a": 1}])
def test_a_comment_that_is_not_text_is_refused(review_key, text):
    claim = make_claim()
    response = review_key.post(f"/api/v1/claims/{claim.pk}/comments/", {"text": text}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["text"] == ["Not a valid string."]
    assert not Comment.objects.exists()


@pytest.mark.parametrize("text", [" ", "\n\t"])
def test_a_comment_of_white_space_is_refused(review_key, text):
    response = review_key.post(f"/api/v1/claims/{make_claim().pk}/comments/", {"text": text}, format="json")
    assert response.status_code == 400 and "text" in response.json()["error"]["fields"]


def test_an_empty_lookup_limit_is_refused_not_ignored(read_key):
    response = read_key.get("/api/v1/claims/lookup/", {"text": "Radunfälle", "limit": ""})
    assert response.status_code == 400
    assert "limit" in response.json()["error"]["fields"]


@pytest.mark.parametrize("size", ["0", "-1", "abc", "null", "", "201", "٣"])
def test_a_page_size_that_is_not_1_to_200_is_refused(read_key, size):
    response = read_key.get("/api/v1/claims/", {"page_size": size})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["page_size"] == ["A whole number from 1 to 200."]


def test_a_page_size_in_range_pages(read_key):
    for _number in range(3):
        make_claim()
    response = read_key.get("/api/v1/claims/", {"page_size": "2"})
    assert response.status_code == 200 and len(response.json()["results"]) == 2


@pytest.mark.parametrize("active", ["1", "0", "yes", "on", ""])
def test_a_source_s_active_flag_in_a_form_is_true_or_false(adam, active):
    from tests.api.conftest import key_client

    client = key_client(adam, "admin")
    response = post_form(client, "/api/v1/sources/", {"key": "s", "name": "S", "active": active})
    assert response.status_code == 400 and "active" in response.json()["error"]["fields"]
    assert post_form(client, "/api/v1/sources/", {"key": "s", "name": "S", "active": "false"}).status_code == 201
    assert Source.objects.get(key="s").active is False


def test_a_source_s_active_flag_in_json_is_a_boolean(adam):
    from tests.api.conftest import key_client

    response = key_client(adam, "admin").post("/api/v1/sources/", {"key": "s", "name": "S", "active": 1}, format="json")
    assert response.status_code == 400 and "active" in response.json()["error"]["fields"]


def test_an_empty_html_field_is_refused_not_read_as_absent(review_key):
    response = post_form(review_key, "/api/v1/articles/", {"text": "Titel\n\nEin Satz.", "html": ""})
    assert response.status_code == 400 and "html" in response.json()["error"]["fields"]


def schema(client):
    return client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()


def test_the_schema_states_what_the_serializers_check(client):
    document = schema(client)
    components = document["components"]["schemas"]
    claims = document["paths"]["/api/v1/claims/"]["get"]["parameters"]
    page_size = next(p for p in claims if p["name"] == "page_size")
    assert page_size["schema"] == {"type": "integer", "minimum": 1, "maximum": 200}
    assert "allowEmptyValue" not in page_size
    assert next(p for p in claims if p["name"] == "updated_since")["allowEmptyValue"] is True
    attribution = document["paths"]["/api/v1/claims/{id}/attribution/"]["post"]["requestBody"]
    assert attribution["required"] is True
    assert [rule["required"] for rule in components["AttributionRequest"]["anyOf"]] == [
        ["speaker"],
        ["cited_outlet"],
        ["is_direct_quote"],
    ]
    source = components["SourceWriteRequest"]["properties"]
    assert source["key"]["pattern"]
    for name in ("language", "domain"):  # a pattern, or empty
        assert source[name]["oneOf"][0]["pattern"] and source[name]["oneOf"][1]["maxLength"] == 0
    assert components["CommentRequest"]["properties"]["text"]["pattern"] == r"\S"


def test_the_schema_says_read_scope_gets_history_without_names_or_notes(client):
    event = schema(client)["components"]["schemas"]["Event"]["properties"]
    assert event["actor"]["nullable"] is True and event["note"]["nullable"] is True
