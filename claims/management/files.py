"""What the commands that read a file say when the path given is not one they can read."""

from pathlib import Path

from django.core.management.base import CommandError


def require_file(path: Path, *, returncode: int = 1) -> None:
    """Nothing when `path` is a regular file; otherwise a CommandError saying what it is instead."""
    if path.is_file():
        return
    if path.is_dir():
        reason = f"{path} is a directory, not a file."
    elif path.exists():
        reason = f"{path} is not a regular file (a device or a pipe, say)."
    else:
        reason = f"No such file: {path}"
    raise CommandError(reason, returncode=returncode)
