"""`manage.py evaluate_extraction --ct24/--ct25`: a table, then the metric lines that scripts read."""

import io
import json
import re

import pytest
from django.core.management import CommandError, call_command

from claims.analysis import corpora
from claims.analysis.sentences import split_sentences
from tests.conftest import SAMPLE_ARTICLE, SAMPLE_GOLD, SHARED

CT24 = [
    ("1", "Unemployment rose to 9.8 percent last year, the highest rate since 1983.", "Yes"),
    ("2", "We cut taxes for 95 percent of working families and created 4 million jobs.", "Yes"),
    ("3", "The deficit has doubled to 1.4 trillion dollars under this administration.", "Yes"),
    ("4", "Thank you very much, and good evening.", "No"),
    ("5", "I think we should all be a little kinder to each other.", "No"),
    ("6", 'Let me say "one more thing" to the people at home.', "No"),
]
CT25 = [
    ("a", "Die Zahl der Unfälle ist laut Polizeibericht im vergangenen Jahr um 40 Prozent gesunken.", "OBJ", ""),
    ("b", "Der Stadtrat hat den Haushalt am Dienstag mit 31 zu 12 Stimmen beschlossen.", "OBJ", ""),
    ("c", "Das Unternehmen beschäftigt nach eigenen Angaben 2300 Mitarbeiter in Deutschland.", "OBJ", ""),
    ("d", "Was für eine peinliche Vorstellung dieser Regierung, man kann sich nur noch schämen!", "SUBJ", ""),
    ("e", "Ich finde, die Politik sollte endlich auf die Bürger hören, statt sie zu bevormunden.", "SUBJ", ""),
]


def write_tsv(path, header, rows):
    path.write_text("\n".join("\t".join(row) for row in [header, *rows]) + "\n", encoding="utf-8")
    return path


def evaluate(*args) -> tuple[str, dict[str, float]]:
    out = io.StringIO()
    call_command("evaluate_extraction", *args, stdout=out)
    output = out.getvalue()
    metrics = dict(re.findall(r"^(\w+): ([0-9.]+)$", output, flags=re.MULTILINE))
    return output, {name: float(value) for name, value in metrics.items()}


def test_ct24_prints_a_table_then_precision_recall_and_f1_of_class_yes(tmp_path):
    path = write_tsv(tmp_path / "ct24.tsv", ("sentence_id", "text", "label"), CT24)
    output, metrics = evaluate("--ct24", str(path))
    assert "gold Yes" in output and "predicted Yes" in output
    assert output.rstrip().splitlines()[-4:] == [f"{name}: {metrics[name]:.4f}" for name in metrics]
    assert list(metrics) == ["precision_yes", "recall_yes", "f1_yes", "f1_yes_at_news_threshold"]
    assert "debate threshold" in output
    assert metrics["recall_yes"] == 1.0 and metrics["f1_yes"] >= 0.8


def test_ct25_detects_german_and_prints_the_macro_f1(tmp_path):
    path = write_tsv(tmp_path / "ct25.tsv", ("sentence_id", "sentence", "label", "solved_conflict"), CT25)
    output, metrics = evaluate("--ct25", str(path))
    assert "language de" in output and "gold SUBJ" in output
    assert output.rstrip().splitlines()[-1] == f"macro_f1: {metrics['macro_f1']:.4f}"
    assert list(metrics) == ["macro_f1"] and metrics["macro_f1"] >= 0.75


def test_an_unknown_label_names_the_file_line(tmp_path):
    path = write_tsv(tmp_path / "ct24.tsv", ("sentence_id", "text", "label"), [("1", "Hello.", "Maybe")])
    with pytest.raises(CommandError, match=r"line 2: label 'Maybe'"):
        evaluate("--ct24", str(path))


def test_a_file_without_the_text_column_is_refused(tmp_path):
    path = write_tsv(tmp_path / "ct25.tsv", ("sentence_id", "text", "label"), [("1", "Hallo.", "OBJ")])
    with pytest.raises(CommandError, match="no column sentence"):
        evaluate("--ct25", str(path))


def test_a_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        evaluate("--ct24", str(tmp_path / "missing.tsv"))


