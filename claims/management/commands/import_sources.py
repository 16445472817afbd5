import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from claims.management.files import require_file
from claims.registry import files as registry_files
from claims.services.registry import import_registry

# Exit statuses, as the help states them.
SOME_ROWS_REJECTED = 1
FILE_UNUSABLE = 2


class Command(BaseCommand):
    help = (
        "Create or update the source registry's sources and documents, by key, from a JSON (.json: an object with "
        "`sources` and `documents` lists, as ../shared/samples/registry.json), JSONL (.jsonl, .ndjson: one object a "
        "line with `type` `source` or `document`) or CSV file (.csv, with a header: a `type` column, `aliases` "
        "separated by `|`, `active` true or false). Each row is stored or rejected on its own, and the report names "
        "every rejected row, its key and why; a document whose source is rejected is rejected too. Documents whose "
        "title or text changed are embedded again in the background. Exit status: 0 when no row was rejected; 1 "
        "when any row was rejected (the others are stored); 2 when the file cannot be used at all (missing, an "
        "unknown extension, not UTF-8, invalid JSON or CSV: the line is named and nothing is stored)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .json, .jsonl, .ndjson or .csv file, UTF-8")

    def handle(self, *args, file, **options):
        path = Path(file)
        require_file(path, returncode=FILE_UNUSABLE)
        try:
            registry = registry_files.read_registry(path.read_bytes(), format=registry_files.format_of(path.name))
            # tqdm writes to the stream itself (Django's wrapper would end each redraw with a new line); on a stream
            # that is not a terminal it writes its updates all the same, which a log file can take.
            progress = tqdm(total=registry.rows, unit="row", file=options.get("stderr") or sys.stderr, mininterval=0.5)
            with progress:
                progress.update(len(registry.unplaced))
                result = import_registry(data=registry.data, on_row=progress.update)
        except registry_files.UnusableFile as exc:
            raise CommandError(f"{path}: {exc}", returncode=FILE_UNUSABLE) from None
        except ValidationError as exc:
            raise CommandError(f"{path}: {'; '.join(exc.messages)}", returncode=FILE_UNUSABLE) from None
        lines = registry_files.report(registry, result)
        self.stdout.write("\n".join(lines))
        rejected = len(registry.unplaced) + len(result.rejected)
        if rejected:
            raise CommandError(f"{rejected} of {registry.rows} rows were rejected.", returncode=SOME_ROWS_REJECTED)
