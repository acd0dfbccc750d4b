"""Season statements (结算单): issued once, never edited; a correction is a new version (POLICY.md §11)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .accounts import Account
from .fields import area_field, money_field, season_year_field
from .ledger import AppendOnly, AppendOnlyError
from .policy import PricePolicy

# The engine's figures a statement stores, in the order CONTRACTS.md lists them.
FIGURES = (
    "billing_area",
    "basic_fee",
    "metered_fee",
    "cap",
    "cap_loss",
    "heating_fee",
    "exchanger_fee",
    "gross_fee",
    "low_income_discount",
    "amount_due",
    "prepayment",
    "refund",
    "balance_due",
)


class StatementQuerySet(models.QuerySet):
    def update(self, **kwargs):
        """The one change an issued statement ever takes: being superseded by its next version."""
        if kwargs != {"status": Statement.Status.SUPERSEDED}:
            raise AppendOnlyError("an issued statement is never edited; issue a new version")
        return super().update(**kwargs)

    def delete(self):
        raise AppendOnlyError("statements are never deleted")


class Statement(AppendOnly):
    """One account's settlement of one season, with every input it was computed from (`inputs`,
    the shape CONTRACTS.md's statements listing shows, plus the readings that gave Q) and the policy
    it was computed under, so that `heating.selectors.statements.recompute` reproduces its figures."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("有效")
        SUPERSEDED = "superseded", _("已被更正")

    # Indexed by unique_statement_version (account first); a settlement writes a million rows, so no
    # index serves only a rare lookup (the issuer's, when a user is deleted).
    account = models.ForeignKey(
        Account, models.PROTECT, related_name="statements", db_index=False, verbose_name=_("账户")
    )
    season_year = season_year_field(_("供暖季"))
    version = models.PositiveSmallIntegerField(_("版本"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.ISSUED)
    supersedes = models.OneToOneField(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("更正的版本"),
    )
    reason = models.TextField(_("更正原因"), blank=True)
    policy = models.ForeignKey(PricePolicy, models.PROTECT, related_name="+", verbose_name=_("价格政策"))
    inputs = models.JSONField(_("计算依据"))
    billing_area = area_field(_("计费面积（m²）"))
    basic_fee = money_field(_("基本热费"), null=True, blank=True)
    metered_fee = money_field(_("计量热费"), null=True, blank=True)
    cap = money_field(_("结算上限"), null=True, blank=True)
    cap_loss = money_field(_("上限损失"))
    heating_fee = money_field(_("采暖费"))
    exchanger_fee = money_field(_("小型换热设备费"))
    gross_fee = money_field(_("应收合计"))
    low_income_discount = money_field(_("困难群体减免"))
    amount_due = money_field(_("实际应缴"))
    prepayment = money_field(_("应预收"))
    refund = money_field(_("应退费"))
    balance_due = money_field(_("应补缴"))
    issued_at = models.DateTimeField(_("出具时间"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("出具人"),
    )

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["account", "season_year", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "season_year", "version"], name="unique_statement_version"
            ),
            models.UniqueConstraint(
                fields=["account", "season_year"],
                condition=models.Q(status="issued"),
                name="one_issued_statement",
            ),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="statement_version_positive"),
        ]
        verbose_name = _("结算单")
        verbose_name_plural = _("结算单")

    def __str__(self):
        return f"{self.account} {self.season_year} v{self.version}"
