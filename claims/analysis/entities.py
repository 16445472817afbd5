"""Numbers, dates and names in a sentence: what a fact-checker looks up first."""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from claims.analysis.attribution import name_spans
from claims.analysis.tagging import TaggedToken

MONTHS = (
    "Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember|"
    "January|February|March|May|June|July|October|December"
)
WEEKDAYS = (
    "Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonnabend|Sonntag|"
    "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
)
SCALE = r"(?:Millionen|Million|Mio\.|Milliarden|Milliarde|Mrd\.|Billionen|million|billion|trillion|thousand|Tausend)"
UNIT = (
    r"(?:Prozentpunkte[n]?|Prozent|percentage points|percent|per cent|%|Euro|€|Dollar|US-Dollar|\$|Pfund|pounds|£|"
    r"Kilometer|km|Menschen|people)"
)

DATE = re.compile(
    rf"\b\d{{4}}-\d{{2}}-\d{{2}}\b"
    rf"|\b\d{{1,2}}\.\s?(?:{MONTHS})(?:\s\d{{4}})?"
    rf"|\b(?:{MONTHS})\s\d{{1,2}}(?:,\s\d{{4}})?"
    rf"|\b(?:{MONTHS})\s\d{{4}}"
    rf"|\b(?i:am\s|on\s|last\s|next\s|this\s)?(?:{WEEKDAYS})\b"
    rf"|\b(?:19|20)\d{{2}}\b"
)
NUMBER_WORDS = (
    "eine[nm]?|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|zwanzig|dreißig|hundert|tausend|"
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|hundred"
)
NUMBER = re.compile(
    rf"(?:[$€£]\s?)?\b\d+(?:[.,\s]\d{{3}})*(?:[.,]\d+)?\b(?:\s?{SCALE})?(?:\s?{UNIT})?"
    rf"|\b(?:{NUMBER_WORDS})\s(?:{SCALE}(?:\s{UNIT})?|{UNIT})"
)


@dataclass(frozen=True)
class Entities:
    numbers: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[str]]:
        return {"numbers": self.numbers, "dates": self.dates, "names": self.names}


def find_entities(text: str, tokens: Sequence[TaggedToken], language: str = "de") -> Entities:
    dates = [match.group().strip() for match in DATE.finditer(text)]
    date_spans = [match.span() for match in DATE.finditer(text)]
    # A year or a day of the month is a date, not a figure to check as a number.
    numbers = [
        match.group().strip()
        for match in NUMBER.finditer(text)
        if not any(start <= match.start() and match.end() <= end for start, end in date_spans)
    ]
    names = list(
        dict.fromkeys(name for name in name_spans(tokens, language) if not any(name in date for date in dates))
    )
    return Entities(numbers=list(dict.fromkeys(numbers)), dates=list(dict.fromkeys(dates)), names=names)
