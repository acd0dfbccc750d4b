"""Every existing payment gets its ledger entries (heating.services.payments.payment_entries): a
credit from the season before closes that season's refund and is money received for its own."""

from django.db import migrations

CREDIT = "credit"
BATCH = 2000


def forwards(apps, schema_editor):
    Payment = apps.get_model("heating", "Payment")
    LedgerEntry = apps.get_model("heating", "LedgerEntry")
    entries = []
    for payment in Payment.objects.filter(entries__isnull=True).iterator(chunk_size=BATCH):
        common = {
            "account_id": payment.account_id,
            "payment_id": payment.id,
            "created_by_id": payment.created_by_id,
        }
        if payment.channel == CREDIT:
            entries.append(
                LedgerEntry(
                    season_year=payment.season_year - 1, kind="credit_out", amount=payment.amount, **common
                )
            )
        kind = "credit_in" if payment.channel == CREDIT else "payment"
        entries.append(
            LedgerEntry(season_year=payment.season_year, kind=kind, amount=-payment.amount, **common)
        )
        if len(entries) >= BATCH:
            LedgerEntry.objects.bulk_create(entries)
            entries = []
    LedgerEntry.objects.bulk_create(entries)


def backwards(apps, schema_editor):
    # The entries go with the table the previous migration drops on its way back.
    pass


class Migration(migrations.Migration):
    dependencies = [("heating", "0013_settle_statements_ledger")]

    operations = [migrations.RunPython(forwards, backwards)]