@pytest.mark.django_db
def test_gold_mode_prints_per_field_accuracy_on_the_sample():
    output, metrics = evaluate("--gold", str(SAMPLE_GOLD), "--article", str(SAMPLE_ARTICLE))
    assert list(metrics) == [
        "sentences_exact",
        "speaker_accuracy",
        "cited_source_accuracy",
        "direct_quote_accuracy",
        "check_worthy_accuracy",
    ]
    assert metrics["sentences_exact"] == metrics["speaker_accuracy"] == 1.0
    assert metrics["cited_source_accuracy"] == metrics["direct_quote_accuracy"] == 1.0
    # Each wrong field is marked in the table with the gold and our value.
    wrong = [line for line in output.splitlines() if re.match(r"\s*\d+x ", line)]
    assert len(wrong) == round(14 * (1 - metrics["check_worthy_accuracy"]))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("gold_text", "message"),
    [('{"text": "Ein Satz."}\n', "line 1 of the annotation lacks speaker"), ("\n", "the annotation has no line")],
)
def test_gold_of_the_wrong_shape_is_a_command_error_naming_the_line(tmp_path, gold_text, message):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(gold_text, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        evaluate("--gold", str(gold), "--article", str(SAMPLE_ARTICLE))


@pytest.mark.django_db
def test_gold_mode_needs_the_article():
    with pytest.raises(CommandError, match="--gold needs --article"):
        evaluate("--gold", str(SAMPLE_GOLD))


POLNEAR_ROW = {
    "id": "a1",
    "publisher": "test",
    "text": (
        "Council backs wind farm\n\n"
        '"Thirty turbines will produce more than we use," council leader Amara Okafor told the Eastmere Gazette.\n\n'
        "Jonas Nguyen told reporters the bridge would cost $2 billion.\n\n"
        "Unemployment fell by 3 percent last year."
    ),
}


def polnear_row() -> dict:
    text = POLNEAR_ROW["text"]

    def span(part: str) -> list[int]:
        start = text.index(part)
        return [start, start + len(part)]

    quote, okafor = span('"Thirty turbines will produce more than we use,"'), span("council leader Amara Okafor")
    content, nguyen = span("the bridge would cost $2 billion"), span("Jonas Nguyen")
    return {
        **POLNEAR_ROW,
        "attributions": [
            {
                "content": [quote],
                "quote": "direct",
                "cue": "told",
                "cue_spans": [],
                "source": {
                    "text": "council leader Amara Okafor",
                    "start": okafor[0],
                    "end": okafor[1],
                    "kind": "named",
                },
            },
            {
                "content": [content],
                "quote": "indirect",
                "cue": "told",
                "cue_spans": [],
                "source": {"text": "Jonas Nguyen", "start": nguyen[0], "end": nguyen[1], "kind": "named"},
            },
        ],
    }


def test_attribution_mode_scores_a_corpus_file_and_prints_counts_then_metrics(tmp_path):
    path = tmp_path / "polnear.jsonl"
    path.write_text(json.dumps(polnear_row()) + "\n", encoding="utf-8")
    output, metrics = evaluate("--attribution", str(path), "--worst", "5")
    assert list(metrics) == ["speaker_accuracy", "direct_quote_precision", "direct_quote_recall", "direct_quote_f1"]
    counts = dict(re.findall(r"^(\w+)\s+(\d+)$", output, flags=re.MULTILINE))
    # Two sentences have a named speaker; one is a direct quote; the headline and the last sentence quote nobody.
    assert counts["speaker_scored"] == "2" and counts["direct_quote_tp"] == "1"
    assert counts["failed_sentences"] == "0"
    assert metrics["speaker_accuracy"] == 1.0 and metrics["direct_quote_f1"] == 1.0


def test_attribution_mode_refuses_a_file_that_is_not_a_corpus_with_its_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(polnear_row()) + "\n" + json.dumps({"id": "x", "text": "t"}) + "\n", "utf-8")
    with pytest.raises(CommandError, match=r"line 2: not an attribution corpus record"):
        evaluate("--attribution", str(path))


def news_row():
    text = (
        "Senate passes the budget bill\n\n"
        "9:12 p.m.\n\n"
        "The Senate passed the budget bill by 51 votes to 49 on Tuesday, cutting spending by 4 percent.\n\n"
        "Watch: the vote\n\n"
        "Thank you all for reading, and have a lovely evening with your family and friends."
    )
    return {"id": "usatoday_2016-01-01_budget", "publisher": "usatoday", "text": text, "attributions": []}


