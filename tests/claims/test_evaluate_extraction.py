"""`manage.py evaluate_extraction --ct24/--ct25`: a table, then the metric lines that scripts read."""

import io
import re

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import SAMPLE_ARTICLE, SAMPLE_GOLD

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
    assert output.rstrip().splitlines()[-3:] == [f"{name}: {metrics[name]:.4f}" for name in metrics]
    assert list(metrics) == ["precision_yes", "recall_yes", "f1_yes"]
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
def test_gold_mode_needs_the_article():
    with pytest.raises(CommandError, match="--gold needs --article"):
        evaluate("--gold", str(SAMPLE_GOLD))
