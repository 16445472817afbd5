"""The one claim FilterSet the queues and the API share."""

import pytest
from django.test import RequestFactory

from claims.filters import ClaimFilter
from claims.models import Claim, ClaimState, Speaker, Verdict
from tests.factories import make_article, make_claim

pytestmark = pytest.mark.django_db

TEXT = "Die Regierung sagt, die Sicherheitsgarantien gelten ab Montag.\nDer Minister lobt das Wetter."


def filtered(query: str, user=None, *, internal: bool = True) -> list[int]:
    request = RequestFactory().get("/claims/?" + query)
    request.user = user
    return sorted(claim.pk for claim in ClaimFilter(request.GET, request=request, internal=internal).qs)


def errors(query: str, *, internal: bool) -> dict:
    request = RequestFactory().get("/claims/?" + query)
    return ClaimFilter(request.GET, request=request, internal=internal).errors


@pytest.fixture
def claims(alice):
    article = make_article(text=TEXT, language="de", url="https://example.org/a")
    first = make_claim(article, start=0, end=62, language="de", checkworthiness=0.9, cited_outlet="Reuters")
    second = make_claim(
        article, start=63, end=len(TEXT), language="de", checkworthiness=0.2, assignee=alice, state=ClaimState.IN_REVIEW
    )
    approved = make_claim(state=ClaimState.APPROVED, verdict=Verdict.FALSE, language="en")
    correcting = make_claim(state=ClaimState.IN_REVIEW, verdict_under_correction=Verdict.FALSE, language="en")
    return first, second, approved, correcting


def test_status_names_the_verdict_or_where_the_claim_stands(claims):
    first, second, approved, correcting = claims
    assert filtered("status=false") == [approved.pk]
    assert filtered("status=under_correction") == [correcting.pk]
    assert filtered("status=in_review") == [second.pk]
    assert filtered("status=unverified&status=false") == [first.pk, approved.pk]


def test_assignee_me_none_and_by_name(claims, alice):
    first, second, approved, correcting = claims
    assert filtered("assignee=me", alice) == [second.pk]
    assert filtered("assignee=alice") == [second.pk]
    assert second.pk not in filtered("assignee=none")
    # Outside the review a reviewer's name is refused; "me" and "none" name nobody else.
    assert "assignee" in errors("assignee=alice", internal=False)
    assert errors("assignee=none", internal=False) == {} and errors("assignee=me", internal=False) == {}


def test_range_outlet_url_and_search(claims):
    first, second, _approved, _correcting = claims
    assert filtered("checkworthiness_min=0.5&language=de") == [first.pk]
    assert filtered("outlet=reut") == [first.pk]
    assert filtered("article_url=https://example.org/a") == [first.pk, second.pk]
    assert filtered("q=Sicherheitsgarantien Montag") == [first.pk]


def test_dismissed_claims_only_when_asked(claims):
    first, *_ = claims
    first.dismissed_at = first.created_at
    first.save()
    assert first.pk not in filtered("")
    assert filtered("dismissed=true") == [first.pk]


@pytest.mark.parametrize("name", ["checkworthy", "linked", "dismissed"])
def test_a_yes_no_filter_refuses_what_is_neither_rather_than_dropping_it(claims, name):
    for word in ("true", "FALSE", "1", "0"):
        assert errors(f"{name}={word}", internal=True) == {}, word
    for word in ("", "unknown"):
        assert errors(f"{name}={word}", internal=True) == {}, word
    for garbage in ("maybe", "yes", "2x", "tru", "null"):
        assert name in errors(f"{name}={garbage}", internal=True), garbage


def test_yes_and_no_filter_as_they_say(claims):
    first, second, approved, correcting = claims
    Claim.objects.filter(pk=first.pk).update(is_checkworthy=True)
    Claim.objects.filter(pk=second.pk).update(is_checkworthy=False)
    assert filtered("checkworthy=1") == filtered("checkworthy=TRUE") == [first.pk]
    assert filtered("checkworthy=false") == filtered("checkworthy=0") == [second.pk]
    assert filtered("dismissed=false") == filtered("dismissed=0") == filtered("")


def test_speaker_by_id_or_by_part_of_a_name_and_ids_past_the_largest_match_nothing(claims):
    first = claims[0]
    first.speaker = Speaker.objects.create(name="Petra Klein²")
    first.save()
    assert filtered(f"speaker={first.speaker_id}") == [first.pk]
    assert filtered("speaker=klein") == [first.pk]
    assert filtered("speaker=%C2%B2") == [first.pk]  # "²" is a digit to str.isdigit, and part of this name
    assert filtered("speaker=9223372036854775807") == []
    assert filtered("speaker=99999999999999999999999") == []
