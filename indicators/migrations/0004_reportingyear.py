"""ReportingYear moves from workflow to indicators, beside the observations whose visibility it
decides. The table stays as workflow's first migration made it: only Django's state moves."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0003_observation_review_fields"),
        ("workflow", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ReportingYear",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("year", models.PositiveSmallIntegerField(unique=True, verbose_name="year")),
                        (
                            "status",
                            models.CharField(
                                choices=[("open", "open for entry"), ("locked", "locked"), ("published", "published")],
                                default="open",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        ("deadline", models.DateField(blank=True, null=True, verbose_name="deadline for entry")),
                        ("reminder_sent_on", models.DateField(blank=True, null=True)),
                    ],
                    options={
                        "verbose_name": "reporting year",
                        "verbose_name_plural": "reporting years",
                        "ordering": ["-year"],
                        "db_table": "workflow_reportingyear",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
