"""The source registry's file formats, read and written; plain Python, no Django.

Three formats hold the same rows, so that an export imports back with nothing changed:

- JSON (`.json`): one object with a `sources` list and a `documents` list, as `../shared/samples/registry.json`.
  Other top-level keys (`about`, `gold`) are ignored.
- JSONL (`.jsonl`, `.ndjson`): one object a line, with `"type": "source"` or `"type": "document"`.
- CSV (`.csv`, UTF-8, with a header): one row a source or a document, told apart by the `type` column. Source and
  document columns share one header; a row uses the columns of its type. `aliases` are separated by `|`, `active`
  is `true` or `false`; an empty `kind`, `reliability` or `active` cell leaves the default (or the stored value).
  A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is written after a single quote (`'=x`),
  so that a spreadsheet does not run it as a formula; reading takes that one quote off.

Fields: a source has `key`, `name`, `kind`, `domain`, `language`, `reliability`, `reliability_note`, `active`,
`aliases`, `notes`; a document has `key`, `source` (its source's key), `url`, `title`, `text`, `language`,
`published_on` (YYYY-MM-DD). What each value may be is the rule of `claims.registry.rows`; this module only turns
files into rows and back, and rejects a row it cannot place (no `type`, not an object).
"""

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

SOURCE_COLUMNS = (
    "key",
    "name",
    "kind",
    "domain",
    "language",
    "reliability",
    "reliability_note",
    "active",
    "aliases",
    "notes",
)
DOCUMENT_COLUMNS = ("key", "source", "url", "title", "text", "language", "published_on")
CSV_COLUMNS = ("type", *dict.fromkeys(SOURCE_COLUMNS + DOCUMENT_COLUMNS))
# CSV cells where empty means "not given" rather than an empty value.
CSV_OPTIONAL = ("kind", "reliability", "active")
# Aliases are separated by this in a CSV cell, so an alias may not contain it (a rule of every format: every
# registry can be exported to every format).
ALIAS_SEPARATOR = "|"
# Reference texts can be longer than the csv module's default field limit (128 KiB); this only stops a runaway field.
CSV_FIELD_LIMIT = 16 * 1024 * 1024
KINDS = ("source", "document")
# A spreadsheet opening the CSV runs a cell that starts with one of these as a formula (CSV injection). The export
# writes such a cell after a single quote, as OWASP advises, which the spreadsheet shows as text and the import
# takes off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_ESCAPE = "'"

FORMATS = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}


class UnusableFile(Exception):
    """The file as a whole cannot be read as a registry (its format, its encoding, its JSON); nothing is imported."""


@dataclass(frozen=True)
class UnplacedRow:
    """A row of the file that is neither a source nor a document: rejected before the import sees it."""

    position: int
    where: str
    reason: str


@dataclass
class RegistryFile:
    """A registry file's rows in the import service's shape, with where each row stands in the file."""

    format: str
    sources: list = field(default_factory=list)
    documents: list = field(default_factory=list)
    unplaced: list[UnplacedRow] = field(default_factory=list)
    # (kind, number among the rows of that kind, from 1) -> (position in the file, where it is in words).
    _where: dict = field(default_factory=dict)

    @property
    def data(self) -> dict:
        return {"sources": self.sources, "documents": self.documents}

    @property
    def rows(self) -> int:
        return len(self.sources) + len(self.documents) + len(self.unplaced)

    def add(self, kind: str, row, where: str) -> None:
        position = self.rows
        rows = self.sources if kind == "source" else self.documents
        rows.append(row)
        self._where[(kind, len(rows))] = (position, where)

    def reject(self, where: str, reason: str) -> None:
        self.unplaced.append(UnplacedRow(self.rows, where, reason))

    def where(self, kind: str, number: int) -> tuple[int, str]:
        """Where the `number`th row of `kind` stands in the file: its position (for sorting) and in words."""
        return self._where.get((kind, number)) or (self.rows + number, f"{kind} {number}")


def format_of(name: str) -> str:
    """The format a file name's extension says; UnusableFile for any other extension."""
    suffix = Path(name).suffix.lower()
    if suffix not in FORMATS:
        raise UnusableFile(
            f"the file must be JSON (.json), JSONL (.jsonl, .ndjson) or CSV (.csv), "
            f"not {suffix or 'without an extension'}."
        )
    return FORMATS[suffix]


def read_registry(content: bytes, *, format: str) -> RegistryFile:
    """The rows of a registry file in `format` (json, jsonl, csv); UnusableFile when the file as a whole is not
    one (not UTF-8, invalid JSON or CSV: the line is named)."""
    text = _decode(content)
    if format == "json":
        return _read_json(text)
    if format == "jsonl":
        return _read_jsonl(text)
    return _read_csv(text)


