"""`manage.py evaluate_matching` on tiny CheckThat! 2022 files in both tasks' formats."""

import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models.signals import post_save

from claims.models import Article, Claim, Document, Source
from claims.retrieval.evaluation import (
    average_precision_at,
    generic_document,
    matching_metrics,
    read_qrels,
    reciprocal_rank,
)

pytestmark = pytest.mark.django_db

VCLAIMS_2A = [
    {
        "vclaim_id": "vclaim-sno-wind",
        "vclaim": "The harbour wind farm powers 40,000 homes.",
        "title": "Wind farm homes",
        "subtitle": "",
        "page_url": "",
        "author": "A",
        "date": "1 May 2020",
    },
    {
        "vclaim_id": "vclaim-sno-meals",
        "vclaim": "School meals will be free from January.",
        "title": "Free school meals",
        "subtitle": "",
        "page_url": "",
        "author": "B",
        "date": "2 May 2020",
    },
    {
        "vclaim_id": "vclaim-sno-bridge",
        "vclaim": "The old bridge will be closed for two years.",
        "title": "Bridge closure",
        "subtitle": "",
        "page_url": "",
        "author": "C",
        "date": "3 May 2020",
    },
]
VCLAIMS_2B = [
    {
        "vclaim_id": "vclaim-pol-1",
        "vclaim": "Says the harbour wind farm powers 40,000 homes.",
        "speaker": "Jane Doe",
        "truth_label": "pants-fire",
        "date": "stated on May 1, 2020",
        "title": "No, the wind farm does not",
        "url": "https://example.org/1",
        "text_head": "The wind farm...",
    },
    {
        "vclaim_id": "vclaim-pol-2",
        "vclaim": "School meals will be free from January.",
        "speaker": "John Roe",
        "truth_label": "true",
        "date": "stated on May 2, 2020",
        "title": "Yes, meals are free",
        "url": "https://example.org/2",
        "text_head": "The council...",
    },
]


def write_files(tmp_path, vclaims, queries, qrels):
    (tmp_path / "vclaims.jsonl").write_text("".join(json.dumps(row) + "\n" for row in vclaims), "utf-8")
    (tmp_path / "queries.tsv").write_text(
        "query_id\ttext\n" + "".join(f"{query_id}\t{text}\n" for query_id, text in queries), "utf-8"
    )
    (tmp_path / "qrels.tsv").write_text("".join(f"{q}\t0\t{v}\t1\n" for q, v in qrels), "utf-8")
    return [
        "--vclaims",
        str(tmp_path / "vclaims.jsonl"),
        "--queries",
        str(tmp_path / "queries.tsv"),
        "--qrels",
        str(tmp_path / "qrels.tsv"),
    ]


