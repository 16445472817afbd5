"""Evidence pages kept as they were: on accepting a proposal with an address, or adding a URL, a snapshot of the
page is fetched in the background through the article fetcher's address checks, with its text, hash, time, final
address and HTTP status; a page that cannot be fetched leaves the reason."""

# ruff: noqa: F811 (the web server fixtures are imported, then named as arguments)

import hashlib

import pytest
from django.urls import reverse

from claims.models import ClaimState, Proposal, ProposalMethod, WorkStatus
from reviews import services, snapshots
from reviews.models import Evidence, EvidenceSnapshot
from tests.claims.conftest import allowed_web, web  # noqa: F401 (fixtures, found by name; F811 below)
from tests.factories import make_claim, make_document

pytestmark = pytest.mark.django_db

PAGE = """<!doctype html><html lang="de"><head><title>Bevölkerungsstand</title></head><body>
<nav>Startseite Themen Presse</nav>
<article><h1>Bevölkerungsstand</h1>
<p>Ende 2024 lebten 83,6 Millionen Menschen in Deutschland, rund 100 000 mehr als ein Jahr zuvor.</p>
<p>Das Wachstum geht auf Zuwanderung zurück; die Zahl der Geburten lag unter der Zahl der Sterbefälle.</p>
</article></body></html>"""


def accept_document(alice, url: str, capture) -> Evidence:
    claim = make_claim(state=ClaimState.IN_REVIEW, assignee=alice)
    proposal = Proposal.objects.create(
        claim=claim, method=ProposalMethod.LEXICAL, score=0.7, document=make_document(url=url)
    )
    with capture(execute=True):
        services.decide_proposal(proposal_id=proposal.pk, actor=alice, accept=True)
    return Evidence.objects.select_related("snapshot").get(proposal=proposal)


def test_accepting_a_document_keeps_a_snapshot_of_its_page(allowed_web, alice, django_capture_on_commit_callbacks):
    url = allowed_web.add("/bevoelkerung", PAGE)
    evidence = accept_document(alice, url, django_capture_on_commit_callbacks)
    snapshot = evidence.snapshot
    assert snapshot.status == WorkStatus.DONE, snapshot.error
    assert snapshot.url == url and snapshot.final_url == url and snapshot.http_status == 200
    assert "83,6 Millionen Menschen" in snapshot.text and "Startseite" not in snapshot.text
    assert snapshot.sha256 == hashlib.sha256(snapshot.text.encode()).hexdigest()
    assert snapshot.fetched_at is not None and snapshot.queued_at is not None and snapshot.error == ""


def test_the_snapshot_records_where_a_redirect_led(allowed_web, alice, django_capture_on_commit_callbacks):
    final = allowed_web.add("/neu", "Die Zahl stimmt.", content_type="text/plain; charset=utf-8")
    url = allowed_web.redirect("/alt", final, status=301)
    snapshot = accept_document(alice, url, django_capture_on_commit_callbacks).snapshot
    assert (snapshot.status, snapshot.final_url, snapshot.text) == (WorkStatus.DONE, final, "Die Zahl stimmt.")


def test_a_page_gone_leaves_a_failed_snapshot_with_the_status(allowed_web, alice, django_capture_on_commit_callbacks):
    url = allowed_web.add("/weg", "Gone", content_type="text/plain", status=410)
    snapshot = accept_document(alice, url, django_capture_on_commit_callbacks).snapshot
    assert snapshot.status == WorkStatus.FAILED and snapshot.http_status == 410
    assert "410" in snapshot.error and snapshot.text == "" and snapshot.sha256 == ""


def test_a_private_address_is_not_fetched(web, alice, django_capture_on_commit_callbacks):
    """The local server is on loopback and not on the allow-list: the fetcher's checks refuse it."""
    url = web.add("/intern", PAGE)
    snapshot = accept_document(alice, url, django_capture_on_commit_callbacks).snapshot
    assert snapshot.status == WorkStatus.FAILED and "loopback" in snapshot.error.lower()
    assert web.requests == []


