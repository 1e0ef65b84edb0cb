"""Load the programmes of assistance/data/assistance-programs.csv (idempotent)."""

from django.db import migrations


def load(apps, schema_editor):
    from assistance.services import load_programmes

    load_programmes(programme_model=apps.get_model("assistance", "Programme"))


class Migration(migrations.Migration):
    dependencies = [("assistance", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
