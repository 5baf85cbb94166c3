from django.db import migrations


def create(apps, schema_editor):
    from familyhelp.directory.search import create_tables

    create_tables(schema_editor)


def drop(apps, schema_editor):
    from familyhelp.directory.search import drop_tables

    drop_tables(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
