import functools
import operator

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from heating.billing import INSTITUTION, NON_RESIDENTIAL, RESIDENTIAL

from .customers import Customer
from .fields import area_field, season_year_field
from .history import History
from .orgs import Duty, Organisation
from .premises import Premises

PRICE_CLASS_CHOICES = [
    (RESIDENTIAL, _("居民")),
    (INSTITUTION, _("执行居民价格的单位")),
    (NON_RESIDENTIAL, _("非居民")),
]


class Account(models.Model):
    """A billing relationship (户号) between a customer and a premises."""

    company = models.ForeignKey(
        Organisation, models.PROTECT, related_name="accounts", verbose_name=_("供热企业")
    )
    number = models.CharField(_("户号"), max_length=20)
    customer = models.ForeignKey(Customer, models.PROTECT, related_name="accounts", verbose_name=_("客户"))
    premises = models.ForeignKey(Premises, models.PROTECT, related_name="accounts", verbose_name=_("房屋"))
    opened_on = models.DateField(_("开户日期"))
    closed_on = models.DateField(_("销户日期"), null=True, blank=True)
    history = History()

    class Meta:
        ordering = ["company", "number"]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="unique_account_number")
        ]
        verbose_name = _("供暖账户")
        verbose_name_plural = _("供暖账户")

    def __str__(self):
        return self.number


class AccountHolder(models.Model):
    """Who held the account from a day on (过户, POLICY.md §4): a change of owner is a dated change of the
    account's customer, never a second account. Account.customer is the latest holder."""

    account = models.ForeignKey(Account, models.PROTECT, related_name="holders", verbose_name=_("账户"))
    customer = models.ForeignKey(Customer, models.PROTECT, related_name="holdings", verbose_name=_("户主"))
    from_date = models.DateField(_("自…起"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("办理人"),
    )
    recorded_at = models.DateTimeField(_("办理时间"), auto_now_add=True)
    history = History()

    class Meta:
        ordering = ["account", "from_date"]
        constraints = [
            models.UniqueConstraint(fields=["account", "from_date"], name="unique_holder_from_date")
        ]
        verbose_name = _("户主变更")
        verbose_name_plural = _("户主变更")

    def __str__(self):
        return f"{self.account} {self.from_date}: {self.customer}"


class AccountTerms(models.Model):
    """The account's price class and exchangers, holding from a season until the next row.

    Billing method is not stored here: POLICY.md §1 makes it follow from the meters (see Meter).
    """

    account = models.ForeignKey(Account, models.CASCADE, related_name="terms", verbose_name=_("账户"))
    from_year = season_year_field(_("自供暖季起"))
    price_class = models.CharField(_("价格类别"), max_length=20, choices=PRICE_CLASS_CHOICES)
    exchangers = models.PositiveSmallIntegerField(_("小型换热设备（台）"), default=0)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = History()

    class Meta:
        ordering = ["account", "from_year"]
        constraints = [
            models.UniqueConstraint(fields=["account", "from_year"], name="unique_terms_year"),
            models.CheckConstraint(
                condition=models.Q(exchangers=0) | models.Q(price_class=RESIDENTIAL),
                name="exchangers_residential_only",
            ),
        ]
        verbose_name = _("计费事实")
        verbose_name_plural = _("计费事实")

    def __str__(self):
        return f"{self.account} {self.from_year}: {self.get_price_class_display()}"


class Decision(models.TextChoices):
    PENDING = "pending", _("待审定")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")
    REVOKED = "revoked", _("已撤销")


# Which duty decides an institution's category (POLICY.md §1); InstitutionApproval.DUTIES.
CATEGORY_DUTIES = {
    "school": Duty.ELIGIBILITY_EDUCATION,
    "kindergarten": Duty.ELIGIBILITY_EDUCATION,
    "vocational": Duty.ELIGIBILITY_HR,
    "welfare": Duty.ELIGIBILITY_CIVIL_AFFAIRS,
}


class Decided(models.Model):
    """What every decision records besides its organisation: the duty it decided under (the database
    refuses an organisation not holding it, migration 0024) and the person. `needs_review` marks a
    decision recorded before those checks by an organisation not holding the duty, or by none: the
    bills ignore it until the competent bureau decides it again."""

    # NULL, not "": no duty at all (undecided, or recorded before the check), never matching a duty.
    decided_duty = models.CharField(  # noqa: DJ001
        _("审定职责"), max_length=40, choices=Duty.choices, null=True, blank=True, editable=False
    )
    decided_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("审定人"),
    )
    needs_review = models.BooleanField(_("待复核"), default=False, editable=False)

    class Meta:
        abstract = True


