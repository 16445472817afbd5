"""Text without a place to break (a pasted hash, a long address, a key held down) wraps inside the page instead of
widening it: a reviewer's note on the claim page, the rationale on the published fact-check."""

import pytest

from claims.models import ClaimState, Verdict
from reviews import services
from reviews.models import Evidence
from tests.browser.conftest import log_in
from tests.conftest import make_user
from tests.factories import make_claim

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

UNBROKEN = "x" * 3_000


def page_fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_long_unbroken_note_wraps_on_the_claim_page(page, live_server, shoot):
    alice = make_user("alice", "reviewer")
    claim = make_claim(state=ClaimState.IN_REVIEW, assignee=alice)
    Evidence.objects.create(claim=claim, url="https://example.org/" + "a" * 500, note=UNBROKEN, added_by=alice)
    log_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/claims/{claim.pk}/")
    assert page.get_by_text(UNBROKEN).first.is_visible()
    shoot(page, "long-unbroken-note")
    assert page_fits(page)


def test_a_long_unbroken_rationale_wraps_on_the_published_page(page, live_server, shoot):
    alice, erin = make_user("alice", "reviewer"), make_user("erin", "editor")
    claim = make_claim()
    services.transition(claim_id=claim.pk, action="take", actor=alice)
    services.add_evidence(claim_id=claim.pk, actor=alice, url="https://example.org/quelle")
    services.transition(claim_id=claim.pk, action="propose", actor=alice, verdict=Verdict.FALSE, note=UNBROKEN)
    services.transition(claim_id=claim.pk, action="approve", actor=erin)
    page.goto(f"{live_server.url}/factchecks/")
    page.click(f"a[href*='/factchecks/{claim.pk}-']")
    assert page.get_by_text(UNBROKEN).first.is_visible()
    shoot(page, "long-unbroken-rationale")
    assert page_fits(page)
