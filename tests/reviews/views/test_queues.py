"""The claim queues (`reviews.views.queues`): filters, counts, pagination, bulk actions and their report, and the
number of queries."""

import pytest
from django.urls import reverse

from claims.models import Claim, ClaimState, Speaker
from reviews.models import Comment
from tests.conftest import make_user
from tests.factories import make_article, make_claim
from tests.reviews.views.conftest import HTMX, claim_in, messages_of

pytestmark = pytest.mark.django_db


def test_my_queue_shows_only_my_open_claims(client, alice):
    bob = make_user("bob", "reviewer")
    mine = claim_in(ClaimState.IN_REVIEW, assignee=alice)
    approved = claim_in(ClaimState.APPROVED, assignee=alice, proposer=bob)
    others = claim_in(ClaimState.IN_REVIEW, assignee=bob)
    free = claim_in(ClaimState.UNVERIFIED)
    client.force_login(alice)
    response = client.get(reverse("reviews:my-queue"))
    assert response.status_code == 200
    shown = [claim.pk for claim, _allowed in response.context["rows"]]
    assert shown == [mine.pk]
    assert approved.pk not in shown and others.pk not in shown and free.pk not in shown


def test_all_claims_filter_by_state_search_and_assignee(client, alice):
    speaker = Speaker.objects.create(name="Petra Klein")
    article = make_article(text="Der Haushalt steigt um 80 Millionen Euro. Die Schulen werden saniert.")
    budget = make_claim(article, start=0, end=41, speaker=speaker)
    schools = make_claim(article, start=42, end=len(article.text), state=ClaimState.IN_REVIEW, assignee=alice)
    client.force_login(alice)
    url = reverse("reviews:claim-list")

    def shown(query):
        return [claim.pk for claim, _allowed in client.get(url, query).context["rows"]]

    assert shown({}) == [budget.pk, schools.pk]
    assert shown({"state": "in_review"}) == [schools.pk]
    assert shown({"q": "Haushalt"}) == [budget.pk]
    assert shown({"speaker": "Klein"}) == [budget.pk]
    assert shown({"assignee": "me"}) == [schools.pk]
    assert shown({"assignee": "none"}) == [budget.pk]
    assert shown({"ordering": "-created"}) == [schools.pk, budget.pk]


def test_the_list_counts_claims_per_state_and_status_for_the_current_filters(client, alice):
    claim_in(ClaimState.UNVERIFIED, language="de")
    claim_in(ClaimState.UNVERIFIED, language="de")
    claim_in(ClaimState.IN_REVIEW, assignee=alice, language="de")
    claim_in(ClaimState.IN_REVIEW, assignee=alice, language="en")
    client.force_login(alice)
    response = client.get(reverse("reviews:claim-list"), {"language": "de"})
    states = {state: count for state, _label, count, _href in response.context["states"]}
    assert states == {"unverified": 2, "in_review": 1, "verdict_proposed": 0, "approved": 0}
    statuses = {status: count for status, _label, count, _href in response.context["statuses"]}
    assert statuses["unverified"] == 2 and statuses["in_review"] == 1


def test_the_filtered_list_offers_its_own_link_to_copy(client, alice):
    client.force_login(alice)
    response = client.get(reverse("reviews:claim-list"), {"state": "in_review", "q": "Euro", "page": "1"})
    assert response.context["saved_link"] == "http://testserver/claims/?state=in_review&q=Euro"
    assert 'value="http://testserver/claims/?state=in_review&amp;q=Euro"' in response.content.decode()


def test_a_bad_filter_value_shows_no_claims_and_no_error_page(client, alice):
    claim_in(ClaimState.UNVERIFIED)
    client.force_login(alice)
    response = client.get(reverse("reviews:claim-list"), {"state": "nonsense", "created_after": "yesterday"})
    assert response.status_code == 200
    assert response.context["rows"] == []


