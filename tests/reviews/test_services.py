"""Deciding on proposals and correcting speaker, cited outlet and quote: the rows written, the history,
permissions, states, stale pages and double submits."""

import pytest

from claims.models import Claim, ClaimState, Proposal, ProposalMethod, ProposalStatus, Speaker, SpeakerKind, Verdict
from reviews import services, workflow
from reviews.models import ClaimEvent, EventKind, Evidence
from reviews.published import default_claim_reviewed
from reviews.refusals import Invalid, NotPermitted
from tests.conftest import make_user
from tests.factories import make_claim, make_document

pytestmark = pytest.mark.django_db


def make_proposal(**fields) -> Proposal:
    fields.setdefault("claim", make_claim())
    fields.setdefault("document", make_document())
    return Proposal.objects.create(method=ProposalMethod.HYBRID, score=0.8, reason="shares words", **fields)


def test_accepting_a_proposal_makes_it_evidence_and_records_who_did_it(alice):
    proposal = make_proposal()
    services.decide_proposal(proposal_id=proposal.pk, actor=alice, accept=True, note="the treaty text")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED and proposal.decided_at
    evidence = Evidence.objects.get()
    assert (evidence.claim, evidence.proposal, evidence.added_by, evidence.note) == (
        proposal.claim,
        proposal,
        alice,
        "the treaty text",
    )
    event = ClaimEvent.objects.get()
    assert (event.kind, event.actor, event.actor_name) == (EventKind.PROPOSAL_DECIDED, alice, "alice")
    assert event.data["decision"] == "accepted" and event.data["proposal"] == proposal.pk


def test_rejecting_a_proposal_makes_no_evidence(alice):
    proposal = make_proposal()
    services.decide_proposal(proposal_id=proposal.pk, actor=alice, accept=False)
    assert Proposal.objects.get().status == ProposalStatus.REJECTED
    assert not Evidence.objects.exists()
    assert ClaimEvent.objects.get().data["decision"] == "rejected"


def test_a_proposal_is_decided_once(alice, erin):
    proposal = make_proposal()
    services.decide_proposal(proposal_id=proposal.pk, actor=alice, accept=True)
    with pytest.raises(services.Conflict):
        services.decide_proposal(proposal_id=proposal.pk, actor=erin, accept=False)
    assert Proposal.objects.get().status == ProposalStatus.ACCEPTED
    assert Evidence.objects.count() == 1 and ClaimEvent.objects.count() == 1


@pytest.mark.parametrize("user", ["cms", "oscar"])
def test_api_clients_and_outsiders_may_not_decide(user, request):
    proposal = make_proposal()
    with pytest.raises(NotPermitted):
        services.decide_proposal(proposal_id=proposal.pk, actor=request.getfixturevalue(user), accept=True)
    assert Proposal.objects.get().status == ProposalStatus.PROPOSED
    assert not Evidence.objects.exists() and not ClaimEvent.objects.exists()


# Correcting speaker, cited outlet and quote ----------------------------------------------------------------------


def test_a_reviewer_corrects_speaker_outlet_and_quote_and_the_history_names_old_and_new(alice):
    wrong = Speaker.objects.create(name="Der Senator")
    claim = make_claim(speaker=wrong, cited_outlet="Bild", is_direct_quote=False)
    corrected = services.correct_attribution(
        claim_id=claim.pk,
        actor=alice,
        version=0,
        speaker="Anna Beispiel",
        speaker_kind=SpeakerKind.PERSON,
        cited_outlet="  Reuters ",
        is_direct_quote=True,
    )
    claim.refresh_from_db()
    anna = Speaker.objects.get(name="Anna Beispiel")
    assert corrected.pk == claim.pk and claim.version == 1
    assert (claim.speaker, claim.cited_outlet, claim.is_direct_quote) == (anna, "Reuters", True)
    assert claim.corrected_fields == ["speaker", "cited_outlet", "is_direct_quote"]
    assert claim.state == ClaimState.UNVERIFIED and claim.assignee is None
    event = ClaimEvent.objects.get(claim=claim)
    assert (event.kind, event.actor, event.actor_name) == (EventKind.CORRECTED, alice, "alice")
    assert event.data == {
        "fields": ["speaker", "cited_outlet", "is_direct_quote"],
        "old": {
            "speaker": {"id": wrong.pk, "name": "Der Senator", "kind": "person"},
            "cited_outlet": "Bild",
            "is_direct_quote": False,
        },
        "new": {
            "speaker": {"id": anna.pk, "name": "Anna Beispiel", "kind": "person"},
            "cited_outlet": "Reuters",
            "is_direct_quote": True,
        },
        "version": 1,
    }


