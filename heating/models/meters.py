from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .accounts import Account
from .fields import heat_field
from .history import History
from .orgs import Organisation


class Meter(models.Model):
    """A household heat meter. It stays with the home: the account open on the premises while it is in place
    is metered by it, whichever account it was recorded under (POLICY.md §7)."""

    company = models.ForeignKey(
        Organisation, models.PROTECT, related_name="meters", verbose_name=_("供热企业")
    )
    account = models.ForeignKey(Account, models.PROTECT, related_name="meters", verbose_name=_("账户"))
    serial = models.CharField(_("表号"), max_length=40)
    installed_on = models.DateField(_("安装日期"))
    removed_on = models.DateField(_("拆除日期"), null=True, blank=True)
    history = History()

    class Meta:
        ordering = ["company", "serial"]
        constraints = [
            models.UniqueConstraint(fields=["company", "serial"], name="unique_meter_serial"),
            models.CheckConstraint(
                condition=models.Q(removed_on__isnull=True)
                | models.Q(removed_on__gte=models.F("installed_on")),
                name="meter_period_ordered",
            ),
        ]
        verbose_name = _("热量表")
        verbose_name_plural = _("热量表")

    def __str__(self):
        return self.serial


class Reading(models.Model):
    """A cumulative register reading in GJ (POLICY.md §7). Never deleted: voided with a reason."""

    class Kind(models.TextChoices):
        ACTUAL = "actual", _("实抄")
        ESTIMATED = "estimated", _("估抄")
        CUSTOMER = "customer", _("用户自报")
        EXCHANGE = "exchange", _("换表")

    class Status(models.TextChoices):
        VALID = "valid", _("有效")
        FLAGGED = "flagged", _("待复核")
        VOID = "void", _("已作废")

    class Source(models.TextChoices):
        MANUAL = "manual", _("人工录入")
        IMPORT = "import", _("文件导入")
        API = "api", _("远传接口")

    meter = models.ForeignKey(Meter, models.PROTECT, related_name="readings", verbose_name=_("热表"))
    read_at = models.DateTimeField(_("抄表时间"))
    value_gj = heat_field(_("累计热量（GJ）"))
    kind = models.CharField(_("读数类型"), max_length=10, choices=Kind.choices, default=Kind.ACTUAL)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.VALID
    )
    confirmed = models.BooleanField(_("已人工确认"), default=False)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    # NULL, not "", for readings without a client key: the (company, client_id) unique must skip them.
    client_id = models.CharField(_("客户端编号"), max_length=100, null=True, blank=True)  # noqa: DJ001
    # Indexed by the (company, client_id) unique; a reading table grows by millions a season, so no
    # index is kept that no query uses (who reviewed or created a reading is read per reading only).
    company = models.ForeignKey(
        Organisation, models.PROTECT, related_name="+", db_index=False, verbose_name=_("供热企业")
    )
    flags = models.JSONField(_("标记"), default=list, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    import_batch = models.ForeignKey(
        "heating.ImportBatch", models.PROTECT, null=True, blank=True, related_name="readings",
        verbose_name=_("导入批次"),
    )
    corrects = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="corrections",
        verbose_name=_("更正的读数"),
    )
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)
    # Who confirmed a held reading, when and why: a later review (a void) does not overwrite them.
    confirm_reason = models.CharField(_("确认原因"), max_length=200, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("确认人"),
    )
    reviewed_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", db_index=False,
        verbose_name=_("复核人"),
    )
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", db_index=False,
        verbose_name=_("录入人"),
    )
    api_token = models.ForeignKey(
        "heating.ApiToken",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="readings",
        db_index=False,
        verbose_name=_("写入令牌"),
        help_text=_("远传接口写入的读数：是哪个令牌写的"),
    )
    history = History()

    class Meta:
        ordering = ["meter", "read_at"]
        indexes = [
            models.Index(
                fields=["meter", "read_at"],
                condition=models.Q(status="valid"),
                name="reading_valid_meter_time",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(value_gj__gte=0), name="reading_not_negative"),
            models.UniqueConstraint(
                fields=["company", "client_id"], name="unique_client_reading_id"
            ),
            # One live reading per meter and moment: a second value for the same moment is a conflict.
            models.UniqueConstraint(
                fields=["meter", "read_at"],
                condition=~models.Q(status="void"),
                name="unique_live_reading_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="void") | ~models.Q(void_reason=""),
                name="void_reading_has_reason",
            ),
        ]
        verbose_name = _("热表读数")
        verbose_name_plural = _("热表读数")

    def __str__(self):
        return f"{self.meter} {timezone.localtime(self.read_at):%Y-%m-%d %H:%M} {self.value_gj} GJ"


class ReadingLimits(models.Model):
    """When a reading's implied daily use is held for review (configurable data, not code).

    A reading is flagged when its daily use since the previous reading exceeds both the area
    limit (billing area × max_daily_gj_per_m2) and `history_factor` × the daily use of the
    interval before. A row with no company is the county default.
    """

    company = models.OneToOneField(
        Organisation, models.CASCADE, null=True, blank=True, related_name="reading_limits",
        verbose_name=_("供热企业"),
    )
    max_daily_gj_per_m2 = models.DecimalField(
        _("每平方米日用热上限（GJ）"), max_digits=8, decimal_places=6, default=Decimal("0.010000")
    )
    history_factor = models.DecimalField(
        _("相对上一区间日用热倍数"), max_digits=6, decimal_places=2, default=Decimal("4.00")
    )

    class Meta:
        verbose_name = _("读数合理性阈值")
        verbose_name_plural = _("读数合理性阈值")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_daily_gj_per_m2__gt=0, history_factor__gt=0),
                name="reading_limits_positive",
            ),
        ]

    def __str__(self):
        return str(self.company or _("全县默认"))
