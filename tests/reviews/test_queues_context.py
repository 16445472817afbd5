"""The claim page's context snippet (`selectors.context_of`): whole sentences around the claim, as the extraction
segmented them (the article's other claims), so that "sagte er" comes with the sentence that names him."""

import pytest
from django.urls import reverse

from reviews.selectors import CONTEXT_CHARS, context_of
from tests.factories import make_article, make_claim

pytestmark = pytest.mark.django_db

SENTENCES = [
    "Der US-Sondergesandte Steve Witkoff war am Sonntag bei CNN zu Gast.",
    "Russland habe erstmals robusten Sicherheitsgarantien für die Ukraine zugestimmt, sagte er.",
    "Das Treffen in Alaska dauerte fast drei Stunden.",
    "Danach flog die Delegation zurück nach Washington.",
]


def article_with_claims(*, prefix: str = ""):
    article = make_article(text=prefix + " ".join(SENTENCES))
    claims, cursor = [], len(prefix)
    for sentence in SENTENCES:
        claims.append(make_claim(article, start=cursor, end=cursor + len(sentence)))
        cursor += len(sentence) + 1
    return article, claims


def test_the_snippet_is_the_previous_the_claim_and_the_next_sentence_whole():
    _article, claims = article_with_claims()
    context = context_of(claims[1])
    assert context["before"] == SENTENCES[0] + " "
    assert context["sentence"] == SENTENCES[1]
    assert context["after"] == " " + SENTENCES[2]
    assert not context["cut_before"] and context["cut_after"]


def test_a_long_previous_sentence_is_shown_whole_not_cut_by_characters():
    long_opening = "Lang " * (CONTEXT_CHARS // 4) + "sprach der Minister Boris Pistorius."
    article = make_article(text=f"{long_opening} Das sei falsch, sagte er.")
    make_claim(article, start=0, end=len(long_opening))
    claim = make_claim(article, start=len(long_opening) + 1, end=len(article.text))
    context = context_of(claim)
    assert context["before"] == long_opening + " " and not context["cut_before"]
    assert context["after"] == "" and not context["cut_after"]


def test_the_first_and_last_sentence_have_nothing_before_or_after():
    _article, claims = article_with_claims()
    assert context_of(claims[0])["before"] == "" and not context_of(claims[0])["cut_before"]
    assert context_of(claims[-1])["after"] == "" and not context_of(claims[-1])["cut_after"]


def test_without_segmented_neighbours_the_paragraph_is_shown_up_to_its_edge():
    article = make_article(text="Überschrift\n\nErster Satz hier. Zweiter Satz, sagte sie. Dritter Satz.")
    start = article.text.index("Zweiter")
    end = article.text.index("Dritter") - 1
    claim = make_claim(article, start=start, end=end)
    context = context_of(claim)
    assert context["before"] == "Erster Satz hier. " and context["after"] == " Dritter Satz."
    assert context["cut_before"] and not context["cut_after"]


def test_the_claim_page_shows_the_sentence_that_names_the_speaker(client, alice):
    _article, claims = article_with_claims(prefix="Witkoff bei CNN\n\n")
    client.force_login(alice)
    page = client.get(reverse("reviews:claim-detail", args=[claims[1].pk])).content.decode()
    quote = page.split('<blockquote class="article-text">', 1)[1].split("</blockquote>", 1)[0]
    assert SENTENCES[0] in quote and SENTENCES[2] in quote and SENTENCES[3] not in quote
