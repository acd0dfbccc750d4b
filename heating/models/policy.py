import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from heating.billing import PriceTerms

from .fields import money_field, season_year_field, share_field
from .files import StoredFile
from .history import History

SEASON_FIRST = (11, 15)
SEASON_LAST = (3, 15)


def season_days(start_year: int) -> tuple[datetime.date, datetime.date]:
    """POLICY.md §3: 15 November to 15 March of the next year, inclusive."""
    return (
        datetime.date(start_year, *SEASON_FIRST),
        datetime.date(start_year + 1, *SEASON_LAST),
    )


def season_length(start_year: int) -> int:
    """The season's days, both ends counted: 121, or 122 when it holds 29 February."""
    first, last = season_days(start_year)
    return (last - first).days + 1


def season_name(start_year: int) -> str:
    return f"{start_year}-{start_year + 1}"


class Season(models.Model):
    start_year = season_year_field(_("起始年度"), unique=True)
    settled_at = models.DateTimeField(_("结算时间"), null=True, blank=True)

    class Meta:
        ordering = ["-start_year"]
        verbose_name = _("供暖季")
        verbose_name_plural = _("供暖季")

    def __str__(self):
        return self.name

    @property
    def name(self):
        return season_name(self.start_year)

    @property
    def first_day(self):
        return season_days(self.start_year)[0]

    @property
    def last_day(self):
        return season_days(self.start_year)[1]


class PricePolicyQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PricePolicy.Status.PUBLISHED)


class PolicyPublished(ValidationError):
    """A published policy is never changed: its seasons' bills must stay reproducible."""


# What bills a season and what the notice says: frozen on a published row by a database trigger
# (migration 0033) as well as by PricePolicy.save. The title and the end of the period are left to
# save() alone, so that a superseded notice can still be cut short by hand (POLICY.md §10.12).
FROZEN_COLUMNS = (
    "status",
    "code",
    "effective_from",
    "residential_area_price",
    "residential_heat_price",
    "non_residential_area_price",
    "non_residential_heat_price",
    "basic_share",
    "heat_share",
    "exchanger_fee",
    "low_income_rate",
    "duplex_single_floor_share",
    "attic_without_certificate_share",
    "institution_phased",
    "institution_cap",
    "prorate_partial_seasons",
    "notice_date",
    "notice_text",
)


