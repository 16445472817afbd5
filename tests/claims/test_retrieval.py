"""Hybrid search (claims/retrieval/): words as the lexical side compares them, the in-process indexes following
the database, and the fused score."""

import math
import time

import numpy as np
import pytest
from django.db import connection
from django.utils import timezone

from claims.analysis.embeddings import DIMENSION, embed_passages, embed_queries, vector_bytes
from claims.models import ClaimState, Document, Verdict
from claims.retrieval import fusion, lexical, semantic
from claims.retrieval import text as words
from claims.retrieval.corpora import DOCUMENTS, REVIEWED_CLAIMS
from claims.retrieval.search import Hit, forget_searchers, searcher
from tests.factories import make_article, make_claim, make_document


def unit(index: int) -> np.ndarray:
    vector = np.zeros(DIMENSION, dtype=np.float32)
    vector[index] = 1
    return vector


def search_documents(text: str, embedding=None, **kwargs) -> list[Hit]:
    return searcher(DOCUMENTS).search(text=text, embedding=embedding, limit=kwargs.pop("limit", 5), **kwargs)


# Words


def test_german_words_are_stemmed_so_plural_and_singular_meet():
    assert words.terms("Sicherheitsgarantien", words.GERMAN) == words.terms("Sicherheitsgarantie", words.GERMAN)


def test_english_words_are_stemmed_and_stop_words_dropped():
    assert words.terms("The guarantees were offered", words.ENGLISH) == ["guarante", "offer"]


def test_hyphenated_words_split_into_their_parts():
    assert words.terms("Nato-Artikel 5", words.GERMAN) == ["nato", "artikel", "5"]


# Links and addresses of each kind: as PostgreSQL's parser gives them (url without the protocol, host, path; an
# address whole), the ends of sentences and brackets left off. Compared with `to_tsvector` on PostgreSQL.
LINKS = [
    (
        "Photos: pic.twitter.com/HFzyb0s5cP",
        "english",
        ["photo", "pic.twitter.com/hfzyb0s5cp", "pic.twitter.com", "/hfzyb0s5cp"],
    ),
    ("Read https://t.co/7ikCYku2h0 now", "english", ["read", "t.co/7ikcyku2h0", "t.co", "/7ikcyku2h0"]),
    ("Source: https://www.bund.de/a/b.html.", "english", ["sourc", "www.bund.de/a/b.html", "www.bund.de", "/a/b.html"]),
    ("Details (www.nato.int/cps) follow", "english", ["detail", "www.nato.int/cps", "www.nato.int", "/cps", "follow"]),
    ("Mehr auf www.zdf.de heute", "german", ["mehr", "www.zdf.de", "heut"]),
    ("See https://example.com first", "english", ["see", "example.com", "first"]),
    ("Write to Press.Office@Example.ORG today", "english", ["write", "press.office@example.org", "today"]),
]


@pytest.mark.parametrize("text, config, expected", LINKS, ids=[text for text, _, _ in LINKS])
@pytest.mark.django_db
def test_a_link_is_its_url_host_and_path_not_the_words_inside_it(text, config, expected):
    assert words.terms(text, config) == expected
    assert "twitter" not in words.terms(text, config)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT tsvector_to_array(to_tsvector(%s::regconfig, %s))", [config, text])
            from_postgresql = set(cursor.fetchone()[0])
        # PostgreSQL keeps a closing bracket or full stop on a link's path; the path itself is the same.
        assert {term.rstrip(".)") for term in from_postgresql} == set(expected)


@pytest.mark.parametrize("run", ["ab.", "ab-", "ab+", "ab.cd/", "www.ab."])
def test_a_long_run_of_the_characters_of_an_address_is_read_in_linear_time(run):
    """Hostile input: a text that may hold a link ("@" and "/" in it) with a long run of what addresses are made of.
    The link pattern is tried at each position of the run and must cost a bounded amount there: 50,000 repeats take
    a fraction of a second (they took minutes when a repeat in the pattern was unbounded)."""
    text = run * 50_000 + " @ /"
    started = time.monotonic()
    found = words.words(text)
    assert time.monotonic() - started < 10
    assert found and all(found)


