"""供热配套费 the county returned to a company, recorded by the finance bureau against the season they
count toward (POLICY.md §8 `offset`). Written once: a mistake is corrected by a reversing row that names
the one it corrects and why, so the season's sum moves visibly, never silently."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from heating.models import Organisation
from heating.models.fields import season_year_field
from heating.models.history import History
from heating.models.ledger import AppendOnly, AppendOnlyQuerySet


class ConnectionFee(AppendOnly):
    company = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("供热企业"))
    season_year = season_year_field(_("计入供暖季"))
    # Positive: money returned; a correction is the negation of (part of) the entry it corrects.
    amount = models.DecimalField(_("金额（元）"), max_digits=15, decimal_places=2)
    returned_on = models.DateField(_("返还日期"))
    reference = models.CharField(_("拨付文号"), max_length=100, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    corrects = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("更正的记录"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["company", "season_year", "id"]
        indexes = [models.Index(fields=["company", "season_year"], name="connection_fee_season")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0) | models.Q(amount__lt=0, corrects__isnull=False),
                name="connection_fee_positive_unless_correction",
            )
        ]
        verbose_name = _("供热配套费返还")
        verbose_name_plural = _("供热配套费返还")

    def __str__(self):
        return f"{self.company} {self.season_year}-{self.season_year + 1} {self.amount}"
