"""ReportingYear now belongs to indicators (its table is unchanged)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0001_initial"),
        ("indicators", "0004_reportingyear"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ReportingYear")],
            database_operations=[],
        ),
    ]
