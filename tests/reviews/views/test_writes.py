"""The one answer of the web app to each kind of refusal (`reviews.views.writes`), and that every view of the
review that writes through a service gives it."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory
from django.urls import URLPattern, get_resolver

from reviews.refusals import Conflict, GuardFailed, Invalid, NotPermitted, WrongState
from reviews.views import articles
from reviews.views.writes import ReviewWrite

pytestmark = pytest.mark.django_db


class Refusing(ReviewWrite):
    refusal = None

    def back(self):
        return "/back/"

    def post(self, request):
        raise self.refusal


def post(user, refusal, *, htmx=False):
    request = RequestFactory().post("/", HTTP_HX_REQUEST="true" if htmx else None)
    request.user, request.session = user, SessionStore()
    request._messages = FallbackStorage(request)
    request.htmx = htmx
    return request, Refusing.as_view(refusal=refusal)(request)


@pytest.mark.parametrize("refusal", [Conflict("Somebody was first."), WrongState("Somebody was first.")])
def test_a_conflict_or_wrong_state_sends_back_with_the_message_or_is_a_409_for_htmx(alice, refusal):
    request, response = post(alice, refusal)
    assert (response.status_code, response.url) == (302, "/back/")
    assert [str(m) for m in get_messages(request)] == ["Somebody was first."]
    _request, response = post(alice, refusal, htmx=True)
    assert (response.status_code, response.content.decode()) == (409, "Somebody was first.")


def test_not_permitted_is_the_403_page_with_the_reasons_or_text_for_htmx(alice):
    _request, response = post(alice, NotPermitted({"action": ["Not yours."]}))
    assert response.status_code == 403 and "Not yours." in response.content.decode()
    _request, response = post(alice, NotPermitted("Not yours."), htmx=True)
    assert (response.status_code, response.content.decode()) == (403, "Not yours.")


@pytest.mark.parametrize("refusal", [GuardFailed({"note": ["Give a reason."]}), Invalid({"url": ["Give a reason."]})])
def test_a_failed_guard_or_invalid_input_is_a_message_on_the_page_before(alice, refusal):
    request, response = post(alice, refusal)
    assert (response.status_code, response.url) == (302, "/back/")
    assert [str(m) for m in get_messages(request)] == ["Give a reason."]


def test_every_view_of_the_review_that_posts_to_a_service_answers_refusals_as_one():
    patterns = [p for p in get_resolver().url_patterns if getattr(p, "app_name", None) == "reviews"][0].url_patterns
    writes = {p.name for p in patterns if isinstance(p, URLPattern) and hasattr(p.callback, "view_class")}
    assert writes == {
        "bulk",
        "claim-transition",
        "claim-assign",
        "correct-attribution",
        "add-evidence",
        "add-comment",
        "propose-again",
        "dismiss",
        "restore",
        "unlink-duplicate",
        "decide-proposal",
        "add-claim",
        "merge",
    }
    for pattern in patterns:
        if pattern.name in writes:
            assert issubclass(pattern.callback.view_class, ReviewWrite), pattern.name
    # The one other POST retries the extraction, a write of claims' that refuses nothing.
    assert articles.article_retry_extraction.__name__ == "article_retry_extraction"
