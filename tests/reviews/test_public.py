"""The published fact-checks, for readers: a page per approved claim (no login) with its ClaimReview embedded, at
an address that stays; the list and the Atom feed; nothing of a claim that was never approved; the last published
verdict, with a note, while a claim is corrected; the desk's language for the rating whatever the browser asks."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from claims.models import Claim, Speaker, SpeakerKind
from reviews import services
from tests.factories import make_article, make_claim

pytestmark = pytest.mark.django_db

ARTICLE_TEXT = (
    "Radweg-Bilanz\n\nDie Zahl der Radunfälle ist 2024 um 12 Prozent gestiegen, sagte die Senatorin in einer "
    "Sendung des RBB. Der Haushalt wächst um drei Millionen Euro."
)
SENTENCE = "Die Zahl der Radunfälle ist 2024 um 12 Prozent gestiegen, sagte die Senatorin in einer Sendung des RBB."
WORDING = "Die Zahl der Radunfälle ist 2024 um 12 Prozent gestiegen."
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def desk(settings):
    settings.PUBLIC_BASE_URL = "https://faktencheck.example.org"
    settings.FACTCHECK_ORGANISATION_NAME = "Faktencheck-Desk"
    settings.FACTCHECK_ORGANISATION_URL = "https://faktencheck.example.org/about/"
    settings.FACTCHECK_LANGUAGE = "de"


@pytest.fixture
def claim(db):
    article = make_article(text=ARTICLE_TEXT, url="https://zeitung.example.org/radweg", language="de")
    start = ARTICLE_TEXT.index(SENTENCE)
    speaker = Speaker.objects.create(name="Anna Beispiel", kind=SpeakerKind.PERSON)
    return make_claim(article, start=start, end=start + len(SENTENCE), language="de", speaker=speaker)


def approve(claim, *, reviewer, editor, verdict="misleading", claim_reviewed=None, note="Nur E-Bikes: plus 12 %."):
    services.transition(claim_id=claim.pk, action="take", actor=reviewer)
    services.add_evidence(
        claim_id=claim.pk, actor=reviewer, url="https://statistik.example.org/unfaelle", note="Tabelle 3: plus 4 %."
    )
    services.transition(
        claim_id=claim.pk,
        action="propose",
        actor=reviewer,
        verdict=verdict,
        note=note,
        claim_reviewed=claim_reviewed,
    )
    return services.transition(claim_id=claim.pk, action="approve", actor=editor)


def page_address(claim) -> str:
    return f"/factchecks/{claim.pk}-die-zahl-der-radunfalle-ist-2024-um-12-prozent-gestiegen/"


def embedded_claimreview(html: str) -> dict:
    found = re.search(r'<script type="application/ld\+json" id="claimreview">(.*?)</script>', html, re.S)
    assert found, "no ClaimReview on the page"
    return json.loads(found.group(1))


def test_an_approved_claim_has_a_public_page_anyone_can_read(claim, alice, erin):
    approve(claim, reviewer=alice, editor=erin)
    response = Client().get(page_address(claim))
    assert response.status_code == 200
    html = response.content.decode()
    assert WORDING in html and SENTENCE in html
    assert "Irreführend" in html and "Nur E-Bikes: plus 12 %." in html and "Anna Beispiel" in html
    assert '<a href="https://statistik.example.org/unfaelle" rel="nofollow noopener">' in html
    assert "Tabelle 3: plus 4 %." in html
    assert '<a href="https://zeitung.example.org/radweg"' in html
    assert "Keine Korrekturen." in html
    # Nothing of the review's workings: no names of the desk's people, no links into the login-protected app.
    assert "alice" not in html and "erin" not in html and f"/claims/{claim.pk}/" not in html
    assert '<link rel="alternate" type="application/atom+xml" href="/factchecks/feed/"' in html
    assert f'<link rel="canonical" href="https://faktencheck.example.org{page_address(claim)}">' in html


@pytest.mark.parametrize("state", ["unverified", "in_review", "verdict_proposed"])
def test_a_claim_without_an_approved_verdict_has_no_public_page(claim, alice, state):
    if state != "unverified":
        services.transition(claim_id=claim.pk, action="take", actor=alice)
    if state == "verdict_proposed":
        services.transition(claim_id=claim.pk, action="propose", actor=alice, verdict="unverifiable", note="n")
    assert Claim.objects.get(pk=claim.pk).state == state
    client = Client()
    assert client.get(page_address(claim)).status_code == 404
    assert client.get(f"/factchecks/{claim.pk}/").status_code == 404
    assert WORDING not in client.get("/factchecks/").content.decode()
    assert WORDING not in client.get("/factchecks/feed/").content.decode()


def test_an_unknown_id_is_not_found():
    assert Client().get("/factchecks/999999-anything/").status_code == 404


def test_the_short_address_and_an_old_slug_lead_to_the_page(claim, alice, erin):
    approve(claim, reviewer=alice, editor=erin)
    client = Client()
    for address in (f"/factchecks/{claim.pk}/", f"/factchecks/{claim.pk}-an-older-wording/"):
        response = client.get(address)
        assert response.status_code == 301 and response["Location"] == page_address(claim)


def test_the_page_embeds_the_claimreview_the_api_serves(claim, alice, erin, cms):
    from tests.api.conftest import key_client

    approve(claim, reviewer=alice, editor=erin)
    embedded = embedded_claimreview(Client().get(page_address(claim)).content.decode())
    served = key_client(cms, "read").get(f"/api/v1/claims/{claim.pk}/claimreview").json()
    assert embedded == served
    assert embedded["url"] == f"https://faktencheck.example.org{page_address(claim)}"
    assert embedded["claimReviewed"] == WORDING


@pytest.mark.parametrize("accept_language", ["en", "de", "en-US,en;q=0.9", "fr"])
def test_the_browser_language_changes_neither_the_page_nor_its_rating(claim, alice, erin, accept_language):
    approve(claim, reviewer=alice, editor=erin)
    response = Client().get(page_address(claim), HTTP_ACCEPT_LANGUAGE=accept_language)
    html = response.content.decode()
    assert response["Content-Language"] == "de" and '<html lang="de">' in html
    assert embedded_claimreview(html)["reviewRating"]["name"] == "Irreführend"
    assert ">Irreführend</strong>" in html and "Misleading" not in html


def test_a_language_cookie_does_not_change_the_rating_either(claim, alice, erin, settings):
    approve(claim, reviewer=alice, editor=erin, verdict="confirmed")
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    rating = embedded_claimreview(client.get(page_address(claim)).content.decode())["reviewRating"]
    assert (rating["name"], rating["alternateName"]) == ("Bestätigt", "Richtig")


def test_an_english_desk_publishes_in_english_to_a_german_browser(claim, alice, erin, settings):
    settings.FACTCHECK_LANGUAGE = "en"
    approve(claim, reviewer=alice, editor=erin, verdict="false")
    html = Client().get(page_address(claim), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    rating = embedded_claimreview(html)["reviewRating"]
    assert (rating["name"], rating["alternateName"]) == ("False", "False") and "No corrections." in html


def test_the_wording_the_reviewer_set_is_the_one_published(claim, alice, erin):
    approve(claim, reviewer=alice, editor=erin, claim_reviewed="  Die Radunfälle   nahmen 2024 um 12 % zu. ")
    response = Client().get(f"/factchecks/{claim.pk}/", follow=True)
    assert response.redirect_chain[-1][0] == f"/factchecks/{claim.pk}-die-radunfalle-nahmen-2024-um-12-zu/"
    assert embedded_claimreview(response.content.decode())["claimReviewed"] == "Die Radunfälle nahmen 2024 um 12 % zu."


def test_a_claim_under_correction_shows_the_verdict_published_last_with_a_note(claim, alice, erin):
    approve(claim, reviewer=alice, editor=erin, verdict="misleading")
    services.transition(claim_id=claim.pk, action="reopen", actor=erin, note="Neue Zahlen des Amts.")
    services.add_evidence(claim_id=claim.pk, actor=alice, url="https://amt.example.org/neu", note="noch ungeprüft")
    services.transition(
        claim_id=claim.pk,
        action="propose",
        actor=alice,
        verdict="false",
        note="Eine neue, noch nicht freigegebene Begründung.",
        claim_reviewed="Eine neue Fassung.",
    )
    response = Client().get(page_address(claim))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dieser Faktencheck wird korrigiert." in html
    assert ">Irreführend</strong>" in html and "Nur E-Bikes: plus 12 %." in html and WORDING in html
    # What is being reviewed again is not published until an editor approves it.
    assert "nicht freigegebene" not in html and "Eine neue Fassung." not in html and "amt.example.org" not in html
    assert "Neue Zahlen des Amts." in html and "Korrektur läuft" in html
    review = embedded_claimreview(html)
    assert review["reviewRating"]["name"] == "Irreführend" and review["claimReviewed"] == WORDING


def test_a_correction_once_approved_is_listed_with_its_reason(claim, alice, erin):
    approve(claim, reviewer=alice, editor=erin, verdict="misleading")
    services.transition(claim_id=claim.pk, action="reopen", actor=erin, note="Neue Zahlen des Amts.")
    services.transition(
        claim_id=claim.pk, action="propose", actor=alice, verdict="false", note="Laut Amt: minus 3 %.",
        claim_reviewed="Die Radunfälle stiegen 2024 um 12 Prozent.",
    )  # fmt: skip
    services.transition(claim_id=claim.pk, action="approve", actor=erin)
    response = Client().get(f"/factchecks/{claim.pk}/", follow=True)
    html = response.content.decode()
    assert "Dieser Faktencheck wird korrigiert." not in html
    assert ">Falsch</strong>" in html and "Laut Amt: minus 3 %." in html
    assert "Neue Zahlen des Amts." in html and "Urteil geändert" in html and "Wortlaut der Behauptung geändert" in html
    assert embedded_claimreview(html)["claimReviewed"] == "Die Radunfälle stiegen 2024 um 12 Prozent."


def test_the_feed_lists_published_fact_checks_and_the_page_links_it(claim, alice, erin):
    approve(claim, reviewer=alice, editor=erin)
    unpublished = make_claim(make_article(), language="de")
    response = Client().get("/factchecks/feed/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    entry = entries[0]
    assert entry.find(f"{ATOM}title").text == f"Irreführend: {WORDING}"
    assert entry.find(f"{ATOM}link").get("href") == f"https://faktencheck.example.org{page_address(claim)}"
    assert entry.find(f"{ATOM}summary").text == "Nur E-Bikes: plus 12 %."
    assert feed.find(f"{ATOM}title").text == "Faktenchecks von Faktencheck-Desk"
    assert str(unpublished.pk) not in [e.find(f"{ATOM}id").text.rstrip("/").rsplit("/", 1)[-1] for e in entries]


def test_the_list_links_each_published_fact_check(claim, alice, erin):
    approve(claim, reviewer=alice, editor=erin)
    html = Client().get("/factchecks/").content.decode()
    assert f'href="{page_address(claim)}"' in html and "Irreführend" in html


def test_the_public_pages_take_no_writes(claim, alice, erin):
    approve(claim, reviewer=alice, editor=erin)
    assert Client().post(page_address(claim)).status_code == 405


def test_a_source_links_only_to_web_addresses(claim, alice, erin):
    from claims.models import Proposal, ProposalMethod

    services.transition(claim_id=claim.pk, action="take", actor=alice)
    for url, title in (("javascript:alert(1)", "Ein Skript"), ("https://faktencheck.example.net/7", "Früherer Check")):
        proposal = Proposal.objects.create(
            claim=claim, method=ProposalMethod.EXTERNAL, score=0.5, external_url=url, external_title=title
        )
        services.decide_proposal(proposal_id=proposal.pk, actor=alice, accept=True)
    services.transition(claim_id=claim.pk, action="propose", actor=alice, verdict="false", note="n")
    services.transition(claim_id=claim.pk, action="approve", actor=erin)
    html = Client().get(page_address(claim)).content.decode()
    assert "javascript:" not in html and "<li>Ein Skript</li>" in html
    assert '<a href="https://faktencheck.example.net/7" rel="nofollow noopener">Früherer Check</a>' in html


def test_a_crawler_s_head_request_is_answered(claim, alice, erin):
    approve(claim, reviewer=alice, editor=erin)
    client = Client()
    for address in (page_address(claim), "/factchecks/", "/factchecks/feed/"):
        assert client.head(address).status_code == 200


def test_an_earlier_fact_check_given_as_evidence_links_to_its_public_page(claim, alice, erin):
    from claims.models import Proposal, ProposalMethod

    earlier = make_claim(make_article(text="Die Radunfälle nehmen zu.", language="de"), start=0, end=25)
    approve(earlier, reviewer=alice, editor=erin, verdict="false")
    unpublished = make_claim(make_article(text="Radwege sind sicherer.", language="de"), start=0, end=22)
    services.transition(claim_id=claim.pk, action="take", actor=alice)
    for other in (earlier, unpublished):
        proposal = Proposal.objects.create(
            claim=claim, method=ProposalMethod.EARLIER_CLAIM, score=0.9, earlier_claim=other
        )
        services.decide_proposal(proposal_id=proposal.pk, actor=alice, accept=True)
    services.transition(claim_id=claim.pk, action="propose", actor=alice, verdict="false", note="wie zuvor")
    services.transition(claim_id=claim.pk, action="approve", actor=erin)
    html = Client().get(page_address(claim)).content.decode()
    assert f'<a href="https://faktencheck.example.org/factchecks/{earlier.pk}/" rel="nofollow noopener">' in html
    # A claim without a published verdict is named, not linked: its page does not exist.
    assert "<li>Radwege sind sicherer.</li>" in html