def test_a_known_speaker_is_found_by_name_or_alias_in_any_case_and_not_made_twice(alice):
    ozdemir = Speaker.objects.create(name="Cem Özdemir", kind=SpeakerKind.PERSON, aliases=["Özdemir"])
    nato = Speaker.objects.create(name="Nordatlantikpakt", kind=SpeakerKind.ORGANISATION, aliases=["NATO"])
    first, second, third = make_claim(), make_claim(), make_claim()
    services.correct_attribution(claim_id=first.pk, actor=alice, speaker="cem özdemir")
    services.correct_attribution(claim_id=second.pk, actor=alice, speaker="ÖZDEMIR")
    services.correct_attribution(claim_id=third.pk, actor=alice, speaker="Nato")
    assert Claim.objects.get(pk=first.pk).speaker == ozdemir
    assert Claim.objects.get(pk=second.pk).speaker == ozdemir
    assert Claim.objects.get(pk=third.pk).speaker == nato
    assert Speaker.objects.count() == 2


def test_a_new_speaker_is_made_with_the_kind_chosen(alice):
    claim = make_claim()
    services.correct_attribution(
        claim_id=claim.pk, actor=alice, speaker="Bundesamt für Statistik", speaker_kind=SpeakerKind.ORGANISATION
    )
    speaker = Claim.objects.get(pk=claim.pk).speaker
    assert (speaker.name, speaker.kind) == ("Bundesamt für Statistik", SpeakerKind.ORGANISATION)


def test_another_kind_for_a_known_speaker_is_refused_and_nothing_changes(alice):
    Speaker.objects.create(name="Anna Beispiel", kind=SpeakerKind.PERSON)
    claim = make_claim()
    with pytest.raises(Invalid) as error:
        services.correct_attribution(
            claim_id=claim.pk, actor=alice, speaker="anna beispiel", speaker_kind=SpeakerKind.ORGANISATION
        )
    assert "speaker_kind" in error.value.messages
    claim.refresh_from_db()
    assert claim.speaker is None and claim.version == 0 and not ClaimEvent.objects.exists()


def test_an_empty_speaker_or_outlet_clears_it_and_counts_as_a_correction(alice):
    claim = make_claim(speaker=Speaker.objects.create(name="Der Senator"), cited_outlet="Bild")
    services.correct_attribution(claim_id=claim.pk, actor=alice, speaker="", cited_outlet=" ")
    claim.refresh_from_db()
    assert claim.speaker is None and claim.cited_outlet == ""
    assert claim.corrected_fields == ["speaker", "cited_outlet"]
    assert ClaimEvent.objects.get().data["new"] == {"speaker": None, "cited_outlet": ""}
    assert Speaker.objects.filter(name="Der Senator").exists()


def test_a_speaker_or_outlet_of_invisible_characters_clears_it_and_no_speaker_is_made(alice):
    claim = make_claim(speaker=Speaker.objects.create(name="Der Senator"), cited_outlet="Bild")
    services.correct_attribution(claim_id=claim.pk, actor=alice, speaker="\u200b", cited_outlet="\u200e\u200b")
    claim.refresh_from_db()
    assert claim.speaker is None and claim.cited_outlet == ""
    assert list(Speaker.objects.values_list("name", flat=True)) == ["Der Senator"]


def test_a_comment_of_invisible_characters_is_refused(alice):
    claim = make_claim()
    with pytest.raises(Invalid, match="Write a comment"):
        services.add_comment(claim_id=claim.pk, actor=alice, text="\u200b \u2060")
    assert not claim.comments.exists()


def test_a_published_wording_of_invisible_characters_falls_back_to_the_claim(alice, erin):
    claim = make_claim(state=ClaimState.IN_REVIEW, assignee=alice)
    services.add_evidence(claim_id=claim.pk, actor=alice, url="https://example.org/quelle")
    services.transition(
        claim_id=claim.pk,
        action="propose",
        actor=alice,
        verdict=Verdict.FALSE,
        note="Die Zahl ist falsch.",
        claim_reviewed="\u200b",
    )
    claim.refresh_from_db()
    assert claim.claim_reviewed == default_claim_reviewed(claim) != ""