def test_an_htmx_filter_request_gets_only_the_results(client, alice):
    claim_in(ClaimState.UNVERIFIED)
    client.force_login(alice)
    response = client.get(reverse("reviews:claim-list"), HTTP_HX_TARGET="results", **HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body and "data-row" in body


def test_the_list_paginates_and_keeps_its_filters(client, alice, settings):
    for _ in range(3):
        claim_in(ClaimState.UNVERIFIED, evidence=False)
    client.force_login(alice)
    from reviews.views import queues as views

    views.PER_PAGE, previous = 2, views.PER_PAGE
    try:
        response = client.get(reverse("reviews:claim-list"), {"state": "unverified"})
    finally:
        views.PER_PAGE = previous
    assert len(response.context["rows"]) == 2
    assert 'href="?state=unverified&amp;page=2"' in response.content.decode()


def test_a_search_of_too_many_words_shows_the_error_and_no_claims(client, alice, settings):
    claim_in(ClaimState.UNVERIFIED)
    client.force_login(alice)
    response = client.get(reverse("reviews:claim-list"), {"q": "Euro " * (settings.SEARCH_MAX_WORDS + 1)})
    assert response.status_code == 200 and response.context["rows"] == []
    assert f"at most {settings.SEARCH_MAX_WORDS} words" in response.content.decode()


def make_busy_claims(count: int, people) -> None:
    speaker = Speaker.objects.create(name=f"Speaker {count}")
    for number in range(count):
        claim = claim_in(
            [ClaimState.UNVERIFIED, ClaimState.IN_REVIEW, ClaimState.VERDICT_PROPOSED][number % 3],
            assignee=people["alice"] if number % 3 else None,
            proposer=people["bob"],
            speaker=speaker,
        )
        Comment.objects.create(claim=claim, author=people["alice"], text="x")


@pytest.mark.parametrize("count", [5, 50])
def test_the_queue_takes_the_same_number_of_queries_for_5_and_50_claims(
    client, people, count, django_assert_max_num_queries
):
    make_busy_claims(count, people)
    client.force_login(people["erin"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("reviews:claim-list"))
    assert len(response.context["rows"]) == count
    client.force_login(people["alice"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("reviews:my-queue"))
    assert len(response.context["rows"]) == count - len(range(0, count, 3))


def test_bulk_take_reports_what_was_done_and_what_was_skipped_and_why(client, alice):
    bob = make_user("bob", "reviewer")
    free = [claim_in(ClaimState.UNVERIFIED) for _ in range(2)]
    taken = claim_in(ClaimState.IN_REVIEW, assignee=bob)
    client.force_login(alice)
    response = client.post(
        reverse("reviews:bulk"),
        {"action": "take", "claims": [free[0].pk, free[1].pk, taken.pk], "next": "/claims/?state=unverified"},
    )
    assert response.status_code == 302 and response.url == "/claims/?state=unverified"
    report = messages_of(response)
    assert report[0] == f"Take: done for 2 claims (#{free[0].pk}, #{free[1].pk})."
    assert report[1].startswith(f"Skipped claim #{taken.pk}: ") and "not possible" in report[1]
    assert set(Claim.objects.filter(assignee=alice).values_list("pk", flat=True)) == {free[0].pk, free[1].pk}


def test_bulk_assign_is_for_editors(client, alice, erin):
    claims = [claim_in(ClaimState.UNVERIFIED) for _ in range(2)]
    client.force_login(alice)
    response = client.post(
        reverse("reviews:bulk"), {"action": "assign", "claims": [c.pk for c in claims], "assignee": alice.pk}
    )
    assert response.status_code == 403 and not Claim.objects.filter(assignee=alice).exists()
    client.force_login(erin)
    response = client.post(
        reverse("reviews:bulk"), {"action": "assign", "claims": [c.pk for c in claims], "assignee": alice.pk}
    )
    assert response.status_code == 302
    assert Claim.objects.filter(assignee=alice).count() == 2
    assert messages_of(response)[0].startswith("Assign: done for 2 claims")


@pytest.mark.parametrize("bad", ["99999999999999999999", "\u00b2"])
def test_a_bulk_id_no_row_could_have_is_a_message_and_nothing_changes(client, alice, bad):
    claim = claim_in(ClaimState.UNVERIFIED)
    client.force_login(alice)
    response = client.post(reverse("reviews:bulk"), {"action": "take", "claims": [claim.pk, bad]})
    assert response.status_code == 302
    assert messages_of(response) == [f"Select a valid choice. {bad} is not one of the available choices."]
    claim.refresh_from_db()
    assert claim.assignee is None


def test_bulk_without_a_selection_says_so(client, alice):
    client.force_login(alice)
    response = client.post(reverse("reviews:bulk"), {"action": "take"})
    assert response.status_code == 302 and messages_of(response) == ["Select one or more claims first."]


def test_bulk_send_back_without_a_reason_skips_every_claim_with_the_reason(client, erin, alice):
    claim = claim_in(ClaimState.VERDICT_PROPOSED, assignee=alice, proposer=alice)
    client.force_login(erin)
    response = client.post(reverse("reviews:bulk"), {"action": "send_back", "claims": [claim.pk, 987654]})
    report = messages_of(response)
    assert report[0] == "Send back: no claim was changed."
    assert report[1] == f"Skipped claim #{claim.pk}: Give a reason."
    assert report[2].startswith("Skipped claim #987654")
