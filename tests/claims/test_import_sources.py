"""`manage.py import_sources` and `export_sources`: the source registry from and to JSON, JSONL and CSV."""

import csv
import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line

from claims.models import Document, Reliability, Source, SourceKind
from tests.conftest import SAMPLE_REGISTRY
from tests.factories import make_document, make_source

pytestmark = pytest.mark.django_db

SOURCE = {
    "key": "bundestag",
    "name": "Deutscher Bundestag",
    "kind": "institution",
    "domain": "bundestag.de",
    "language": "de",
    "reliability": "high",
    "aliases": ["Bundestag", "German parliament"],
}
DOCUMENT = {
    "key": "gg-art-115a",
    "source": "bundestag",
    "url": "https://www.bundestag.de/gg/115a",
    "title": "Grundgesetz Artikel 115a",
    "text": "Die Feststellung des Verteidigungsfalles trifft der Bundestag mit Zustimmung des Bundesrates.",
    "language": "de",
    "published_on": "1968-06-24",
}


def run_import(path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_sources", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_import_rejecting(path, returncode: int) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_sources", str(path), stdout=out, stderr=err)
    assert error.value.returncode == returncode
    return out.getvalue(), str(error.value)


def run_export(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("export_sources", *map(str, args), stdout=out, stderr=err)
    return out.getvalue()


def write_jsonl(path, rows) -> None:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), "utf-8")


def test_the_sample_registry_imports_as_is_and_a_second_run_finds_it_unchanged(tmp_path):
    output, progress = run_import(SAMPLE_REGISTRY)
    data = json.loads(SAMPLE_REGISTRY.read_text("utf-8"))
    assert output == (
        "sources: 13 created, 0 updated, 0 unchanged\ndocuments: 12 created, 0 updated, 0 unchanged\nrejected: 0\n"
    )
    assert sorted(Source.objects.values_list("key", flat=True)) == sorted(row["key"] for row in data["sources"])
    assert Document.objects.count() == 12
    assert Source.objects.get(key="president-ua").language == "uk"
    assert Source.objects.get(key="bloomberg").kind == SourceKind.NEWS_AGENCY
    assert Document.objects.get(key="nato-art5").source.key == "nato"
    # The progress bar wrote to a stream that is not a terminal, and reached the end.
    assert "25/25" in progress
    stamps = sorted(Document.objects.values_list("updated_at", flat=True))

    again, _progress = run_import(SAMPLE_REGISTRY)
    assert again.startswith(
        "sources: 0 created, 0 updated, 13 unchanged\ndocuments: 0 created, 0 updated, 12 unchanged"
    )
    assert Source.objects.count() == 13 and Document.objects.count() == 12
    assert sorted(Document.objects.values_list("updated_at", flat=True)) == stamps


def test_jsonl_rows_are_told_apart_by_type_and_bad_rows_are_reported_with_their_line(tmp_path):
    path = tmp_path / "registry.jsonl"
    write_jsonl(
        path,
        [
            {"type": "source", **SOURCE},
            {"type": "source", **SOURCE, "key": "bad-domain", "domain": "https://example.org/path"},
            {"type": "document", **DOCUMENT},
            {"type": "document", **DOCUMENT, "key": "orphan", "source": "bad-domain", "url": ""},
            {"key": "untyped", "name": "No type"},
            ["not", "an", "object"],
            {"type": "document", **DOCUMENT, "key": "late", "url": "", "published_on": "24.06.1968"},
        ],
    )
    output, message = run_import_rejecting(path, returncode=1)
    assert message == "5 of 7 rows were rejected."
    assert output.splitlines() == [
        "sources: 1 created, 0 updated, 0 unchanged",
        "documents: 1 created, 0 updated, 0 unchanged",
        "rejected: 5",
        "  row 2 (line 2), source, key 'bad-domain': `domain` 'https://example.org/path' must be a host name such as "
        "example.org, without scheme or path.",
        "  row 4 (line 4), document, key 'orphan': Its source 'bad-domain' was rejected: `domain` "
        "'https://example.org/path' must be a host name such as example.org, without scheme or path.",
        "  row 5 (line 5): `type` must be `source` or `document`, not None.",
        "  row 6 (line 6): A JSON object is expected, one source or document a line.",
        "  row 7 (line 7), document, key 'late': `published_on` \"24.06.1968\" is not a date (YYYY-MM-DD).",
    ]
    assert list(Source.objects.values_list("key", flat=True)) == ["bundestag"]
    document = Document.objects.get()
    assert (document.key, document.published_on) == ("gg-art-115a", datetime.date(1968, 6, 24))


