"""Articles and claims in the admin: a delete that would take away the proposal another claim's evidence rests
on (an earlier claim it was linked to) is refused, naming the evidence; a claim's own evidence goes with it."""

import pytest
from django.urls import reverse

from claims.models import Article, Claim, Proposal, ProposalMethod, ProposalStatus
from reviews.models import Evidence
from tests.factories import make_article, make_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, adam):
    client.force_login(adam)
    return client


def accepted(claim, **target) -> Evidence:
    proposal = Proposal.objects.create(
        claim=claim, method=ProposalMethod.EARLIER_CLAIM, score=0.9, status=ProposalStatus.ACCEPTED, **target
    )
    return Evidence.objects.create(claim=claim, proposal=proposal)


def test_deleting_a_claim_that_evidence_on_another_claim_rests_on_is_refused(admin_client):
    earlier, later = make_claim(), make_claim()
    evidence = accepted(later, earlier_claim=earlier)
    response = admin_client.post(reverse("admin:claims_claim_delete", args=[earlier.pk]), {"post": "yes"})
    assert response.status_code == 200 and response.context["protected"]
    assert Claim.objects.filter(pk=earlier.pk).exists()
    assert Evidence.objects.get(pk=evidence.pk).proposal_id == evidence.proposal_id


def test_deleting_an_article_whose_claim_evidence_elsewhere_rests_on_is_refused(admin_client):
    earlier, later = make_claim(), make_claim()
    evidence = accepted(later, earlier_claim=earlier)
    url = reverse("admin:claims_article_delete", args=[earlier.article_id])
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 200 and response.context["protected"]
    assert Article.objects.filter(pk=earlier.article_id).exists()
    assert Evidence.objects.get(pk=evidence.pk).proposal_id == evidence.proposal_id


def test_a_claim_is_deleted_with_its_own_evidence(admin_client):
    article = make_article()
    earlier, claim = make_claim(), make_claim(article)
    accepted(claim, earlier_claim=earlier)
    response = admin_client.post(reverse("admin:claims_claim_delete", args=[claim.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Claim.objects.filter(pk=claim.pk).exists() and not Evidence.objects.exists()


def test_deleting_a_speaker_claims_name_is_refused_and_one_nobody_names_is_deleted(admin_client):
    from claims.models import Speaker

    named, unnamed = Speaker.objects.create(name="Olaf Scholz"), Speaker.objects.create(name="Niemand")
    claim = make_claim(speaker=named)
    response = admin_client.post(reverse("admin:claims_speaker_delete", args=[named.pk]), {"post": "yes"})
    assert response.status_code == 200 and response.context["protected"]
    assert Claim.objects.get(pk=claim.pk).speaker_id == named.pk
    response = admin_client.post(reverse("admin:claims_speaker_delete", args=[unnamed.pk]), {"post": "yes"})
    assert response.status_code == 302 and not Speaker.objects.filter(pk=unnamed.pk).exists()
