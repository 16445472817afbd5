"""Source proposals: the named-sources and external fact-check proposers, and the service that runs them all."""

import json

import pytest
from django.utils import timezone

from claims.models import Claim, Document, Proposal, ProposalMethod, ProposalStatus, Source, WorkStatus
from claims.proposing.base import Candidate
from claims.proposing.factcheck_search import FactCheckSearchProposer
from claims.proposing.named_sources import NamedSourcesProposer
from claims.services import proposals, registry, work
from claims.services.ingest import ingest
from reviews.services import correct_attribution, decide_proposal
from tests.conftest import SAMPLE_ARTICLE, SAMPLE_REGISTRY
from tests.factories import make_claim, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def sample_claims(django_capture_on_commit_callbacks):
    """The sample registry and the German sample article, extracted and proposed as the worker would."""
    with django_capture_on_commit_callbacks(execute=True):
        registry.import_registry(data=json.loads(SAMPLE_REGISTRY.read_text("utf-8")))
    with django_capture_on_commit_callbacks(execute=True):
        article = ingest(content=SAMPLE_ARTICLE.read_bytes()).article
    return list(article.claims.order_by("start"))


def proposed_source_keys(claim: Claim) -> list[str]:
    proposals = claim.proposals.filter(source__isnull=False).select_related("source").order_by("-score", "pk")
    return [proposal.source.key for proposal in proposals]


def test_extraction_queues_proposals_and_named_sources_rank_first(sample_claims):
    assert all(claim.proposals_status == WorkStatus.DONE for claim in sample_claims)
    assert proposed_source_keys(sample_claims[2])[:1] == ["bloomberg"]
    assert set(proposed_source_keys(sample_claims[3])[:3]) >= {"cnn", "white-house"}
    assert proposed_source_keys(sample_claims[7])[:1] == ["president-ua"]
    reason = sample_claims[2].proposals.get(source__key="bloomberg").reason
    assert "attributed to “Bloomberg”" in reason


def test_a_speaker_s_alias_and_a_surname_in_the_text_find_their_sources(sample_claims):
    # "Selenskyj will sich ... über Trumps Treffen mit Kremlchef Wladimir Putin ...": no speaker of its own.
    keys = proposed_source_keys(sample_claims[11])
    assert {"president-ua", "white-house", "kremlin"} <= set(keys)
    assert "names Trump" in sample_claims[11].proposals.get(source__key="white-house").reason


def test_proposing_again_duplicates_nothing_and_keeps_decisions(sample_claims, alice):
    claim = sample_claims[3]
    before = claim.proposals.count()
    rejected = claim.proposals.get(source__key="cnn")
    decide_proposal(proposal_id=rejected.pk, actor=alice, accept=False)
    assert proposals.request_proposals(claim_id=claim.pk) is True
    run = proposals.propose_sources(claim_id=claim.pk)
    assert run.created == 0 and claim.proposals.count() == before
    assert claim.proposals.get(source__key="cnn").status == ProposalStatus.REJECTED


def test_a_running_claim_is_left_to_its_worker(sample_claims):
    claim = sample_claims[0]
    Claim.objects.filter(pk=claim.pk).update(proposals_status=WorkStatus.RUNNING, proposals_started_at=timezone.now())
    assert proposals.propose_sources(claim_id=claim.pk) is None
    assert proposals.request_proposals(claim_id=claim.pk) is False


class Broken:
    name = "broken"

    def propose(self, claim):
        raise RuntimeError("index missing")


class Fixed:
    name = "fixed"

    def __init__(self, source):
        self.source = source

    def propose(self, claim):
        return [Candidate(ProposalMethod.ALIAS, 0.5, "always", source_id=self.source.pk)]


def test_a_broken_proposer_costs_nothing_but_its_own_results():
    claim, source = make_claim(), make_source()
    run = proposals.propose_sources(claim_id=claim.pk, proposers=[Broken(), Fixed(source)])
    claim.refresh_from_db()
    assert run.created == 1 and Proposal.objects.get().source == source
    assert claim.proposals_status == WorkStatus.FAILED
    assert claim.proposals_error == "broken: RuntimeError: index missing"


