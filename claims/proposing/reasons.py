"""Why a proposal was made, stored as codes with their details so that each reader sees it in their own language.

A proposer gives each candidate a list of reasons, `{"code": "named", "name": "CNN", "source": "CNN"}`; the
proposal keeps that list (`Proposal.reasons`) and, for readers that take text (the API, the admin, older rows), its
English rendering (`Proposal.reason`). `render` writes the list out in the active language; a reason whose details
repeat what an earlier, stronger reason of the same list already says is left out when the list is made (`unique`).
"""

from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from claims.models import ClaimState, Verdict

# The one reason with a list in it: the words a claim and a row share, some of them only in translation.
SHARES = "shares"

TEXTS = {
    "attributed": _("the claim is attributed to “%(outlet)s” (%(source)s)"),
    "speaker": _("the speaker %(speaker)s is listed under %(source)s"),
    "named": _("the sentence names “%(name)s” (%(source)s)"),
    "surname": _("the sentence names %(name)s (%(source)s)"),
    "publishes": _("publishes “%(title)s”"),
    "similarity": _("semantic similarity %(similarity)s"),
    "found": _("found by search"),
    "checked_before": _("checked before (%(verdict)s, %(state)s)"),
    "rated": _("%(publisher)s rated “%(claim)s”: %(rating)s"),
    "rated_claimant": _("%(publisher)s rated “%(claim)s” (claimed by %(claimant)s): %(rating)s"),
    SHARES: _("shares %(words)s"),
}


def reason(code: str, **details) -> dict:
    return {"code": code, **details}


def shares(shared: list[tuple[str, str]]) -> dict:
    """The words a claim and a row share, as [word, the row's word for it or ""] pairs."""
    return {"code": SHARES, "words": [[word, translation] for word, translation in shared]}


def _mentioned(item: dict) -> set[str]:
    return {str(value).lower() for key, value in item.items() if key in ("outlet", "speaker", "name") and value}


def unique(reasons: list[dict]) -> list[dict]:
    """The reasons without repeats, strongest (first) kept: "the sentence names “CNN”" says nothing that "the claim is
    attributed to “US-Senders CNN”" did not, nor "names Selenskyj" after "the speaker Wolodymyr Selenskyj"."""
    kept, said = [], []
    for item in reasons:
        names = _mentioned(item)
        repeats = names and all(any(name in earlier or earlier in name for earlier in said) for name in names)
        if item in kept or repeats:
            continue
        kept.append(item)
        said.extend(names)
    return kept


def _words(pairs) -> str:
    return ", ".join(f"'{word}' ({translated})" if translated else f"'{word}'" for word, translated in pairs)


def _details(item: dict) -> dict:
    details = {key: value for key, value in item.items() if key != "code"}
    if "similarity" in details:
        # In the reader's notation, as the page shows the score beside it: 0.83, 0,83.
        details["similarity"] = number_format(float(details["similarity"]), 2, use_l10n=True)
    if "verdict" in details:
        verdict = details["verdict"]
        details["verdict"] = Verdict(verdict).label if verdict in Verdict.values else _("no verdict")
    if "words" in details:
        details["words"] = _words(details["words"])
    if "publisher" in details and not details["publisher"]:
        details["publisher"] = _("a fact-checker")
    if "rating" in details and not details["rating"]:
        details["rating"] = _("no rating given")
    if "state" in details:
        state = details["state"]
        details["state"] = str(ClaimState(state).label).lower() if state in ClaimState.values else state
    return details


def render_one(item: dict) -> str:
    code = item.get("code", "")
    text = TEXTS.get(code)
    if text is None:
        return str(item.get("text") or code)
    try:
        return str(text) % _details(item)
    except (KeyError, TypeError, ValueError):
        return str(code)


def search_reasons(hit, shared: list[tuple[str, str]]) -> list[dict]:
    """What a search found: the words shared (some in translation) and the semantic similarity."""
    found = [shares(shared)] if shared else []
    if hit.similarity is not None:
        found.append(reason("similarity", similarity=round(hit.similarity, 4)))
    return found or [reason("found")]


def render(reasons: list[dict], *, separator: str = "; ") -> str:
    """The reasons in the active language, one after another."""
    return separator.join(render_one(item) for item in reasons if isinstance(item, dict))


def english(reasons: list[dict]) -> str:
    """The reasons as the text stored beside them (`Proposal.reason`)."""
    with translation.override("en"):
        return render(reasons)
