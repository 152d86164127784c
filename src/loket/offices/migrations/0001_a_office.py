from django.db import migrations, models

import loket.offices.models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Office",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=5, unique=True, validators=[loket.offices.models.validate_code])),
                ("name", models.CharField(max_length=200)),
                ("address", models.CharField(blank=True, max_length=300)),
                ("has_desa_list", models.BooleanField(default=False)),
                ("region_file", models.CharField(blank=True, max_length=500)),
                (
                    "retain_documents_days",
                    models.PositiveIntegerField(blank=True, help_text="empty: LOKET_RETAIN_DOCUMENTS_DAYS", null=True),
                ),
                (
                    "pickup_lead_days",
                    models.PositiveSmallIntegerField(blank=True, help_text="empty: LOKET_PICKUP_LEAD_DAYS", null=True),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={"verbose_name": "kantor", "verbose_name_plural": "kantor", "ordering": ["code"]},
        ),
    ]
