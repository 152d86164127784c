"""Every fresh database gets the national list and the configured office's desa list."""

from pathlib import Path

from django.conf import settings
from django.db import migrations

from loket.domain import regions as domain
from loket.regions.loading import load_regions


def load(apps, schema_editor):
    region_file = Path(settings.LOKET_REGION_FILE or domain.PACKAGED_REGION_FILE)
    alias = settings.LOKET_REGION_ALIAS_FILE
    alias_file = Path(alias) if alias else (None if settings.LOKET_REGION_FILE else domain.PACKAGED_ALIAS_FILE)
    load_regions(apps.get_model("regions", "Region"), apps.get_model("regions", "RegionAlias"), region_file, alias_file)


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
