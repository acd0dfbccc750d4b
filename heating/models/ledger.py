"""The append-only money ledger: every balance is a sum of these rows, never a stored total."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .accounts import Account
from .fields import money_field, season_year_field


class AppendOnly(models.Model):
    """Rows that are written once: saving an existing row or deleting one raises. A correction is a
    new row that refers to the old one (pretix's rule for issued documents)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} {self.pk} is never changed; write a new row")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows are never deleted; write a reversing row")


class AppendOnlyError(RuntimeError):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows are never updated")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows are never deleted")


class LedgerEntry(AppendOnly):
    """One movement of money, or of what is owed, for one account and season.

    Sign: `amount` is the change in what the household owes the company for that season. A charge
    (prepayment due, settlement) is positive; money received (payment, credit_in) is negative; money
    given back to the household (refund paid out, credit_out to the next season) is positive, since it
    undoes money held; a reversal is the negation of the entry it undoes. So a season's balance
    Σ amount > 0 is a supplement still owed (补缴), < 0 a refund still owed (退费), 0 squared.
    """

    class Kind(models.TextChoices):
        PREPAYMENT_DUE = "prepayment_due", _("应预收")
        PAYMENT = "payment", _("收款")
        REVERSAL = "reversal", _("冲正")
        SETTLEMENT = "settlement", _("结算应收")
        REFUND = "refund", _("退费支付")
        SUPPLEMENT = "supplement", _("补缴收款")
        CREDIT_OUT = "credit_out", _("退费转入下季")
        CREDIT_IN = "credit_in", _("上季退费转入")

    # Indexed by ledger_account_season (account first); the writer's only for a rare user deletion.
    account = models.ForeignKey(
        Account, models.PROTECT, related_name="ledger", db_index=False, verbose_name=_("账户")
    )
    season_year = season_year_field(_("供暖季"))
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    amount = money_field(_("金额（元）"))
    payment = models.ForeignKey(
        "heating.Payment",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("收款"),
    )
    statement = models.ForeignKey(
        "heating.Statement",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("结算单"),
    )
    created_at = models.DateTimeField(_("记账时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("记账人"),
    )
    memo = models.CharField(_("摘要"), max_length=200, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["account", "season_year", "id"]
        indexes = [models.Index(fields=["account", "season_year"], name="ledger_account_season")]
        constraints = [models.CheckConstraint(condition=~models.Q(amount=0), name="ledger_entry_not_zero")]
        verbose_name = _("账务分录")
        verbose_name_plural = _("账务分录")

    def __str__(self):
        return f"{self.account} {self.season_year} {self.get_kind_display()}: ¥{self.amount}"