@pytest.mark.django_db
def test_a_claim_with_a_link_to_twitter_does_not_match_a_document_about_twitter_on_either_database():
    """A tweet's picture link (pic.twitter.com) says nothing about Twitter: the document about Twitter's followers
    does not come up for it, in process as in PostgreSQL; a document citing the same link does."""
    about_twitter = make_document(language="en", title="Twitter followers", text="Did Twitter remove followers?")
    citing = make_document(language="en", title="Amish parade", text="The parade photo pic.twitter.com/HFzyb0s5cP")
    make_document(language="en", title="Harbour", text="The harbour closes in January.")
    claim = "The Amish rally for the election pic.twitter.com/HFzyb0s5cP"
    search = searcher(DOCUMENTS)
    search.refresh()
    in_process = lexical.MemoryLexicalIndex(DOCUMENTS)
    in_process.refresh(DOCUMENTS.version())
    found = dict(search.lexical.search(claim, limit=10))
    assert set(found) == set(dict(in_process.search(claim, limit=10))) == {citing.pk}
    assert about_twitter.pk not in found


def test_languages_map_to_their_configuration_and_anything_else_to_simple():
    assert [words.config_for(code) for code in ("de", "de-AT", "EN", "uk", "")] == [
        "german",
        "german",
        "english",
        "simple",
        "simple",
    ]


# The fused score


@pytest.mark.parametrize("mix", [fusion.DOCUMENTS, fusion.REVIEWED_CLAIMS])
def test_the_fused_score_stays_in_the_unit_interval_and_rises_with_either_side(mix):
    base = mix.score(similarity=0.85, lexical_score=None, best_lexical_score=10.0)
    assert 0 < base < mix.score(similarity=0.85, lexical_score=10.0, best_lexical_score=10.0) < 1
    assert base < mix.score(similarity=0.9, lexical_score=None, best_lexical_score=10.0)
    assert mix.score(similarity=None, lexical_score=None, best_lexical_score=10.0) < base
    assert 0 <= mix.score(similarity=-1.0, lexical_score=None, best_lexical_score=0) < 0.01
    assert 0.99 < mix.score(similarity=1.0, lexical_score=5.0, best_lexical_score=5.0) <= 1


# Lexical search


@pytest.mark.django_db
def test_a_german_plural_finds_the_document_with_the_singular():
    wanted = make_document(language="de", title="Garantien", text="Eine Sicherheitsgarantie für die Ukraine.")
    make_document(language="de", title="Haushalt", text="Der Stadtrat beschließt den Haushalt.")
    hits = search_documents("Sicherheitsgarantien gefordert")
    assert [hit.id for hit in hits] == [wanted.pk]
    assert hits[0].lexical_rank == 1 and hits[0].semantic_rank is None and hits[0].method == "lexical"


@pytest.mark.django_db
def test_a_german_claim_finds_an_english_document_by_the_names_they_share():
    wanted = make_document(language="en", title="Collective defence", text="NATO explains Article 5.")
    make_document(language="en", title="Funding", text="Members agreed on a spending target.")
    assert [hit.id for hit in search_documents("Die Nato beruft sich auf Artikel 5")] == [wanted.pk]


@pytest.mark.django_db
def test_a_term_counts_only_where_the_row_is_stemmed_the_same_way():
    """'Garantien' stems to 'garanti' in German; an English row with the word 'garanti' is not a match for it."""
    german = make_document(language="de", title="Garantien", text="Garantien für die Ukraine.")
    make_document(language="en", title="Garanti", text="Garanti is a bank.")
    assert [hit.id for hit in search_documents("Garantien")] == [german.pk]


# Semantic search and fusion


