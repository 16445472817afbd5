"""The registry service: the import (one rule per field, each row on its own), and the documents' embeddings."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from claims.analysis.embeddings import vector_from_bytes
from claims.models import Document, Source
from claims.services import registry
from tests.conftest import SAMPLE_REGISTRY
from tests.factories import make_document, make_source

pytestmark = pytest.mark.django_db


def test_the_sample_registry_imports_as_is_and_again_without_duplicates():
    data = json.loads(SAMPLE_REGISTRY.read_text("utf-8"))
    first = registry.import_registry(data=data)
    second = registry.import_registry(data=data)
    assert (first.sources_created, first.documents_created, first.rejected) == (13, 12, [])
    assert (second.sources_unchanged, second.documents_unchanged) == (13, 12)
    assert second.sources_created == second.sources_updated == second.documents_created == 0
    assert second.documents_updated == 0 and second.rejected == []
    assert Source.objects.count() == len(data["sources"]) == first.sources == second.sources
    assert Document.objects.count() == len(data["documents"]) == first.documents == second.documents
    bloomberg = Source.objects.get(key="bloomberg")
    assert "Bloomberg" in bloomberg.aliases and bloomberg.reliability


def test_a_bad_row_is_rejected_with_its_reason_and_the_valid_rows_are_stored():
    data = {
        "sources": [{"key": "ok", "name": "OK"}, {"key": "no-name", "name": ""}],
        "documents": [
            {"source": "missing", "key": "lost", "title": "T", "text": "x"},
            {"source": "ok", "key": "kept", "title": "T", "text": "x"},
        ],
    }
    result = registry.import_registry(data=data)
    assert result.rejected == [
        registry.RejectedRow("source", 2, "no-name", "`name` is missing or empty."),
        registry.RejectedRow("document", 1, "lost", "The source 'missing' is not in the registry or in this import."),
    ]
    assert (result.sources_created, result.documents_created) == (1, 1)
    assert list(Source.objects.values_list("key", flat=True)) == ["ok"]
    assert list(Document.objects.values_list("key", "source__key")) == [("kept", "ok")]


def test_imported_documents_are_embedded_once_in_the_background(django_capture_on_commit_callbacks):
    data = json.loads(SAMPLE_REGISTRY.read_text("utf-8"))
    with django_capture_on_commit_callbacks(execute=True):
        registry.import_registry(data=data)
    assert not Document.objects.filter(embedding__isnull=True).exists()
    vector = vector_from_bytes(Document.objects.get(key="nato-art5").embedding)
    assert vector.shape == (384,) and abs(float(vector @ vector) - 1) < 1e-3
    assert registry.embed_documents() == 0


# The registry import: one rule per field, each row on its own.

GOOD_SOURCE = {"key": "bundestag", "name": "Deutscher Bundestag", "kind": "institution", "domain": "bundestag.de"}
GOOD_DOCUMENT = {
    "key": "gg-115a",
    "source": "bundestag",
    "url": "https://www.bundestag.de/gg",
    "title": "Artikel 115a",
    "text": "Die Feststellung des Verteidigungsfalles trifft der Bundestag.",
    "language": "de",
    "published_on": "1968-06-24",
}
FAKE_VECTOR = b"\x00" * 1536


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"key": None}, "`key` is missing or empty."),
        ({"key": "Bundes Tag"}, "`key` 'Bundes Tag' must be a slug"),
        ({"key": "x" * 101}, "`key` is longer than 100 characters."),
        ({"name": "  "}, "`name` is missing or empty."),
        ({"name": 42}, "`name` must be text, not 42."),
        ({"kind": "newspaper"}, '`kind` "newspaper" is not one of: outlet, news-agency, broadcaster,'),
        ({"reliability": "very high"}, '`reliability` "very high" is not one of: high, medium, low, unknown.'),
        ({"domain": "https://bundestag.de"}, "`domain` 'https://bundestag.de' must be a host name"),
        ({"domain": "bundestag.de/presse"}, "must be a host name such as example.org, without scheme or path."),
        ({"domain": "-bad-.de"}, "`domain` '-bad-.de' must be a host name"),
        ({"language": "deu"}, "`language` 'deu' must be a two-letter code (en, de) or empty."),
        ({"aliases": "Bundestag"}, "`aliases` must be a list of names (non-empty texts)."),
        ({"aliases": ["Bundestag", 7]}, "`aliases` must be a list of names (non-empty texts)."),
        ({"aliases": ["Bundestag|BT"]}, "An alias may not contain '|'."),
        ({"active": "yes"}, '`active` must be true or false, not "yes".'),
    ],
)
def test_a_source_row_breaking_a_rule_is_rejected_with_the_rule(fields, reason):
    row = {**GOOD_SOURCE, **fields}
    result = registry.import_registry(data={"sources": [row]})
    [rejected] = result.rejected
    assert (rejected.kind, rejected.row) == ("source", 1)
    assert reason in rejected.reason
    assert not Source.objects.exists()


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"source": ""}, "`source` is missing or empty."),
        ({"source": "bundesrat"}, "The source 'bundesrat' is not in the registry or in this import."),
        ({"url": "ftp://bundestag.de/gg"}, "`url` 'ftp://bundestag.de/gg' is not an http(s) URL."),
        ({"url": "www.bundestag.de/gg"}, "is not an http(s) URL."),
        ({"title": ""}, "`title` is missing or empty."),
        ({"title": "x" * 501}, "`title` is longer than 500 characters."),
        ({"text": " \n"}, "`text` is missing or empty."),
        ({"language": "german"}, "`language` 'german' must be a two-letter code"),
        ({"published_on": "24.06.1968"}, '`published_on` "24.06.1968" is not a date (YYYY-MM-DD).'),
        ({"published_on": "1968-02-30"}, '`published_on` "1968-02-30" is not a date'),
        ({"published_on": 1968}, "`published_on` 1968 is not a date"),
        ({"key": None, "url": ""}, "A document needs a key or a URL"),
        ({"key": "gg 115a"}, "`key` 'gg 115a' must be a slug"),
    ],
)
def test_a_document_row_breaking_a_rule_is_rejected_with_the_rule(fields, reason):
    result = registry.import_registry(data={"sources": [GOOD_SOURCE], "documents": [{**GOOD_DOCUMENT, **fields}]})
    [rejected] = result.rejected
    assert (rejected.kind, rejected.row) == ("document", 1)
    assert reason in rejected.reason
    assert Source.objects.get().key == "bundestag"
    assert not Document.objects.exists()


def test_a_document_whose_source_was_rejected_is_rejected_with_that_reason():
    make_source(key="bundestag", name="Bundestag before")
    data = {"sources": [{**GOOD_SOURCE, "kind": "parliament"}], "documents": [GOOD_DOCUMENT]}
    result = registry.import_registry(data=data)
    source_reason = result.rejected[0].reason
    assert result.rejected[1] == registry.RejectedRow(
        "document", 1, "gg-115a", f"Its source 'bundestag' was rejected: {source_reason}"
    )
    # The stored source is left as it was, and nothing of the rejected rows is stored.
    assert Source.objects.get().name == "Bundestag before"
    assert not Document.objects.exists()


def test_valid_values_are_stored_in_their_normal_form():
    row = {**GOOD_SOURCE, "domain": "Bundestag.DE.", "language": "DE", "aliases": [" BT "], "kind": "government"}
    registry.import_registry(data={"sources": [row], "documents": [{**GOOD_DOCUMENT, "published_on": None}]})
    source = Source.objects.get()
    assert (source.domain, source.language, source.aliases, source.kind) == ("bundestag.de", "de", ["BT"], "government")
    assert Document.objects.get().published_on is None


def test_the_sample_kinds_and_languages_are_all_accepted():
    data = json.loads(SAMPLE_REGISTRY.read_text("utf-8"))
    assert registry.import_registry(data=data).rejected == []
    assert set(Source.objects.values_list("kind", flat=True)) >= {
        "news-agency",
        "broadcaster",
        "government",
        "legal-database",
        "institution",
    }
    assert set(Source.objects.values_list("language", flat=True)) == {"en", "de", "uk", "ru"}


def test_a_key_twice_in_one_import_keeps_the_first_row_and_rejects_the_second():
    second_source = {**GOOD_SOURCE, "name": "Second"}
    second_document = {**GOOD_DOCUMENT, "title": "Second", "url": "https://www.bundestag.de/other"}
    data = {"sources": [GOOD_SOURCE, second_source], "documents": [GOOD_DOCUMENT, second_document]}
    result = registry.import_registry(data=data)
    assert [(r.kind, r.row, r.key) for r in result.rejected] == [("source", 2, "bundestag"), ("document", 2, "gg-115a")]
    assert result.rejected[0].reason == "The key appears again; source 1 has it."
    assert "Document 1 of this import is the same document" in result.rejected[1].reason
    assert Source.objects.get().name == "Deutscher Bundestag"
    assert Document.objects.get().title == "Artikel 115a"


def test_a_document_without_a_key_is_found_again_by_its_source_and_url():
    row = {**GOOD_DOCUMENT, "key": None}
    registry.import_registry(data={"sources": [GOOD_SOURCE], "documents": [row]})
    result = registry.import_registry(data={"documents": [{**row, "language": "en"}]})
    assert (result.documents_created, result.documents_updated) == (0, 1)
    document = Document.objects.get()
    assert (document.key, document.language) == (None, "en")
    # A key given later is adopted by the document at that URL.
    result = registry.import_registry(data={"documents": [{**row, "key": "gg-115a", "language": "en"}]})
    assert result.documents_updated == 1
    assert Document.objects.get().key == "gg-115a"


def test_a_url_another_document_of_the_source_has_is_rejected():
    source = make_source(key="bundestag")
    make_document(source, key="first", url=GOOD_DOCUMENT["url"])
    result = registry.import_registry(data={"documents": [{**GOOD_DOCUMENT, "key": "second"}]})
    assert result.rejected[0].reason == "Source 'bundestag' already has a document at this URL (key 'first')."
    assert list(Document.objects.values_list("key", flat=True)) == ["first"]


def test_fields_a_row_leaves_out_keep_their_stored_values():
    make_source(key="bundestag", name="Old", reliability="high", active=False, notes="Keep me", aliases=["BT"])
    result = registry.import_registry(data={"sources": [{"key": "bundestag", "name": "Deutscher Bundestag"}]})
    assert result.sources_updated == 1
    source = Source.objects.get()
    assert (source.name, source.reliability, source.active, source.notes) == (
        "Deutscher Bundestag",
        "high",
        False,
        "Keep me",
    )
    assert source.aliases == ["BT"]


def test_a_changed_title_or_text_clears_the_embedding_and_other_changes_keep_it():
    documents = [
        GOOD_DOCUMENT,
        {**GOOD_DOCUMENT, "key": "gg-115b", "url": "https://www.bundestag.de/b", "title": "Artikel 115b"},
        {**GOOD_DOCUMENT, "key": "gg-115c", "url": "https://www.bundestag.de/c", "title": "Artikel 115c"},
    ]
    registry.import_registry(data={"sources": [GOOD_SOURCE], "documents": documents})
    embedded_at = timezone.now() - timedelta(days=1)
    Document.objects.update(embedding=FAKE_VECTOR, embedded_at=embedded_at)
    changed = [
        {**documents[0], "title": "Artikel 115a GG"},
        {**documents[1], "text": "Ein neuer Text."},
        {**documents[2], "language": "en", "published_on": "1968-06-25"},
    ]
    result = registry.import_registry(data={"documents": changed})
    assert (result.documents_updated, result.documents_unchanged) == (3, 0)
    a, b, c = Document.objects.order_by("key")
    assert (a.title, a.embedding, a.embedded_at) == ("Artikel 115a GG", None, None)
    assert (b.text, b.embedding, b.embedded_at) == ("Ein neuer Text.", None, None)
    assert (c.language, bytes(c.embedding), c.embedded_at) == ("en", FAKE_VECTOR, embedded_at)


def test_importing_the_same_rows_again_changes_nothing_and_keeps_the_embeddings():
    data = {"sources": [GOOD_SOURCE], "documents": [GOOD_DOCUMENT]}
    registry.import_registry(data=data)
    Document.objects.update(embedding=FAKE_VECTOR, embedded_at=timezone.now())
    before = Document.objects.values().get(), Source.objects.values().get()
    result = registry.import_registry(data=data)
    assert (result.sources_unchanged, result.documents_unchanged, result.rejected) == (1, 1, [])
    assert (Document.objects.values().get(), Source.objects.values().get()) == before


def test_the_embedding_task_is_queued_once_after_the_import_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        registry.import_registry(data={"sources": [GOOD_SOURCE], "documents": [GOOD_DOCUMENT]})
    assert len(callbacks) == 1
    assert Document.objects.get().embedding is not None


def test_an_edited_text_is_embedded_again_after_the_import(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        registry.import_registry(data={"sources": [GOOD_SOURCE], "documents": [GOOD_DOCUMENT]})
    first = Document.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        registry.import_registry(data={"documents": [{**GOOD_DOCUMENT, "text": "Ganz anderer Text über Fußball."}]})
    again = Document.objects.get()
    assert again.embedding is not None and bytes(again.embedding) != bytes(first.embedding)
    assert again.embedded_at > first.embedded_at


def test_reembedding_clears_the_selected_documents_and_queues_them(django_capture_on_commit_callbacks):
    kept, again = make_document(), make_document()
    Document.objects.update(embedding=FAKE_VECTOR, embedded_at=timezone.now() - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert registry.reembed_documents(document_ids=[again.pk, 999_999]) == 1
    assert len(callbacks) == 1
    again.refresh_from_db()
    assert (again.embedding, again.embedded_at) == (None, None)
    assert bytes(Document.objects.get(pk=kept.pk).embedding) == FAKE_VECTOR
    callbacks[0]()
    again.refresh_from_db()
    assert vector_from_bytes(again.embedding).shape == (384,)


def test_saving_a_document_with_a_new_title_clears_its_embedding_and_queues_it(django_capture_on_commit_callbacks):
    document = make_document()
    Document.objects.update(embedding=FAKE_VECTOR, embedded_at=timezone.now())
    document = Document.objects.defer("embedding").get()
    document.language = "de"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert registry.save_document(document=document) is False
    assert callbacks == [] and bytes(Document.objects.get().embedding) == FAKE_VECTOR
    document.title = "A new title"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert registry.save_document(document=document) is True
    assert len(callbacks) == 1
    stored = Document.objects.get()
    assert (stored.title, stored.language, stored.embedding, stored.embedded_at) == ("A new title", "de", None, None)
