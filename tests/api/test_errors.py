"""One error shape for everything that goes wrong, and 429 with Retry-After past the rate."""

import pytest

from tests.api.conftest import key_client

pytestmark = pytest.mark.django_db


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"]), body
    return body["error"]


def test_no_credentials_is_a_401(anonymous):
    response = anonymous.get("/api/v1/claims/")
    assert response.status_code == 401 and error_of(response)["code"] == "not_authenticated"


def test_an_unknown_address_is_a_404(read_key):
    response = read_key.get("/api/v1/nothing/here")
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"


def test_a_method_the_endpoint_lacks_is_a_405(read_key, claim):
    response = read_key.delete(f"/api/v1/claims/{claim.pk}/")
    assert response.status_code in (403, 405)
    response = read_key.put("/api/v1/claims/", {})
    assert response.status_code == 405 and error_of(response)["code"] == "method_not_allowed"


def test_an_unsupported_media_type_is_a_415(reviewer_key, claim):
    response = reviewer_key.post(f"/api/v1/claims/{claim.pk}/comments/", b"x", content_type="application/xml")
    assert response.status_code == 415 and error_of(response)["code"] == "unsupported_media_type"


def test_past_the_rate_a_key_gets_429_with_retry_after(settings, cms):
    settings.API_THROTTLE_RATE = "3/minute"
    client, other = key_client(cms, "read", "a"), key_client(cms, "read", "b")
    statuses = [client.get("/api/v1/sources/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/sources/")
    assert response.status_code == 429 and error_of(response)["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60
    # Each key has its own budget.
    assert other.get("/api/v1/sources/").status_code == 200


def test_json_nested_too_deeply_is_a_400_in_the_error_shape(reviewer_key, claim):
    response = reviewer_key.post(f"/api/v1/claims/{claim.pk}/comments/", "[" * 100_000, content_type="application/json")
    assert response.status_code == 400 and error_of(response)["code"] == "invalid"
    assert not claim.comments.exists()


def test_a_cursor_holding_a_nul_is_a_400_naming_the_cursor(read_key):
    from base64 import b64encode

    cursor = b64encode(b"p=%00").decode()
    response = read_key.get("/api/v1/sources/", {"cursor": cursor})
    assert response.status_code == 400 and "cursor" in error_of(response)["fields"]


def test_a_body_over_the_upload_limit_is_a_413_in_the_error_shape(reviewer_key, claim, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = '{"text": "' + "a" * 2000 + '"}'
    response = reviewer_key.post(f"/api/v1/claims/{claim.pk}/comments/", body, content_type="application/json")
    assert response.status_code == 413 and error_of(response)["code"] == "too_large"
    assert not claim.comments.exists()


def test_too_many_form_fields_are_a_400_in_the_error_shape(reviewer_key, claim, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    body = "&".join(f"field{number}=1" for number in range(20))
    response = reviewer_key.post(
        f"/api/v1/claims/{claim.pk}/comments/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400 and error_of(response)["code"] == "invalid"
    assert not claim.comments.exists()


def test_an_address_over_the_length_limit_is_a_414_in_the_error_shape(read_key, settings):
    response = read_key.get("/api/v1/claims/", {"q": "a" * settings.MAX_URL_LENGTH})
    assert response.status_code == 414 and error_of(response)["code"] == "uri_too_long"
    assert read_key.get("/api/v1/claims/", {"q": "a" * 100}).status_code == 200


def test_the_web_app_answers_an_address_over_the_limit_with_a_plain_414(client, settings):
    response = client.get("/claims/", {"q": "a" * settings.MAX_URL_LENGTH})
    assert response.status_code == 414


def test_an_anonymous_client_cannot_escape_the_rate_by_rotating_x_forwarded_for(settings, anonymous):
    settings.API_THROTTLE_RATE = "3/minute"
    statuses = [anonymous.get("/api/v1/schema/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_behind_a_named_proxy_the_address_it_appended_is_the_clients(settings, anonymous):
    from rest_framework.settings import api_settings

    settings.API_THROTTLE_RATE = "2/minute"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    assert api_settings.NUM_PROXIES == 1
    # The proxy appends the address it saw; what the client wrote before it is not believed.
    first = [
        anonymous.get("/api/v1/schema/", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 198.51.100.7").status_code for n in range(3)
    ]
    assert first == [200, 200, 429]
    assert anonymous.get("/api/v1/schema/", HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 200
