from django.db import migrations


def load(apps, schema_editor):
    from agencies.loading import load_agencies

    load_agencies(apps.get_model("agencies", "Agency"))


class Migration(migrations.Migration):
    dependencies = [("agencies", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