def test_a_json_registry_reports_rejected_rows_by_their_place_in_each_list(tmp_path):
    path = tmp_path / "registry.json"
    bad_source = {**SOURCE, "key": "Kein Slug"}
    bad_document = {**DOCUMENT, "key": "no-title", "title": "  "}
    path.write_text(json.dumps({"sources": [SOURCE, bad_source], "documents": [bad_document, DOCUMENT]}), "utf-8")
    output, message = run_import_rejecting(path, returncode=1)
    assert message == "2 of 4 rows were rejected."
    assert (
        "  source 2, key 'Kein Slug': `key` 'Kein Slug' must be a slug: letters, digits, hyphens and underscores.\n"
        "  document 1, key 'no-title': `title` is missing or empty.\n"
    ) in output + "\n"
    assert list(Source.objects.values_list("key", flat=True)) == ["bundestag"]
    assert list(Document.objects.values_list("key", flat=True)) == ["gg-art-115a"]


def test_a_csv_file_has_a_type_column_pipe_separated_aliases_and_multi_line_texts(tmp_path):
    path = tmp_path / "registry.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(
            file, fieldnames=["type", "key", "name", "kind", "domain", "aliases", "active", "source", "title", "text"]
        )
        writer.writeheader()
        writer.writerow({"type": "source", "key": "tagesschau", "name": "tagesschau", "kind": "broadcaster",
                         "aliases": "ARD-Tagesschau | Tagesschau", "active": "false"})  # fmt: skip
        writer.writerow({"type": "document", "key": "faktenfinder", "source": "tagesschau", "title": "Faktenfinder",
                         "text": "Erste Zeile, mit Komma.\nZweite Zeile."})  # fmt: skip
        writer.writerow({"type": "source", "key": "kaputt", "name": "Kaputt", "active": "vielleicht"})
        writer.writerow({"type": "Quelle", "key": "x"})
    output, message = run_import_rejecting(path, returncode=1)
    assert message == "2 of 4 rows were rejected."
    # Rows count from the first after the header; lines are the file's, where the row starts.
    assert "  row 3 (line 5), source, key 'kaputt': `active` must be true or false, not \"vielleicht\"." in output
    assert "  row 4 (line 6): `type` must be `source` or `document`, not 'Quelle'." in output
    source = Source.objects.get()
    assert (source.key, source.kind, source.active) == ("tagesschau", SourceKind.BROADCASTER, False)
    assert source.aliases == ["ARD-Tagesschau", "Tagesschau"]
    # An empty reliability cell leaves the default.
    assert source.reliability == Reliability.UNKNOWN
    assert Document.objects.get().text == "Erste Zeile, mit Komma.\nZweite Zeile."


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("registry.txt", "{}", "must be JSON (.json), JSONL (.jsonl, .ndjson) or CSV (.csv), not .txt"),
        ("registry", "{}", "not without an extension"),
        ("registry.json", '{\n "sources": [\n  {"key": "a",}\n ]\n}', "line 3 is not valid JSON"),
        ("registry.json", "[]", "a JSON registry is an object with a `sources` list and a `documents` list"),
        ("registry.json", '{"sources": {"key": "a"}}', "`sources` must be a list"),
        ("registry.jsonl", '{"type": "source", "key": "a", "name": "A"}\n{"type": \n', "line 2 is not valid JSON"),
        ("registry.json", '{"sources": ' + "[" * 5000 + "]" * 5000 + "}", "nested too deeply to read"),
        ("registry.jsonl", '{"type": "source", "key": "a", "name": "A"}\n' + "[" * 5000 + "]" * 5000, "line 2 is not"),
        ("registry.csv", "key,name\na,A\n", "line 1, the header, must name a `type` column"),
        ("registry.csv", 'type,key,name\nsource,a,"A\n', "line 2 is not valid CSV"),
    ],
)
def test_a_file_that_cannot_be_used_stops_the_import_with_exit_status_2(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, "utf-8")
    _output, error = run_import_rejecting(path, returncode=2)
    assert message in error
    assert not Source.objects.exists()


