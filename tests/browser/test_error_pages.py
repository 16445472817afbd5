"""The error pages as a reader's browser shows them: the app's frame with its stylesheet applied, the status, a
heading in the browser's language and what to do next, for a German and an English browser alike."""

import pytest
from playwright.sync_api import expect

from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LANGUAGES = {
    "de-DE": {
        404: ("Fehler 404", "Seite nicht gefunden"),
        403: ("Fehler 403", "Nicht erlaubt"),
        413: ("Fehler 413", "Zu groß zum Senden"),
        429: ("Fehler 429", "Zu viele fehlgeschlagene Anmeldungen"),
        "lock": "15 Minuten",
        "back": "Zurück zu den Artikeln",
    },
    "en-GB": {
        404: ("Error 404", "Page not found"),
        403: ("Error 403", "Not allowed"),
        413: ("Error 413", "Too large to send"),
        429: ("Error 429", "Too many failed logins"),
        "lock": "15 minutes",
        "back": "Back to the articles",
    },
}


@pytest.fixture(params=sorted(LANGUAGES))
def reader(browser, request):
    context = browser.new_context(locale=request.param, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page, LANGUAGES[request.param]
    context.close()


def styled(page) -> bool:
    """The app's stylesheet was loaded and applies: the error section is laid out by it, not by the browser."""
    return page.evaluate(
        """() => [...document.styleSheets].some(sheet => (sheet.href || '').includes('app.css')
                                                      && sheet.cssRules.length > 0)"""
    )


def assert_error_page(page, response, status, words):
    assert response.status == status
    code, heading = words[status]
    expect(page.locator(".error-page h1")).to_have_text(heading)
    expect(page.locator(".error-page .muted").first).to_have_text(code)
    expect(page.locator(".error-page a", has_text=words["back"])).to_be_visible()
    assert styled(page)


LOGIN_BUTTON = "form:has(#id_password) button[type=submit]"


def log_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation() as navigation:
        page.click(LOGIN_BUTTON)
    return navigation.value


def test_an_unknown_address_is_the_styled_404(reader, live_server, shoot):
    page, words = reader
    response = page.goto(f"{live_server.url}/no/such/page/")
    assert_error_page(page, response, 404, words)
    shoot(page, "404")


def test_a_person_without_the_role_gets_the_styled_403(reader, live_server, shoot):
    page, words = reader
    make_user("oscar", None)
    log_in(page, live_server, "oscar", "oscar-password")
    response = page.goto(f"{live_server.url}/claims/")
    assert_error_page(page, response, 403, words)
    shoot(page, "403")


def test_a_form_over_the_upload_limit_is_the_styled_413(reader, live_server, settings, shoot):
    page, words = reader
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 50_000
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "someone")
    page.eval_on_selector("#id_password", "(field) => { field.value = 'x'.repeat(200000); }")
    with page.expect_navigation() as navigation:
        page.click(LOGIN_BUTTON)
    assert_error_page(page, navigation.value, 413, words)
    shoot(page, "413")


def test_the_login_lockout_is_the_styled_429_and_says_how_long_it_lasts(reader, live_server, settings, shoot):
    page, words = reader
    make_user("alice", "reviewer")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(page, live_server, "alice", "wrong-password")
    response = log_in(page, live_server, "alice", "alice-password")
    assert_error_page(page, response, 429, words)
    expect(page.locator(".error-page")).to_contain_text(words["lock"])
    shoot(page, "429")
