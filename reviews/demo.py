"""The demo's review story: a few of the demo articles' claims walked through the workflow by the demo users, so
that a first login shows every state (in review, awaiting approval, approved and published, under correction)
next to the claims nobody has touched yet.

Every step goes through `reviews.services`, as a reviewer's clicks would, so the history, the versions and the
published pages are the real thing. The story is played once: a claim somebody already worked on is left alone.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from claims.models import Article, Claim, ClaimState
from reviews import services


@dataclass(frozen=True)
class Step:
    """One claim's part in the story: found by a phrase of its sentence, taken and researched by `reviewer`; the
    later steps happen only when their fields are set."""

    article_title: str
    phrase: str
    reviewer: str
    evidence_url: str = ""
    evidence_note: str = ""
    verdict: str = ""
    rationale: str = ""
    # The editor who approves the proposed verdict.
    approver: str = ""
    # A reason to reopen the approved verdict for correction.
    reopen_reason: str = ""


STORY = [
    # Approved and published.
    Step(
        article_title="Stadtrat von Neuwalde beschließt Rekordhaushalt",
        phrase="jeden dritten Euro",
        reviewer="alice",
        evidence_url="https://neuwalde.example/haushalt-2026",
        evidence_note="Haushaltsplan 2026: 96 von 412 Millionen Euro für Schulen, Kitas und Weiterbildung (23 %).",
        verdict="misleading",
        rationale=(
            "Laut Haushaltsplan fließen 96 von 412 Millionen Euro in Schulen, Kitas und Weiterbildung, gut 23 Prozent: "
            "nicht jeder dritte, sondern knapp jeder vierte Euro."
        ),
        approver="erin",
    ),
    # Approved, then reopened for correction: the published verdict stays visible while it is checked again.
    Step(
        article_title="Stadtrat von Neuwalde beschließt Rekordhaushalt",
        phrase="412 Millionen Euro beschlossen",
        reviewer="alice",
        evidence_url="https://neuwalde.example/haushalt-2026",
        evidence_note="Haushaltsplan 2026: Ausgaben von 412 Millionen Euro.",
        verdict="confirmed",
        rationale="Der Haushaltsplan 2026 nennt Ausgaben von 412 Millionen Euro.",
        approver="erin",
        reopen_reason="Zu prüfen, ob „so viel wie nie zuvor“ stimmt: die Haushalte der Vorjahre fehlen noch.",
    ),
    # Awaiting an editor's approval.
    Step(
        article_title="Weniger Unfälle seit Bau der Radwege",
        phrase="um 40 Prozent gesunken",
        reviewer="alice",
        evidence_url="https://statistik.example/verkehr/neuwalde",
        evidence_note="Halbjahresbericht: 54 Unfälle nach 90, bei 25 Prozent weniger Radfahrten.",
        verdict="misleading",
        rationale=(
            "Die Unfälle gingen von 90 auf 54 zurück (minus 40 Prozent), aber im selben Zeitraum gab es 25 Prozent "
            "weniger Radfahrten: der Rückgang lässt sich nicht allein den Radwegen zuschreiben."
        ),
    ),
    # In review, with evidence found so far.
    Step(
        article_title="Harbour town says new wind farm will power every home",
        phrase="more than twice what our homes use",
        reviewer="bob",
        evidence_url="https://eastmere.example/energy/wind",
        evidence_note="Project summary: expected output about 1.5 times household use, not more than twice.",
    ),
]


def play(stdout=None) -> list[str]:
    """Play the story on the demo articles; returns a line per claim saying where it stands."""
    users = {user.username: user for user in get_user_model().objects.filter(username__in=_usernames())}
    lines = []
    for step in STORY:
        claim = _find(step)
        if claim is None:
            lines.append(f"not found: {step.phrase!r} in {step.article_title!r}")
            continue
        if claim.touched_at is None:
            _play_step(step, claim, users)
            claim.refresh_from_db()
        state = ClaimState(claim.state).label
        if claim.verdict_under_correction:
            state = f"{state} (under correction)"
        lines.append(f"claim {claim.pk}: {state}: {claim.text[:60]}")
    return lines


def _usernames() -> set[str]:
    return {name for step in STORY for name in (step.reviewer, step.approver) if name} | {"erin"}


def _find(step: Step) -> Claim | None:
    article = Article.objects.filter(title=step.article_title).first()
    if article is None:
        return None
    return Claim.objects.filter(article=article, text__contains=step.phrase).order_by("start").first()


@transaction.atomic
def _play_step(step: Step, claim: Claim, users: dict) -> None:
    reviewer = users[step.reviewer]
    services.transition(claim_id=claim.pk, action="take", actor=reviewer)
    if step.evidence_url:
        services.add_evidence(claim_id=claim.pk, actor=reviewer, url=step.evidence_url, note=step.evidence_note)
    if not step.verdict:
        return
    services.transition(claim_id=claim.pk, action="propose", actor=reviewer, verdict=step.verdict, note=step.rationale)
    if not step.approver:
        return
    services.transition(claim_id=claim.pk, action="approve", actor=users[step.approver])
    if step.reopen_reason:
        services.transition(claim_id=claim.pk, action="reopen", actor=users["erin"], note=step.reopen_reason)