@pytest.fixture(autouse=True)
def embedding_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("MATCHING_EMBEDDING_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def evaluate(*args) -> tuple[str, dict[str, float]]:
    out = StringIO()
    call_command("evaluate_matching", *args, stdout=out, stderr=StringIO())
    output = out.getvalue()
    return output, {name: float(value) for name, value in re.findall(r"^(\S+): ([0-9.]+)$", output, re.M)}


def test_task_2a_files_are_ranked_and_scored_and_nothing_stays_in_the_database(tmp_path, embedding_cache):
    args = write_files(
        tmp_path,
        VCLAIMS_2A,
        [
            ("tweet-1", "Wow, the new wind farm in the harbour powers 40,000 homes! https://t.co/x"),
            ("tweet-2", "Free school meals from January, says the council"),
        ],
        [("tweet-1", "vclaim-sno-wind"), ("tweet-2", "vclaim-sno-meals")],
    )
    output, metrics = evaluate(*args)
    assert metrics == {"MAP@1": 1.0, "MAP@5": 1.0, "MRR": 1.0, "recall@1": 1.0, "recall@3": 1.0, "recall@5": 1.0}
    assert re.search(
        r"^generic_document_rate: [0-9.]+ \(vclaim-sno-\w+ in the top 3 of \d of 2 queries\)$", output, re.M
    )
    assert "3 fact-checks, 2 queries (2 with relevant fact-checks), ranked through both" in output
    assert (Document.objects.count(), Claim.objects.count(), Article.objects.count(), Source.objects.count()) == (
        0,
        0,
        0,
        0,
    )
    assert len(list(embedding_cache.glob("*.npy"))) == 3


@pytest.mark.parametrize("via", ["claims", "documents"])
def test_task_2b_files_rank_through_either_proposer(tmp_path, via):
    args = write_files(
        tmp_path,
        VCLAIMS_2B,
        [
            ("debate_1", "And the wind farm in our harbour, it powers 40,000 homes, folks."),
            ("debate_2", "From January on, the school meals will be free for every child."),
        ],
        [("debate_1", "vclaim-pol-1"), ("debate_2", "vclaim-pol-2")],
    )
    output, metrics = evaluate(*args, "--via", via)
    assert f"ranked through {via}" in output
    assert metrics == {"MAP@1": 1.0, "MAP@5": 1.0, "MRR": 1.0, "recall@1": 1.0, "recall@3": 1.0, "recall@5": 1.0}


def test_several_specificity_weights_are_each_ranked_on_the_same_rows(tmp_path):
    """A tuning run: one block of figures per weight. A weight far too high ranks by how unlike the debate's other
    sentences a fact-check is, which puts the other sentence's fact-check first: the weight reaches the ranking."""
    args = write_files(
        tmp_path,
        VCLAIMS_2B,
        [
            ("20170822_Trump_phoenix_0204", "And the wind farm in our harbour, it powers 40,000 homes, folks."),
            ("20170822_Trump_phoenix_0259", "From January on, the school meals will be free for every child."),
            ("20170822_Trump_phoenix_0300", "The school meals, free from January, and the wind farm, 40,000 homes."),
        ],
        [("20170822_Trump_phoenix_0204", "vclaim-pol-1"), ("20170822_Trump_phoenix_0259", "vclaim-pol-2")],
    )
    output, _metrics = evaluate(*args, "--via", "documents", "--specificity", "0", "50", "--typical-similarity", "0")
    blocks = re.split(r"^-- ", output, flags=re.M)[1:]
    assert [block.splitlines()[0] for block in blocks] == [
        "specificity 0.0, typical similarity 0.0",
        "specificity 50.0, typical similarity 0.0",
    ]
    figures = [dict(re.findall(r"^(MAP@1): ([0-9.]+)$", block, re.M)) for block in blocks]
    assert figures[0] == {"MAP@1": "1.0000"}
    assert figures[1] != figures[0]


def test_a_minimum_document_score_leaves_the_weaker_fact_checks_out_of_the_ranking(tmp_path):
    args = write_files(
        tmp_path,
        VCLAIMS_2A,
        [("tweet-1", "Wow, the new wind farm in the harbour powers 40,000 homes!")],
        [("tweet-1", "vclaim-sno-wind"), ("tweet-1", "vclaim-sno-meals")],
    )
    output, _metrics = evaluate(*args, "--via", "documents", "--min-score", "0", "0.99")
    blocks = re.split(r"^-- ", output, flags=re.M)[1:]
    assert [block.splitlines()[0] for block in blocks] == ["min score 0.0", "min score 0.99"]
    recall = [float(re.search(r"^recall@5: ([0-9.]+)$", block, re.M).group(1)) for block in blocks]
    # Unthresholded, both relevant checks are ranked; at 0.99 the unrelated school-meals check is not.
    assert recall == [1.0, 0.5]


def test_a_query_file_without_its_header_is_refused(tmp_path):
    args = write_files(tmp_path, VCLAIMS_2A, [], [])
    (tmp_path / "queries.tsv").write_text("tweet-1\tno header here\n", "utf-8")
    with pytest.raises(CommandError, match="query_id, text"):
        evaluate(*args)


def test_average_precision_counts_each_relevant_hit_at_its_rank():
    assert average_precision_at(["a", "x", "b"], {"a", "b"}, 5) == pytest.approx((1 + 2 / 3) / 2)
    assert average_precision_at(["x", "a"], {"a"}, 1) == 0
    assert matching_metrics({"q": ["x", "a"]}, {"q": {"a"}, "unjudged": set()}) == {
        "MAP@1": 0.0,
        "MAP@5": 0.5,
        "MRR": 0.5,
        "recall@1": 0.0,
        "recall@3": 1.0,
        "recall@5": 1.0,
    }


def test_reciprocal_rank_is_one_over_the_first_relevant_rank():
    assert reciprocal_rank(["x", "y", "a", "b"], {"a", "b"}) == pytest.approx(1 / 3)
    assert reciprocal_rank(["x"], {"a"}) == 0


def test_the_generic_document_is_the_one_in_the_most_top_threes():
    rankings = [["g", "a", "x"], ["b", "g"], ["c", "d", "e", "g"], ["g", "g", "f"]]
    generic = generic_document(rankings, depth=3)
    # "g" is 4th for the third ranking and counted once for the fourth.
    assert (generic.item, generic.count, generic.rankings, generic.share) == ("g", 3, 4, 0.75)
    assert generic_document([], depth=3) is None
    assert generic_document([[], []], depth=3).share == 0


def test_a_debates_sentences_are_claims_of_one_article_and_each_tweet_of_its_own(tmp_path):
    args = write_files(
        tmp_path,
        VCLAIMS_2B,
        [
            ("20170822_Trump_phoenix_0204", "And the wind farm in our harbour, it powers 40,000 homes, folks."),
            ("20170822_Trump_phoenix_0259", "From January on, the school meals will be free for every child."),
            ("tweet-sno-12", "Free school meals from January, says the council"),
        ],
        [("20170822_Trump_phoenix_0204", "vclaim-pol-1")],
    )
    seen = []

    def record(sender, instance, created, **kwargs):
        seen.append((instance.title, instance.text.count("\n") + 1))

    post_save.connect(record, sender=Article)
    try:
        evaluate(*args)
    finally:
        post_save.disconnect(record, sender=Article)
    queries = sorted((title.split()[1], lines) for title, lines in seen if "fact-checks" not in title)
    assert queries == [("20170822_Trump_phoenix", 2), ("tweet-sno-12", 1)]


def test_qrels_are_read_in_trec_format(tmp_path):
    path = tmp_path / "qrels.tsv"
    path.write_text("q1 0 v1 1\nq1\t0\tv2\t1\nq2 0 v3 0\n", "utf-8")
    assert read_qrels(path) == {"q1": {"v1", "v2"}}
