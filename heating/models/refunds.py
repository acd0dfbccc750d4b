"""Refunds (退费) and supplements (补缴) owed after settlement, as rows with states (django-fsm-2).

One model with a `kind`: both are "what is still owed one way or the other for a season", opened and
adjusted by the same rule, listed on the same page and summed the same way to reconcile the ledger;
a supplement simply never takes the refund-only transitions (credit, fail).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from .accounts import Account
from .fields import money_field, season_year_field
from .history import History


def _is_refund(instance) -> bool:
    return instance.kind == Refund.Kind.REFUND


class Refund(ConcurrentTransitionMixin, models.Model):
    """States: pending → paid | credited | failed | cancelled; failed → pending (retry). Only the
    services in heating.services.refunds move them, each writing its ledger entry in the same
    transaction; a paid, credited or cancelled row never changes again. Saving checks the state it
    was read in (a conditional update), so two clerks cannot pay one refund twice."""

    class Kind(models.TextChoices):
        REFUND = "refund", _("退费")
        SUPPLEMENT = "supplement", _("补缴")

    class State(models.TextChoices):
        PENDING = "pending", _("待处理")
        PAID = "paid", _("已支付")
        CREDITED = "credited", _("已转入下季")
        FAILED = "failed", _("支付失败")
        CANCELLED = "cancelled", _("已取消")

    OPEN = (State.PENDING, State.FAILED)
    DONE = (State.PAID, State.CREDITED, State.CANCELLED)

    account = models.ForeignKey(Account, models.PROTECT, related_name="refunds", verbose_name=_("账户"))
    season_year = season_year_field(_("供暖季"))
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    amount = money_field(_("金额（元）"))
    state = FSMField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    payee_name = models.CharField(_("收款人"), max_length=100, blank=True)
    payee_bank = models.CharField(_("开户行"), max_length=100, blank=True)
    payee_account_cipher = models.TextField(_("银行账号（加密）"), blank=True)
    payee_account_masked = models.CharField(_("银行账号"), max_length=40, blank=True)
    bank_reference = models.CharField(_("银行凭证号"), max_length=100, blank=True)
    paid_on = models.DateField(_("支付日期"), null=True, blank=True)
    reason = models.CharField(_("失败或取消原因"), max_length=200, blank=True)
    entry = models.OneToOneField(
        "heating.LedgerEntry",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="refund",
        verbose_name=_("账务分录"),
    )
    payment = models.OneToOneField(
        "heating.Payment",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="refund",
        verbose_name=_("收款"),
    )
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("生成人"),
    )
    # The last transition; History() keeps who and when for every one before it.
    changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("状态变更人"),
    )
    history = History()

    class Meta:
        ordering = ["season_year", "account", "id"]
        indexes = [models.Index(fields=["account", "season_year"], name="refund_account_season")]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_positive")]
        verbose_name = _("退费与补缴")
        verbose_name_plural = _("退费与补缴")

    def __str__(self):
        return f"{self.account} {self.season_year} {self.get_kind_display()} ¥{self.amount}"

    def save(self, *args, **kwargs):
        if not self._state.adding and type(self).objects.filter(pk=self.pk, state__in=self.DONE).exists():
            raise RefundClosed(f"Refund {self.pk} is {self.state} in the database and never changes")
        super().save(*args, **kwargs)

    @transition(field=state, source=State.PENDING, target=State.PAID)
    def pay(self):
        pass

    @transition(field=state, source=State.PENDING, target=State.CREDITED, conditions=[_is_refund])
    def credit(self):
        pass

    @transition(field=state, source=State.PENDING, target=State.FAILED, conditions=[_is_refund])
    def fail(self):
        pass

    @transition(field=state, source=State.FAILED, target=State.PENDING)
    def retry(self):
        pass

    @transition(field=state, source=[State.PENDING, State.FAILED], target=State.CANCELLED)
    def cancel(self):
        pass


class RefundClosed(RuntimeError):
    pass