@pytest.mark.django_db
def test_semantic_search_finds_an_english_document_for_a_german_claim_without_shared_words():
    texts = [
        ("Mutual assistance clause", "Member states must aid a member state that is the victim of armed aggression."),
        ("Fishing quotas", "The council set new fishing quotas for the North Sea."),
    ]
    vectors = embed_passages([f"{title}. {text}" for title, text in texts])
    documents = [
        make_document(language="en", title=title, text=text, embedding=vector_bytes(vector), embedded_at=timezone.now())
        for (title, text), vector in zip(texts, vectors, strict=True)
    ]
    claim = "Gemeint ist die militärische Beistandsklausel, wonach andere Staaten für ein angegriffenes Land eintreten."
    hits = search_documents(claim, embed_queries([claim])[0])
    assert hits[0].id == documents[0].pk and hits[0].method == "semantic"
    assert hits[0].similarity > hits[1].similarity


@pytest.mark.django_db
def test_a_row_found_by_both_sides_is_hybrid_and_ranks_first():
    both = make_document(title="Witkoff on CNN", text="Witkoff spoke.", embedding=vector_bytes(unit(0)))
    make_document(title="Other", text="Nothing shared.", embedding=vector_bytes(unit(0) * 0.6 + unit(1) * 0.8))
    hits = search_documents("Witkoff", unit(0))
    assert hits[0].id == both.pk and hits[0].method == "hybrid" and hits[0].similarity == pytest.approx(1.0)


# The in-process indexes follow the database


@pytest.mark.django_db
def test_the_indexes_see_documents_added_edited_embedded_and_deleted_after_the_first_search():
    make_document(title="Haushalt", text="Der Stadtrat beschließt den Haushalt.", language="de")
    assert search_documents("Windpark") == []

    added = make_document(title="Windpark", text="Der Windpark im Hafen geht ans Netz.", language="de")
    assert [hit.id for hit in search_documents("Windpark")] == [added.pk]

    added.text = "Die Schulspeisung wird kostenlos."
    added.title = "Schulessen"
    added.save()
    assert search_documents("Windpark") == []
    assert [hit.id for hit in search_documents("Schulspeisung")] == [added.pk]

    added.embedding, added.embedded_at = vector_bytes(unit(3)), timezone.now()
    added.save()
    assert [hit.id for hit in search_documents("nichts", unit(3))][:1] == [added.pk]

    added.delete()
    assert search_documents("Schulspeisung", unit(3)) == []


@pytest.mark.django_db
def test_excluded_groups_and_rows_are_never_returned():
    kept = make_document(title="Windpark", text="Windpark.", embedding=vector_bytes(unit(0)))
    left_out = make_document(title="Windpark", text="Windpark.", embedding=vector_bytes(unit(0)))
    excluded = make_document(title="Windpark", text="Windpark.", embedding=vector_bytes(unit(0)))
    hits = search_documents("Windpark", unit(0), exclude_groups=[left_out.source_id], exclude_ids=[excluded.pk])
    assert [hit.id for hit in hits] == [kept.pk]


@pytest.mark.django_db
def test_the_reviewed_claims_corpus_holds_only_claims_with_a_verdict_or_approval():
    article = make_article(text="Der Windpark liefert Strom für 40.000 Haushalte.")
    claim = make_claim(article, start=0, end=len(article.text), language="de", embedding=vector_bytes(unit(0)))
    search = searcher(REVIEWED_CLAIMS)
    assert search.search(text="Windpark Haushalte", embedding=unit(0), limit=5) == []

    claim.verdict = Verdict.FALSE
    claim.state = ClaimState.APPROVED
    claim.save()
    hits = search.search(text="Windpark Haushalte", embedding=unit(0), limit=5)
    assert [hit.id for hit in hits] == [claim.pk] and hits[0].method == "hybrid"

    claim.state, claim.verdict = ClaimState.IN_REVIEW, ""
    claim.save()
    assert search.search(text="Windpark Haushalte", embedding=unit(0), limit=5) == []


@pytest.mark.django_db
def test_shared_words_quote_the_claim_rarest_first_without_stop_words():
    make_document(language="de", title="Nato", text="Die Nato und die Sicherheitsgarantien.")
    make_document(language="de", title="Nato", text="Die Nato tagt.")
    search = searcher(DOCUMENTS)
    search.refresh()
    shared = search.shared_words(
        "Die Nato fordert Sicherheitsgarantien", "Nato Die Nato und die Sicherheitsgarantien.", "de"
    )
    assert shared == [("Sicherheitsgarantien", ""), ("Nato", "")]


