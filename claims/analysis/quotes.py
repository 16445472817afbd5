"""Which tokens of an article stand inside quotation marks, read over the whole article at once.

Quote marks are ambiguous ('"' opens and closes; "“" opens in English and closes in German; "»" opens in German and
closes in Swiss and French texts; "’" is also the apostrophe), and one missing mark must not turn the rest of an
article inside out. So:
- the article's own style decides the ambiguous marks: a German text that uses „ closes with '"' and "“"; the
  guillemet met first in an article opens;
- a quotation never runs on past its paragraph (one that goes on opens the next paragraph with its own mark) or
  into a headline;
- an opening mark that nothing later in its paragraph can close quotes to the end of its sentence only, unless the
  next paragraph opens with a mark (the way a quotation over several paragraphs is written);
- single marks count only where they pair up inside one sentence.
Plain Python over tagged tokens.
"""

from collections.abc import Sequence
from dataclasses import dataclass

DOUBLE_QUOTES = frozenset(['"', "„", "“", "”", "«", "»", "''", "``", "‟", "＂"])
SINGLE_QUOTES = frozenset(["‚", "‘", "’", "‹", "›", "'"])
QUOTE_MARKS = DOUBLE_QUOTES | SINGLE_QUOTES
OPEN, CLOSE, EITHER = "open", "close", "either"


@dataclass(frozen=True)
class SentenceQuotes:
    # Per token: inside a quotation (its own marks included).
    inside: tuple[bool, ...]
    # The sentence begins inside a quotation opened before it.
    starts_inside: bool


def _roles(language: str, article_tokens: Sequence[Sequence]) -> dict[str, str]:
    texts = {t.text for tokens in article_tokens for t in tokens if t.text in QUOTE_MARKS}
    roles = {mark: EITHER for mark in QUOTE_MARKS}
    if language == "de":
        roles.update({"„": OPEN, "‚": OPEN, "“": CLOSE, "‘": CLOSE})
        if "„" in texts:
            roles.update({'"': CLOSE, "”": CLOSE, "''": CLOSE})
    else:
        roles.update({"“": OPEN, "‘": OPEN, "``": OPEN, "”": CLOSE, "’": CLOSE})
    first_guillemet = next(
        (t.text for tokens in article_tokens for t in tokens if t.text in {"»", "«"}),
        None,
    )
    if first_guillemet:
        other = "«" if first_guillemet == "»" else "»"
        roles.update({first_guillemet: OPEN, other: CLOSE})
    return roles


def quote_marks(tokens: Sequence, roles: dict[str, str]) -> list[tuple[int, str]]:
    """(token index, role) of the marks that open or close a quotation in one sentence."""
    marks = [i for i, t in enumerate(tokens) if t.text in DOUBLE_QUOTES]
    if not marks:
        singles = [i for i, t in enumerate(tokens) if t.text in SINGLE_QUOTES and not _is_apostrophe(tokens, i)]
        marks = singles[: len(singles) // 2 * 2] if len(singles) >= 2 else []
    found = [(i, roles[tokens[i].text]) for i in marks]
    # A sentence that begins with a closing mark opens with it: writers and software mix the two up.
    if found and found[0] == (0, CLOSE):
        found[0] = (0, EITHER)
    return found


def _is_apostrophe(tokens: Sequence, index: int) -> bool:
    token = tokens[index]
    before = tokens[index - 1] if index > 0 else None
    after = tokens[index + 1] if index + 1 < len(tokens) else None
    # "Trump’ s", "Jones’ car": glued to a word on the left and followed by a lower-case one.
    return bool(before and before.end == token.start and after and after.text[:1].islower())


def article_quotes(
    sentences: Sequence[Sequence],
    *,
    language: str,
    paragraph_starts: Sequence[bool],
    headlines: Sequence[bool],
) -> list[SentenceQuotes]:
    roles = _roles(language, sentences)
    marks = [quote_marks(tokens, roles) for tokens in sentences]
    # Paragraph number of each sentence; a headline is a paragraph of its own.
    paragraph, paragraphs = -1, []
    for index, (starts, headline) in enumerate(zip(paragraph_starts, headlines, strict=True)):
        if index == 0 or starts or headline or headlines[index - 1]:
            paragraph += 1
        paragraphs.append(paragraph)
    results: list[SentenceQuotes] = []
    inside = False
    for index, tokens in enumerate(sentences):
        if index == 0 or paragraphs[index] != paragraphs[index - 1]:
            inside = False
        starts_inside = inside
        # Until which sentence an opening quotation may run: its paragraph's end, or its own sentence's end when
        # nothing later can close it.
        mask: list[bool] = []
        sentence_marks = dict(marks[index])
        for position in range(len(tokens)):
            role = sentence_marks.get(position)
            if role is None:
                mask.append(inside)
                continue
            mask.append(True)
            if role == CLOSE and not inside:
                # A closing mark with nothing open: the quotation began before the sentences we can see, or its
                # opening mark is missing. It ran from the paragraph's last mark (or its start) to here.
                _reopen_backwards(results, mask, marks, paragraphs, index)
                inside = False
            elif role == CLOSE or (role == EITHER and inside):
                inside = False
            else:
                inside = True
                if not _can_close_later(marks, paragraphs, sentences, index, position, paragraph_starts):
                    # Quoted to the end of this sentence only: see the module's docstring.
                    inside = "sentence"
        if inside == "sentence":
            inside = False
        results.append(SentenceQuotes(tuple(bool(value) for value in mask), starts_inside))
    return results


def _reopen_backwards(results: list[SentenceQuotes], mask: list[bool], marks, paragraphs, index: int) -> None:
    position = len(mask) - 1
    earlier_marks = [i for i, _ in marks[index] if i < position]
    start = (earlier_marks[-1] + 1) if earlier_marks else 0
    for i in range(start, position):
        mask[i] = True
    if earlier_marks:
        return
    for other in range(index - 1, -1, -1):
        if paragraphs[other] != paragraphs[index] or marks[other]:
            break
        results[other] = SentenceQuotes(tuple(True for _ in results[other].inside), True)


def _can_close_later(marks, paragraphs, sentences, index: int, position: int, paragraph_starts) -> bool:
    for other in range(index, len(sentences)):
        if paragraphs[other] != paragraphs[index]:
            # A quotation over paragraphs: the next paragraph opens with a mark.
            return bool(marks[other]) and marks[other][0][0] == 0 and paragraphs[other] == paragraphs[index] + 1
        for mark_position, role in marks[other]:
            if (other > index or mark_position > position) and role != "open":
                return True
    return False