def test_new_documents_queue_open_claims_again(sample_claims, django_capture_on_commit_callbacks):
    finished = timezone.now()
    Claim.objects.update(proposals_finished_at=finished - timezone.timedelta(minutes=5))
    Document.objects.filter(key="nato-art5").update(embedded_at=finished)
    approved = sample_claims[0]
    Claim.objects.filter(pk=approved.pk).update(state="approved", verdict="false")
    with django_capture_on_commit_callbacks(execute=True):
        queued = work.repropose_for_new_documents()
    assert queued == len(sample_claims) - 1
    assert not Claim.objects.exclude(pk=approved.pk).filter(proposals_finished_at__lt=finished).exists()
    assert work.repropose_for_new_documents() == 0


# The documented answer of Fact Check Tools `claims:search`, trimmed to the fields we read.
CLAIMS_SEARCH = {
    "claims": [
        {
            "text": "Trump and Putin agreed on security guarantees for Ukraine",
            "claimant": "Steve Witkoff",
            "claimDate": "2025-08-17T00:00:00Z",
            "claimReview": [
                {
                    "publisher": {"name": "Correctiv", "site": "correctiv.org"},
                    "url": "https://correctiv.org/faktencheck/2025/08/18/garantien/",
                    "title": "Keine Einigung auf Garantien belegt",
                    "reviewDate": "2025-08-18T00:00:00Z",
                    "textualRating": "Unbelegt",
                    "languageCode": "de",
                }
            ],
        },
        {
            "text": "NATO Article 5 protection offered to Ukraine",
            "claimReview": [
                {
                    "publisher": {"site": "fullfact.org"},
                    "url": "https://fullfact.org/online/article-5-ukraine/",
                    "textualRating": "Missing context",
                },
                {"publisher": {"name": "Broken"}, "url": "javascript:alert(1)", "textualRating": "False"},
            ],
        },
    ],
    "nextPageToken": "abc",
}


@pytest.fixture
def factcheck_service(web, settings):
    settings.FACTCHECK_TOOLS_API_KEY = "test-key"
    settings.FACTCHECK_TOOLS_URL = web.url("/v1alpha1/claims:search")
    settings.FACTCHECK_TOOLS_BACKOFF = 0
    settings.FACTCHECK_TOOLS_TIMEOUT = 0.5
    return web


def test_fact_check_search_turns_claim_reviews_into_proposals(factcheck_service):
    factcheck_service.add("/v1alpha1/claims:search", json.dumps(CLAIMS_SEARCH), content_type="application/json")
    claim = make_claim(is_checkworthy=True, language="de")
    run = proposals.propose_sources(claim_id=claim.pk, proposers=[FactCheckSearchProposer()])
    assert run.created == 2
    first, second = claim.proposals.order_by("-score")
    assert (first.external_publisher, first.external_rating, first.method) == ("Correctiv", "Unbelegt", "external")
    assert first.external_url == "https://correctiv.org/faktencheck/2025/08/18/garantien/"
    assert "(claimed by Steve Witkoff)" in first.reason and first.score > second.score
    assert second.external_publisher == "fullfact.org"
    path, _host = factcheck_service.requests[0]
    assert "key=test-key" in path and "languageCode=de" in path and "query=" in path


def test_fact_check_search_is_retried_on_5xx_and_then_given_up_without_losing_the_rest(factcheck_service):
    factcheck_service.add("/v1alpha1/claims:search", "overloaded", status=503, content_type="text/plain")
    claim, source = make_claim(is_checkworthy=True), make_source()
    run = proposals.propose_sources(claim_id=claim.pk, proposers=[FactCheckSearchProposer(), Fixed(source)])
    claim.refresh_from_db()
    assert len(factcheck_service.requests) == 4  # the first try and three retries
    assert run.unavailable == ["external fact-check search: HTTP 503"]
    assert claim.proposals_status == WorkStatus.FAILED and "HTTP 503" in claim.proposals_error
    assert Proposal.objects.get().source == source


