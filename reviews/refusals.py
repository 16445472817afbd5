"""Why the review turns a request down: one family of exceptions, raised by the workflow's rules and the services
alike. Each refusal has a kind and, where the request's fields are at fault, messages by field ("action",
"verdict", "note", "evidence", "url", ...). Plain Python: the web app (reviews.views.writes) and the API
(api.exceptions) each turn a refusal into an answer in one place.
"""

from enum import StrEnum


class Kind(StrEnum):
    # The person lacks the role, or the claim is someone else's (403).
    NOT_PERMITTED = "not_permitted"
    # The claim is not (or no longer) in a state that allows the action (409).
    WRONG_STATE = "wrong_state"
    # The action needs more: a verdict, a rationale, evidence (400, by field).
    GUARD_FAILED = "guard_failed"
    # The input is not valid: an address, a speaker's name, a passage (400, by field).
    INVALID = "invalid"
    # Somebody changed the row first; nothing was written (409).
    CONFLICT = "conflict"


class Refusal(Exception):
    """A request turned down, and nothing written. `messages` maps a field to its reasons; a refusal that no field
    is to blame for has none, only its message."""

    kind: Kind

    def __init__(self, messages: dict[str, list[str]] | str):
        if isinstance(messages, str):
            self.messages: dict[str, list[str]] = {}
            super().__init__(messages)
        else:
            self.messages = messages
            super().__init__("; ".join(str(m) for ms in messages.values() for m in ms))

    def reasons(self) -> list[str]:
        """Every reason, for a page that shows them together."""
        return [str(m) for ms in self.messages.values() for m in ms] or ([str(self)] if str(self) else [])


class NotPermitted(Refusal):
    kind = Kind.NOT_PERMITTED


class GuardFailed(Refusal):
    kind = Kind.GUARD_FAILED


class Invalid(Refusal):
    kind = Kind.INVALID


class Conflict(Refusal):
    kind = Kind.CONFLICT


class WrongState(Conflict):
    """A conflict too: usually somebody else acted first and moved the claim on."""

    kind = Kind.WRONG_STATE
