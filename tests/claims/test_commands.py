"""`manage.py ingest`: files and standard input in, the article id and claim count out; clear errors."""

import io
import sys

import pytest
from django.core.management import CommandError, call_command

from claims.models import Article
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


def test_an_empty_file_is_a_command_error_and_nothing_is_stored(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="empty"):
        run_ingest(str(empty))
    assert not Article.objects.exists()
