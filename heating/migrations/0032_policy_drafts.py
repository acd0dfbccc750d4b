"""Draft price policies: only published ones bill, so only published periods must never overlap (the
PostgreSQL exclusion constraint of 0008 now covers published rows only)."""
from django.db import migrations, models

CONSTRAINT = "policy_periods_never_overlap"


def _swap(where):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = schema_editor.quote_name(apps.get_model("heating", "PricePolicy")._meta.db_table)
        schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {CONSTRAINT}")
        schema_editor.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {CONSTRAINT} "
            f"EXCLUDE USING gist (daterange(effective_from, effective_until, '[]') WITH &&){where}"
        )

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('heating', '0031_payment_orders'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalpricepolicy',
            name='published_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='发布时间'),
        ),
        migrations.AddField(
            model_name='historicalpricepolicy',
            name='status',
            field=models.CharField(choices=[('draft', '草稿'), ('published', '已发布')], default='published', max_length=10, verbose_name='状态'),
        ),
        migrations.AddField(
            model_name='pricepolicy',
            name='published_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='发布时间'),
        ),
        migrations.AddField(
            model_name='pricepolicy',
            name='status',
            field=models.CharField(choices=[('draft', '草稿'), ('published', '已发布')], default='published', max_length=10, verbose_name='状态'),
        ),
        migrations.RunPython(_swap(" WHERE (status = 'published')"), _swap("")),
    ]
