"""Claims the review worked on before `Claim.touched_at` existed get the time of their last event (or their last
update, where only evidence or a comment shows the work), so that `Claim.objects.untouched()` answers as before.

It lives here, not with the field, because the review's tables say which claims were touched."""

from django.db import migrations
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce


def backfill(apps, schema_editor):
    Claim = apps.get_model("claims", "Claim")
    ClaimEvent = apps.get_model("reviews", "ClaimEvent")
    last_event = ClaimEvent.objects.filter(claim=OuterRef("pk")).order_by("-created_at", "-pk").values("created_at")
    worked_on = Claim.objects.filter(
        Q(events__isnull=False) | Q(comments__isnull=False) | Q(evidence__isnull=False)
    ).values("pk")
    Claim.objects.filter(pk__in=worked_on, touched_at__isnull=True).update(
        touched_at=Coalesce(Subquery(last_event[:1]), F("updated_at"))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0010_claim_touched_at"),
        ("reviews", "0006_event_kind_corrected"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
