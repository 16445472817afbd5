"""A reviewer and an editor in a real browser: the German sample's claim from the queue to an approved verdict,
and an article's HTML shown as text without running it."""

import json
import re

import pytest
from playwright.sync_api import expect

from claims.models import Article, Claim, ClaimState, Verdict, WorkStatus
from claims.services.ingest import ingest
from claims.services.registry import embed_documents, import_registry
from reviews.models import ClaimEvent
from tests.conftest import SAMPLE_ARTICLE, SAMPLE_REGISTRY, make_user
from tests.factories import make_article, make_claim

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def log_in(page, live_server, username: str, shoot) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"{username}-password")
    shoot(page, f"login-{username}")
    page.click("button[type=submit]:has-text('Log in')")
    expect(page.locator("header .muted", has_text=username)).to_be_visible()


def log_out(page) -> None:
    page.click("button:has-text('Log out')")


@pytest.fixture
def sample_claim(db):
    """The German sample ingested and extracted, with the sample registry embedded, so that its claims have
    proposals; the claim with the best-scored document proposal."""
    import_registry(data=json.loads(SAMPLE_REGISTRY.read_text("utf-8")))
    embed_documents()
    result = ingest(content=SAMPLE_ARTICLE.read_text("utf-8"))
    claims = Claim.objects.filter(article=result.article, proposals__document__isnull=False).distinct()
    claim = claims.order_by("-checkworthiness", "pk").first()
    assert claim is not None, "the sample's claims got no document proposals"
    return claim


def test_a_reviewer_proposes_a_verdict_and_an_editor_approves_it(page, live_server, sample_claim, shoot):
    make_user("alice", "reviewer")
    make_user("erin", "editor")
    claim = sample_claim

    log_in(page, live_server, "alice", shoot)
    page.click("header a:has-text('My queue')")
    expect(page.locator("h1", has_text="My queue")).to_be_visible()
    shoot(page, "my-queue-empty")

    page.goto(f"{live_server.url}/claims/?article={claim.article_id}")
    expect(page.locator("tr[data-row]").first).to_be_visible()
    shoot(page, "all-claims")
    page.click(f"tr[data-row] a.claim-link[href^='/claims/{claim.pk}/']")
    expect(page.locator("#sentence")).to_have_text(claim.text)
    shoot(page, "claim")

    page.click("#action-take button[type=submit]")
    expect(page.locator("#messages")).to_contain_text("Done: Take.")

    first_proposal = page.locator("tr[data-proposal]:has([data-accept])").first
    proposal_id = first_proposal.get_attribute("id")
    first_proposal.locator("[data-accept]").click()
    expect(page.locator(f"#{proposal_id}")).to_contain_text("Accepted")
    shoot(page, "proposal-accepted")

    page.reload()
    page.check("#action-propose input[name=verdict][value=confirmed]")
    page.fill("#note-propose", "Witkoff said so on CNN; Bloomberg reported it.")
    page.click("#action-propose button[type=submit]")
    expect(page.locator("#messages")).to_contain_text("Done: Propose verdict.")
    shoot(page, "verdict-proposed")
    log_out(page)

    log_in(page, live_server, "erin", shoot)
    page.goto(f"{live_server.url}/claims/{claim.pk}/")
    page.click("#action-approve button[type=submit]")
    expect(page.locator("#messages")).to_contain_text("Done: Approve.")
    expect(page.locator("table.history")).to_contain_text("Verdict proposed → Approved")
    shoot(page, "approved")

    page.goto(f"{live_server.url}/claims/?status=confirmed")
    row = page.locator("tr[data-row]", has=page.locator(f"a[href^='/claims/{claim.pk}/']"))
    expect(row).to_contain_text("Confirmed")
    shoot(page, "queue-approved")

    page.click("header a:has-text('Dashboard')")
    expect(page.locator("#durations [data-figure=median]")).not_to_have_text("–")
    shoot(page, "dashboard")
    page.select_option("#language", "de")
    page.click("header button:has-text('Switch')")
    expect(page.locator("h1")).to_have_text("Übersicht")
    shoot(page, "dashboard-de")
    page.goto(f"{live_server.url}/claims/{claim.pk}/")
    expect(page.locator("table.history")).to_contain_text("Urteil vorgeschlagen → Freigegeben")
    shoot(page, "claim-de")

    claim.refresh_from_db()
    assert (claim.state, claim.verdict) == (ClaimState.APPROVED, Verdict.CONFIRMED)
    assert ClaimEvent.objects.filter(claim=claim).count() == 4


