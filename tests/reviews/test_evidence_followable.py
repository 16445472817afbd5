"""Evidence is something a reader can follow: a document, a web address, an earlier reviewed claim. A source
alone (an outlet's homepage) is a lead: it is recorded, but a verdict does not rest on it. Evidence keeps the
document and source it came from, and they cannot be deleted from under it."""

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from claims.models import Claim, ClaimState, Document, Proposal, ProposalMethod, Source, Verdict
from reviews import selectors, services
from reviews.models import Evidence
from reviews.refusals import GuardFailed
from tests.factories import make_claim, make_document, make_source

pytestmark = pytest.mark.django_db


def proposal_of(claim, **target) -> Proposal:
    return Proposal.objects.create(claim=claim, method=ProposalMethod.ALIAS, score=0.5, reason="named", **target)


def accept(proposal, actor) -> Evidence:
    services.decide_proposal(proposal_id=proposal.pk, actor=actor, accept=True)
    return Evidence.objects.get(proposal=proposal)


def test_accepting_a_bare_outlet_does_not_satisfy_the_evidence_rule(alice):
    claim = make_claim(state=ClaimState.IN_REVIEW, assignee=alice)
    evidence = accept(proposal_of(claim, source=make_source(name="CNN", domain="cnn.com")), alice)
    assert evidence.is_lead and evidence.source.name == "CNN" and evidence.url == ""
    with pytest.raises(GuardFailed) as refused:
        services.transition(claim_id=claim.pk, action="propose", actor=alice, verdict=Verdict.FALSE, note="r")
    assert "evidence" in refused.value.messages
    claim.refresh_from_db()
    assert claim.state == ClaimState.IN_REVIEW


def test_accepting_a_document_keeps_its_link_source_and_satisfies_the_rule(alice):
    claim = make_claim(state=ClaimState.IN_REVIEW, assignee=alice)
    source = make_source(name="Destatis")
    document = make_document(source, title="Bevölkerung 2024", url="https://www.destatis.de/bevoelkerung")
    evidence = accept(proposal_of(claim, document=document), alice)
    assert (evidence.document, evidence.source, evidence.url) == (
        document,
        source,
        "https://www.destatis.de/bevoelkerung",
    )
    assert not evidence.is_lead
    services.transition(claim_id=claim.pk, action="propose", actor=alice, verdict=Verdict.FALSE, note="r")
    claim.refresh_from_db()
    assert claim.state == ClaimState.VERDICT_PROPOSED


def test_a_document_without_an_address_is_evidence_too(alice):
    claim = make_claim(state=ClaimState.IN_REVIEW, assignee=alice)
    evidence = accept(proposal_of(claim, document=make_document(url="")), alice)
    assert not evidence.is_lead
    assert Evidence.objects.followable().filter(pk=evidence.pk).exists()


def test_an_outside_fact_check_keeps_its_address(alice):
    claim = make_claim(state=ClaimState.IN_REVIEW, assignee=alice)
    evidence = accept(proposal_of(claim, external_url="https://correctiv.org/faktencheck/x"), alice)
    assert evidence.url == "https://correctiv.org/faktencheck/x" and not evidence.is_lead


def test_the_lists_count_only_followable_evidence(alice):
    lead_only = make_claim(state=ClaimState.IN_REVIEW, assignee=alice)
    accept(proposal_of(lead_only, source=make_source()), alice)
    followed = make_claim(state=ClaimState.IN_REVIEW, assignee=alice)
    accept(proposal_of(followed, source=make_source()), alice)
    services.add_evidence(claim_id=followed.pk, actor=alice, url="https://example.org/report")
    counted = dict(selectors.with_evidence_count(Claim.objects.all()).values_list("pk", "evidence_count"))
    assert counted[lead_only.pk] == 0 and counted[followed.pk] == 1


def test_the_claim_page_links_accepted_evidence_and_marks_a_lead(client, alice):
    claim = make_claim(state=ClaimState.IN_REVIEW, assignee=alice)
    document = make_document(title="Haushaltsplan 2025", url="https://www.bundeshaushalt.de/plan")
    accept(proposal_of(claim, document=document), alice)
    accept(proposal_of(claim, source=make_source(name="Tagesschau")), alice)
    client.force_login(alice)
    page = client.get(reverse("reviews:claim-detail", args=[claim.pk])).content.decode()
    box = page.split('id="evidence-list"', 1)[1].split("</ul>", 1)[0]
    assert 'href="https://www.bundeshaushalt.de/plan"' in box and "Haushaltsplan 2025" in box
    assert "Tagesschau" in box and "A lead, not evidence" in box


def test_deleting_a_document_that_evidence_rests_on_is_refused(alice):
    claim = make_claim(state=ClaimState.IN_REVIEW, assignee=alice)
    document = make_document(url="https://example.org/doc")
    evidence = accept(proposal_of(claim, document=document), alice)
    with pytest.raises(ProtectedError):
        document.delete()
    with pytest.raises(ProtectedError):
        document.source.delete()
    assert Document.objects.filter(pk=document.pk).exists() and Evidence.objects.filter(pk=evidence.pk).exists()


def test_deleting_a_source_that_evidence_rests_on_is_refused(alice):
    claim = make_claim(state=ClaimState.IN_REVIEW, assignee=alice)
    source = make_source()
    accept(proposal_of(claim, source=source), alice)
    with pytest.raises(ProtectedError):
        source.delete()
    assert Source.objects.filter(pk=source.pk).exists()


def test_the_admin_refuses_to_delete_a_document_evidence_rests_on_with_a_message(client, adam, alice):
    claim = make_claim(state=ClaimState.IN_REVIEW, assignee=alice)
    document = make_document(url="https://example.org/doc")
    accept(proposal_of(claim, document=document), alice)
    client.force_login(adam)
    url = reverse("admin:claims_document_delete", args=[document.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Cannot delete document" in page.content.decode()
    response = client.post(url, {"post": "yes"})
    assert "Cannot delete document" in response.content.decode()
    assert Document.objects.filter(pk=document.pk).exists()


def test_accepting_a_proposal_by_htmx_updates_the_evidence_box_too(client, alice):
    claim = make_claim(state=ClaimState.IN_REVIEW, assignee=alice)
    document = make_document(title="Haushaltsplan 2025", url="https://www.bundeshaushalt.de/plan")
    proposal = proposal_of(claim, document=document)
    client.force_login(alice)
    response = client.post(
        reverse("reviews:decide-proposal", args=[proposal.pk]), {"decision": "accept"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr class="proposal proposal-accepted" id="proposal-{proposal.pk}"')
    oob = html.split("<template>", 1)[1].split("</template>", 1)[0]
    assert 'id="evidence-list" hx-swap-oob="true"' in oob
    assert 'href="https://www.bundeshaushalt.de/plan"' in oob and "No evidence yet" not in oob


def test_rejecting_a_proposal_by_htmx_leaves_the_evidence_box_alone(client, alice):
    proposal = proposal_of(make_claim(state=ClaimState.IN_REVIEW, assignee=alice), document=make_document())
    client.force_login(alice)
    response = client.post(
        reverse("reviews:decide-proposal", args=[proposal.pk]), {"decision": "reject"}, HTTP_HX_REQUEST="true"
    )
    assert "hx-swap-oob" not in response.content.decode()
