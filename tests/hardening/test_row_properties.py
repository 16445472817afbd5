"""Property-based tests of the ways many rows come in at once: a registry file (JSON and CSV, through
`manage.py import_sources`), a bulk file of articles (JSONL and CSV, through `manage.py ingest_bulk`) and an
external fact-check provider's answer (a local HTTP server speaking the Google Fact Check Tools `claims:search`
format, through the proposal service).

Whatever a row holds (NUL, lone surrogates, control characters, huge strings, numbers where text belongs, lists,
objects, null), the bad row is one rejected row with a message, or the provider is one failed provider with a
message; the good rows around it are stored, the run finishes, and nothing stored holds text that cannot be stored.
Each test runs few examples (each in its own rolled-back transaction) to stay within about 20 seconds.
"""

import csv
import datetime
import io
import json
import re
import tempfile
import threading
from pathlib import Path

from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from claims.analysis.documents import unstorable
from claims.models import Article, Claim, Document, Proposal, Source, WorkStatus
from claims.proposing.factcheck_search import FactCheckSearchProposer
from claims.services import proposals
from tests.claims.conftest import WebServer
from tests.claims.services.test_proposals import Fixed
from tests.factories import make_claim, make_source
from tests.hardening.test_properties import PIECES, texts

# Text that has broken row handling: the pieces of the text properties (NUL, lone surrogates, control characters,
# scripts and directions), and strings far beyond any field's length.
HOSTILE_TEXT = st.one_of(
    texts(max_pieces=6),
    st.sampled_from(PIECES),
    st.sampled_from(["", " ", "\x00", "\ud800", "a\udfffb", "|", '"', "=1+1", "'=cmd", "\r\n"]),
    st.builds(lambda piece, times: piece * times, st.sampled_from(["x", "ä", "😀", "\x00", "|"]), st.integers(1, 5000)),
    st.just("y" * 200_000),
)
# What a JSON value can be where text belongs.
ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.lists(HOSTILE_TEXT, max_size=3),
    st.dictionaries(st.sampled_from(["a", "name", "\x00"]), HOSTILE_TEXT, max_size=2),
)
ANY_VALUE = st.one_of(HOSTILE_TEXT, ODD_VALUES)

