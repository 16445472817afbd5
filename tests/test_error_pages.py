"""The web app's error pages: styled like the app, in the reader's language, saying what to do next."""

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.views import defaults


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "heading"), [("en", "Page not found"), ("de", "Seite nicht gefunden")])
def test_an_unknown_page_is_a_404_in_the_app_s_frame_and_language(client, alice, language, heading):
    client.force_login(alice)
    response = client.get("/no/such/page/", HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    assert response.status_code == 404 and f"<h1>{heading}</h1>" in page
    assert 'class="bar"' in page and "alice" in page


@pytest.mark.parametrize(("language", "heading"), [("en", "Something went wrong"), ("de", "Etwas ist schiefgegangen")])
def test_a_server_error_page_needs_no_request_context_and_speaks_the_active_language(language, heading):
    with translation.override(language):
        response = defaults.server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500 and f"<h1>{heading}</h1>" in page and "app.css" in page


@pytest.mark.django_db
def test_a_request_django_refuses_is_a_styled_400_outside_the_api(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    response = client.post("/accounts/login/", {f"field{n}": "x" for n in range(10)})
    assert response.status_code == 400 and "<h1>The request could not be read</h1>" in response.content.decode()


@pytest.mark.django_db
def test_a_role_without_the_permission_gets_the_styled_403(client, oscar):
    client.force_login(oscar)
    response = client.get("/claims/")
    assert response.status_code == 403 and "<h1>Not allowed</h1>" in response.content.decode()
