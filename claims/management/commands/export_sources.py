from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from claims.registry import files as registry_files
from claims.services.registry import export_registry

FILE_UNUSABLE = 2


class Command(BaseCommand):
    help = (
        "Write the whole source registry (sources and documents) as JSON, JSONL or CSV, in the formats "
        "`import_sources` reads: an export imports back with nothing changed. The format is --format, else the "
        "file's extension (.json, .jsonl, .ndjson, .csv); standard output gets JSON unless --format says otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="where to write; - or nothing for standard output")
        parser.add_argument("--format", choices=["json", "jsonl", "csv"], help="json, jsonl or csv")

    def handle(self, *args, file, format, **options):
        to_stdout = file in (None, "-")
        if format is None:
            try:
                format = "json" if to_stdout else registry_files.format_of(file)
            except registry_files.UnusableFile as exc:
                raise CommandError(f"{file}: {exc} Or give --format.", returncode=FILE_UNUSABLE) from None
        data = export_registry()
        text = registry_files.write_registry(data, format=format)
        if to_stdout:
            self.stdout.write(text, ending="")
            return
        try:
            Path(file).write_text(text, "utf-8", newline="")
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}", returncode=FILE_UNUSABLE) from None
        self.stderr.write(f"{file}: {len(data['sources'])} sources and {len(data['documents'])} documents ({format}).")
