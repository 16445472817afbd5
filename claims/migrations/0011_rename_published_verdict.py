from django.db import migrations, models


class Migration(migrations.Migration):
    """`published_verdict` held the verdict kept while a claim is reopened for a correction: the name says so now.
    A rename, so every stored value stays."""

    dependencies = [
        ("claims", "0010_claim_touched_at"),
    ]

    operations = [
        migrations.RenameField(model_name="claim", old_name="published_verdict", new_name="verdict_under_correction"),
        migrations.AlterField(
            model_name="claim",
            name="verdict_under_correction",
            field=models.CharField(
                blank=True,
                choices=[
                    ("confirmed", "Confirmed"),
                    ("disputed", "Disputed"),
                    ("false", "False"),
                    ("misleading", "Misleading"),
                    ("unverifiable", "Unverifiable"),
                ],
                max_length=16,
                verbose_name="verdict under correction",
            ),
        ),
    ]
