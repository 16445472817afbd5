"""`manage.py ingest`: files and standard input in, the article id and claim count out; clear errors."""

import io
import sys

import pytest
from django.core.management import CommandError, call_command

from claims.models import Article
from claims.models.articles import InputFormat
from tests.claims.conftest import ARTICLE_HTML
from tests.conftest import SAMPLE_ARTICLE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_ingest(*args) -> str:
    out = io.StringIO()
    call_command("ingest", *args, stdout=out)
    return out.getvalue()


def test_ingest_prints_the_article_id_and_claim_count():
    output = run_ingest(str(SAMPLE_ARTICLE))
    article = Article.objects.get()
    assert f"article_id: {article.pk}\n" in output
    assert "claims: 14\n" in output and "extraction: done\n" in output


def test_ingesting_the_same_file_again_names_the_stored_article():
    run_ingest(str(SAMPLE_ARTICLE))
    assert "Already stored as article" in run_ingest(str(SAMPLE_ARTICLE))
    assert Article.objects.count() == 1


def test_ingest_reads_standard_input(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Headline\n\nOne sentence. Two sentences.")))
    assert "claims: 3\n" in run_ingest("-")


def test_a_missing_file_is_a_command_error():
    with pytest.raises(CommandError, match="No such file"):
        run_ingest("/nonexistent/article.txt")


@pytest.mark.parametrize("command", ["ingest", "ingest_bulk", "import_sources"])
def test_a_directory_or_a_device_is_named_as_what_it_is(tmp_path, command):
    with pytest.raises(CommandError, match="is a directory, not a file"):
        call_command(command, str(tmp_path), stdout=io.StringIO())
    with pytest.raises(CommandError, match="is not a regular file"):
        call_command(command, "/dev/null", stdout=io.StringIO())


def test_an_empty_file_is_a_command_error_and_nothing_is_stored(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="empty"):
        run_ingest(str(empty))
    assert not Article.objects.exists()


def test_ingest_fetches_an_http_url(allowed_web):
    url = allowed_web.add("/artikel", ARTICLE_HTML)
    output = run_ingest(url)
    article = Article.objects.get()
    assert f"article_id: {article.pk}\n" in output and "claims: " in output and "extraction: " in output
    assert (article.url, article.input_format, article.author) == (url, InputFormat.URL, "Anna Schmidt")


def test_ingest_refuses_a_url_it_must_not_fetch_and_stores_nothing(web):
    url = web.add("/artikel", ARTICLE_HTML)
    with pytest.raises(CommandError, match="loopback address"):
        run_ingest(url)
    assert not Article.objects.exists() and web.requests == []


@pytest.mark.parametrize("url", ["ftp://example.org/artikel.txt", "file:///etc/passwd"])
def test_ingest_refuses_other_schemes_by_name(url):
    with pytest.raises(CommandError, match="Only http and https URLs are fetched"):
        run_ingest(url)
    assert not Article.objects.exists()


def test_ingest_reads_an_html_file_as_a_web_page(tmp_path):
    path = tmp_path / "seite.htm"
    path.write_text(ARTICLE_HTML, "utf-8")
    output = run_ingest(str(path), "--url", "https://tagesblatt.example/haushalt")
    article = Article.objects.get()
    assert f"article_id: {article.pk}\n" in output
    assert article.input_format == InputFormat.HTML and article.title == "Stadtrat beschließt Haushalt"
    assert article.url == "https://tagesblatt.example/haushalt" and "SCRIPT-IN-BODY" not in article.text


def test_ingest_reads_html_from_standard_input_by_its_leading_tag(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(ARTICLE_HTML.encode())))
    run_ingest("-")
    assert Article.objects.get().input_format == InputFormat.HTML
