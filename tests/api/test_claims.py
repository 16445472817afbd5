"""The claims list and detail: status, filters, cursor pages, what each scope sees, queries."""

import pytest

from claims.models import Proposal, ProposalMethod
from reviews import services as review_services
from tests.api.conftest import approve
from tests.factories import make_article, make_claim, make_document

pytestmark = pytest.mark.django_db


def test_the_list_shows_each_claims_status_and_verdict_only_once_approved(read_key, approved_claim, alice):
    proposed = make_claim(make_article())
    review_services.transition(claim_id=proposed.pk, action="take", actor=alice)
    review_services.transition(claim_id=proposed.pk, action="propose", actor=alice, verdict="unverifiable", note="n")
    response = read_key.get("/api/v1/claims/")
    assert response.status_code == 200
    rows = {row["id"]: row for row in response.json()["results"]}
    assert (rows[approved_claim.pk]["status"], rows[approved_claim.pk]["verdict"]) == ("misleading", "misleading")
    assert (rows[proposed.pk]["status"], rows[proposed.pk]["verdict"]) == ("awaiting_approval", None)
    assert rows[approved_claim.pk]["speaker"]["name"] == "Anna Beispiel"
    assert rows[approved_claim.pk]["article"]["url"] == "https://example.org/radweg"


def test_the_claim_filter_filters_the_list(read_key, approved_claim):
    other = make_claim(make_article())
    ids = lambda response: [row["id"] for row in response.json()["results"]]  # noqa: E731
    assert ids(read_key.get("/api/v1/claims/", {"status": "misleading"})) == [approved_claim.pk]
    assert ids(read_key.get("/api/v1/claims/", {"status": "unverified"})) == [other.pk]
    assert ids(read_key.get("/api/v1/claims/", {"article_url": "https://example.org/radweg"})) == [approved_claim.pk]
    assert ids(read_key.get("/api/v1/claims/", {"speaker": "Beispiel"})) == [approved_claim.pk]
    assert ids(read_key.get("/api/v1/claims/", {"q": "Radunfälle"})) == [approved_claim.pk]