SETTINGS = settings(
    max_examples=40,
    deadline=datetime.timedelta(seconds=10),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def storable_everywhere(model, fields) -> None:
    for row in model.objects.values(*fields):
        for name, value in row.items():
            if isinstance(value, str):
                assert not unstorable(value), (model.__name__, name, value[:80])
            elif isinstance(value, list):
                assert not any(unstorable(item) for item in value if isinstance(item, str)), (model.__name__, name)


def run_command(name: str, path: Path) -> tuple[int, str]:
    """The command's exit status and its report."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(name, str(path), stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + f"\n{exc}"
    return 0, out.getvalue()


def is_utf8(content: str) -> bool:
    try:
        content.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def assert_refused_as_not_utf8(status: int, report: str, model) -> None:
    """A CSV file cannot hold a lone surrogate as text: its bytes are not UTF-8, and the file is refused as a whole
    (exit status 2), the line named, before anything is stored."""
    assert status == 2 and re.search(r"line \d+ is not UTF-8", report), report
    assert not model.objects.exists()


def write(folder: str, name: str, content: str) -> Path:
    path = Path(folder) / name
    # A lone surrogate cannot be written as UTF-8: a file on disk holds its JSON escape (JSON) or nothing (CSV).
    path.write_bytes(content.encode("utf-8", "surrogatepass"))
    return path


# The source registry ----------------------------------------------------------------------------------------------

GOOD_SOURCE = {
    "key": "good-source",
    "name": "Good Source",
    "kind": "outlet",
    "domain": "good.example",
    "language": "de",
}
GOOD_DOCUMENT = {
    "key": "good-document",
    "source": "good-source",
    "url": "https://good.example/report",
    "title": "A good report",
    "text": "The report says what the figures are.",
}
SOURCE_FIELDS = ["key", "name", "kind", "domain", "language", "aliases", "reliability", "active", "notes"]
DOCUMENT_FIELDS = ["key", "source", "url", "title", "text", "language", "published_on"]


@st.composite
def hostile_rows(draw, fields, base):
    """A row like `base` with some of its fields replaced by anything at all; its key is its own."""
    row = dict(base)
    row["key"] = f"hostile-{draw(st.integers(0, 10**6))}"
    for name in draw(st.lists(st.sampled_from(fields), min_size=1, max_size=4, unique=True)):
        row[name] = draw(ANY_VALUE)
    return row


SOURCE_BASE = {"name": "Hostile", "kind": "outlet", "language": "en"}
DOCUMENT_BASE = {"source": "good-source", "title": "T", "text": "Some text."}


def registry_report_counts(report: str) -> tuple[int, int, int]:
    """(rows stored, rows rejected, rejected rows listed with a reason) from the import's report."""
    stored = sum(int(n) for n in re.findall(r"(\d+) (?:created|updated|unchanged)", report))
    rejected = int(re.search(r"^rejected: (\d+)$", report, re.MULTILINE).group(1))
    listed = len(re.findall(r"^  .+: \S.*$", report, re.MULTILINE))
    return stored, rejected, listed


def assert_registry_imported_row_by_row(status: int, report: str, rows: int) -> None:
    assert status in (0, 1), report
    stored, rejected, listed = registry_report_counts(report)
    assert stored + rejected == rows, report
    assert listed == rejected and (status == 1) == (rejected > 0), report
    # The good rows around the hostile ones are stored.
    assert Source.objects.filter(key="good-source").exists(), report
    assert Document.objects.filter(key="good-document").exists(), report
    storable_everywhere(Source, ["key", "name", "domain", "aliases", "notes", "reliability_note"])
    storable_everywhere(Document, ["key", "url", "title", "text"])


class TestRegistryFiles(TestCase):
    @SETTINGS
    @given(
        sources=st.lists(
            st.one_of(hostile_rows(SOURCE_FIELDS, SOURCE_BASE), ODD_VALUES, HOSTILE_TEXT), min_size=1, max_size=4
        ),
        documents=st.lists(hostile_rows(DOCUMENT_FIELDS, DOCUMENT_BASE), max_size=3),
    )
    @example(sources=[{**SOURCE_BASE, "key": "nul", "name": "Ha\x00ll"}], documents=[])
    @example(sources=[{**SOURCE_BASE, "key": "surrogate", "aliases": ["A\ud800"]}], documents=[])
    @example(sources=[], documents=[{**DOCUMENT_BASE, "key": "d", "text": "\udfff" * 3}])
    @example(sources=[{**SOURCE_BASE, "key": "huge", "notes": "n" * 1_000_000}], documents=[])
    def test_a_json_registry_with_any_values_is_imported_row_by_row(self, sources, documents):
        data = {"sources": [GOOD_SOURCE, *sources], "documents": [*documents, GOOD_DOCUMENT]}
        with tempfile.TemporaryDirectory() as folder:
            status, report = run_command("import_sources", write(folder, "registry.json", json.dumps(data)))
        assert_registry_imported_row_by_row(status, report, rows=len(sources) + len(documents) + 2)

    @SETTINGS
    @given(
        rows=st.lists(
            st.tuples(st.sampled_from(["source", "document", "other", ""]), st.dictionaries(
                st.sampled_from(sorted({*SOURCE_FIELDS, *DOCUMENT_FIELDS})), HOSTILE_TEXT, max_size=4
            )),
            min_size=1,
            max_size=4,
        )
    )  # fmt: skip
    @example(rows=[("source", {"key": "nul", "name": "Ha\x00ll"})])
    @example(rows=[("source", {"key": "surrogate", "aliases": "A\ud800|B"})])
    @example(rows=[("document", {"key": "d", "source": "good-source", "title": "T", "text": "x" * 300_000})])
    def test_a_csv_registry_with_any_cells_is_imported_row_by_row(self, rows):
        columns = ["type", *sorted({*SOURCE_FIELDS, *DOCUMENT_FIELDS})]
        # csv's own line ends ("\r\n"), so that a cell holding either is quoted as a spreadsheet would write it.
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns)
        writer.writeheader()
        writer.writerow({"type": "source", **GOOD_SOURCE})
        written = [
            {"type": kind, **cells, "key": cells.get("key", f"hostile-{n}")} for n, (kind, cells) in enumerate(rows)
        ]
        writer.writerows(written)
        writer.writerow({"type": "document", **GOOD_DOCUMENT})
        with tempfile.TemporaryDirectory() as folder:
            status, report = run_command("import_sources", write(folder, "registry.csv", out.getvalue()))
        if not is_utf8(out.getvalue()):
            return assert_refused_as_not_utf8(status, report, Source)
        # A row that holds only blanks is no row; every other row is counted.
        counted = [row for row in written if any(value.strip() for value in row.values())]
        assert_registry_imported_row_by_row(status, report, rows=len(counted) + 2)


