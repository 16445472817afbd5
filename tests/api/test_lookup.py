"""/api/v1/claims/lookup: "has this been checked?", answered by the earlier-claims proposer's search."""

import pytest

from claims.analysis.embeddings import embed_queries, vector_bytes
from tests.api.conftest import approve
from tests.factories import make_article, make_claim

pytestmark = pytest.mark.django_db

SENTENCE = "Die Zahl der Radunfälle in Berlin ist 2024 um zwölf Prozent gestiegen."


def sentence_claim():
    """A claim as extraction leaves it: with its language and query embedding."""
    article = make_article(text=f"Bilanz\n\n{SENTENCE}")
    start = article.text.index(SENTENCE)
    embedding = vector_bytes(embed_queries([SENTENCE])[0])
    return make_claim(article, start=start, end=start + len(SENTENCE), language="de", embedding=embedding)


def test_a_reviewed_claim_is_found_with_its_score_and_verdict(read_key, alice, erin):
    checked = approve(sentence_claim(), reviewer=alice, editor=erin)
    make_claim(make_article())  # unreviewed: never found
    response = read_key.get("/api/v1/claims/lookup", {"text": "Radunfälle in Berlin 2024 um zwölf Prozent gestiegen"})
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [r["claim"]["id"] for r in results] == [checked.pk]
    assert results[0]["claim"]["verdict"] == "misleading" and 0.3 <= results[0]["score"] <= 1


def test_a_proposed_verdict_is_found_but_not_shown(read_key, alice):
    from reviews import services

    claim = sentence_claim()
    services.transition(claim_id=claim.pk, action="take", actor=alice)
    services.transition(claim_id=claim.pk, action="propose", actor=alice, verdict="unverifiable", note="n")
    result = read_key.get("/api/v1/claims/lookup/", {"text": SENTENCE}).json()["results"][0]
    assert result["claim"]["status"] == "awaiting_approval" and result["claim"]["verdict"] is None
    assert result["near_duplicate"] is True


def test_nothing_checked_is_an_empty_list(read_key):
    assert read_key.get("/api/v1/claims/lookup", {"text": "Something nobody checked"}).json()["results"] == []


@pytest.mark.parametrize("query", [{}, {"text": ""}, {"text": "x", "limit": "0"}, {"text": "x" * 5001}])
def test_a_lookup_without_usable_text_is_a_400(read_key, query):
    response = read_key.get("/api/v1/claims/lookup", query)
    assert response.status_code == 400 and response.json()["error"]["fields"]


def test_a_lookup_text_over_the_limit_is_a_400_naming_the_field(read_key, settings):
    response = read_key.get("/api/v1/claims/lookup", {"text": "a" * (settings.LOOKUP_MAX_CHARACTERS + 1)})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["text"]


def test_the_longest_lookup_fits_in_an_address_the_app_answers(read_key, settings, alice, erin):
    """Even as umlauts, six bytes each once percent-encoded, and with the largest limit."""
    approve(sentence_claim(), reviewer=alice, editor=erin)
    text = "ä" * settings.LOOKUP_MAX_CHARACTERS
    response = read_key.get("/api/v1/claims/lookup/", {"text": text, "limit": 50})
    assert response.status_code == 200, response.content
    assert response.json()["text"] == text
