"""A reviewer pastes more than the upload limit into the ingest form: the form comes back with the paste's real
size and the URL kept, and nothing is stored."""

import pytest
from playwright.sync_api import expect

from claims.models import Article
from tests.browser.conftest import log_in
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SENTENCE = "Ein Satz über den Haushalt. "
REPEAT = 200_000


def test_an_oversized_paste_is_a_form_error_with_its_real_size(page, live_server, shoot):
    make_user("alice", "reviewer")
    log_in(page, live_server, "alice")

    page.goto(f"{live_server.url}/articles/new/")
    # As a paste would put it there: typing five megabytes would take minutes.
    page.eval_on_selector("#id_text", "(area, [text, n]) => { area.value = text.repeat(n); }", [SENTENCE, REPEAT])
    page.fill("#id_url", "https://example.org/haushalt")
    # Five megabytes to the live server and the form back: more than the default five seconds on a busy machine.
    with page.expect_navigation(timeout=60_000):
        page.click("button:has-text('Store and extract claims')")

    size = len(SENTENCE.encode()) * REPEAT
    expect(page.locator(".errorlist").first).to_be_visible()
    form = page.locator("form.stacked")
    expect(form).to_contain_text(f"The article is {size:,} bytes; the limit is 2,000,000 bytes.")
    expect(form).to_contain_text("Kept: URL.")
    expect(page.locator("#id_url")).to_have_value("https://example.org/haushalt")
    shoot(page, "oversized-paste")
    assert Article.objects.count() == 0