def test_fields_left_out_stay_and_only_the_changed_ones_are_recorded(alice):
    claim = make_claim(cited_outlet="Bild", is_direct_quote=True, corrected_fields=["is_direct_quote"])
    services.correct_attribution(claim_id=claim.pk, actor=alice, cited_outlet="Bild", speaker="Anna Beispiel")
    claim.refresh_from_db()
    assert (claim.cited_outlet, claim.is_direct_quote, claim.speaker.name) == ("Bild", True, "Anna Beispiel")
    assert claim.corrected_fields == ["speaker", "is_direct_quote"]
    assert ClaimEvent.objects.get().data["fields"] == ["speaker"]


def test_a_correction_that_changes_nothing_writes_nothing(alice):
    claim = make_claim(cited_outlet="Bild")
    services.correct_attribution(claim_id=claim.pk, actor=alice, version=0, cited_outlet="Bild", is_direct_quote=False)
    claim.refresh_from_db()
    assert claim.version == 0 and claim.corrected_fields == [] and not ClaimEvent.objects.exists()


def test_bad_input_is_refused_field_by_field_and_nothing_is_stored(alice):
    claim = make_claim()
    with pytest.raises(Invalid) as error:
        services.correct_attribution(claim_id=claim.pk, actor=alice, speaker="x" * 301, cited_outlet="y" * 301)
    assert set(error.value.messages) == {"speaker", "cited_outlet"}
    with pytest.raises(Invalid) as error:
        services.correct_attribution(claim_id=claim.pk, actor=alice, speaker_kind="robot", speaker="R2")
    assert set(error.value.messages) == {"speaker_kind"}
    with pytest.raises(Invalid) as error:
        services.correct_attribution(claim_id=claim.pk, actor=alice, speaker_kind=SpeakerKind.PERSON)
    assert set(error.value.messages) == {"speaker_kind"}
    assert Claim.objects.get(pk=claim.pk).version == 0 and not Speaker.objects.exists()
    assert not ClaimEvent.objects.exists()


def test_an_approved_claim_must_be_reopened_before_it_is_corrected(erin):
    proposer = make_user("bob", "reviewer")
    claim = make_claim(
        state=ClaimState.APPROVED, verdict=Verdict.FALSE, verdict_proposed_by=proposer, cited_outlet="Bild"
    )
    with pytest.raises(services.Conflict) as refusal:
        services.correct_attribution(claim_id=claim.pk, actor=erin, cited_outlet="Reuters")
    assert "reopen" in str(refusal.value)
    claim.refresh_from_db()
    assert claim.cited_outlet == "Bild" and claim.version == 0 and not ClaimEvent.objects.exists()

    services.transition(claim_id=claim.pk, action="reopen", actor=erin, note="The outlet was Reuters.")
    services.correct_attribution(claim_id=claim.pk, actor=erin, cited_outlet="Reuters")
    claim.refresh_from_db()
    assert claim.cited_outlet == "Reuters" and claim.state == ClaimState.IN_REVIEW
    assert list(ClaimEvent.objects.values_list("kind", flat=True)) == [EventKind.TRANSITION, EventKind.CORRECTED]


def test_a_dismissed_sentence_is_not_corrected(alice):
    claim = make_claim()
    services.dismiss(claim_id=claim.pk, actor=alice, reason="not a claim")
    with pytest.raises(services.Conflict):
        services.correct_attribution(claim_id=claim.pk, actor=alice, cited_outlet="Reuters")
    assert Claim.objects.get(pk=claim.pk).cited_outlet == ""


@pytest.mark.parametrize("user", ["cms", "oscar"])
def test_api_clients_and_outsiders_may_not_correct(user, request):
    claim = make_claim(cited_outlet="Bild")
    with pytest.raises(workflow.NotPermitted):
        services.correct_attribution(claim_id=claim.pk, actor=request.getfixturevalue(user), cited_outlet="Reuters")
    claim.refresh_from_db()
    assert claim.cited_outlet == "Bild" and claim.version == 0 and not ClaimEvent.objects.exists()


def test_a_claim_assigned_to_another_reviewer_is_theirs_to_correct_or_an_editors(alice, erin):
    bob = make_user("bob", "reviewer")
    claim = make_claim(state=ClaimState.IN_REVIEW, assignee=bob)
    with pytest.raises(workflow.NotPermitted):
        services.correct_attribution(claim_id=claim.pk, actor=alice, is_direct_quote=True)
    assert not ClaimEvent.objects.exists()
    services.correct_attribution(claim_id=claim.pk, actor=bob, is_direct_quote=True)
    services.correct_attribution(claim_id=claim.pk, actor=erin, cited_outlet="Reuters")
    assert [event.actor for event in ClaimEvent.objects.all()] == [bob, erin]


