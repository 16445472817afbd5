import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from claims import services


class Command(BaseCommand):
    help = "Store an article from a file or standard input (-) and extract its claims."

    def add_arguments(self, parser):
        parser.add_argument("source", help="a path to a UTF-8 text file, or - for standard input")
        parser.add_argument("--url", default="", help="where the article was published, for reference")

    def handle(self, *args, source, url, **options):
        content = self._read(source)
        try:
            result = services.ingest_article(content=content, url=url)
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
        if not path.is_file():
            raise CommandError(f"No such file: {source}")
        try:
            return path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {source}: {exc.strerror}") from None