def write_registry(data: dict, *, format: str) -> str:
    """The registry `data` (the import service's shape, every field given) as the text of a file in `format`."""
    if format == "json":
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    rows = [("source", row) for row in data["sources"]] + [("document", row) for row in data["documents"]]
    if format == "jsonl":
        return "".join(json.dumps({"type": kind, **row}, ensure_ascii=False) + "\n" for kind, row in rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for kind, row in rows:
        writer.writerow({"type": kind, **{name: _csv_cell(value) for name, value in row.items()}})
    return out.getvalue()


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return _escape_formula(ALIAS_SEPARATOR.join(value))
    return _escape_formula(str(value))


def _looks_like_formula(cell: str) -> bool:
    """A cell a spreadsheet would run as a formula, also behind the quotes that escape it."""
    return cell.lstrip(FORMULA_ESCAPE)[:1] in FORMULA_STARTS


def _escape_formula(cell: str) -> str:
    # One more quote for a cell that starts with quotes before a formula character, so that reading takes off
    # exactly the one added here: "'=x" (a value of its own) is written "''=x" and read back as "'=x".
    return FORMULA_ESCAPE + cell if _looks_like_formula(cell) else cell


def _unescape_formula(cell: str) -> str:
    return cell[1:] if cell.startswith(FORMULA_ESCAPE) and _looks_like_formula(cell) else cell


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise UnusableFile(f"line {line} is not UTF-8 text.") from None


def _read_json(text: str) -> RegistryFile:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnusableFile(
            f"line {exc.lineno} is not valid JSON ({exc.msg.removesuffix(' at')} at column {exc.colno})."
        ) from None
    except RecursionError:
        raise UnusableFile("the file is not a registry: its JSON is nested too deeply to read.") from None
    if not isinstance(data, dict) or not ({"sources", "documents"} & data.keys()):
        raise UnusableFile("a JSON registry is an object with a `sources` list and a `documents` list.")
    registry = RegistryFile(format="json")
    for kind in KINDS:
        rows = data.get(f"{kind}s", [])
        if not isinstance(rows, list):
            raise UnusableFile(f"`{kind}s` must be a list.")
        for number, row in enumerate(rows, start=1):
            registry.add(kind, row, f"{kind} {number}")
    return registry


def _lines(text: str) -> Iterator[tuple[int, str]]:
    # Only "\n" ends a line: JSON strings may hold U+2028 and other characters that str.splitlines() splits on.
    yield from enumerate(text.split("\n"), start=1)


def _read_jsonl(text: str) -> RegistryFile:
    registry = RegistryFile(format="jsonl")
    number = 0
    for line_number, line in _lines(text):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            reason = f"{exc.msg.removesuffix(' at')} at column {exc.colno}"
            raise UnusableFile(f"line {line_number} is not valid JSON ({reason}).") from None
        except RecursionError:
            raise UnusableFile(f"line {line_number} is not a row: its JSON is nested too deeply to read.") from None
        number += 1
        where = f"row {number} (line {line_number})"
        if not isinstance(row, dict):
            registry.reject(where, "A JSON object is expected, one source or document a line.")
            continue
        kind = row.pop("type", None)
        if kind not in KINDS:
            registry.reject(where, f"`type` must be `source` or `document`, not {kind!r}.")
            continue
        registry.add(kind, row, f"{where}, {kind}")
    return registry


def _read_csv(text: str) -> RegistryFile:
    registry = RegistryFile(format="csv")
    csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [name.strip() for name in next(reader, [])]
    except csv.Error as exc:
        raise UnusableFile(f"line 1 is not a CSV header: {exc}.") from None
    if "type" not in header:
        raise UnusableFile("line 1, the header, must name a `type` column (`source` or `document` on each row).")
    number = 0
    while True:
        line_number = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return registry
        except csv.Error as exc:
            raise UnusableFile(f"line {line_number} is not valid CSV: {exc}.") from None
        if not any(cell.strip() for cell in cells):
            continue
        number += 1
        where = f"row {number} (line {line_number})"
        if len(cells) > len(header):
            registry.reject(where, "The row has more fields than the header names.")
            continue
        values = dict(zip(header, map(_unescape_formula, cells), strict=False))
        kind = values.get("type", "").strip()
        if kind not in KINDS:
            registry.reject(where, f"`type` must be `source` or `document`, not {kind!r}.")
            continue
        registry.add(
            kind, _csv_row(values, SOURCE_COLUMNS if kind == "source" else DOCUMENT_COLUMNS), f"{where}, {kind}"
        )


def _csv_row(values: dict, columns: tuple) -> dict:
    """A CSV row's cells as the values the import takes: aliases a list, active a bool, empty dates and keys none."""
    row = {}
    for name in columns:
        if name not in values:
            continue
        value = values[name]
        if name in CSV_OPTIONAL and not value.strip():
            continue
        if name == "aliases":
            value = [alias.strip() for alias in value.split(ALIAS_SEPARATOR) if alias.strip()]
        elif name == "active":
            value = {"true": True, "false": False}.get(value.strip().lower(), value)
        elif name in ("published_on", "key") and not value.strip():
            value = None
        row[name] = value
    return row


def report(registry: RegistryFile, result) -> list[str]:
    """What an import of this file did (`result`, the import service's `RegistryImport`), in lines: the counts, then
    every rejected row in file order, where it is, its key and why. The command and the admin's import page show
    these same lines."""
    rejected = [(row.position, row.where, "", row.reason) for row in registry.unplaced]
    rejected += [(*registry.where(row.kind, row.row), row.key, row.reason) for row in result.rejected]
    lines = [
        f"sources: {result.sources_created} created, {result.sources_updated} updated, "
        f"{result.sources_unchanged} unchanged",
        f"documents: {result.documents_created} created, {result.documents_updated} updated, "
        f"{result.documents_unchanged} unchanged",
        f"rejected: {len(rejected)}",
    ]
    for _position, where, key, reason in sorted(rejected, key=lambda rejected_row: rejected_row[0]):
        lines.append(f"  {where}{f', key {key!r}' if key else ''}: {reason}")
    return lines