def test_news_mode_prints_the_share_of_sentences_flagged_and_leaves_fragments_out(tmp_path):
    path = tmp_path / "news.jsonl"
    path.write_text(json.dumps(news_row()) + "\n", encoding="utf-8")
    output, metrics = evaluate("--news", str(path), "--worst", "5")
    assert list(metrics) == ["flagged_share", "no_claim_share"]
    assert "1 articles, 5 analysed sentences" in output
    # The time stamp and the teaser are fragments; the vote with its figures is flagged, and they are not.
    assert metrics["no_claim_share"] == pytest.approx(2 / 5)
    flagged = re.findall(r"^  [0-9.]+  (.*)$", output, flags=re.MULTILINE)
    assert any(text.startswith("The Senate passed") for text in flagged)
    assert "9:12 p.m." not in flagged and "Watch: the vote" not in flagged
    assert 0 < metrics["flagged_share"] <= 3 / 5


def test_news_mode_reads_a_checkthat_sentence_file_without_its_labels(tmp_path):
    path = write_tsv(tmp_path / "ct25.tsv", ("sentence_id", "sentence", "label", "solved_conflict"), CT25)
    output, metrics = evaluate("--news", str(path))
    assert "5 sentences, language de" in output
    assert 0 < metrics["flagged_share"] < 1 and metrics["no_claim_share"] == 0


def test_news_mode_refuses_a_file_that_is_not_a_corpus(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"id": "x", "text": "t"}) + "\n", "utf-8")
    with pytest.raises(CommandError, match=r"line 1: not an attribution corpus record"):
        evaluate("--news", str(path))


@pytest.mark.parametrize("folder", ["polnear_attribution_en", "redewiedergabe_de"])
def test_the_scorer_gives_the_gold_itself_full_marks_and_nobody_none(folder):
    """A fixed slice of each corpus's dev part: the annotation's own answers score 1, an empty system 0."""
    articles = corpora.read_corpus(SHARED / "eval" / folder / "dev.jsonl")[:3]
    perfect, empty = corpora.Tally(), corpora.Tally()
    for article in articles:
        for sentence in split_sentences(article.text, article.language):
            gold = corpora.sentence_gold(article, sentence.start, sentence.end)
            speaker = gold.named_speakers[0] if gold.named_speakers else None
            perfect.add(article.id, sentence.text, gold, speaker, bool(gold.direct_quote))
            empty.add(article.id, sentence.text, gold, None, False)
    assert perfect.speaker_scored > 0 and perfect.metrics()["speaker_accuracy"] == 1.0
    assert empty.metrics()["speaker_accuracy"] == 0.0
    if perfect.quote_true_positive:
        assert perfect.metrics()["direct_quote_f1"] == 1.0 and empty.metrics()["direct_quote_recall"] == 0.0


@pytest.mark.parametrize(
    ("ours", "gold", "same"),
    [
        ("Merkel", "Angela Merkel", True),
        ("Benjamin J. Rhodes", "Benjamin J. Rhodes, one of the president's closest aides,", True),
        ("Gwen Moore", "Rep. Gwen Moore (D-Wis.)", True),
        ("Trump", "Donald Trump’s", True),
        ("The Post", "The New York Post", True),
        ("Clinton", "Clinton campaign", False),
        (None, "Merkel", False),
    ],
)
def test_two_names_are_one_speaker_when_they_end_in_the_same_content_word(ours, gold, same):
    assert corpora.same_speaker(ours, gold) is same


@pytest.mark.parametrize("folder", ["polnear_attribution_en", "redewiedergabe_de"])
def test_real_articles_are_attributed_sentence_by_sentence_without_a_failure(folder):
    output, metrics = evaluate("--attribution", str(SHARED / "eval" / folder / "dev.jsonl"), "--limit", "2")
    counts = dict(re.findall(r"^(\w+)\s+(\d+)$", output, flags=re.MULTILINE))
    assert int(counts["sentences"]) > 20 and counts["failed_sentences"] == "0"
    assert 0.0 <= metrics["speaker_accuracy"] <= 1.0


@pytest.mark.parametrize("folder", ["polnear_attribution_en", "redewiedergabe_de"])
def test_the_name_recogniser_finds_more_annotated_speakers_than_the_tagger_alone(folder):
    _, metrics = evaluate("--attribution", str(SHARED / "eval" / folder / "dev.jsonl"), "--limit", "10", "--names")
    assert metrics["name_recall"] >= metrics["tagger_name_recall"]
