"""Why a proposal was made: reasons stored as codes, said once each, shown in the reader's language; and sources
ranked as leads after the documents that show something."""

import pytest
from django.template import Context, Template
from django.utils import translation

from claims.models import Proposal, ProposalMethod
from claims.proposing.named_sources import NamedSourcesProposer
from claims.proposing.reasons import english, reason, render, shares, unique
from tests.claims.services.test_proposals import sample_claims  # noqa: F401 (a fixture)
from tests.factories import make_article, make_claim, make_document, make_source

pytestmark = pytest.mark.django_db


def named_claim(text: str, **fields):
    article = make_article(text=text)
    return make_claim(article, start=0, end=len(text), language="de", **fields)


def test_a_source_the_claim_is_attributed_to_is_not_also_said_to_be_named():
    cnn = make_source(key="cnn", name="CNN", aliases=["CNN", "US-Sender CNN"])
    claim = named_claim("Das sagte er in einer Sendung des US-Senders CNN.", cited_outlet="US-Sender CNN")
    [candidate] = NamedSourcesProposer().propose(claim)
    assert candidate.source_id == cnn.pk
    assert [item["code"] for item in candidate.reasons] == ["attributed"]
    assert candidate.reason == "the claim is attributed to “US-Sender CNN” (CNN)"


def test_a_speaker_listed_under_a_source_is_not_also_said_to_be_named_by_surname():
    ukraine = make_source(key="president-ua", name="President of Ukraine", aliases=["Wolodymyr Selenskyj"])
    claim = named_claim("Selenskyj fordert Garantien.")
    from claims.models import Speaker

    claim.speaker = Speaker.objects.create(name="Wolodymyr Selenskyj")
    [candidate] = NamedSourcesProposer().propose(claim)
    assert candidate.source_id == ukraine.pk
    assert [item["code"] for item in candidate.reasons] == ["speaker"]


def test_repeated_and_contained_mentions_are_dropped_strongest_first():
    reasons = [
        reason("attributed", outlet="US-Sender CNN", source="CNN"),
        reason("named", name="CNN", source="CNN"),
        reason("named", name="CNN", source="CNN"),
        reason("named", name="Anderson Cooper", source="CNN"),
    ]
    assert unique(reasons) == [reasons[0], reasons[3]]


def test_reasons_are_rendered_in_the_readers_language():
    reasons = [
        reason("attributed", outlet="US-Sender CNN", source="CNN"),
        shares([("Beistandsklausel", "clause"), ("Nato", "")]),
        reason("similarity", similarity=0.8612),
        reason("checked_before", verdict="false", state="approved"),
    ]
    assert english(reasons) == (
        "the claim is attributed to “US-Sender CNN” (CNN); shares 'Beistandsklausel' (clause), 'Nato'; "
        "semantic similarity 0.86; checked before (False, approved)"
    )
    with translation.override("de"):
        german = render(reasons)
    assert german == (
        "die Behauptung wird „US-Sender CNN“ zugeschrieben (CNN); gemeinsame Wörter: 'Beistandsklausel' (clause), "
        "'Nato'; semantische Ähnlichkeit 0,86; schon geprüft (Falsch, freigegeben)"
    )


def test_the_claim_page_shows_a_proposals_reasons_in_the_readers_language():
    claim = named_claim("Die Nato tagt.")
    proposal = Proposal.objects.create(
        claim=claim,
        document=make_document(),
        method=ProposalMethod.LEXICAL,
        score=0.5,
        reason="shares 'Nato'",
        reasons=[shares([("Nato", "")])],
    )
    old = Proposal.objects.create(
        claim=claim, source=make_source(), method=ProposalMethod.ALIAS, score=0.05, reason="stored as text"
    )
    template = Template("{% load reviews_tags %}{{ proposal|proposal_reason }}")
    with translation.override("de"):
        assert template.render(Context({"proposal": proposal})) == "gemeinsame Wörter: &#x27;Nato&#x27;"
        assert template.render(Context({"proposal": old})) == "stored as text"


def test_sources_are_leads_ranked_after_every_document_that_shows_something(sample_claims):  # noqa: F811
    ranked = 0
    for claim in sample_claims:
        proposals = list(claim.proposals.order_by("-score", "pk"))
        kinds = ["source" if proposal.source_id else "evidence" for proposal in proposals]
        # Every lead comes after every document (and earlier claim) proposed for the same claim.
        assert kinds == sorted(kinds, key=lambda kind: kind == "source"), claim.text
        ranked += "source" in kinds and "evidence" in kinds
    assert ranked >= 5
    # Among themselves the leads keep their order: the cited outlet first.
    bloomberg = sample_claims[2].proposals.filter(source__isnull=False).order_by("-score").first()
    assert bloomberg.source.key == "bloomberg" and bloomberg.reasons[0]["code"] == "attributed"
