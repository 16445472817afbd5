"""The desk's day in a real browser: an editor's queue of verdicts awaiting their approval, accepting a proposal
that updates the evidence box without a reload (with a link and the page's snapshot), and bulk actions on a mixed
selection.

`DOCS_SCREENSHOTS=<folder>` also saves the editor's queue there as editor-queue.png (the README's picture):

    DOCS_SCREENSHOTS=docs/screenshots .venv/bin/python -m pytest tests/browser/test_desk.py -k editor
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from claims.models import Article, Claim, ClaimState, Proposal, ProposalMethod, Verdict
from reviews import services
from reviews.models import Evidence
from tests.browser.test_review_flow import log_in
from tests.claims.conftest import allowed_web, web  # noqa: F401 (fixtures, found by name; F811 below)
from tests.conftest import make_user
from tests.factories import make_article, make_claim, make_document, make_source

# ruff: noqa: F811 (the web server fixtures are imported, then named as arguments)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ARTICLE = (
    "Sicherheitsgarantien für die Ukraine\n\n"
    "Der US-Sondergesandte Steve Witkoff war am Sonntag bei CNN zu Gast. "
    "Russland habe erstmals robusten Sicherheitsgarantien für die Ukraine zugestimmt, sagte er. "
    "Die Arbeitslosenquote in Deutschland lag im Juli bei 6,3 Prozent. "
    "Der Bundestag beschloss 2024 einen Haushalt von 476,8 Milliarden Euro."
)


def sentences_of(article) -> list[Claim]:
    """One claim per sentence of the article, as the extraction would store them."""
    claims, start = [], 0
    for line in article.text.split("\n"):
        for sentence in line.replace(". ", ".\x00").split("\x00"):
            if sentence.strip():
                begin = article.text.index(sentence, start)
                claims.append(make_claim(article, start=begin, end=begin + len(sentence)))
                start = begin + len(sentence)
    return claims


def proposed(claim: Claim, reviewer, verdict: str, rationale: str) -> Claim:
    services.transition(claim_id=claim.pk, action="take", actor=reviewer)
    services.add_evidence(claim_id=claim.pk, actor=reviewer, url="https://www.bundesregierung.de/", note="figure")
    return services.transition(claim_id=claim.pk, action="propose", actor=reviewer, verdict=verdict, note=rationale)


def test_an_editor_sees_the_verdicts_awaiting_their_approval_and_approves_one(page, live_server, shoot):
    alice = make_user("alice", "reviewer")
    erin = make_user("erin", "editor")
    article = make_article(text=ARTICLE)
    Article.objects.filter(pk=article.pk).update(title="Sicherheitsgarantien für die Ukraine")
    claims = sentences_of(article)
    waiting = proposed(claims[2], alice, Verdict.DISPUTED, "Witkoff said so; Moscow denied it the next day.")
    proposed(claims[3], alice, Verdict.CONFIRMED, "Bundesagentur für Arbeit, Monatsbericht Juli.")
    own = proposed(claims[4], erin, Verdict.CONFIRMED, "Bundeshaushalt 2024, Gesamtausgaben.")

    log_in(page, live_server, "erin", shoot)
    page.click("header a:has-text('My queue')")
    section = page.locator("#awaiting-approval")
    expect(section.locator("h2")).to_contain_text("Awaiting your approval")
    expect(section.locator("tr[data-awaiting]")).to_have_count(2)
    expect(section).not_to_contain_text("476,8 Milliarden")
    shoot(page, "editor-queue")
    if folder := os.environ.get("DOCS_SCREENSHOTS"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / "editor-queue.png"))

    section.locator("a.claim-link", has_text="robusten Sicherheitsgarantien").click()
    # The context shows the sentence that names the speaker of "sagte er".
    expect(page.locator("blockquote.article-text")).to_contain_text("Steve Witkoff war am Sonntag bei CNN")
    page.click("#action-approve button[type=submit]")
    expect(page.locator("#messages")).to_contain_text("Done: Approve.")

    page.goto(f"{live_server.url}/claims/{own.pk}/")
    expect(page.locator("#action-approve")).to_have_count(0)
    expect(page.locator("#approve-refused")).to_have_text("You proposed this verdict; another editor approves it.")
    shoot(page, "own-verdict")
    page.click("header a:has-text('My queue')")
    expect(page.locator("#awaiting-approval tr[data-awaiting]")).to_have_count(1)

    waiting.refresh_from_db()
    assert waiting.state == ClaimState.APPROVED and waiting.approved_by == erin


def test_accepting_a_proposal_updates_the_evidence_box_with_its_link_and_snapshot(
    page, live_server, allowed_web, shoot
):
    alice = make_user("alice", "reviewer")
    url = allowed_web.add(
        "/arbeitsmarkt",
        "<!doctype html><html><head><title>Arbeitsmarkt im Juli</title></head><body><article>"
        "<h1>Arbeitsmarkt im Juli</h1><p>Die Arbeitslosenquote lag im Juli 2025 bei 6,3 Prozent, 0,2 Punkte "
        "mehr als im Vorjahr.</p></article></body></html>",
    )
    claim = make_claim(state=ClaimState.IN_REVIEW, assignee=alice)
    document = make_document(make_source(name="Bundesagentur für Arbeit"), title="Monatsbericht Juli", url=url)
    proposal = Proposal.objects.create(claim=claim, document=document, method=ProposalMethod.HYBRID, score=0.8)
    outlet = Proposal.objects.create(
        claim=claim, source=make_source(name="CNN", domain="cnn.com"), method=ProposalMethod.ALIAS, score=0.5
    )

    log_in(page, live_server, "alice", shoot)
    page.goto(f"{live_server.url}/claims/{claim.pk}/")
    box = page.locator("#evidence-list")
    expect(box).to_contain_text("No evidence yet.")
    page.locator(f"#proposal-{proposal.pk} [data-accept]").click()
    expect(page.locator(f"#proposal-{proposal.pk}")).to_contain_text("Accepted")
    # No reload: the evidence box came with the proposal's row.
    link = box.locator("a[data-evidence-link]")
    expect(link).to_have_text("Monatsbericht Juli")
    expect(link).to_have_attribute("href", url)
    snapshot = box.locator("[data-snapshot]")
    expect(snapshot).to_have_attribute("data-snapshot", "done")
    expect(snapshot).to_contain_text("(HTTP 200)")
    kept = Evidence.objects.select_related("snapshot").get(proposal=proposal).snapshot
    expect(snapshot.locator("code.hash")).to_have_text(kept.sha256)
    assert "6,3 Prozent" in kept.text and kept.final_url == url
    shoot(page, "evidence-with-snapshot")

    page.locator(f"#proposal-{outlet.pk} [data-accept]").click()
    expect(box.locator("li[data-evidence]")).to_have_count(2)
    expect(box).to_contain_text("A lead, not evidence")
    shoot(page, "evidence-and-lead")


def test_bulk_take_on_a_selection_with_an_approved_claim_takes_the_others(page, live_server, shoot):
    make_user("alice", "reviewer")
    bob = make_user("bob", "reviewer")
    article = make_article()
    free = make_claim(article, start=0, end=8)
    approved = make_claim(
        article, start=10, end=20, state=ClaimState.APPROVED, verdict=Verdict.FALSE, verdict_proposed_by=bob
    )
    log_in(page, live_server, "alice", shoot)
    page.goto(f"{live_server.url}/claims/?article={article.pk}")
    page.check(f"input[name=claims][value='{free.pk}']")
    page.check(f"input[name=claims][value='{approved.pk}']")
    take = page.locator("#bulk-action option[value=take]")
    expect(take).to_be_enabled()
    expect(take).to_have_text("Take (1/2)")
    expect(page.locator("#bulk-action option[value=give_back]")).to_be_disabled()
    shoot(page, "bulk-mixed")
    page.select_option("#bulk-action", "take")
    page.click("button[data-bulk-apply]")
    messages = page.locator("#messages")
    expect(messages).to_contain_text(f"Take: done for 1 claim (#{free.pk}).")
    expect(messages).to_contain_text(f"Skipped claim #{approved.pk}: “Take” is not possible")
    expect(messages).not_to_contain_text("This field is required.")
    shoot(page, "bulk-report")
    free.refresh_from_db()
    assert free.state == ClaimState.IN_REVIEW


def test_a_selection_of_only_approved_claims_offers_no_action_and_says_so(page, live_server, shoot):
    make_user("alice", "reviewer")
    bob = make_user("bob", "reviewer")
    approved = make_claim(state=ClaimState.APPROVED, verdict=Verdict.FALSE, verdict_proposed_by=bob)
    log_in(page, live_server, "alice", shoot)
    page.goto(f"{live_server.url}/claims/?article={approved.article_id}")
    page.check(f"input[name=claims][value='{approved.pk}']")
    expect(page.locator("button[data-bulk-apply]")).to_be_disabled()
    expect(page.locator("[data-bulk-none]")).to_be_visible()