class PricePolicy(models.Model):
    """A price notice as data: a new notice is a new row, not a deploy (POLICY.md §1). Only a
    published policy bills anything; a draft is the price-policy desk's to edit and to try. The code
    is the notice's number (文号); a drafted notice's text and PDF are kept here, a shipped one's text
    in heating/notices/ (heating.notice_text)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    code = models.CharField(_("文号"), max_length=50, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    effective_from = models.DateField(_("执行日期"))
    effective_until = models.DateField(_("有效期至"))
    residential_area_price = money_field(_("居民面积价格（元/m²）"))
    residential_heat_price = money_field(_("居民计量热价（元/GJ）"))
    non_residential_area_price = money_field(_("非居民面积价格（元/m²）"))
    non_residential_heat_price = money_field(_("非居民计量热价（元/GJ）"))
    basic_share = share_field(_("基本热费比例"))
    heat_share = share_field(_("计量热费比例"))
    exchanger_fee = money_field(_("小型换热设备（元/台/季）"))
    low_income_rate = share_field(_("困难群体收费比例"))
    duplex_single_floor_share = share_field(_("复式单层采暖面积系数"))
    attic_without_certificate_share = share_field(_("无证阁楼面积系数"))
    institution_phased = models.BooleanField(_("居民价单位执行分步基本热费"), default=True)
    institution_cap = models.BooleanField(_("居民价单位设结算上限"), default=True)
    prorate_partial_seasons = models.BooleanField(_("季中开户或销户按开户天数计费"), default=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("发布人"),
    )
    notice_date = models.DateField(_("发文日期"), null=True, blank=True)
    notice_text = models.TextField(
        _("通知原文"), blank=True,
        help_text=_("标题一段，其后每段之间空一行；“一、”开头的段落开始一节，“1. ”开头的段落是其中一项。"),
    )
    history = History()

    objects = PricePolicyQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("价格政策")
        verbose_name_plural = _("价格政策")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effective_until__gte=models.F("effective_from")),
                name="policy_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    residential_area_price__gte=0,
                    residential_heat_price__gte=0,
                    non_residential_area_price__gte=0,
                    non_residential_heat_price__gte=0,
                    exchanger_fee__gte=0,
                    basic_share__gte=0,
                    heat_share__gte=0,
                    low_income_rate__gte=0,
                    low_income_rate__lte=Decimal("1"),
                    duplex_single_floor_share__gte=0,
                    attic_without_certificate_share__gte=0,
                ),
                name="policy_terms_not_negative",
            ),
        ]

    def __str__(self):
        return self.code

    def save(self, *args, **kwargs):
        """Refuses to change a row that is published in the database (a draft becoming published is
        the one change allowed; saving it unchanged is no change); the trigger of migration 0033
        refuses the same for every writer."""
        if self.pk is not None:
            names = [f.attname for f in self._meta.concrete_fields]
            stored = PricePolicy.objects.published().filter(pk=self.pk).values(*names).first()
            if stored is not None and any(stored[name] != getattr(self, name) for name in names):
                raise PolicyPublished(
                    _("价格政策“%(code)s”已发布，不能修改。"), code="published", params={"code": self.code}
                )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if PricePolicy.objects.published().filter(pk=self.pk).exists():
            raise PolicyPublished(
                _("价格政策“%(code)s”已发布，不能删除。"), code="published", params={"code": self.code}
            )
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == PricePolicy.Status.PUBLISHED

    def clean(self):
        """Published policies never overlap (POLICY.md §10.12): a season is billed under exactly one. On
        PostgreSQL an exclusion constraint over published rows holds the same rule against concurrent
        writers. A draft may overlap anything until it is published."""
        if self.effective_from is None or self.effective_until is None:
            return
        if self.status != PricePolicy.Status.PUBLISHED:
            return
        other = (
            PricePolicy.objects.published()
            .exclude(pk=self.pk)
            .filter(effective_from__lte=self.effective_until, effective_until__gte=self.effective_from)
            .order_by("effective_from")
            .first()
        )
        if other is not None:
            raise ValidationError(
                _("执行期与价格政策“%(code)s”（%(start)s 至 %(end)s）重叠；价格政策的执行期不能重叠。"),
                code="policy_overlap",
                params={
                    "code": other.code,
                    "start": other.effective_from.isoformat(),
                    "end": other.effective_until.isoformat(),
                },
            )

    def terms(self) -> PriceTerms:
        return PriceTerms(
            code=self.code,
            residential_area_price=self.residential_area_price,
            residential_heat_price=self.residential_heat_price,
            non_residential_area_price=self.non_residential_area_price,
            non_residential_heat_price=self.non_residential_heat_price,
            basic_share=self.basic_share,
            heat_share=self.heat_share,
            exchanger_fee=self.exchanger_fee,
            low_income_rate=self.low_income_rate,
            duplex_single_floor_share=self.duplex_single_floor_share,
            attic_without_certificate_share=self.attic_without_certificate_share,
            institution_phased=self.institution_phased,
            institution_cap=self.institution_cap,
            prorate_partial_seasons=self.prorate_partial_seasons,
        )


def notice_pdf_path(instance, filename: str) -> str:
    # The stored name is the content's own, never the uploader's text (kept apart as `name`).
    return f"heating/notices/{instance.policy_id}/{instance.sha256}"


class PolicyNoticePdf(StoredFile):
    """The notice as printed (a PDF), beside the text the portal shows: public once its policy is
    published, the price-policy desk's before."""

    policy = models.OneToOneField(
        PricePolicy, models.CASCADE, related_name="notice_pdf", verbose_name=_("价格政策")
    )
    file = models.FileField(_("文件"), upload_to=notice_pdf_path, max_length=200)

    class Meta:
        verbose_name = _("通知文件")
        verbose_name_plural = _("通知文件")