def test_a_file_that_is_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "registry.jsonl"
    path.write_bytes(b'{"type": "source", "key": "a", "name": "A"}\n{"type": "source", "name": "Gr\xf6\xdfe"}\n')
    _output, error = run_import_rejecting(path, returncode=2)
    assert "line 2 is not UTF-8 text" in error
    assert not Source.objects.exists()


def test_a_missing_file_is_a_clear_error(tmp_path):
    _output, error = run_import_rejecting(tmp_path / "missing.json", returncode=2)
    assert "No such file" in error


def make_registry_with_every_field() -> None:
    """A registry that uses every field and the characters that formats trip over."""
    source = make_source(
        key="zdf",
        name="ZDF, heute",
        kind=SourceKind.BROADCASTER,
        domain="zdf.de",
        language="de",
        aliases=["ZDF", 'Zweites "Deutsches" Fernsehen', "heute-journal"],
        reliability=Reliability.MEDIUM,
        reliability_note="Public broadcaster;\nsee the note.",
        active=False,
        notes="Zeile 1\r\nZeile 2",
    )
    make_source(key="empty", name="Empty")
    make_document(
        source,
        key="heute-2025",
        url="https://www.zdf.de/nachrichten/heute?x=1&y=2",
        title="Nachrichten, „heute“",
        text='Absatz eins.\n\nAbsatz zwei mit\u2028Zeilentrenner und einem "Zitat", Komma.',
        language="de",
        published_on=datetime.date(2025, 8, 15),
    )
    # A document without a key is found again by its source and URL; its text is longer than csv's default limit.
    make_document(source, url="https://www.zdf.de/ohne-key", title="Ohne Schlüssel", text="Langer Text. " * 12_000)


@pytest.mark.parametrize("format", ["json", "jsonl", "csv"])
def test_an_export_imports_back_with_nothing_changed(tmp_path, format):
    make_registry_with_every_field()
    path = tmp_path / f"registry.{format}"
    run_export(path)
    first = path.read_text("utf-8")

    output, _progress = run_import(path)
    assert (
        output
        == "sources: 0 created, 0 updated, 2 unchanged\ndocuments: 0 created, 0 updated, 2 unchanged\nrejected: 0\n"
    )

    # Into an empty registry, the export brings back the same rows.
    Source.objects.all().delete()
    output, _progress = run_import(path)
    assert output.startswith("sources: 2 created, 0 updated, 0 unchanged\ndocuments: 2 created, 0 updated, 0")
    run_export(path)
    assert path.read_text("utf-8") == first
    zdf = Source.objects.get(key="zdf")
    assert (zdf.notes, zdf.active, zdf.aliases[1]) == ("Zeile 1\r\nZeile 2", False, 'Zweites "Deutsches" Fernsehen')
    assert "\u2028" in Document.objects.get(key="heute-2025").text
    assert Document.objects.get(url="https://www.zdf.de/ohne-key").key is None


def test_the_export_goes_to_standard_output_as_json_unless_a_format_is_given(tmp_path):
    make_registry_with_every_field()
    data = json.loads(run_export())
    assert [row["key"] for row in data["sources"]] == ["empty", "zdf"]
    assert {row["key"] for row in data["documents"]} == {"heute-2025", None}
    # One object a line; only "\n" ends a line (a text may hold U+2028, which splitlines() would split on).
    lines = run_export("--format", "jsonl").removesuffix("\n").split("\n")
    assert [json.loads(line)["type"] for line in lines] == ["source", "source", "document", "document"]
    assert run_export("--format", "csv").startswith("type,key,name,kind,")
    # Nothing was written to the database by exporting.
    assert Source.objects.count() == 2 and Document.objects.count() == 2