@pytest.mark.django_db
def test_a_large_corpus_is_searched_in_two_steps_with_the_same_result(monkeypatch):
    """Past semantic.EXACT_BELOW rows the claim is compared with projected rows first; the exact cosine of the
    shortlist decides. Lowered here so that a small corpus takes that path."""
    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((600, DIMENSION)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    source = make_document().source
    Document.objects.bulk_create(
        Document(source=source, title=f"Row {number}", text="Text.", embedding=vector_bytes(vector))
        for number, vector in enumerate(vectors)
    )
    query = vectors[17] + 0.5 * vectors[42]
    query /= np.linalg.norm(query)
    search = searcher(DOCUMENTS)
    search.refresh()
    exact = [(pk, round(similarity, 5)) for pk, similarity in search.vectors.search(query, limit=5)]
    monkeypatch.setattr(semantic, "EXACT_BELOW", 100)
    monkeypatch.setattr(semantic, "SHORTLIST", 50)
    forget_searchers()
    search = searcher(DOCUMENTS)
    search.refresh()
    two_steps = [(pk, round(similarity, 5)) for pk, similarity in search.vectors.search(query, limit=5)]
    assert search.vectors._reduced is not None
    # Random vectors have no leading directions to keep; the rows the claim is close to are still found, with
    # their exact cosines.
    assert two_steps[:2] == exact[:2]
    assert exact[0][1] > 0.8 and exact[1][1] > 0.4


@pytest.mark.django_db
def test_bm25_counts_a_terms_rarity_over_all_rows_on_either_database():
    """The lone German document among English ones: its words are rare in the corpus. PostgreSQL's scoring in SQL
    (on PostgreSQL) and bm25s in process give the same scores, with the inverse document frequency over all rows."""
    german = make_document(language="de", title="Sicherheitsgarantien", text="Ukraine Waffenstillstand Beistand")
    english = [
        make_document(language="en", title=title, text=text)
        for title, text in [
            ("Security guarantees", "Ukraine ceasefire assistance"),
            ("Fishing quotas", "North Sea council"),
            ("Bridge closure", "Harbour traffic detour"),
            ("School meals", "January council budget"),
        ]
    ]
    search = searcher(DOCUMENTS)
    search.refresh()
    in_process = lexical.MemoryLexicalIndex(DOCUMENTS)
    in_process.refresh(DOCUMENTS.version())
    for index in (search.lexical, in_process):
        assert index.statistics.idf("german", "sicherheitsgaranti") == pytest.approx(math.log(1 + 4.5 / 1.5))
    found = dict(search.lexical.search("Sicherheitsgarantien für die Ukraine", limit=10))
    expected = dict(in_process.search("Sicherheitsgarantien für die Ukraine", limit=10))
    assert set(found) == set(expected) == {german.pk, english[0].pk}
    assert found == pytest.approx(expected, rel=1e-4)
    assert found[german.pk] > found[english[0].pk]


@pytest.mark.django_db
def test_the_claims_own_words_find_candidates_before_its_translations(monkeypatch):
    """On PostgreSQL candidates come through the rarest terms within a budget of postings. A translated term that
    is rarer only because few rows are in its language must not take the budget from the claim's own words; in
    process every row is scored, so the same rows are found there too."""
    explained = make_document(language="en", title="Assistance clause", text="Mutual assistance clause explained")
    invoked = make_document(language="en", title="Clause invoked", text="The clause was invoked once")
    make_document(language="de", title="Klausel", text="Die Klausel im Vertrag")
    monkeypatch.setattr(lexical, "CANDIDATE_POSTINGS", 2)
    search = searcher(DOCUMENTS)
    search.refresh()
    found = dict(search.lexical.search("clause", limit=10, bridged={"german": ["klausel"]}))
    assert {explained.pk, invoked.pk} <= set(found)
