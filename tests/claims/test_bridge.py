"""The German-English word bridge (FreeDict through claims.retrieval.bridge) and the stop words of both languages, in
the lexical search and in the words a reason quotes."""

import os

import pytest
from django.utils import timezone

from claims.analysis.embeddings import embed_passages, vector_bytes
from claims.proposing.registry_documents import RegistryDocumentsProposer
from claims.retrieval import bridge as bridge_module
from claims.retrieval import text as words
from claims.retrieval.bridge import Bridge, bridge, bridged_terms, read_dictionary
from claims.retrieval.corpora import DOCUMENTS
from claims.retrieval.search import searcher
from tests.factories import make_article, make_claim, make_document

INSTALLED = bool(Bridge())
# `make install` and CI install the dictionaries; on a machine without them only these tests are skipped.
needs_dictionary = pytest.mark.skipif(
    not INSTALLED and not os.environ.get("CI"), reason="dict-freedict-deu-eng is not installed (make install)"
)


@pytest.fixture
def without_dictionaries(tmp_path, monkeypatch):
    """This process's bridge as on a machine where the dictionaries are not installed."""
    monkeypatch.setattr(bridge_module, "_bridge", Bridge(directory=tmp_path / "none", cache=tmp_path / "cache"))


def german_claim(text: str):
    article = make_article(text=text)
    return make_claim(article, start=0, end=len(text), language="de")


@needs_dictionary
def test_ci_and_make_install_provide_both_dictionaries():
    assert set(bridge().dictionaries) == {("de", "en"), ("en", "de")}


@needs_dictionary
def test_german_words_bring_their_english_terms_and_the_reverse():
    german = bridged_terms("Die Beistandsklausel und die Mitgliedschaft", "de")
    assert german["english"]["claus"] == "Beistandsklausel"
    assert german["english"]["membership"] == "Mitgliedschaft"
    # Stop words are not translated: "und", "die" bring nothing.
    assert set(german["english"].values()) == {"Beistandsklausel", "Mitgliedschaft"}
    english = bridged_terms("The summit ended without an agreement", "en")
    assert english["german"]["gipfel"] == "summit"
    assert bridged_terms("Die Beistandsklausel", "") == {}


@needs_dictionary
@pytest.mark.django_db
def test_a_german_claim_finds_an_english_document_by_its_translated_words():
    """No word in common and no embedding on either side: only the bridge can find the document."""
    treaty = make_document(
        language="en", title="Mutual assistance clause", text="Membership obliges every state to give assistance."
    )
    make_document(language="en", title="Fishing quotas", text="The council set new fishing quotas.")
    claim = german_claim("Die Beistandsklausel verpflichtet alle Mitglieder zur Hilfe.")
    candidates = RegistryDocumentsProposer(min_score=0).propose(claim)
    assert [candidate.document_id for candidate in candidates] == [treaty.pk]
    assert "'Beistandsklausel' (" in candidates[0].reason


@pytest.mark.django_db
def test_without_the_dictionaries_the_search_works_on_shared_words_alone(without_dictionaries):
    make_document(language="en", title="Mutual assistance clause", text="Membership obliges every state to assist.")
    claim = german_claim("Die Beistandsklausel verpflichtet alle Mitglieder zur Hilfe.")
    assert bridged_terms(claim.text, "de") == {}
    assert RegistryDocumentsProposer(min_score=0).propose(claim) == []


def test_a_dictionary_in_dictd_format_is_read_by_its_index(tmp_path):
    entries = [
        "Garantie /ɡarantˈiː/ <fem, n, sg>\n [jur.] guarantee <n>, guaranty <n> [Am.]\n see: {Garantien}\n",
        "eine Garantie geben\ngive a guarantee\n",
    ]
    data = "".join(entries).encode()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

    def number(value: int) -> str:
        digits = ""
        while True:
            digits = alphabet[value % 64] + digits
            value //= 64
            if not value:
                return digits

    offsets = [0, len(entries[0].encode())]
    index = "".join(
        f"{headword}\t{number(offset)}\t{number(len(entry.encode()))}\n"
        for headword, offset, entry in zip(["Garantie", "eine Garantie geben"], offsets, entries, strict=True)
    )
    (tmp_path / "freedict-deu-eng.index").write_text(index, "utf-8")
    (tmp_path / "freedict-deu-eng.dict").write_bytes(data)
    # Phrases are no headwords a word is looked up by; the domain and the part of speech are dropped.
    assert read_dictionary(tmp_path / "freedict-deu-eng.index", tmp_path / "freedict-deu-eng.dict") == {
        "garantie": ["guarantee", "guaranty"]
    }
    small = Bridge(directory=tmp_path, cache=tmp_path / "cache")
    assert small.target("de") == "en" and small.target("en") is None
    assert small.translate("Garantien", "de") == ["guarantee", "guaranty"]
    assert small.translate("Sicherheitsgarantie", "de") == ["guarantee", "guaranty"]


def test_inflected_auxiliaries_and_reported_speech_are_stop_words():
    for word in ("könnten", "konnten", "sagte", "sei", "hätten", "wurden"):
        assert words.stem(word, words.GERMAN) is None and words.is_stop_word(word), word
    for word in ("Einigung", "Garantie", "Waffenstillstand"):
        assert words.stem(word, words.GERMAN) and not words.is_stop_word(word), word


@pytest.mark.django_db
def test_stop_words_neither_find_a_document_nor_appear_in_its_reason():
    texts = [("Was Sicherheitsgarantien bedeuten könnten", "Die Staaten konnten sich einigen, sagte er.")]
    vector = embed_passages([f"{title}. {text}" for title, text in texts])[0]
    document = make_document(
        language="de", title=texts[0][0], text=texts[0][1], embedding=vector_bytes(vector), embedded_at=timezone.now()
    )
    claim = german_claim("Wir konnten das nicht erreichen, sagte sie, und sie könnten es noch.")
    search = searcher(DOCUMENTS)
    assert search.lexical.search(claim.text, limit=5) == []
    shared = search.shared_words(claim.text, f"{document.title} {document.text}", "de", claim_language="de")
    assert not {word.lower() for word, _translation in shared} & {"konnten", "könnten", "sagte"}