def test_an_export_to_a_file_of_unknown_extension_asks_for_a_format(tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("export_sources", str(tmp_path / "registry.xml"), stdout=io.StringIO(), stderr=io.StringIO())
    assert error.value.returncode == 2 and "give --format" in str(error.value)
    assert not (tmp_path / "registry.xml").exists()


# The command line closes the database connections when it is done: these tests run outside a test transaction.
# The import commits, so the documents are embedded for real: keep them few.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_exit_status_is_1_when_a_row_was_rejected_and_the_others_are_stored(tmp_path, capsys):
    path = tmp_path / "registry.jsonl"
    write_jsonl(path, [{"type": "source", **SOURCE}, {"type": "document", **DOCUMENT, "text": ""}])
    with pytest.raises(SystemExit) as exit_status:
        execute_from_command_line(["manage.py", "import_sources", str(path)])
    assert exit_status.value.code == 1
    output = capsys.readouterr()
    assert "rejected: 1\n  row 2 (line 2), document, key 'gg-art-115a': `text` is missing or empty." in output.out
    assert "1 of 2 rows were rejected." in output.err
    assert Source.objects.get().key == "bundestag" and not Document.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_exit_status_is_0_when_every_row_was_stored_and_documents_are_embedded(tmp_path, capsys):
    path = tmp_path / "registry.jsonl"
    write_jsonl(path, [{"type": "source", **SOURCE}, {"type": "document", **DOCUMENT}])
    execute_from_command_line(["manage.py", "import_sources", str(path)])
    assert "documents: 1 created" in capsys.readouterr().out
    document = Document.objects.get()
    assert document.embedding is not None and document.embedded_at is not None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_exit_status_is_2_when_the_file_cannot_be_used(tmp_path, capsys):
    path = tmp_path / "registry.json"
    path.write_text('{"sources": [', "utf-8")
    with pytest.raises(SystemExit) as exit_status:
        execute_from_command_line(["manage.py", "import_sources", str(path)])
    assert exit_status.value.code == 2
    assert "line 1 is not valid JSON" in capsys.readouterr().err
    assert not Source.objects.exists()


FORMULAS = [
    '=HYPERLINK("http://evil.example")',
    "+1+2",
    "-2+3",
    "@SUM(A1)",
    "-1 % Arbeitslosigkeit",
    "'=already quoted",
]


def make_registry_of_formulas() -> None:
    source = make_source(
        key="formulas", name=FORMULAS[0], domain="evil.example", aliases=FORMULAS[1:3], notes=FORMULAS[3]
    )
    make_document(source, key="doc", url="https://evil.example/", title=FORMULAS[4], text=FORMULAS[5])


def test_a_csv_export_writes_no_cell_a_spreadsheet_would_run_as_a_formula(tmp_path):
    make_registry_of_formulas()
    path = tmp_path / "registry.csv"
    run_export(path)
    with path.open(encoding="utf-8", newline="") as file:
        cells = [cell for row in csv.reader(file) for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert {
        '\'=HYPERLINK("http://evil.example")',
        "'+1+2|-2+3",
        "'@SUM(A1)",
        "'-1 % Arbeitslosigkeit",
        "''=already quoted",
    } <= set(cells)


def test_a_csv_export_of_formula_like_values_imports_back_with_the_same_values(tmp_path):
    make_registry_of_formulas()
    path = tmp_path / "registry.csv"
    run_export(path)
    Source.objects.all().delete()
    output, _progress = run_import(path)
    assert output.startswith("sources: 1 created, 0 updated, 0 unchanged\ndocuments: 1 created")
    source = Source.objects.get(key="formulas")
    assert (source.name, source.aliases, source.notes) == (FORMULAS[0], FORMULAS[1:3], FORMULAS[3])
    document = Document.objects.get(key="doc")
    assert (document.title, document.text) == (FORMULAS[4], FORMULAS[5])


@pytest.mark.parametrize("character", ["\x00", "\ud800"], ids=["NUL", "lone surrogate"])
@pytest.mark.parametrize(
    "kind, field",
    [("source", "name"), ("source", "notes"), ("source", "aliases"), ("document", "title"), ("document", "text")],
)
def test_a_nul_or_lone_surrogate_in_a_field_rejects_that_row_only(tmp_path, character, kind, field):
    other = {**SOURCE, "key": "bundesrat", "name": "Bundesrat"}
    source, document = dict(SOURCE), dict(DOCUMENT)
    row = source if kind == "source" else document
    row[field] = [f"Bundes{character}tag"] if field == "aliases" else f"Bundes{character}tag"
    path = tmp_path / "registry.jsonl"
    # json.dumps writes both as escapes (\u0000, \ud800), which is how they arrive in a JSON file.
    rows = [{"type": "source", **source}, {"type": "source", **other}, {"type": "document", **document}]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), "utf-8")
    output, _error = run_import_rejecting(path, returncode=1)
    assert f"`{field}`" in output
    # A rejected source takes its document with it.
    assert f"rejected: {2 if kind == 'source' else 1}" in output
    assert Source.objects.filter(key="bundesrat").exists()
    assert Source.objects.filter(key="bundestag").exists() is (kind == "document")
    assert not Document.objects.exists()
