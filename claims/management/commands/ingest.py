import re
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from claims.analysis.html import looks_like_html
from claims.management.files import require_file
from claims.models.articles import InputFormat
from claims.services.ingest import ingest

# Anything that starts like a URL is one; the ingest service refuses the schemes it does not fetch, with their name.
URL = re.compile(r"\A[a-z][a-z0-9+.-]*://", re.IGNORECASE)


class Command(BaseCommand):
    help = (
        "Store an article from an http(s) URL, a file or standard input (-) and extract its claims. A URL is "
        "fetched; a file named .html or .htm, or content that starts with a tag, is read as HTML; anything else "
        "as plain text."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "source", help="an http(s) URL to fetch, a path to a UTF-8 text or HTML file, or - for standard input"
        )
        parser.add_argument("--url", default="", help="where a file's article was published, for reference")

    def handle(self, *args, source, url, **options):
        try:
            if URL.match(source):
                if url:
                    raise CommandError("--url is for files and standard input; a fetched page's URL is its own.")
                result = ingest(url=source)
            else:
                content = self._read(source)
                html = looks_like_html(content, "" if source == "-" else source)
                input_format = InputFormat.HTML if html else InputFormat.TEXT
                result = ingest(content=content, url=url, input_format=input_format)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        # With tasks in process, extraction has run by now; with a worker it may still be queued.
        article = result.article
        article.refresh_from_db()
        verb = "Stored" if result.created else "Already stored as"
        self.stdout.write(f"{verb} article {article.pk}: {article}")
        self.stdout.write(f"article_id: {article.pk}")
        self.stdout.write(f"claims: {article.claims.count()}")
        self.stdout.write(f"extraction: {article.extraction_status}")

    def _read(self, source: str) -> bytes:
        if source == "-":
            return sys.stdin.buffer.read()
        path = Path(source)
        require_file(path)
        try:
            return path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {source}: {exc.strerror}") from None
