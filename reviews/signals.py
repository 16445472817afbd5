"""The hook point for whatever must hear of a change to a claim (webhooks): `claim_changed` is sent once the
transaction that wrote the event has committed, with `event` (a reviews.models.ClaimEvent)."""

from django.dispatch import Signal

claim_changed = Signal()
