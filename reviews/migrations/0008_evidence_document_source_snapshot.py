"""Evidence keeps the document and source of the proposal it came from, protected from deletion (as is the
proposal itself, unless its claim goes and takes the evidence with it), and the address
a reader follows; each evidence URL gets a snapshot of its page. Evidence recorded before takes its document,
source and address from its proposal here (no snapshot: the page may have changed since)."""

import django.db.models.deletion
from django.db import migrations, models


def from_proposals(apps, schema_editor):
    Evidence = apps.get_model("reviews", "Evidence")
    for evidence in Evidence.objects.filter(proposal__isnull=False).select_related("proposal__document"):
        proposal = evidence.proposal
        document = proposal.document
        evidence.document_id = proposal.document_id
        evidence.source_id = document.source_id if document else proposal.source_id
        if not evidence.url:
            evidence.url = (document.url if document else "") or proposal.external_url
        evidence.save(update_fields=["document", "source", "url"])


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0012_claim_claim_reviewed"),
        ("reviews", "0007_backfill_claim_touched_at"),
    ]

    operations = [
        migrations.AlterField(
            model_name="evidence",
            name="proposal",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="evidence",
                to="claims.proposal",
                verbose_name="proposal",
            ),
        ),
        migrations.AddField(
            model_name="evidence",
            name="document",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="evidence",
                to="claims.document",
                verbose_name="document",
            ),
        ),
        migrations.AddField(
            model_name="evidence",
            name="source",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="evidence",
                to="claims.source",
                verbose_name="source",
            ),
        ),
        migrations.CreateModel(
            name="EvidenceSnapshot",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("url", models.URLField(max_length=2000, verbose_name="URL")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Pending"),
                            ("running", "Running"),
                            ("done", "Done"),
                            ("failed", "Failed"),
                        ],
                        default="pending",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("queued_at", models.DateTimeField(blank=True, null=True, verbose_name="queued at")),
                ("started_at", models.DateTimeField(blank=True, null=True, verbose_name="started at")),
                ("fetched_at", models.DateTimeField(blank=True, null=True, verbose_name="fetched at")),
                ("final_url", models.URLField(blank=True, max_length=2000, verbose_name="final URL")),
                ("http_status", models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="HTTP status")),
                ("text", models.TextField(blank=True, verbose_name="text")),
                ("sha256", models.CharField(blank=True, max_length=64, verbose_name="SHA-256")),
                ("error", models.TextField(blank=True, verbose_name="error")),
                (
                    "evidence",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="snapshot",
                        to="reviews.evidence",
                        verbose_name="evidence",
                    ),
                ),
            ],
            options={
                "verbose_name": "evidence snapshot",
                "verbose_name_plural": "evidence snapshots",
            },
        ),
        migrations.RunPython(from_proposals, migrations.RunPython.noop),
    ]
