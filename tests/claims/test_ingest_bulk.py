"""`manage.py ingest_bulk`: many articles from JSONL or CSV, each row stored or rejected on its own."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line

from claims.models import Article
from claims.models.articles import InputFormat
from tests.claims.conftest import ARTICLE_HTML

pytestmark = pytest.mark.django_db

GOOD_TEXT = "date 2025-08-15 Radweg wird gebaut\n\nDie Stadt baut einen Radweg. Er kostet 3 Millionen Euro."
OTHER_TEXT = "Schule öffnet\n\nDie neue Schule öffnet im September mit 400 Plätzen."


def run_bulk(path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("ingest_bulk", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_bulk_rejecting(path, returncode: int) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("ingest_bulk", str(path), stdout=out, stderr=err)
    assert error.value.returncode == returncode
    return out.getvalue(), str(error.value)


def write_jsonl(path, rows) -> None:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), "utf-8")


def test_every_good_jsonl_row_is_stored_and_the_report_counts_them(tmp_path):
    path = tmp_path / "articles.jsonl"
    write_jsonl(
        path,
        [
            {"text": GOOD_TEXT, "url": "https://stadtblatt.example/radweg"},
            {"html": ARTICLE_HTML, "published_on": "2025-08-20"},
            {"text": OTHER_TEXT, "title": "Neue Schule", "unknown": "ignored"},
        ],
    )
    output, progress = run_bulk(path)
    assert "stored: 3\nalready stored: 0\nrejected: 0\n" in output
    radweg, haushalt, schule = Article.objects.order_by("pk")
    assert (radweg.url, str(radweg.published_on), radweg.input_format) == (
        "https://stadtblatt.example/radweg",
        "2025-08-15",
        InputFormat.TEXT,
    )
    assert (haushalt.input_format, haushalt.author, str(haushalt.published_on)) == (
        InputFormat.HTML,
        "Anna Schmidt",
        "2025-08-20",
    )
    assert schule.title == "Neue Schule"
    # The progress bar wrote to a stream that is not a terminal, and reached the end.
    assert "3/3" in progress


def test_bad_rows_are_rejected_with_their_number_and_reason_and_the_good_ones_are_stored(tmp_path):
    path = tmp_path / "articles.jsonl"
    write_jsonl(
        path,
        [
            {"text": GOOD_TEXT},
            {"text": "   "},
            {"title": "Nur ein Titel"},
            {"text": OTHER_TEXT, "published_on": "15.08.2025"},
            {"text": OTHER_TEXT, "html": ARTICLE_HTML},
            {"html": "<html><body><nav>Start</nav></body></html>"},
            {"text": OTHER_TEXT, "url": "javascript:alert(1)"},
            ["not", "an", "object"],
            {"text": 42},
            {"html": ARTICLE_HTML},
        ],
    )
    output, message = run_bulk_rejecting(path, returncode=1)
    assert message == "8 of 10 rows were rejected."
    assert "stored: 2\nalready stored: 0\nrejected: 8\n" in output
    for expected in (
        "row 2 (line 2): The article is empty.",
        "row 3 (line 3): The row has no `text`, `html` or `url`.",
        "row 4 (line 4): `published_on` '15.08.2025' is not a date (YYYY-MM-DD).",
        "row 5 (line 5): The row has both `text` and `html`; give one.",
        "row 6 (line 6): No article text was found in the HTML",
        "row 7 (line 7): The article's URL is not an http(s) URL: javascript:alert(1)",
        "row 8 (line 8): A JSON object is expected, one article a line.",
        "row 9 (line 9): `text` must be a string.",
    ):
        assert expected in output
    assert sorted(Article.objects.values_list("input_format", flat=True)) == [InputFormat.HTML, InputFormat.TEXT]


def test_duplicates_in_the_file_and_in_the_database_are_reported_as_already_stored(tmp_path):
    path = tmp_path / "articles.jsonl"
    write_jsonl(path, [{"text": GOOD_TEXT}])
    run_bulk(path)
    first = Article.objects.get()
    write_jsonl(path, [{"text": GOOD_TEXT.replace("\n", "\r\n")}, {"text": OTHER_TEXT}, {"text": OTHER_TEXT}])
    output, _progress = run_bulk(path)
    second = Article.objects.exclude(pk=first.pk).get()
    assert "stored: 1\n" in output and "rejected: 0\n" in output
    assert f"already stored: 2\n  row 1 (line 1): article {first.pk}\n  row 3 (line 3): article {second.pk}\n" in output
    assert Article.objects.count() == 2


def test_a_csv_file_with_quoted_multi_line_articles_is_read_by_its_header(tmp_path):
    path = tmp_path / "articles.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=["title", "text", "html", "url", "published_on"])
        writer.writeheader()
        writer.writerow({"text": GOOD_TEXT, "url": "https://stadtblatt.example/radweg"})
        writer.writerow({"html": ARTICLE_HTML, "title": "Haushalt, beschlossen"})
        writer.writerow({"text": "", "html": ""})
        writer.writerow({"text": OTHER_TEXT, "published_on": "2025-09-01"})
    output, message = run_bulk_rejecting(path, returncode=1)
    assert message == "1 of 4 rows were rejected."
    # Rows count from the first after the header; lines are the file's, where the row starts.
    line = 1 + (GOOD_TEXT.count("\n") + 1) + (ARTICLE_HTML.count("\n") + 1) + 1
    assert f"row 3 (line {line}): The row has no `text`, `html` or `url`." in output
    radweg, haushalt, schule = Article.objects.order_by("pk")
    assert (
        radweg.text.startswith("Radweg wird gebaut\n\nDie Stadt") and radweg.url == "https://stadtblatt.example/radweg"
    )
    assert haushalt.title == "Haushalt, beschlossen" and haushalt.input_format == InputFormat.HTML
    assert str(schule.published_on) == "2025-09-01"


def test_a_csv_row_with_more_fields_than_the_header_is_rejected_alone(tmp_path):
    path = tmp_path / "articles.csv"
    path.write_text(f'title,text\nEins,{OTHER_TEXT.replace(chr(10), " ")},extra\n,"{GOOD_TEXT}"\n', "utf-8")
    output, _message = run_bulk_rejecting(path, returncode=1)
    assert "row 1 (line 2): The row has more fields than the header names." in output
    assert Article.objects.get().title == "Radweg wird gebaut"


def test_rows_with_a_url_alone_are_fetched_and_refused_hosts_are_rejected(tmp_path, allowed_web):
    good = allowed_web.add("/artikel", ARTICLE_HTML)
    path = tmp_path / "urls.jsonl"
    write_jsonl(path, [{"url": good}, {"url": f"http://localhost:{allowed_web.port}/artikel"}, {"url": good}])
    output, _message = run_bulk_rejecting(path, returncode=1)
    article = Article.objects.get()
    assert (article.url, article.input_format) == (good, InputFormat.URL)
    assert "stored: 1\n" in output and "already stored: 1\n" in output
    assert "row 2 (line 2): localhost (127.0.0.1) is a loopback address" in output


def test_bad_json_on_a_line_stops_the_run_before_anything_is_stored(tmp_path):
    path = tmp_path / "articles.jsonl"
    path.write_text(json.dumps({"text": GOOD_TEXT}) + "\n\n" + '{"text": "unterminated\n', "utf-8")
    _output, message = run_bulk_rejecting(path, returncode=2)
    assert "line 3 is not valid JSON (Unterminated string starting at column 10)." in message
    assert not Article.objects.exists()


def test_a_line_nested_deeper_than_json_can_be_read_stops_the_run_naming_the_line(tmp_path):
    path = tmp_path / "articles.jsonl"
    path.write_text(json.dumps({"text": GOOD_TEXT}) + "\n" + '{"text": ' + "[" * 5000 + "]" * 5000 + "}\n", "utf-8")
    _output, message = run_bulk_rejecting(path, returncode=2)
    assert "line 2 is not an article: its JSON is nested too deeply to read." in message
    assert not Article.objects.exists()


def test_a_line_that_is_not_utf8_stops_the_run_naming_the_line(tmp_path):
    path = tmp_path / "articles.csv"
    path.write_bytes(b"text\n" + OTHER_TEXT.replace("\n", " ").encode() + b"\n" + "Größe".encode("latin-1") + b"\n")
    _output, message = run_bulk_rejecting(path, returncode=2)
    assert "line 3 is not UTF-8 text" in message
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("articles.txt", "text\nEin Satz.", "must be JSONL (.jsonl, .ndjson) or CSV (.csv), not .txt"),
        ("articles.csv", "titel,inhalt\nA,B\n", "line 1, the header, must name a `text`, `html` or `url` column"),
        ("articles.csv", 'text\n"Ein Satz. \n', "line 2 is not valid CSV"),
    ],
)
def test_a_file_that_is_not_jsonl_or_csv_is_a_clear_error_and_nothing_is_stored(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, "utf-8")
    _output, error = run_bulk_rejecting(path, returncode=2)
    assert message in error
    assert not Article.objects.exists()


def test_a_missing_file_is_a_clear_error(tmp_path):
    _output, error = run_bulk_rejecting(tmp_path / "missing.jsonl", returncode=2)
    assert "No such file" in error


# The command line closes the database connections when it is done: these tests run outside a test transaction.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_exit_status_is_non_zero_when_a_row_was_rejected(tmp_path, capsys):
    path = tmp_path / "articles.jsonl"
    write_jsonl(path, [{"text": GOOD_TEXT}, {"text": ""}])
    with pytest.raises(SystemExit) as exit_status:
        execute_from_command_line(["manage.py", "ingest_bulk", str(path)])
    assert exit_status.value.code == 1
    output = capsys.readouterr()
    assert "rejected: 1\n  row 2 (line 2): The row has no `text`, `html` or `url`." in output.out
    assert "1 of 2 rows were rejected." in output.err
    assert Article.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_exit_status_is_zero_when_every_row_was_stored(tmp_path, capsys):
    path = tmp_path / "articles.jsonl"
    write_jsonl(path, [{"text": GOOD_TEXT}])
    execute_from_command_line(["manage.py", "ingest_bulk", str(path)])
    assert "stored: 1\n" in capsys.readouterr().out
    assert Article.objects.count() == 1


@pytest.mark.parametrize("field", ["title", "url"])
@pytest.mark.parametrize("character", ["\x00", "\ud800"], ids=["NUL", "lone surrogate"])
def test_a_nul_or_lone_surrogate_in_a_title_or_url_rejects_that_row_only(tmp_path, field, character):
    path = tmp_path / "articles.jsonl"
    bad = {"text": OTHER_TEXT, "url": "https://example.org/schule", "title": "Schule"}
    bad[field] = bad[field][:8] + character + bad[field][8:]
    # json.dumps writes both as escapes (\u0000, \ud800), which is how they arrive in a JSONL file.
    path.write_text(json.dumps(bad) + "\n" + json.dumps({"text": GOOD_TEXT}) + "\n", "utf-8")
    output, error = run_bulk_rejecting(path, returncode=1)
    assert "stored: 1" in output and "rejected: 1" in output
    assert f"row 1 (line 1): `{field}`" in output
    assert Article.objects.get().title == "Radweg wird gebaut"