def test_a_reviewers_url_gets_a_snapshot_too(allowed_web, alice, django_capture_on_commit_callbacks):
    claim = make_claim(state=ClaimState.IN_REVIEW, assignee=alice)
    url = allowed_web.add("/bericht", PAGE)
    with django_capture_on_commit_callbacks(execute=True):
        evidence = services.add_evidence(claim_id=claim.pk, actor=alice, url=url, note="the figure")
    assert EvidenceSnapshot.objects.get(evidence=evidence).status == WorkStatus.DONE


def test_a_lead_without_an_address_gets_no_snapshot(alice, django_capture_on_commit_callbacks):
    from tests.factories import make_source

    claim = make_claim(state=ClaimState.IN_REVIEW, assignee=alice)
    proposal = Proposal.objects.create(claim=claim, method=ProposalMethod.ALIAS, score=0.5, source=make_source())
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_proposal(proposal_id=proposal.pk, actor=alice, accept=True)
    assert not EvidenceSnapshot.objects.exists()


def test_taking_a_snapshot_twice_fetches_once(allowed_web, alice, django_capture_on_commit_callbacks):
    url = allowed_web.add("/einmal", PAGE)
    snapshot = accept_document(alice, url, django_capture_on_commit_callbacks).snapshot
    assert snapshots.take_snapshot(snapshot_id=snapshot.pk) is None
    assert len(allowed_web.requests) == 1
    snapshot.refresh_from_db()
    assert snapshot.status == WorkStatus.DONE


def test_the_claim_page_shows_the_snapshots_time_and_hash(
    client, allowed_web, alice, django_capture_on_commit_callbacks
):
    url = allowed_web.add("/seite", PAGE)
    evidence = accept_document(alice, url, django_capture_on_commit_callbacks)
    client.force_login(alice)
    page = client.get(reverse("reviews:claim-detail", args=[evidence.claim_id])).content.decode()
    box = page.split('id="evidence-list"', 1)[1].split("</ul>", 1)[0]
    assert f'href="{url}"' in box
    assert evidence.snapshot.sha256 in box and "Page kept on" in box and "(HTTP 200)" in box


def test_the_claim_page_shows_why_a_page_could_not_be_kept(client, web, alice, django_capture_on_commit_callbacks):
    url = web.add("/intern", PAGE)
    evidence = accept_document(alice, url, django_capture_on_commit_callbacks)
    client.force_login(alice)
    page = client.get(reverse("reviews:claim-detail", args=[evidence.claim_id])).content.decode()
    assert "The page could not be kept" in page and evidence.snapshot.error[:30] in page


def test_the_sweep_sends_a_snapshot_the_broker_never_got(allowed_web, alice):
    """A snapshot left pending with no queued time (the broker was down on commit) is sent again by the sweep."""
    claim = make_claim(state=ClaimState.IN_REVIEW, assignee=alice)
    evidence = Evidence.objects.create(claim=claim, url=allowed_web.add("/spaeter", PAGE), added_by=alice)
    snapshot = EvidenceSnapshot.objects.create(evidence=evidence, url=evidence.url)
    assert snapshots.sweep_stranded_snapshots() == 1
    snapshot.refresh_from_db()
    assert snapshot.status == WorkStatus.DONE and snapshot.queued_at is not None
    assert snapshots.sweep_stranded_snapshots() == 0


def test_the_sweep_is_on_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "reviews.sweep_stranded_snapshots" in tasks


def test_the_migration_gives_earlier_evidence_its_proposals_document_source_and_address(alice):
    import importlib

    from django.apps import apps

    from_proposals = importlib.import_module("reviews.migrations.0008_evidence_document_source_snapshot").from_proposals
    claim = make_claim(state=ClaimState.IN_REVIEW, assignee=alice)
    document = make_document(url="https://example.org/report")
    proposal = Proposal.objects.create(claim=claim, method=ProposalMethod.LEXICAL, score=0.7, document=document)
    evidence = Evidence.objects.create(claim=claim, proposal=proposal)
    from_proposals(apps, None)
    evidence.refresh_from_db()
    assert (evidence.document, evidence.source, evidence.url) == (document, document.source, document.url)
