from django.db import migrations


def load(apps, schema_editor):
    from services.catalogue import load_catalogue

    load_catalogue(
        apps.get_model("services", "Service"),
        apps.get_model("agencies", "Agency"),
        apps.get_model("documents", "DocumentType"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0001_initial"),
        ("agencies", "0002_load_agencies"),
        ("documents", "0002_load_document_types"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
