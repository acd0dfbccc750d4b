"""Trigram indexes for the counter's search (heating.selectors.counter): on PostgreSQL each key the
search matches with UPPER(column) LIKE '%word%' has a GIN index on that expression, so a word found
anywhere in a 户号, name, phone, building, room or meter serial is an index scan, not a table scan.
Elsewhere the search runs unindexed (icontains), which a test database of any size can afford."""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations
from django.db.models.functions import Upper

KEYS = {
    "Account": ("number",),
    "Customer": ("name", "phone"),
    "Building": ("name", "code", "address"),
    "Premises": ("unit",),
    "Meter": ("serial",),
}


def _indexes(apps):
    for model_name, fields in KEYS.items():
        model = apps.get_model("heating", model_name)
        for field in fields:
            name = f"{model_name.lower()}_{field}_trgm"
            yield model, GinIndex(OpClass(Upper(field), name="gin_trgm_ops"), name=name)


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for model, index in _indexes(apps):
        schema_editor.add_index(model, index)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in _indexes(apps):
        schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [
        ("heating", "0018_settlement_write_fewer_indexes"),
    ]

    operations = [migrations.RunPython(add_indexes, drop_indexes)]
