"""A database that went away is a 503 with Retry-After, never a 500."""

import json

import pytest
from django.db import InterfaceError, OperationalError
from django.test import RequestFactory

from factcheck.middleware import DatabaseUnavailableMiddleware


def failing(exception):
    def view(request):
        raise exception

    return view


@pytest.mark.parametrize("exception", [OperationalError("server closed the connection"), InterfaceError("closed")])
def test_the_web_app_answers_503_with_retry_after(exception):
    middleware = DatabaseUnavailableMiddleware(failing(exception))
    request = RequestFactory().get("/claims/")
    response = middleware.process_exception(request, exception)
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert b"try again" in response.content


def test_the_api_answers_503_in_its_error_shape():
    exception = OperationalError("could not connect to server")
    response = DatabaseUnavailableMiddleware(failing(exception)).process_exception(
        RequestFactory().get("/api/v1/claims/"), exception
    )
    assert response.status_code == 503
    assert json.loads(response.content)["error"]["code"] == "database_unavailable"


def test_other_errors_are_left_alone():
    assert DatabaseUnavailableMiddleware(failing(ValueError())).process_exception(None, ValueError()) is None


@pytest.mark.django_db
def test_a_view_that_loses_the_database_is_a_503_through_the_whole_stack(client, settings):
    # The real stack, with a URL whose view asks a database that is not there.
    settings.ROOT_URLCONF = "tests.unavailable_urls"
    response = client.get("/lost/")
    assert response.status_code == 503 and response["Retry-After"] == "5"
