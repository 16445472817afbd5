"""The German catalogue is complete, and strings built when a module loads still follow the reader's language."""

import shutil
import subprocess

from django.utils import translation

from claims.filters import ClaimFilter
from tests.conftest import PROJECT

CATALOGUE = PROJECT / "locale" / "de" / "LC_MESSAGES" / "django.po"


def _entries(*options: str) -> list[str]:
    """The msgids msgattrib selects with `options`, the header left out."""
    out = subprocess.run(["msgattrib", *options, str(CATALOGUE)], capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if line.startswith("msgid ") and line != 'msgid ""']


def test_every_message_has_a_german_translation_and_none_is_a_guess():
    assert shutil.which("msgattrib"), "gettext's tools are needed (apt-get install gettext), as for compilemessages"
    assert _entries("--untranslated", "--no-obsolete") == []
    assert _entries("--only-fuzzy", "--no-obsolete") == []


def test_the_sort_choices_are_in_the_readers_language():
    choices = ClaimFilter({}, internal=True).form.fields["ordering"].choices
    with translation.override("de"):
        assert ("-checkworthiness", "Prüfwürdigkeit (absteigend)") in [(v, str(label)) for v, label in choices]
    with translation.override("en"):
        assert ("-updated", "Updated (descending)") in [(v, str(label)) for v, label in choices]