# Bulk files of articles ---------------------------------------------------------------------------------------

GOOD_ARTICLE = {"text": "Gute Zeile\n\nDer Stadtrat hat am Donnerstag den Haushalt beschlossen.", "title": "Gut"}
# URLs that never leave the machine: the fetcher refuses loopback before any request.
URLS = st.one_of(
    HOSTILE_TEXT.map(lambda text: "x" + text),
    st.sampled_from(["http://127.0.0.1:9/a", "http://[::1]:9/", "javascript:alert(1)", "ftp://127.0.0.1/x"]),
)
ARTICLE_VALUES = {
    "text": st.one_of(HOSTILE_TEXT, ODD_VALUES),
    "html": st.one_of(HOSTILE_TEXT.map(lambda text: f"<p>{text}</p>"), ODD_VALUES),
    "url": st.one_of(URLS, ODD_VALUES),
    "title": st.one_of(HOSTILE_TEXT, ODD_VALUES),
    "published_on": st.one_of(HOSTILE_TEXT, st.sampled_from(["2025-02-30", "2025-08-15", "15.08.2025"]), ODD_VALUES),
}


@st.composite
def article_rows(draw, *, as_text: bool):
    names = draw(st.lists(st.sampled_from(sorted(ARTICLE_VALUES)), min_size=1, max_size=4, unique=True))
    row = {}
    for name in names:
        value = draw(ARTICLE_VALUES[name])
        row[name] = value if not as_text else (value if isinstance(value, str) else json.dumps(value))
    return row


def bulk_report_counts(report: str) -> tuple[int, int, int, int]:
    numbers = {name: int(n) for name, n in re.findall(r"^(stored|already stored|rejected): (\d+)$", report, re.M)}
    listed = len(re.findall(r"^  row \d+ \(line \d+\): \S.*$", report, re.MULTILINE))
    return numbers["stored"], numbers["already stored"], numbers["rejected"], listed


def assert_bulk_stored_row_by_row(status: int, report: str, rows: int) -> None:
    assert status in (0, 1), report
    stored, already, rejected, listed = bulk_report_counts(report)
    assert stored + already + rejected == rows, report
    # Rows already stored are listed with their article, rejected ones with their reason.
    assert listed == already + rejected and (status == 1) == (rejected > 0), report
    assert Article.objects.filter(title="Gut").exists(), report
    storable_everywhere(Article, ["title", "url", "text"])


class TestBulkFiles(TestCase):
    @SETTINGS
    @given(rows=st.lists(article_rows(as_text=False), min_size=1, max_size=4))
    @example(rows=[{"text": "Titel\n\nEin Satz.", "title": "A\x00B"}])
    @example(rows=[{"text": "Titel\n\nEin Satz.", "url": "https://example.org/\ud800"}])
    @example(rows=[{"text": "Titel \ud800\n\nEin Satz."}])
    @example(rows=[{"title": ["a", "b"], "text": 12}])
    @example(rows=[{"text": "Titel\n\nEin Satz.", "title": "t" * 100_000}])
    def test_a_jsonl_bulk_file_with_any_values_is_stored_row_by_row(self, rows):
        lines = [json.dumps(row) for row in [GOOD_ARTICLE, *rows]]
        with tempfile.TemporaryDirectory() as folder:
            status, report = run_command("ingest_bulk", write(folder, "bulk.jsonl", "\n".join(lines) + "\n"))
        assert_bulk_stored_row_by_row(status, report, rows=len(rows) + 1)

    @SETTINGS
    @given(rows=st.lists(article_rows(as_text=True), min_size=1, max_size=4))
    @example(rows=[{"text": "Titel\n\nEin Satz.", "title": "A\x00B"}])
    @example(rows=[{"html": "<p>\x00</p>", "url": "\x00"}])
    def test_a_csv_bulk_file_with_any_cells_is_stored_row_by_row(self, rows):
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=sorted(ARTICLE_VALUES))
        writer.writeheader()
        writer.writerow(GOOD_ARTICLE)
        writer.writerows(rows)
        with tempfile.TemporaryDirectory() as folder:
            status, report = run_command("ingest_bulk", write(folder, "bulk.csv", out.getvalue()))
        if not is_utf8(out.getvalue()):
            return assert_refused_as_not_utf8(status, report, Article)
        assert_bulk_stored_row_by_row(status, report, rows=len(rows) + 1)


