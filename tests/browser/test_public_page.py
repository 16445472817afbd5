"""A published fact-check in a real browser: the reviewer words the claim with the verdict on the claim page, an
editor approves it, and a reader without a login opens the public page, whose ClaimReview JSON-LD is read from the
DOM and checked for Google's required and recommended properties; an English browser gets the German desk's rating.

With DOCS_SCREENSHOTS set to a folder (`DOCS_SCREENSHOTS=docs/screenshots`), the public page is also saved there as
public-factcheck.png, the README's screenshot.
"""

import datetime
import json
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from claims.models import Article, Speaker, SpeakerKind
from reviews import services
from tests.browser.conftest import log_in
from tests.conftest import PROJECT, make_user
from tests.factories import make_article, make_claim

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ARTICLE_TEXT = (
    "Radweg-Bilanz des Senats\n\nDie Zahl der Radunfälle ist 2024 um 12 Prozent gestiegen, sagte die Senatorin in "
    "einer Sendung des RBB. Der Haushalt für Radwege wächst um drei Millionen Euro."
)
SENTENCE = "Die Zahl der Radunfälle ist 2024 um 12 Prozent gestiegen, sagte die Senatorin in einer Sendung des RBB."
WORDING = "Die Zahl der Radunfälle ist 2024 um 12 Prozent gestiegen."


def check_claimreview(review: dict) -> None:
    """Google's ClaimReview properties: required claimReviewed, reviewRating.alternateName, url; recommended author,
    datePublished, itemReviewed (a Claim with author, appearance, datePublished) and the rating's scale."""
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    assert review["claimReviewed"] and review["url"].startswith("https://")
    rating = review["reviewRating"]
    assert rating["@type"] == "Rating" and rating["alternateName"]
    assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    assert review["author"]["@type"] == "Organization" and review["author"]["name"] and review["author"]["url"]
    assert review["datePublished"]
    item = review["itemReviewed"]
    assert item["@type"] == "Claim" and item["author"]["name"] and item["datePublished"]
    assert item["appearance"][0]["url"].startswith("https://")


@pytest.fixture
def desk(settings):
    settings.FACTCHECK_LANGUAGE = "de"
    settings.FACTCHECK_ORGANISATION_NAME = "Faktencheck-Desk"
    settings.FACTCHECK_ORGANISATION_URL = "https://faktencheck.example.org/"
    settings.PUBLIC_BASE_URL = "https://faktencheck.example.org"


def test_a_reader_opens_a_published_fact_check_and_its_claimreview(browser, page, live_server, desk, shoot):
    alice, erin = make_user("alice", "reviewer"), make_user("erin", "editor")
    article = make_article(
        text=ARTICLE_TEXT,
        url="https://zeitung.example.org/radweg",
        language="de",
        published_on=datetime.date(2026, 11, 30),
    )
    Article.objects.filter(pk=article.pk).update(title="Radweg-Bilanz des Senats")
    start = ARTICLE_TEXT.index(SENTENCE)
    speaker = Speaker.objects.create(name="Anna Beispiel", kind=SpeakerKind.PERSON)
    claim = make_claim(article, start=start, end=start + len(SENTENCE), language="de", speaker=speaker)
    services.transition(claim_id=claim.pk, action="take", actor=alice)
    services.add_evidence(
        claim_id=claim.pk,
        actor=alice,
        url="https://statistik.example.org/verkehrsunfaelle-2024",
        note="Tabelle 3: Radunfälle insgesamt plus 4 Prozent; nur Unfälle mit E-Bikes plus 12 Prozent.",
    )

    # The reviewer proposes the verdict on the claim page; the wording offered is the sentence without its speaker.
    log_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/claims/{claim.pk}/")
    wording = page.locator("#claim-reviewed-propose")
    expect(wording).to_have_value(WORDING)
    page.check("#action-propose input[name=verdict][value=misleading]")
    page.fill("#note-propose", "Insgesamt stiegen die Radunfälle um 4 Prozent; 12 Prozent gilt nur für E-Bikes.")
    page.click("#action-propose button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Propose verdict")
    services.transition(claim_id=claim.pk, action="approve", actor=erin)
    services.transition(
        claim_id=claim.pk, action="reopen", actor=erin, note="Die Statistik nennt die E-Bike-Zahl getrennt."
    )
    services.transition(
        claim_id=claim.pk,
        action="propose",
        actor=alice,
        verdict="misleading",
        note="Insgesamt stiegen die Radunfälle um 4 Prozent; die 12 Prozent betreffen nur Unfälle mit E-Bikes "
        "(Statistisches Amt, Tabelle 3).",
    )
    services.transition(claim_id=claim.pk, action="approve", actor=erin)

    # A reader: no login, an English browser.
    reader = browser.new_context(locale="en-US", viewport={"width": 1100, "height": 900})
    public = reader.new_page()
    response = public.goto(f"{live_server.url}/factchecks/{claim.pk}/")
    assert response.status == 200 and "/accounts/login/" not in public.url
    expect(public.locator("h1.claim-reviewed")).to_have_text(WORDING)
    expect(public.locator(".facts")).to_contain_text("Radweg-Bilanz des Senats")
    expect(public.locator(".verdict strong")).to_have_text("Irreführend")
    expect(public.locator(".sources a")).to_have_attribute(
        "href", "https://statistik.example.org/verkehrsunfaelle-2024"
    )
    expect(public.locator(".corrections li")).to_contain_text("Die Statistik nennt die E-Bike-Zahl getrennt.")
    review = json.loads(public.locator('script[type="application/ld+json"]').text_content())
    check_claimreview(review)
    assert review["claimReviewed"] == WORDING and review["reviewRating"]["name"] == "Irreführend"
    assert review["url"] == "https://faktencheck.example.org" + public.url.removeprefix(live_server.url)
    assert public.locator('link[rel="alternate"][type="application/atom+xml"]').get_attribute("href").endswith("/feed/")
    shoot(public, "public-factcheck")
    if folder := os.environ.get("DOCS_SCREENSHOTS"):
        target = Path(folder) if Path(folder).is_absolute() else PROJECT / folder
        target.mkdir(parents=True, exist_ok=True)
        public.screenshot(path=str(target / "public-factcheck.png"), full_page=True)
    reader.close()


def test_a_reader_finds_no_page_for_a_claim_not_yet_approved(browser, live_server):
    claim = make_claim(make_article(), language="de")
    reader = browser.new_context(locale="de-DE")
    response = reader.new_page().goto(f"{live_server.url}/factchecks/{claim.pk}/")
    assert response.status == 404
    reader.close()