def test_a_bad_filter_value_is_a_400_in_the_error_shape(read_key):
    response = read_key.get("/api/v1/claims/", {"status": "nonsense", "checkworthiness_min": "x"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and {"status", "checkworthiness_min"} <= set(error["fields"])


def test_cursor_pages_cover_every_claim_once_in_the_asked_order(read_key):
    claims = [make_claim(make_article()) for _ in range(7)]
    seen, url = [], "/api/v1/claims/?page_size=3&ordering=created"
    while url:
        body = read_key.get(url).json()
        seen.extend(row["id"] for row in body["results"])
        url = body["next"]
    assert seen == [claim.pk for claim in claims]


def test_an_ordering_cursors_cannot_follow_is_refused(read_key):
    response = read_key.get("/api/v1/claims/", {"ordering": "checkworthiness"})
    assert response.status_code == 400 and "ordering" in response.json()["error"]["fields"]


def test_the_detail_shows_verdict_rationale_evidence_and_public_history(read_key, approved_claim):
    body = read_key.get(f"/api/v1/claims/{approved_claim.pk}/").json()
    assert body["status"] == "misleading" and body["verdict_rationale"] == "Only e-bikes rose by 12 %."
    assert [e["url"] for e in body["evidence"]] == ["https://example.org/statistik"]
    assert [(h["action"], h["to_state"]) for h in body["history"]] == [
        ("take", "in_review"),
        ("propose", "verdict_proposed"),
        ("approve", "approved"),
    ]
    # Read scope: no names, notes, proposed verdicts or proposals.
    assert all(h["actor"] is None and h["note"] is None for h in body["history"])
    assert body["history"][1]["verdict"] == ""
    assert body["proposals"] is None and body["allowed_actions"] is None
    assert body["claimreview_url"] == f"/api/v1/claims/{approved_claim.pk}/claimreview"


def test_reviewers_see_proposals_and_their_allowed_actions(reviewer_key, read_key, claim):
    Proposal.objects.create(
        claim=claim, document=make_document(), method=ProposalMethod.HYBRID, score=0.8, reason="shares words"
    )
    body = reviewer_key.get(f"/api/v1/claims/{claim.pk}/").json()
    assert [p["reason"] for p in body["proposals"]] == ["shares words"]
    assert body["allowed_actions"] == ["take"]
    assert read_key.get(f"/api/v1/claims/{claim.pk}/").json()["proposals"] is None


def test_an_unapproved_claim_shows_no_rationale(read_key, claim, alice):
    review_services.transition(claim_id=claim.pk, action="take", actor=alice)
    review_services.transition(claim_id=claim.pk, action="propose", actor=alice, verdict="unverifiable", note="why")
    body = read_key.get(f"/api/v1/claims/{claim.pk}/").json()
    assert (body["status"], body["verdict"], body["verdict_rationale"]) == ("awaiting_approval", None, None)


def test_a_missing_claim_is_a_404_in_the_error_shape(read_key):
    response = read_key.get("/api/v1/claims/999999/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("size", [1, 20])
def test_the_list_runs_a_fixed_number_of_queries_whatever_the_page_size(
    read_key, size, django_assert_max_num_queries, alice, erin
):
    for _ in range(size):
        approve(make_claim(make_article()), reviewer=alice, editor=erin)
    with django_assert_max_num_queries(6):
        response = read_key.get("/api/v1/claims/", {"page_size": size})
    assert len(response.json()["results"]) == size


@pytest.mark.parametrize("rows", [1, 15])
def test_the_detail_runs_a_fixed_number_of_queries_whatever_it_holds(
    reviewer_key, claim, rows, django_assert_max_num_queries, alice
):
    for number in range(rows):
        review_services.add_evidence(claim_id=claim.pk, actor=alice, url=f"https://example.org/{number}")
        Proposal.objects.create(
            claim=claim, document=make_document(), method=ProposalMethod.HYBRID, score=0.5, reason="r"
        )
        review_services.add_comment(claim_id=claim.pk, actor=alice, text=f"comment {number}")
    with django_assert_max_num_queries(9):
        body = reviewer_key.get(f"/api/v1/claims/{claim.pk}/").json()
    assert len(body["evidence"]) == rows and len(body["proposals"]) == rows


@pytest.mark.parametrize(
    "q", ["Radweg " * 21, "Radunfallstatistik" * 30], ids=["over SEARCH_MAX_WORDS", "over SEARCH_MAX_CHARACTERS"]
)
def test_a_search_over_the_limits_is_a_400_naming_q(read_key, q):
    response = read_key.get("/api/v1/claims/", {"q": q})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["q"]


def test_a_search_at_the_word_limit_is_answered(read_key, settings):
    response = read_key.get("/api/v1/claims/", {"q": " ".join(["Radweg"] * settings.SEARCH_MAX_WORDS)})
    assert response.status_code == 200


def test_read_scope_cannot_learn_who_reviews_what_from_the_assignee_filter(read_key, reviewer_key, claim, alice):
    review_services.transition(claim_id=claim.pk, action="take", actor=alice)
    response = read_key.get("/api/v1/claims/", {"assignee": "alice"})
    assert response.status_code == 400 and "assignee" in response.json()["error"]["fields"]
    # Without a name it tells nothing about anyone; review scope names reviewers anyway.
    assert read_key.get("/api/v1/claims/", {"assignee": "none"}).status_code == 200
    ids = [row["id"] for row in reviewer_key.get("/api/v1/claims/", {"assignee": "alice"}).json()["results"]]
    assert ids == [claim.pk]


def test_a_yes_no_filter_with_a_value_that_is_neither_is_a_400_naming_it(read_key):
    for address, name in (
        ("/api/v1/claims/", "checkworthy"),
        ("/api/v1/claims/", "linked"),
        ("/api/v1/sources/", "active"),
    ):
        response = read_key.get(address, {name: "maybe"})
        assert response.status_code == 400 and name in response.json()["error"]["fields"], (address, name)
        assert read_key.get(address, {name: "false"}).status_code == 200


def test_a_filter_of_one_value_given_twice_is_a_400_and_one_of_several_values_takes_them_all(read_key):
    for address, name in (
        ("/api/v1/claims/", "language"),
        ("/api/v1/documents/", "source"),
        ("/api/v1/sources/", "kind"),
        ("/api/v1/articles/", "url"),
    ):
        response = read_key.get(f"{address}?{name}=a&{name}=b")
        assert response.status_code == 400 and name in response.json()["error"]["fields"], (address, name)
    assert read_key.get("/api/v1/claims/?state=unverified&state=approved").status_code == 200
