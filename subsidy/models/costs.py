"""A company's declared operating cost for a season (POLICY.md §8 `cost`), by category, with its
supporting files. Money never changes silently: a declaration is written once; declaring again writes
a new one that names the one it replaces, and the newest is the company's current declaration."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from heating.models import Organisation
from heating.models.fields import season_year_field
from heating.models.files import StoredFile
from heating.models.history import History
from heating.models.ledger import AppendOnly, AppendOnlyQuerySet

# (field, label) in the order a cost report lists them.
COST_CATEGORIES = (
    ("fuel", _("燃料费")),
    ("electricity", _("电费")),
    ("water", _("水费")),
    ("wages", _("职工薪酬")),
    ("depreciation", _("折旧费")),
    ("repairs", _("修理费")),
    ("management", _("管理费用")),
    ("financial", _("财务费用")),
    ("other", _("其他费用")),
)


def cost_field(verbose_name):
    return models.DecimalField(
        verbose_name, max_digits=15, decimal_places=2, validators=[MinValueValidator(0)]
    )


class CostDeclaration(AppendOnly):
    company = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("供热企业"))
    season_year = season_year_field(_("供暖季"))
    fuel = cost_field(_("燃料费"))
    electricity = cost_field(_("电费"))
    water = cost_field(_("水费"))
    wages = cost_field(_("职工薪酬"))
    depreciation = cost_field(_("折旧费"))
    repairs = cost_field(_("修理费"))
    management = cost_field(_("管理费用"))
    financial = cost_field(_("财务费用"))
    other = cost_field(_("其他费用"))
    note = models.CharField(_("说明"), max_length=500, blank=True)
    replaces = models.OneToOneField(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("替代的申报"),
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("申报人")
    )
    declared_at = models.DateTimeField(_("申报时间"), auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["company", "season_year", "-id"]
        indexes = [models.Index(fields=["company", "season_year", "-id"], name="cost_declaration_latest")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(**{f"{name}__gte": 0}), name=f"cost_declaration_{name}_not_negative"
            )
            for name, _label in COST_CATEGORIES
        ]
        verbose_name = _("运营成本申报")
        verbose_name_plural = _("运营成本申报")

    def __str__(self):
        return f"{self.company} {self.season_year}-{self.season_year + 1} #{self.pk}"

    def items(self) -> list[tuple[str, str, object]]:
        """(category, label, amount) in the order of COST_CATEGORIES."""
        return [(name, label, getattr(self, name)) for name, label in COST_CATEGORIES]

    @property
    def total(self):
        return sum((getattr(self, name) for name, _label in COST_CATEGORIES))


def attachment_path(instance, filename: str) -> str:
    # The stored name is the row's own, never the uploader's text (kept apart as `name`).
    declaration = instance.declaration
    return f"subsidy/costs/{declaration.company_id}/{declaration.season_year}/{instance.sha256}"


class CostAttachment(StoredFile, AppendOnly):
    """A supporting file of a declaration (an audit report, invoices). Re-declaring carries the files
    over as new rows naming the same stored file."""

    declaration = models.ForeignKey(
        CostDeclaration, models.PROTECT, related_name="attachments", verbose_name=_("成本申报")
    )
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("上传人")
    )

    objects = AppendOnlyQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["declaration", "id"]
        verbose_name = _("成本申报附件")
        verbose_name_plural = _("成本申报附件")
