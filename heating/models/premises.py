from django.db import models
from django.utils.translation import gettext_lazy as _

from heating.billing import PART_KINDS
from heating.billing.explain import PART_KIND_LABELS

from .fields import area_field, season_year_field
from .history import History
from .orgs import Organisation

PART_KIND_CHOICES = [(kind, PART_KIND_LABELS["zh-hans"][kind]) for kind in PART_KINDS]


class Route(models.Model):
    """A meter-reading route: the buildings a reader walks, in order."""

    company = models.ForeignKey(
        Organisation, models.PROTECT, related_name="routes", verbose_name=_("供热企业")
    )
    code = models.CharField(_("线路编号"), max_length=20)
    name = models.CharField(_("线路名称"), max_length=100)

    class Meta:
        ordering = ["company", "code"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="unique_route")]
        verbose_name = _("抄表线路")
        verbose_name_plural = _("抄表线路")

    def __str__(self):
        return f"{self.code} {self.name}"


class Building(models.Model):
    company = models.ForeignKey(
        Organisation, models.PROTECT, related_name="buildings", verbose_name=_("供热企业")
    )
    code = models.CharField(_("楼栋编号"), max_length=20)
    name = models.CharField(_("楼栋名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    route = models.ForeignKey(
        Route, models.SET_NULL, null=True, blank=True, related_name="buildings", verbose_name=_("抄表线路")
    )
    route_order = models.PositiveIntegerField(_("线路顺序"), default=0)

    class Meta:
        ordering = ["company", "code"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="unique_building")]
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")

    def __str__(self):
        return self.name


class Premises(models.Model):
    """A heated home or building space; its heated parts make the billing area (POLICY.md §2)."""

    company = models.ForeignKey(
        Organisation, models.PROTECT, related_name="premises", verbose_name=_("供热企业")
    )
    building = models.ForeignKey(
        Building, models.PROTECT, null=True, blank=True, related_name="premises", verbose_name=_("楼栋")
    )
    unit = models.CharField(_("单元/房号"), max_length=50)
    description = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["building", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["building", "unit"], name="unique_premises_unit")
        ]
        verbose_name = _("房屋")
        verbose_name_plural = _("房屋")

    def __str__(self):
        return f"{self.building or ''} {self.unit}".strip()


class HeatedPart(models.Model):
    """A part of a home with heating installed, from one season and, if removed, until another."""

    premises = models.ForeignKey(Premises, models.CASCADE, related_name="parts", verbose_name=_("房屋"))
    kind = models.CharField(_("部位类型"), max_length=40, choices=PART_KIND_CHOICES)
    area = area_field(_("面积（m²）"))
    from_year = season_year_field(_("自供暖季起"), default=2019)
    until_year = season_year_field(
        _("至供暖季止（不含）"), null=True, blank=True, help_text=_("该季起不再采暖")
    )
    history = History()

    class Meta:
        ordering = ["premises", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(area__gt=0), name="part_area_positive"),
            models.CheckConstraint(
                condition=models.Q(until_year__isnull=True)
                | models.Q(until_year__gt=models.F("from_year")),
                name="part_period_ordered",
            ),
        ]
        verbose_name = _("采暖部位")
        verbose_name_plural = _("采暖部位")

    def __str__(self):
        return f"{self.get_kind_display()} {self.area} m²"
