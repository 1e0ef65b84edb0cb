"""The priority groups the regency starts with; the administrator may switch any off or add more."""

from django.db import migrations

GROUPS = [
    ("lansia", "Lansia (60 tahun ke atas)", "Elderly (60 and over)", 1),
    ("disabilitas", "Penyandang disabilitas", "People with disabilities", 2),
    ("ibu-hamil", "Ibu hamil", "Pregnant women", 3),
]


def add_groups(apps, schema_editor):
    PriorityGroup = apps.get_model("queues", "PriorityGroup")
    for code, name, name_en, position in GROUPS:
        PriorityGroup.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("queues", "0001_initial")]

    operations = [migrations.RunPython(add_groups, migrations.RunPython.noop)]