# An external fact-check provider's answers ------------------------------------------------------------------------

SEARCH_PATH = "/v1alpha1/claims:search"


@st.composite
def provider_answers(draw):
    """A `claims:search` answer, its values anywhere replaced by anything at all."""
    text = st.one_of(HOSTILE_TEXT, ODD_VALUES)
    review = st.fixed_dictionaries(
        {},
        optional={
            "publisher": st.one_of(st.fixed_dictionaries({}, optional={"name": text, "site": text}), ODD_VALUES),
            "url": st.one_of(
                st.just("https://factcheck.example/a"), HOSTILE_TEXT.map(lambda t: "https://f.example/" + t), text
            ),
            "title": text,
            "textualRating": text,
            "languageCode": text,
        },
    )
    item = st.fixed_dictionaries(
        {},
        optional={
            "text": text,
            "claimant": text,
            "claimDate": text,
            "claimReview": st.one_of(st.lists(st.one_of(review, ODD_VALUES), max_size=3), ODD_VALUES),
        },
    )
    answer = draw(
        st.one_of(
            st.fixed_dictionaries({"claims": st.one_of(st.lists(st.one_of(item, ODD_VALUES), max_size=3), ODD_VALUES)}),
            ODD_VALUES,
        )
    )
    return json.dumps(answer)


class TestFactCheckProvider(TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.web = WebServer()
        cls.thread = threading.Thread(target=cls.web.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        cls.thread.start()

    @classmethod
    def tearDownClass(cls):
        cls.web.stopping.set()
        cls.web.shutdown()
        cls.web.server_close()
        cls.thread.join(timeout=5)
        super().tearDownClass()

    @SETTINGS
    @given(answer=provider_answers())
    @example(answer=json.dumps({"claims": [{"text": "T", "claimReview": [{"url": "https://f.example/\x00"}]}]}))
    @example(answer=json.dumps({"claims": [{"text": "\ud800", "claimReview": [{"url": "https://f.example/a"}]}]}))
    @example(answer=json.dumps({"claims": [{"text": 5, "claimReview": [{"url": "https://f.example/a"}]}]}))
    @example(answer=json.dumps({"claims": [{"claimReview": [{"url": "https://f.example/a", "publisher": "x"}]}]}))
    @example(answer=json.dumps({"claims": [{"claimReview": ["https://f.example/a"]}]}))
    @example(answer=json.dumps({"claims": [{"claimReview": {"url": "https://f.example/a"}}]}))
    @example(answer=json.dumps({"claims": {"\ud800": 1}}))
    def test_any_answer_is_proposals_or_one_failed_provider(self, answer):
        from django.test import override_settings

        self.web.add(SEARCH_PATH, answer, content_type="application/json")
        with override_settings(
            FACTCHECK_TOOLS_API_KEY="test-key",
            FACTCHECK_TOOLS_URL=self.web.url(SEARCH_PATH),
            FACTCHECK_TOOLS_RETRIES=0,
            FACTCHECK_TOOLS_TIMEOUT=2,
        ):
            claim, source = make_claim(is_checkworthy=True, language="de"), make_source()
            run = proposals.propose_sources(claim_id=claim.pk, proposers=[FactCheckSearchProposer(), Fixed(source)])
        claim = Claim.objects.get(pk=claim.pk)
        # The other proposer's result is kept, and the run finished either way.
        assert Proposal.objects.filter(claim=claim, source=source).exists()
        assert claim.proposals_status in (WorkStatus.DONE, WorkStatus.FAILED)
        if claim.proposals_status == WorkStatus.FAILED:
            assert claim.proposals_error.startswith("external fact-check search")
            assert len(run.unavailable) + len(run.errors) == 1
        assert not unstorable(claim.proposals_error)
        storable_everywhere(
            Proposal, ["reason", "external_url", "external_title", "external_publisher", "external_rating"]
        )
