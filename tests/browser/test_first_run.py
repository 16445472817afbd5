"""The first run, as a new desk sees it: `load_demo` (what `make run` loads), then each demo user logs in with the
password the box printed and finds the review in every state."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import expect

from claims.models import Claim, ClaimState
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def demo_passwords(db) -> dict[str, str]:
    out = io.StringIO()
    with override_settings(DEBUG=True):  # as `make run` loads it
        call_command("load_demo", stdout=out)
    rows = re.findall(r"^\| (\S+) +(\S+) +(\S+) +\|$", out.getvalue(), flags=re.MULTILINE)
    return {username: password for role, username, password in rows if role != "Demo"}


def test_the_editor_finds_a_verdict_awaiting_approval_and_every_state(page, live_server, demo_passwords, shoot):
    log_in(page, live_server, "erin", demo_passwords["erin"])
    page.click("header a:has-text('My queue')")
    awaiting = page.locator("#awaiting-approval tr[data-awaiting]")
    expect(awaiting).to_have_count(1)
    expect(awaiting.first).to_contain_text("40 Prozent")
    shoot(page, "editor-queue")

    for state, shown in [
        (ClaimState.APPROVED, "Approved"),
        (ClaimState.VERDICT_PROPOSED, "Verdict proposed"),
        (ClaimState.IN_REVIEW, "In review"),
        (ClaimState.UNVERIFIED, "Unverified"),
    ]:
        claim = Claim.objects.filter(state=state).order_by("pk").first()
        page.goto(f"{live_server.url}/claims/{claim.pk}/")
        expect(page.locator("body")).to_contain_text(f"State: {shown}")
        shoot(page, f"claim-{state}")

    under_correction = Claim.objects.get(state=ClaimState.IN_REVIEW, verdict_under_correction="confirmed")
    page.goto(f"{live_server.url}/claims/{under_correction.pk}/")
    expect(page.locator("body")).to_contain_text("Confirmed")
    shoot(page, "claim-under-correction")


def test_the_reviewer_finds_her_claims_in_review_with_their_evidence(page, live_server, demo_passwords, shoot):
    log_in(page, live_server, "bob", demo_passwords["bob"])
    page.click("header a:has-text('My queue')")
    expect(page.locator("body")).to_contain_text("Thirty turbines")
    claim = Claim.objects.get(assignee__username="bob")
    page.goto(f"{live_server.url}/claims/{claim.pk}/")
    expect(page.locator("body")).to_contain_text("eastmere.example/energy/wind")
    shoot(page, "reviewer-claim-with-evidence")


def test_a_reader_without_a_login_finds_the_demo_s_published_fact_checks(page, live_server, demo_passwords, shoot):
    published = Claim.objects.get(state=ClaimState.APPROVED)
    under_correction = Claim.objects.get(state=ClaimState.IN_REVIEW, verdict_under_correction="confirmed")
    page.goto(f"{live_server.url}/factchecks/")
    for claim in (published, under_correction):
        page.goto(f"{live_server.url}/factchecks/{claim.pk}/")
        expect(page).to_have_url(re.compile(rf"/factchecks/{claim.pk}-[\w-]+/$"))
        expect(page.locator("script[type='application/ld+json']")).to_have_count(1)
        shoot(page, f"public-{claim.pk}")
    # Unpublished claims have no public page.
    proposed = Claim.objects.get(state=ClaimState.VERDICT_PROPOSED)
    assert page.goto(f"{live_server.url}/factchecks/{proposed.pk}/").status == 404
