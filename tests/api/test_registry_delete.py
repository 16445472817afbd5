"""The registry's rows are not deleted through the API: evidence may rest on them (through an accepted proposal),
and the record keeps what a verdict relied on. A DELETE is a 405 in the API's error shape; nothing is deleted."""

import pytest

from claims.models import Document, Proposal, ProposalMethod, ProposalStatus, Source
from reviews.models import Evidence
from tests.api.test_errors import error_of
from tests.factories import make_claim, make_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def evidence():
    document = make_document()
    proposal = Proposal.objects.create(
        claim=make_claim(), document=document, method=ProposalMethod.HYBRID, score=0.9, status=ProposalStatus.ACCEPTED
    )
    return Evidence.objects.create(claim=proposal.claim, proposal=proposal)


@pytest.mark.parametrize("resource", ["documents", "sources"])
def test_an_admin_key_cannot_delete_a_registry_row_evidence_rests_on(admin_key, evidence, resource):
    document = evidence.proposal.document
    row = document if resource == "documents" else document.source
    response = admin_key.delete(f"/api/v1/{resource}/{row.pk}/")
    assert response.status_code == 405 and error_of(response)["code"] == "method_not_allowed"
    assert Document.objects.filter(pk=document.pk).exists() and Source.objects.filter(pk=document.source_id).exists()
    assert Evidence.objects.get(pk=evidence.pk).proposal_id == evidence.proposal_id