def test_a_correction_from_a_stale_page_is_a_conflict_and_changes_nothing(alice):
    claim = make_claim()
    Claim.objects.filter(pk=claim.pk).update(version=3)
    with pytest.raises(services.Conflict):
        services.correct_attribution(claim_id=claim.pk, actor=alice, version=2, speaker="Anna Beispiel")
    claim.refresh_from_db()
    assert claim.speaker is None and claim.version == 3 and not Speaker.objects.exists()
    assert not ClaimEvent.objects.exists()


def test_a_double_submit_corrects_once_and_the_second_is_a_conflict(alice):
    claim = make_claim()
    services.correct_attribution(claim_id=claim.pk, actor=alice, version=0, cited_outlet="Reuters")
    with pytest.raises(services.Conflict):
        services.correct_attribution(claim_id=claim.pk, actor=alice, version=0, cited_outlet="Reuters")
    claim.refresh_from_db()
    assert claim.version == 1 and ClaimEvent.objects.filter(kind=EventKind.CORRECTED).count() == 1


def test_correcting_a_missing_claim_raises_does_not_exist(alice):
    with pytest.raises(Claim.DoesNotExist):
        services.correct_attribution(claim_id=987654, actor=alice, cited_outlet="Reuters")


# Marking a claim as worked on -------------------------------------------------------------------------------------

WRITES = {
    "transition": lambda claim, actor: services.transition(claim_id=claim.pk, action="take", actor=actor),
    "assign": lambda claim, actor: services.assign(
        claim_id=claim.pk, assignee=make_user("bob", "reviewer"), actor=actor
    ),
    "evidence": lambda claim, actor: services.add_evidence(claim_id=claim.pk, actor=actor, url="https://example.org/"),
    "comment": lambda claim, actor: services.add_comment(claim_id=claim.pk, actor=actor, text="Checked."),
    "dismiss": lambda claim, actor: services.dismiss(claim_id=claim.pk, actor=actor, reason="not a claim"),
    "correction": lambda claim, actor: services.correct_attribution(
        claim_id=claim.pk, actor=actor, cited_outlet="Reuters"
    ),
    "proposal": lambda claim, actor: services.decide_proposal(
        proposal_id=make_proposal(claim=claim).pk, actor=actor, accept=False
    ),
}


@pytest.mark.parametrize("write", WRITES)
def test_every_review_write_marks_the_claim_as_touched_and_no_longer_untouched(write, erin):
    claim = make_claim()
    assert claim.touched_at is None and Claim.objects.untouched().filter(pk=claim.pk).exists()
    WRITES[write](claim, erin)
    claim.refresh_from_db()
    assert claim.touched_at is not None and ClaimEvent.objects.filter(claim=claim).exists()
    assert not Claim.objects.untouched().filter(pk=claim.pk).exists()


def test_restoring_and_merging_mark_the_claims_as_touched(alice):
    first = make_claim(start=0, end=10)
    second = make_claim(first.article, start=11, end=20)
    services.merge(claim_ids=[first.pk, second.pk], actor=alice)
    Claim.objects.update(touched_at=None)
    services.restore(claim_id=second.pk, actor=alice)
    assert list(Claim.objects.filter(touched_at__isnull=False).values_list("pk", flat=True)) == [second.pk]
    services.merge(claim_ids=[first.pk, second.pk], actor=alice)
    assert not Claim.objects.untouched().exists()


def test_a_claim_added_by_hand_is_touched_from_the_start(alice):
    article = make_claim().article
    claim = services.add_claim(article_id=article.pk, start=0, end=3, actor=alice)
    assert claim.touched_at is not None and not Claim.objects.untouched().filter(pk=claim.pk).exists()


def test_an_address_already_evidence_for_the_claim_is_refused_and_recorded_once(alice):
    claim = make_claim(state=ClaimState.IN_REVIEW, assignee=alice)
    services.add_evidence(claim_id=claim.pk, actor=alice, url="https://example.org/quelle", note="Tabelle 3")
    with pytest.raises(Invalid, match="already evidence"):
        services.add_evidence(claim_id=claim.pk, actor=alice, url=" https://example.org/quelle ", note="Tabelle 3")
    assert claim.evidence.count() == 1
    assert ClaimEvent.objects.filter(claim=claim, kind=EventKind.EVIDENCE_ADDED).count() == 1
    other = make_claim()
    services.add_evidence(claim_id=other.pk, actor=alice, url="https://example.org/quelle")
    assert other.evidence.count() == 1