def test_keyboard_moves_through_the_list_and_accepts_with_a(page, live_server, sample_claim, shoot):
    make_user("alice", "reviewer")
    log_in(page, live_server, "alice", shoot)
    page.goto(f"{live_server.url}/claims/?article={sample_claim.article_id}")
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(page.locator("tr[data-row]").nth(1).locator("a.claim-link")).to_be_focused()
    page.keyboard.press("x")
    expect(page.locator("tr[data-row]").nth(1).locator("input[name=claims]")).to_be_checked()
    # An unverified claim can be taken, not given back: the action bar offers what every ticked claim allows.
    expect(page.locator("#bulk-action option[value=give_back]")).to_be_disabled()
    expect(page.locator("#bulk-action option[value=take]")).to_be_enabled()
    shoot(page, "list-ticked")
    page.goto(f"{live_server.url}/claims/{sample_claim.pk}/?article={sample_claim.article_id}")
    page.keyboard.press("a")
    expect(page.locator("tr.proposal-accepted").first).to_be_visible()
    shoot(page, "accepted-by-key")
    page.keyboard.press("j")
    expect(page).to_have_url(re.compile(r"/claims/\d+/\?article="))
    assert f"/claims/{sample_claim.pk}/" not in page.url


def test_a_selection_in_the_article_fills_the_add_claim_form(page, live_server, shoot):
    make_user("alice", "reviewer")
    article = make_article(text="Erster Satz mit Umlaut ü. Zweiter Satz 😀 hier. Dritter.")
    log_in(page, live_server, "alice", shoot)
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    start = article.text.index("Zweiter")
    end = article.text.index(" Dritter")
    page.evaluate(
        """([start, end]) => {
          const node = document.querySelector('[data-article-text]').firstChild;
          const text = node.textContent;
          const units = (cp) => Array.from(text).slice(0, cp).join('').length;
          const range = document.createRange();
          range.setStart(node, units(start));
          range.setEnd(node, units(end));
          const selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
          document.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
        }""",
        [start, end],
    )
    expect(page.locator("#claim-start")).to_have_value(str(start))
    expect(page.locator("#claim-end")).to_have_value(str(end))
    # The article is still being extracted, so the page reloads itself every 3 s, but not under a selection.
    assert article.extraction_status == WorkStatus.PENDING
    page.wait_for_timeout(4500)
    expect(page.locator("#claim-start")).to_have_value(str(start))
    page.click("#add-claim button[type=submit]")
    expect(page.locator("#messages")).to_contain_text("added")
    shoot(page, "claim-added")
    assert Claim.objects.get(article=article).text == "Zweiter Satz 😀 hier."


HOSTILE = 'Er schrieb <script>alert(1)</script> und <img src=x onerror="alert(2)"> dazu.'


def test_html_in_an_article_is_shown_as_text_and_never_runs(page, live_server, shoot):
    make_user("alice", "reviewer")
    article = make_article(text=HOSTILE)
    claim = make_claim(article, start=0, end=len(HOSTILE))
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, live_server, "alice", shoot)
    for name, path in [
        ("list", f"/claims/?article={article.pk}"),
        ("claim", f"/claims/{claim.pk}/"),
        ("article", f"/articles/{article.pk}/"),
    ]:
        page.goto(live_server.url + path)
        expect(page.get_by_text("<script>alert(1)</script>", exact=False).first).to_be_visible()
        shoot(page, f"escaped-{name}")
    assert dialogs == []


def test_the_background_work_status_updates_itself_and_stops_polling_when_done(page, live_server, shoot):
    make_user("alice", "reviewer")
    claim = make_claim(proposals_status=WorkStatus.RUNNING)
    Article.objects.filter(pk=claim.article_id).update(extraction_status=WorkStatus.DONE)
    log_in(page, live_server, "alice", shoot)
    page.goto(f"{live_server.url}/claims/{claim.pk}/")
    work = page.locator(f"#work-{claim.pk}")
    expect(work).to_contain_text("Running")
    expect(work).to_have_attribute("hx-trigger", "every 2s")
    shoot(page, "work-running")
    Claim.objects.filter(pk=claim.pk).update(proposals_status=WorkStatus.DONE)
    expect(work).to_contain_text("reload the page", timeout=10_000)
    expect(work).not_to_have_attribute("hx-trigger", "every 2s")
    shoot(page, "work-done")


def test_a_correction_swapped_in_by_htmx_leaves_the_other_forms_usable(page, live_server, shoot):
    make_user("alice", "reviewer")
    claim = make_claim(cited_outlet="Bild")
    log_in(page, live_server, "alice", shoot)
    page.goto(f"{live_server.url}/claims/{claim.pk}/")
    page.click("summary:has-text('Correct speaker, outlet or quote')")
    page.fill("#attribution-speaker", "Anna Beispiel")
    page.fill("#attribution-cited_outlet", "Reuters")
    page.click("#attribution button[type=submit]")
    expect(page.locator("#attribution")).to_contain_text("Correction saved.")
    expect(page.locator("#attribution")).to_contain_text("Reuters")
    expect(page.locator("#attribution")).to_have_attribute("data-claim-version", "1")
    shoot(page, "attribution-corrected")
    # The page was not reloaded: the transition form carries the new version and is not a conflict.
    page.click("#action-take button[type=submit]")
    expect(page.locator("#messages")).to_contain_text("Done: Take.")

    claim.refresh_from_db()
    assert (claim.speaker.name, claim.cited_outlet, claim.state) == ("Anna Beispiel", "Reuters", ClaimState.IN_REVIEW)
    assert claim.corrected_fields == ["speaker", "cited_outlet"] and claim.version == 2
