"""Storing an article can take a while (a page fetched, a large paste sent): the form is sent once, and its button
says it is working until the next page comes."""

import json

import pytest

from claims.models import Article
from tests.browser.conftest import log_in
from tests.claims.conftest import ARTICLE_HTML, allowed_web, web  # noqa: F401 (fixtures)
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Run in the page before the form is sent: once the app's own handler has seen the submit, say how the button looks
# and try to send the form a second time.
WATCH = """
const form = document.querySelector("form[data-busy]");
form.addEventListener("submit", () => setTimeout(() => {
  const button = form.querySelector("button[type=submit]");
  const busy = button.getAttribute("aria-busy");
  console.log(JSON.stringify({disabled: button.disabled, text: button.textContent, busy: busy}));
  form.requestSubmit();
}, 0), {once: true});
"""


def test_the_ingest_button_says_it_is_working_and_a_second_submit_sends_nothing(
    page,
    live_server,
    allowed_web,  # noqa: F811 (the fixture imported above)
    shoot,
):
    make_user("alice", "reviewer")
    log_in(page, live_server, "alice")

    # A page that takes two seconds to come, as a slow news site's would.
    url = allowed_web.add("/langsam", ARTICLE_HTML, delay=2)
    page.goto(f"{live_server.url}/articles/new/")
    page.fill("#id_url", url)
    page.evaluate(WATCH)
    with page.expect_console_message() as message, page.expect_navigation(url="**/articles/*/", timeout=30_000):
        page.click("form[data-busy] button[type=submit]", no_wait_after=True)
    assert json.loads(message.value.text) == {"disabled": True, "text": "Storing the article…", "busy": "true"}
    shoot(page, "ingest-after-busy")
    assert [path for path, _host in allowed_web.requests] == ["/langsam"]
    assert Article.objects.count() == 1
