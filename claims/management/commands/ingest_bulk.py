import csv
import datetime
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from claims.analysis.documents import unstorable
from claims.management.files import require_file
from claims.models.articles import InputFormat
from claims.services.ingest import IngestResult, ingest

FIELDS = ("text", "html", "url", "title", "published_on")
# Exit statuses, as the help states them.
SOME_ROWS_REJECTED = 1
FILE_UNUSABLE = 2


class BadFile(Exception):
    """The file itself cannot be read as rows; nothing is stored."""


class BadRow(Exception):
    """One row does not describe an article; the row is rejected and the others go on."""


@dataclass(frozen=True)
class Row:
    number: int
    line: int
    data: dict
    # Why the row cannot be read as an article, found while reading the file.
    error: str = ""

    def __str__(self):
        return f"row {self.number} (line {self.line})"


class Command(BaseCommand):
    help = (
        "Store many articles from a JSONL (.jsonl, .ndjson) or CSV (.csv, with a header) file, one article per row: "
        "`text` (plain text) or `html` (a web page), or `url` alone (the page is fetched); optional `title`, "
        "`url` (with text or html: where the article was published) and `published_on` (YYYY-MM-DD). Other "
        "columns are ignored. Each row is stored or rejected on its own, and the report at the end names every "
        "rejected row and why. Exit status: 0 when every row was stored or already stored; 1 when any row was "
        "rejected (the other rows are stored); 2 when the file cannot be read as JSONL or CSV (nothing is stored)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .jsonl, .ndjson or .csv file, UTF-8")

    def handle(self, *args, file, **options):
        rows = self._rows(Path(file))
        try:
            # A first pass reads the whole file, so that a malformed line stops the run before anything is stored,
            # and gives the progress bar its total.
            total = sum(1 for _row in rows())
        except BadFile as exc:
            raise CommandError(f"{file}: {exc}", returncode=FILE_UNUSABLE) from None
        stored, already, rejected = [], [], []
        # tqdm writes to the stream itself (Django's wrapper would end each redraw with a new line); on a stream that
        # is not a terminal it writes its updates all the same, which a log file can take.
        progress = tqdm(total=total, unit="row", file=options.get("stderr") or sys.stderr, mininterval=0.5)
        with progress:
            for row in rows():
                try:
                    if row.error:
                        raise BadRow(row.error)
                    result = self._ingest(row.data)
                except (BadRow, ValidationError) as exc:
                    rejected.append((row, "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)))
                else:
                    (stored if result.created else already).append((row, result.article.pk))
                progress.update()
        self._report(stored, already, rejected, verbosity=options["verbosity"])
        if rejected:
            raise CommandError(f"{len(rejected)} of {total} rows were rejected.", returncode=SOME_ROWS_REJECTED)

    def _ingest(self, data: dict) -> IngestResult:
        fields = {key: data[key] for key in FIELDS if data.get(key) not in (None, "")}
        for key, value in fields.items():
            if not isinstance(value, str):
                raise BadRow(f"`{key}` must be a string.")
            # The content's own check names the problem in the words of the web form; a title or a URL has none.
            if key in ("title", "url", "published_on") and (problem := unstorable(value)):
                raise BadRow(f"`{key}` {problem}.")
        if "text" in fields and "html" in fields:
            raise BadRow("The row has both `text` and `html`; give one.")
        published_on = None
        if "published_on" in fields:
            try:
                published_on = datetime.date.fromisoformat(fields["published_on"].strip())
            except ValueError:
                raise BadRow(f"`published_on` {fields['published_on']!r} is not a date (YYYY-MM-DD).") from None
        title = fields.get("title", "").strip()
        if "text" in fields or "html" in fields:
            html = "html" in fields
            return ingest(
                content=fields["html" if html else "text"],
                input_format=InputFormat.HTML if html else InputFormat.TEXT,
                url=fields.get("url", "").strip(),
                title=title,
                published_on=published_on,
            )
        if "url" in fields:
            return ingest(url=fields["url"].strip(), title=title, published_on=published_on)
        raise BadRow("The row has no `text`, `html` or `url`.")

    def _rows(self, path: Path) -> Callable[[], Iterator[Row]]:
        require_file(path, returncode=FILE_UNUSABLE)
        suffix = path.suffix.lower()
        if suffix in (".jsonl", ".ndjson"):
            return lambda: _jsonl_rows(path)
        if suffix == ".csv":
            return lambda: _csv_rows(path)
        raise CommandError(
            f"{path}: the file must be JSONL (.jsonl, .ndjson) or CSV (.csv), not {suffix or 'without an extension'}.",
            returncode=FILE_UNUSABLE,
        )

    def _report(self, stored, already, rejected, *, verbosity: int) -> None:
        self.stdout.write(f"stored: {len(stored)}")
        if verbosity > 1:
            for row, article_id in stored:
                self.stdout.write(f"  {row}: article {article_id}")
        self.stdout.write(f"already stored: {len(already)}")
        for row, article_id in already:
            self.stdout.write(f"  {row}: article {article_id}")
        self.stdout.write(f"rejected: {len(rejected)}")
        for row, reason in rejected:
            self.stdout.write(f"  {row}: {reason}")


def _lines(path: Path) -> Iterator[str]:
    """The file's lines with their line ends (as csv wants them), decoded one by one to name a line that is not
    UTF-8."""
    with path.open("rb") as raw:
        for number, line in enumerate(raw, start=1):
            try:
                yield line.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise BadFile(f"line {number} is not UTF-8 text (invalid byte at column {exc.start + 1}).") from None


def _jsonl_rows(path: Path) -> Iterator[Row]:
    number = 0
    for line_number, line in enumerate(_lines(path), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line.rstrip("\r\n"))
        except json.JSONDecodeError as exc:
            reason = f"{exc.msg.removesuffix(' at')} at column {exc.colno}"
            raise BadFile(f"line {line_number} is not valid JSON ({reason}).") from None
        except RecursionError:
            raise BadFile(f"line {line_number} is not an article: its JSON is nested too deeply to read.") from None
        number += 1
        if isinstance(data, dict):
            yield Row(number=number, line=line_number, data=data)
        else:
            yield Row(number=number, line=line_number, data={}, error="A JSON object is expected, one article a line.")


def _csv_rows(path: Path) -> Iterator[Row]:
    # Articles are longer than the csv module's default field limit (128 KiB); the ingest service applies the real
    # size limit with its own message, this one only stops a runaway field.
    csv.field_size_limit(max(csv.field_size_limit(), 4 * settings.ARTICLE_MAX_BYTES))
    reader = csv.DictReader(_lines(path), strict=True)
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        raise BadFile(f"line 1 is not a CSV header: {exc}.") from None
    if not {"text", "html", "url"} & set(header):
        raise BadFile("line 1, the header, must name a `text`, `html` or `url` column.")
    number = 0
    while True:
        line_number = reader.line_num + 1
        try:
            data = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise BadFile(f"line {line_number} is not valid CSV: {exc}.") from None
        number += 1
        # DictReader puts values beyond the header under None: usually a missing quote around a comma.
        error = "The row has more fields than the header names." if None in data else ""
        yield Row(number=number, line=line_number, data=data, error=error)
