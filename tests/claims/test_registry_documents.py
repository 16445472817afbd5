"""The registry-documents proposer: hybrid search over the documents of active sources, German to English
included, with a reason a reviewer can read."""

import json

import numpy as np
import pytest
from django.utils import timezone

from claims.analysis.embeddings import embed_queries, vector_bytes
from claims.models import Claim, Document, ProposalMethod
from claims.proposing.base import Candidate
from claims.proposing.registry_documents import RegistryDocumentsProposer
from claims.services import registry as registry_services
from claims.services.ingest import ingest
from tests.conftest import SAMPLE_ARTICLE, SAMPLE_REGISTRY
from tests.factories import make_article, make_claim, make_document, make_source

pytestmark = pytest.mark.django_db


def claim_about(text: str, language: str = "de") -> Claim:
    article = make_article(text=text)
    return make_claim(
        article, start=0, end=len(text), language=language, embedding=vector_bytes(embed_queries([text])[0])
    )


def embedded_document(**fields) -> Document:
    document = make_document(**fields)
    registry_services.embed_documents(document_ids=[document.pk])
    return document


@pytest.fixture
def sample(django_capture_on_commit_callbacks):
    """The shared German reference article and the sample registry, imported and embedded as the desk would."""
    registry = json.loads(SAMPLE_REGISTRY.read_text("utf-8"))
    with django_capture_on_commit_callbacks(execute=True):
        registry_services.import_registry(data=registry)
        article = ingest(content=SAMPLE_ARTICLE.read_bytes()).article
    registry_services.embed_documents()
    return registry, list(article.claims.order_by("start"))


def recall_of_gold_documents(registry, claims, depth: int) -> tuple[float, list]:
    keys = dict(Document.objects.values_list("pk", "key"))
    found, total, misses = 0, 0, []
    for gold in registry["gold"]:
        candidates = RegistryDocumentsProposer(limit=depth).propose(claims[gold["sentence"]])
        top = [keys[candidate.document_id] for candidate in candidates]
        for key in gold["documents"]:
            total += 1
            found += key in top
            if key not in top:
                misses.append((gold["sentence"], key, top))
    return found / total, misses


def test_gold_documents_rank_near_the_top_for_the_german_reference_article(sample):
    """The registry's gold: for each annotated sentence, the documents a good proposer ranks near the top; 10 of the
    12 are English while the sentences are German. The desk's target is recall@3 >= 0.9: with the documents' specificity
    to each claim and the German-English word bridge all 12 are in the top 3 (8 of 12 by similarity alone, where the
    German explainer took a top place for 12 of the 14 sentences; see docs/EVALUATION.md)."""
    registry, claims = sample
    recall_at_3, misses = recall_of_gold_documents(registry, claims, 3)
    assert recall_at_3 >= 11 / 12, misses
    recall_at_5, misses = recall_of_gold_documents(registry, claims, 5)
    assert recall_at_5 >= 11 / 12, misses


def test_candidates_carry_method_score_and_a_reason_naming_shared_words_and_similarity(sample):
    _registry, claims = sample
    candidates = RegistryDocumentsProposer().propose(claims[1])
    assert candidates and all(isinstance(candidate, Candidate) for candidate in candidates)
    first = candidates[0]
    assert Document.objects.get(pk=first.document_id).key in {"alaska-summit", "witkoff-cnn"}
    assert first.method == ProposalMethod.HYBRID
    assert 0 <= first.score <= 1 and [c.score for c in candidates] == sorted(
        (c.score for c in candidates), reverse=True
    )
    assert "shares" in first.reason and "'Witkoff'" in first.reason or "'Putin'" in first.reason
    assert "semantic similarity 0." in first.reason
    assert all(c.source_id is None and c.earlier_claim_id is None for c in candidates)


def test_documents_of_inactive_sources_are_not_proposed():
    inactive = make_source(active=False)
    hidden = embedded_document(source=inactive, language="de", title="Windpark", text="Der Windpark im Hafen.")
    shown = embedded_document(language="de", title="Windpark", text="Der Windpark im Hafen.")
    candidates = RegistryDocumentsProposer(min_score=0).propose(claim_about("Der Windpark im Hafen liefert Strom."))
    assert [candidate.document_id for candidate in candidates] == [shown.pk]
    assert hidden.pk not in [candidate.document_id for candidate in candidates]


