"""Loads the first price policy, 源政办字〔2019〕54号, as data (POLICY.md §1, §9)."""
import datetime
from decimal import Decimal

from django.db import migrations

NOTICE_2019 = {
    "code": "源政办字〔2019〕54号",
    "title": "沂源县人民政府办公室关于明确城区供暖价格和供暖补贴有关事项的通知",
    "effective_from": datetime.date(2019, 11, 15),
    "effective_until": datetime.date(2021, 11, 14),
    "residential_area_price": Decimal("21.00"),
    "residential_heat_price": Decimal("45.00"),
    "non_residential_area_price": Decimal("35.00"),
    "non_residential_heat_price": Decimal("65.00"),
    "basic_share": Decimal("0.3000"),
    "heat_share": Decimal("0.7000"),
    "exchanger_fee": Decimal("120.00"),
    "low_income_rate": Decimal("0.7500"),
    "duplex_single_floor_share": Decimal("1.3000"),
    "attic_without_certificate_share": Decimal("0.5000"),
    "institution_phased": True,
    "institution_cap": True,
}


def load(apps, schema_editor):
    PricePolicy = apps.get_model("heating", "PricePolicy")
    fields = dict(NOTICE_2019)
    PricePolicy.objects.update_or_create(code=fields.pop("code"), defaults=fields)


def unload(apps, schema_editor):
    apps.get_model("heating", "PricePolicy").objects.filter(code=NOTICE_2019["code"]).delete()


class Migration(migrations.Migration):
    dependencies = [("heating", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