class AreaDecision(Decided):
    """The property-management authority's ruling on a disputed billing area (POLICY.md §2)."""

    DUTY = Duty.AREA_DECISION

    account = models.ForeignKey(
        Account, models.CASCADE, related_name="area_decisions", verbose_name=_("账户")
    )
    from_year = season_year_field(_("自供暖季起"))
    area = area_field(_("认定计费面积（m²）"))
    decided_by = models.ForeignKey(
        Organisation, models.PROTECT, related_name="+", verbose_name=_("认定部门")
    )
    reference = models.CharField(_("认定文号"), max_length=100, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    decided_at = models.DateTimeField(_("认定时间"))
    history = History()

    class Meta:
        ordering = ["account", "from_year"]
        constraints = [
            models.UniqueConstraint(fields=["account", "from_year"], name="unique_area_decision"),
            models.CheckConstraint(condition=models.Q(area__gt=0), name="decided_area_positive"),
            models.CheckConstraint(
                condition=models.Q(decided_duty__isnull=True) | models.Q(decided_duty=Duty.AREA_DECISION),
                name="area_decided_under_its_duty",
            ),
        ]
        verbose_name = _("计费面积认定")
        verbose_name_plural = _("计费面积认定")

    def __str__(self):
        return f"{self.account} {self.from_year}: {self.area} m²"


class InstitutionApproval(Decided):
    """A competent bureau's approval that an account's own-use space pays the residential price.

    Until approved the account is billed as non-residential (POLICY.md §10.2).
    """

    class Category(models.TextChoices):
        SCHOOL = "school", _("义务教育、高中阶段学校")
        KINDERGARTEN = "kindergarten", _("公办及普惠性民办幼儿园")
        VOCATIONAL = "vocational", _("职业（技工）学校")
        WELFARE = "welfare", _("敬老院、社区居（村）委会等")

    DUTIES = CATEGORY_DUTIES

    account = models.ForeignKey(
        Account, models.CASCADE, related_name="institution_approvals", verbose_name=_("账户")
    )
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    from_year = season_year_field(_("自供暖季起"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        Organisation, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("审定部门")
    )
    decided_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    comment = models.TextField(_("意见"), blank=True)
    history = History()

    class Meta:
        ordering = ["account", "from_year"]
        constraints = [
            models.UniqueConstraint(fields=["account", "from_year"], name="unique_institution_year"),
            models.CheckConstraint(
                condition=models.Q(status="pending")
                | models.Q(decided_at__isnull=False, decided_by__isnull=False),
                name="institution_decision_recorded",
            ),
            models.CheckConstraint(
                condition=functools.reduce(
                    operator.or_,
                    (models.Q(category=c, decided_duty=duty) for c, duty in CATEGORY_DUTIES.items()),
                    models.Q(decided_duty__isnull=True),
                ),
                name="institution_decided_under_its_duty",
            ),
        ]
        verbose_name = _("单位居民价格资格")
        verbose_name_plural = _("单位居民价格资格")

    def __str__(self):
        return f"{self.account} {self.get_category_display()} ({self.get_status_display()})"


class LowIncomeCertificate(Decided):
    """城市低保/特困 certificate giving one home the low-income rate (POLICY.md §5)."""

    DUTY = Duty.ELIGIBILITY_CIVIL_AFFAIRS

    class Kind(models.TextChoices):
        DIBAO = "dibao", _("城市低保")
        TEKUN = "tekun", _("城市特困")

    account = models.ForeignKey(
        Account, models.CASCADE, related_name="low_income_certificates", verbose_name=_("居住户号")
    )
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    number = models.CharField(_("证件编号"), max_length=50)
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("申请人"),
    )
    decided_by = models.ForeignKey(
        Organisation, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("审定部门")
    )
    decided_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    comment = models.TextField(_("意见"), blank=True)
    # A revocation (POLICY.md §5) ends the certificate's effect from this day: the seasons before keep it.
    revoked_from = models.DateField(_("撤销生效日期"), null=True, blank=True)
    history = History()

    class Meta:
        ordering = ["account", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="certificate_period_ordered",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="approved") | models.Q(decided_at__isnull=False),
                name="approved_certificate_dated",
            ),
            models.CheckConstraint(
                condition=models.Q(decided_duty__isnull=True)
                | models.Q(decided_duty=Duty.ELIGIBILITY_CIVIL_AFFAIRS),
                name="certificate_decided_under_its_duty",
            ),
            models.CheckConstraint(
                condition=models.Q(status="revoked", revoked_from__gte=models.F("valid_from"))
                | (~models.Q(status="revoked") & models.Q(revoked_from__isnull=True)),
                name="certificate_revocation_dated",
            ),
        ]
        verbose_name = _("困难群体证件")
        verbose_name_plural = _("困难群体证件")

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"
