"""The first office, from today's settings (LOKET_REGION_CODE, LOKET_OFFICE_NAME,
LOKET_OFFICE_ADDRESS): an installation upgraded to offices needs no manual step."""

from django.conf import settings
from django.db import migrations


def create_first_office(apps, schema_editor):
    Office = apps.get_model("offices", "Office")
    Office.objects.get_or_create(
        code=settings.LOKET_REGION_CODE,
        defaults={
            "name": settings.LOKET_OFFICE_NAME,
            "address": settings.LOKET_OFFICE_ADDRESS,
            # Today's office has its desa list (the packaged one, or LOKET_REGION_FILE).
            "has_desa_list": True,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("offices", "0001_a_office")]

    operations = [migrations.RunPython(create_first_office, migrations.RunPython.noop)]
