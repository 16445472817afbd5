"""Helpers of the web app's tests: claims in a given state, the messages a response carries, the named people, and
the local web server of the fetch tests (tests/claims/conftest.py) for the ingest form's URLs."""

import pytest
from django.contrib.messages import get_messages

from claims.models import Claim, ClaimState, Verdict
from reviews.models import Evidence
from tests.claims.conftest import allowed_web, web  # noqa: F401 (fixtures, found by name)
from tests.conftest import make_user
from tests.factories import make_claim

HTMX = {"HTTP_HX_REQUEST": "true"}


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def claim_in(state: str, *, assignee=None, proposer=None, evidence=True, **fields) -> Claim:
    if state in (ClaimState.VERDICT_PROPOSED, ClaimState.APPROVED):
        fields.setdefault("verdict", Verdict.FALSE)
        fields.setdefault("verdict_rationale", "because")
        fields.setdefault("verdict_proposed_by", proposer)
    claim = make_claim(state=state, assignee=assignee, **fields)
    if evidence:
        Evidence.objects.create(claim=claim, url="https://www.destatis.de/")
    return claim


@pytest.fixture
def people(alice, erin, cms):
    return {"alice": alice, "erin": erin, "cms": cms, "bob": make_user("bob", "reviewer")}
