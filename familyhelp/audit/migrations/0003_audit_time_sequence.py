from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["occurred_at", "sequence"], name="audit_time_sequence"),
        ),
    ]
