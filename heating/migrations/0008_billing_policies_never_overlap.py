"""Price policies never overlap (POLICY.md §10.12): on PostgreSQL the database refuses an overlapping
period itself, with an exclusion constraint over the inclusive date range. Elsewhere
`PricePolicy.clean` (run by the service and the admin) is the rule."""
from django.db import migrations

CONSTRAINT = "policy_periods_never_overlap"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("heating", "PricePolicy")._meta.db_table)
    schema_editor.execute(
        f"ALTER TABLE {table} ADD CONSTRAINT {CONSTRAINT} "
        "EXCLUDE USING gist (daterange(effective_from, effective_until, '[]') WITH &&)"
    )


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("heating", "PricePolicy")._meta.db_table)
    schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("heating", "0007_admin_verbose_names")]
    operations = [migrations.RunPython(add_constraint, drop_constraint)]
