"""A company's season summed from its current statements: the terms of POLICY.md §8 that come from
the statements, kept as snapshots (append-only, the latest wins) so that a subsidy claim can name the
one it was built on."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .fields import area_field, money_field, season_year_field
from .jobs import Job
from .ledger import AppendOnly, AppendOnlyQuerySet
from .orgs import Organisation


class SeasonTotals(AppendOnly):
    company = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("供热企业"))
    season_year = season_year_field(_("供暖季"))
    computed_at = models.DateTimeField(_("计算时间"), auto_now_add=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("计算人"),
    )
    job = models.ForeignKey(
        Job, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("任务")
    )
    # The newest statement id of the company's season when computed: a newer one makes these stale.
    last_statement_id = models.PositiveBigIntegerField(_("最新结算单编号"), null=True, blank=True)
    statements = models.PositiveIntegerField(_("有效结算单数"))
    exceptions = models.PositiveIntegerField(_("未结算账户数"))
    exceptions_prepayment = money_field(_("未结算账户应预收"))
    revenue = money_field(_("收入"))
    hardship = money_field(_("困难群体减免"))
    cap = money_field(_("上限损失"))
    area = area_field(_("计费面积（m²）"))
    res_area = area_field(_("居民价计费面积（m²）"))
    res_revenue = money_field(_("居民价应收（按核定价格）"))
    refunds = money_field(_("应退费"))
    supplements = money_field(_("应补缴"))
    # {"residential": {"area": n, "metered": n}, …}: current statements by price class and method.
    accounts_by_class = models.JSONField(_("按价格类别和计费方式的户数"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["company", "season_year", "-id"]
        indexes = [models.Index(fields=["company", "season_year", "-id"], name="season_totals_latest")]
        verbose_name = _("供暖季汇总")
        verbose_name_plural = _("供暖季汇总")

    def __str__(self):
        return f"{self.company} {self.season_year} #{self.pk}"
