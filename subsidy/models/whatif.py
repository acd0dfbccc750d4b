"""A price what-if (价格测算): a settled season re-billed under one or two price policies (drafts, as a
rule), issuing nothing. What it found is kept with it, so the page and its exports never re-bill."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from heating.models import Job, Organisation, PricePolicy
from heating.models.fields import season_year_field


class WhatIf(models.Model):
    season_year = season_year_field(_("供暖季"))
    policy = models.ForeignKey(PricePolicy, models.PROTECT, related_name="+", verbose_name=_("测算政策"))
    other_policy = models.ForeignKey(
        PricePolicy, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("对比政策")
    )
    # The bureau holding the price-policy duty that ran it: the only one that sees it.
    bureau = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("测算单位"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("发起人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    job = models.OneToOneField(
        Job, models.SET_NULL, null=True, blank=True, related_name="whatif", verbose_name=_("后台任务")
    )
    # subsidy.services.whatif.whatif_result's object, once the job is done; empty before.
    result = models.JSONField(_("测算结果"), default=dict, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("价格测算")
        verbose_name_plural = _("价格测算")

    def __str__(self):
        return f"{self.season_year} {self.policy.code}"

    @property
    def policies(self) -> list[PricePolicy]:
        return [p for p in (self.policy, self.other_policy) if p is not None]
