"""One rule for every write of the review: each write, made by each kind of person on a claim in each state, is done
or refused as the table below says, and refused means nothing written.

The table is written out here, apart from `reviews.workflow`, so that a change of the rules shows as a failing
row. The people: bob, the reviewer the claim is assigned to ("assignee"); alice, another reviewer ("other"); alice
on a claim nobody has ("free"); erin, an editor; cms, an API client; oscar, who has no role. A verdict on the claim
was proposed by bob.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim, ClaimState, Proposal, ProposalMethod, Verdict
from reviews import services
from reviews.models import ClaimEvent, Comment, Evidence
from reviews.refusals import NotPermitted, Refusal, WrongState
from tests.conftest import make_user
from tests.factories import make_article, make_claim, make_document

pytestmark = pytest.mark.django_db

DISMISSED = "dismissed"
STATES = [ClaimState.UNVERIFIED, ClaimState.IN_REVIEW, ClaimState.VERDICT_PROPOSED, ClaimState.APPROVED, DISMISSED]
ROLES = ["assignee", "other", "free", "editor", "api-client", "outsider"]

UNTIL_APPROVED = {ClaimState.UNVERIFIED, ClaimState.IN_REVIEW, ClaimState.VERDICT_PROPOSED}
BEFORE_VERDICT = {ClaimState.UNVERIFIED, ClaimState.IN_REVIEW}
DESK = {"assignee", "other", "free", "editor"}
EDITORS = {"editor"}

# write -> (the states it is made in, who holds the role for it, whether the claim must be free or one's own)
RULES = {
    "take": ({ClaimState.UNVERIFIED}, DESK, True),
    "give_back": ({ClaimState.IN_REVIEW}, DESK, True),
    "propose": ({ClaimState.IN_REVIEW}, DESK, True),
    "send_back": ({ClaimState.VERDICT_PROPOSED}, EDITORS, True),
    "approve": ({ClaimState.VERDICT_PROPOSED}, EDITORS, True),
    "reopen": ({ClaimState.APPROVED}, EDITORS, True),
    "assign": (UNTIL_APPROVED, EDITORS, True),
    "correct": (UNTIL_APPROVED, DESK, True),
    "add_evidence": (UNTIL_APPROVED, DESK, True),
    "accept_proposal": (UNTIL_APPROVED, DESK, True),
    "reject_proposal": (UNTIL_APPROVED, DESK, True),
    "comment": (set(STATES), DESK, False),
    "dismiss": (BEFORE_VERDICT, DESK, True),
    "restore": ({DISMISSED}, DESK, True),
    "merge": (BEFORE_VERDICT, DESK, True),
    "propose_again": (UNTIL_APPROVED, DESK, True),
    "unlink_duplicate": (UNTIL_APPROVED, DESK, True),
}


def expected(write: str, role: str, state: str) -> str:
    states, roles, own_or_free = RULES[write]
    if role not in roles:
        return "not permitted"
    if state not in states:
        return "wrong state"
    if own_or_free and role == "other":
        return "not permitted"
    return "done"


def transition(action, **request):
    return lambda case, actor: services.transition(claim_id=case.claim.pk, action=action, actor=actor, **request)


WRITES = {
    "take": transition("take"),
    "give_back": transition("give_back"),
    "propose": transition("propose", verdict=Verdict.FALSE, note="The statistics office says otherwise."),
    "send_back": transition("send_back", note="The source is too weak."),
    "approve": transition("approve"),
    "reopen": transition("reopen", note="A correction."),
    "assign": lambda case, actor: services.assign(claim_id=case.claim.pk, assignee=case.people["alice"], actor=actor),
    "correct": lambda case, actor: services.correct_attribution(
        claim_id=case.claim.pk, actor=actor, cited_outlet="Reuters"
    ),
    "add_evidence": lambda case, actor: services.add_evidence(
        claim_id=case.claim.pk, actor=actor, url="https://www.destatis.de/new"
    ),
    "accept_proposal": lambda case, actor: services.decide_proposal(
        proposal_id=case.proposal.pk, actor=actor, accept=True
    ),
    "reject_proposal": lambda case, actor: services.decide_proposal(
        proposal_id=case.proposal.pk, actor=actor, accept=False
    ),
    "comment": lambda case, actor: services.add_comment(claim_id=case.claim.pk, actor=actor, text="Asked the police."),
    "dismiss": lambda case, actor: services.dismiss(claim_id=case.claim.pk, actor=actor, reason="A headline."),
    "restore": lambda case, actor: services.restore(claim_id=case.claim.pk, actor=actor),
    "merge": lambda case, actor: services.merge(claim_ids=[case.claim.pk, case.neighbour.pk], actor=actor),
    "propose_again": lambda case, actor: services.propose_again(claim_id=case.claim.pk, actor=actor),
    "unlink_duplicate": lambda case, actor: services.unlink_duplicate(
        claim_id=case.claim.pk, actor=actor, reason="Another year's figures."
    ),
}


class Case:
    """A claim in `state`, assigned to bob unless it is free, with evidence, an open proposal, a free neighbour
    in the same article (to merge with) and a link to an earlier claim the proposals took for the same."""

    def __init__(self, people: dict, state: str, *, free: bool):
        fields = {"state": ClaimState.UNVERIFIED if state == DISMISSED else state, "duplicate_of": make_claim()}
        if not free:
            fields["assignee"] = people["bob"]
        if state in (ClaimState.VERDICT_PROPOSED, ClaimState.APPROVED):
            fields.update(verdict=Verdict.FALSE, verdict_rationale="because", verdict_proposed_by=people["bob"])
        if state == ClaimState.APPROVED:
            fields.update(approved_by=people["erin"], approved_at=timezone.now())
        if state == DISMISSED:
            fields.update(dismissed_at=timezone.now(), dismissal_reason="not a claim")
        self.people = people
        article = make_article()
        self.claim = make_claim(article, start=0, end=8, **fields)
        self.neighbour = make_claim(article, start=10, end=18)
        Evidence.objects.create(claim=self.claim, url="https://www.destatis.de/")
        self.proposal = Proposal.objects.create(
            claim=self.claim, document=make_document(), method=ProposalMethod.HYBRID, score=0.8, reason="shares words"
        )

    def record(self) -> tuple:
        """Everything a write may change: the claims, the history, evidence, proposals and comments."""
        claims = tuple(
            Claim.objects.filter(pk__in=[self.claim.pk, self.neighbour.pk])
            .order_by("pk")
            .values_list("version", "state", "assignee_id", "dismissed_at", "end", "cited_outlet", "duplicate_of_id")
        )
        return (
            claims,
            ClaimEvent.objects.filter(claim__in=[self.claim, self.neighbour]).count(),
            Evidence.objects.filter(claim=self.claim).count(),
            tuple(Proposal.objects.filter(claim=self.claim).values_list("status", flat=True)),
            Comment.objects.filter(claim=self.claim).count(),
        )


@pytest.fixture
def people(alice, erin, cms, oscar):
    return {"alice": alice, "erin": erin, "cms": cms, "oscar": oscar, "bob": make_user("bob", "reviewer")}


ACTORS = {
    "assignee": "bob",
    "other": "alice",
    "free": "alice",
    "editor": "erin",
    "api-client": "cms",
    "outsider": "oscar",
}


def outcome(write: str, role: str, state: str, people: dict) -> str:
    case = Case(people, state, free=role == "free")
    actor = people[ACTORS[role]]
    before = case.record()
    try:
        result = WRITES[write](case, actor)
    except Refusal as refusal:
        assert case.record() == before, f"{write} by {role} in {state} was refused but wrote"
        if isinstance(refusal, WrongState):
            return "wrong state"
        if isinstance(refusal, NotPermitted):
            return "not permitted"
        return f"{refusal.kind}: {refusal}"
    if write == "propose_again":
        # Work asked of the machine, not a change of the record: no history.
        assert result is True and ClaimEvent.objects.count() == before[1]
        return "done"
    # Done: the history names the person, on the claim written.
    latest = ClaimEvent.objects.filter(claim=case.claim).order_by("-pk").first()
    assert latest is not None and latest.actor == actor and latest.actor_name == actor.username
    return "done"


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("write", WRITES)
def test_each_write_is_done_or_refused_for_each_person_as_the_rules_say(write, state, people):
    got = {role: outcome(write, role, state, people) for role in ROLES}
    assert got == {role: expected(write, role, state) for role in ROLES}


@pytest.mark.parametrize("role", ROLES)
def test_a_claim_is_added_by_hand_by_the_desk_only(role, people):
    article = make_article()
    actor = people[ACTORS[role]]
    if role in DESK:
        claim = services.add_claim(article_id=article.pk, start=0, end=8, actor=actor)
        assert ClaimEvent.objects.get(claim=claim).actor == actor
    else:
        with pytest.raises(NotPermitted):
            services.add_claim(article_id=article.pk, start=0, end=8, actor=actor)
        assert not Claim.objects.filter(article=article).exists() and not ClaimEvent.objects.exists()


def test_an_editor_who_proposed_the_verdict_may_not_approve_it_under_the_same_rule(people):
    erin = people["erin"]
    claim = make_claim(state=ClaimState.VERDICT_PROPOSED, verdict=Verdict.FALSE, verdict_proposed_by=erin)
    with pytest.raises(NotPermitted):
        services.transition(claim_id=claim.pk, action="approve", actor=erin)
    assert Claim.objects.get(pk=claim.pk).state == ClaimState.VERDICT_PROPOSED


def test_the_writes_a_page_offers_are_the_ones_the_rule_allows(people):
    case = Case(people, ClaimState.APPROVED, free=False)
    assert services.allowed_writes(case.claim, people["erin"]) == {"comment"}
    case = Case(people, ClaimState.IN_REVIEW, free=False)
    assert services.allowed_writes(case.claim, people["alice"]) == {"comment"}
    assert services.allowed_writes(case.claim, people["bob"]) == {
        "correct",
        "add_evidence",
        "decide_proposal",
        "comment",
        "dismiss",
        "merge",
        "propose_again",
        "unlink_duplicate",
    }
    assert services.allowed_writes(case.claim, people["cms"]) == set()


def test_every_write_of_the_workflow_has_a_row_here():
    """A new write on a claim gets a row of its own here, or it is not tested under the rule."""
    from reviews import workflow

    named = {"accept_proposal": "decide_proposal", "reject_proposal": "decide_proposal"}
    table = {named.get(name, name) for name in RULES} | {"add_claim"}
    assert table == set(workflow.TRANSITIONS) | set(workflow.WRITES)


# The claim page's forms, each found by the address it posts to: the page offers a write exactly where the table
# above says it is done (merging is offered on the article's page, with the claims to merge ticked there).
PAGE_FORMS = {
    "assign": lambda case: reverse("reviews:claim-assign", args=[case.claim.pk]),
    "correct": lambda case: reverse("reviews:correct-attribution", args=[case.claim.pk]),
    "add_evidence": lambda case: reverse("reviews:add-evidence", args=[case.claim.pk]),
    "accept_proposal": lambda case: reverse("reviews:decide-proposal", args=[case.proposal.pk]),
    "comment": lambda case: reverse("reviews:add-comment", args=[case.claim.pk]),
    "dismiss": lambda case: reverse("reviews:dismiss", args=[case.claim.pk]),
    "restore": lambda case: reverse("reviews:restore", args=[case.claim.pk]),
    "propose_again": lambda case: reverse("reviews:propose-again", args=[case.claim.pk]),
    "unlink_duplicate": lambda case: reverse("reviews:unlink-duplicate", args=[case.claim.pk]),
}


@pytest.mark.parametrize("state", STATES)
def test_the_claim_page_offers_the_forms_the_rule_allows_and_no_other(state, people, client):
    for role in ROLES:
        case = Case(people, state, free=role == "free")
        client.force_login(people[ACTORS[role]])
        response = client.get(reverse("reviews:claim-detail", args=[case.claim.pk]))
        if role == "outsider":
            assert response.status_code == 403
            continue
        page = response.content.decode()
        offered = {write for write, address in PAGE_FORMS.items() if f'action="{address(case)}"' in page}
        allowed = {write for write in PAGE_FORMS if expected(write, role, state) == "done"}
        assert offered == allowed, f"{role} in {state}"