def test_fact_check_search_that_hangs_or_answers_garbage_is_unavailable(factcheck_service, settings):
    settings.FACTCHECK_TOOLS_RETRIES = 0
    factcheck_service.add("/v1alpha1/claims:search", "{}", delay=2, content_type="application/json")
    claim = make_claim(is_checkworthy=True)
    assert proposals.propose_sources(claim_id=claim.pk, proposers=[FactCheckSearchProposer()]).unavailable
    factcheck_service.add("/v1alpha1/claims:search", "<html>not json", content_type="text/html")
    proposals.request_proposals(claim_id=claim.pk)
    run = proposals.propose_sources(claim_id=claim.pk, proposers=[FactCheckSearchProposer()])
    assert run.unavailable == ["external fact-check search: the answer is not the expected JSON"]
    assert not Proposal.objects.exists()


def test_fact_check_search_runs_only_with_a_key_and_for_check_worthy_claims(settings):
    settings.FACTCHECK_TOOLS_API_KEY = ""
    claim = make_claim(is_checkworthy=True)
    assert [p.name for p in proposals.default_proposers(claim)] == [
        "named sources",
        "registry documents",
        "earlier claims",
    ]
    settings.FACTCHECK_TOOLS_API_KEY = "key"
    assert "external fact-check search" in [p.name for p in proposals.default_proposers(claim)]
    assert "external fact-check search" not in [p.name for p in proposals.default_proposers(make_claim())]


def test_inactive_sources_are_never_proposed():
    make_source(name="Bloomberg", aliases=["Bloomberg"], active=False)
    claim = make_claim(cited_outlet="Bloomberg")
    assert NamedSourcesProposer().propose(claim) == []
    Source.objects.update(active=True)
    assert [c.source_id for c in NamedSourcesProposer().propose(claim)] == [Source.objects.get().pk]


def test_named_sources_follow_a_reviewers_correction_of_speaker_and_outlet(django_capture_on_commit_callbacks, alice):
    reuters = make_source(key="reuters", name="Reuters", aliases=["Reuters"])
    government = make_source(key="bundesregierung", name="Bundesregierung", aliases=["Olaf Scholz"])
    bild = make_source(key="bild", name="Bild", aliases=["Bild"])
    claim = make_claim(cited_outlet="Bild", proposals_status=WorkStatus.DONE)
    assert [c.source_id for c in NamedSourcesProposer().propose(claim)] == [bild.pk]

    with django_capture_on_commit_callbacks(execute=True):
        correct_attribution(claim_id=claim.pk, actor=alice, speaker="Olaf Scholz", cited_outlet="Reuters")

    claim.refresh_from_db()
    assert claim.speaker.name == "Olaf Scholz" and claim.proposals_status == WorkStatus.DONE
    found = {c.source_id: c.reason for c in NamedSourcesProposer().propose(claim)}
    assert set(found) == {reuters.pk, government.pk}
    assert "attributed to “Reuters”" in found[reuters.pk] and "the speaker Olaf Scholz" in found[government.pk]
    stored = set(claim.proposals.filter(method=ProposalMethod.ALIAS).values_list("source__key", flat=True))
    assert {"reuters", "bundesregierung"} <= stored


@pytest.mark.parametrize("character", ["\\u0000", "\\ud800"], ids=["NUL", "lone surrogate"])
def test_a_fact_check_answer_holding_a_nul_or_lone_surrogate_fails_that_provider_only(factcheck_service, character):
    answer = json.dumps(CLAIMS_SEARCH).replace("Correctiv", f"Correc{character}tiv")
    factcheck_service.add("/v1alpha1/claims:search", answer, content_type="application/json")
    claim, source = make_claim(is_checkworthy=True), make_source()
    run = proposals.propose_sources(claim_id=claim.pk, proposers=[FactCheckSearchProposer(), Fixed(source)])
    claim.refresh_from_db()
    assert run.unavailable == ["external fact-check search: the answer holds text that cannot be stored"]
    assert claim.proposals_status == WorkStatus.FAILED and "cannot be stored" in claim.proposals_error
    assert Proposal.objects.get().source == source
