from django.db import migrations, models


class Migration(migrations.Migration):
    """The claim in the words its fact-check is published under, set by the reviewer with the verdict. Existing
    claims start empty: their pages fall back to the sentence without its attribution."""

    dependencies = [
        ("claims", "0011_rename_published_verdict"),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="claim_reviewed",
            field=models.TextField(blank=True, verbose_name="claim as reviewed"),
        ),
    ]