def test_a_document_not_embedded_yet_is_still_found_by_its_words():
    document = make_document(language="de", title="Windpark", text="Der Windpark im Hafen.")
    candidates = RegistryDocumentsProposer(min_score=0).propose(claim_about("Der Windpark im Hafen liefert Strom."))
    assert [(c.document_id, c.method) for c in candidates] == [(document.pk, ProposalMethod.LEXICAL)]
    assert candidates[0].reason in {"shares 'Windpark', 'Hafen'", "shares 'Hafen', 'Windpark'"}


def test_a_claim_without_a_stored_embedding_is_embedded_for_the_search():
    document = embedded_document(language="en", title="Wind farm", text="The harbour wind farm supplies power.")
    article = make_article(text="Der Windpark im Hafen liefert Strom für die Stadt.")
    claim = make_claim(article, start=0, end=len(article.text), language="de")
    candidates = RegistryDocumentsProposer(min_score=0).propose(claim)
    assert candidates[0].document_id == document.pk and candidates[0].method != ProposalMethod.LEXICAL
    assert "semantic similarity 0." in candidates[0].reason


def test_proposing_writes_nothing(sample):
    _registry, claims = sample
    before = (Document.objects.count(), list(Claim.objects.values_list("pk", "updated_at")))
    RegistryDocumentsProposer().propose(claims[3])
    assert (Document.objects.count(), list(Claim.objects.values_list("pk", "updated_at"))) == before


def test_min_score_leaves_out_weak_candidates():
    embedded_document(
        language="en", title="Fishing quotas", text="The council set fishing quotas.", embedded_at=timezone.now()
    )
    claim = claim_about("Der Windpark im Hafen liefert Strom.")
    assert RegistryDocumentsProposer(min_score=0).propose(claim)
    assert RegistryDocumentsProposer(min_score=1.01).propose(claim) == []


def unit(vector) -> bytes:
    vector = np.asarray(vector, dtype=np.float32)
    return vector_bytes(vector / np.linalg.norm(vector))


def test_a_document_close_to_every_claim_of_the_article_ranks_below_one_specific_to_this_claim():
    """Three claims of one topic (a shared direction, cosine 0.9 with it) and two documents without a word in
    common with them: an overview of the topic (cosine 0.9 with every claim) and one about the first claim only
    (0.87 with it, 0.68 with the others). By similarity alone the overview comes first; it is the specific one a
    checker wants."""
    axes = np.eye(384, dtype=np.float32)
    topic = axes[0]
    claims = [0.9 * topic + 0.436 * axes[1 + number] for number in range(3)]
    article = make_article(text="Erste Aussage. Zweite Aussage. Dritte Aussage.")
    first, *_others = [
        make_claim(article, start=start, end=start + 14, language="de", embedding=unit(vector))
        for start, vector in zip((0, 15, 30), claims, strict=True)
    ]
    overview = make_document(
        language="en", title="Overview", text="All of it.", embedding=unit(topic), embedded_at=timezone.now()
    )
    specific = make_document(
        language="en",
        title="Particular",
        text="Only this.",
        embedding=unit(0.75 * topic + 0.45 * axes[1] + 0.485 * axes[7]),
        embedded_at=timezone.now(),
    )
    by_similarity = RegistryDocumentsProposer(min_score=0, specificity=0).propose(first)
    assert [candidate.document_id for candidate in by_similarity] == [overview.pk, specific.pk]
    by_specificity = RegistryDocumentsProposer(min_score=0).propose(first)
    assert [candidate.document_id for candidate in by_specificity] == [specific.pk, overview.pk]
    # A claim alone in its article has no others to compare with: similarity decides.
    alone = make_claim(make_article(text="Erste Aussage."), start=0, end=14, language="de", embedding=unit(claims[0]))
    assert RegistryDocumentsProposer(min_score=0).propose(alone)[0].document_id == overview.pk
