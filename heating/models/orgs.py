from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """A heating company or a county bureau. What a bureau may do comes from its duties."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("供热企业")
        BUREAU = "bureau", _("县直部门")

    code = models.CharField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    # How residents pay a company by bank transfer: public payment details, printed on every bill.
    bank_name = models.CharField(_("开户行"), max_length=100, blank=True)
    bank_account = models.CharField(_("银行账号"), max_length=40, blank=True)

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")

    def __str__(self):
        return f"{self.name}（{self.code}）"

    @property
    def is_company(self):
        return self.kind == self.Kind.COMPANY


class ServiceCounter(models.Model):
    """A company's service counter (营业厅) where residents pay and ask: shown on every resident's bill."""

    organisation = models.ForeignKey(
        Organisation, models.CASCADE, related_name="counters", verbose_name=_("供热企业")
    )
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200)
    hours = models.CharField(_("营业时间"), max_length=100)
    phone = models.CharField(_("电话"), max_length=30, blank=True)

    class Meta:
        ordering = ["organisation", "id"]
        verbose_name = _("营业厅")
        verbose_name_plural = _("营业厅")

    def __str__(self):
        return self.name


class Duty(models.TextChoices):
    """Duties the notice (§七, §八) and POLICY.md give to bureaus; one organisation may hold several."""

    SUBSIDY_LEAD = "subsidy_lead", _("补贴审核牵头")
    SUBSIDY_REVIEW = "subsidy_review", _("补贴审核参与")
    SUBSIDY_APPROVE = "subsidy_approve", _("补贴审批与拨付")
    FUND_AUDIT = "fund_audit", _("资金使用监督")
    REFUND_OVERSIGHT = "refund_oversight", _("热价与退费督导")
    AREA_DECISION = "area_decision", _("计费面积争议认定")
    ELIGIBILITY_EDUCATION = "eligibility_education", _("学校、幼儿园资格审定")
    ELIGIBILITY_HR = "eligibility_hr", _("职业（技工）学校资格审定")
    ELIGIBILITY_CIVIL_AFFAIRS = "eligibility_civil_affairs", _("低保特困及敬老院等资格审定")
    PRICE_EXPLANATION = "price_explanation", _("价格政策解释")
    PRICE_POLICY = "price_policy", _("价格政策制定与发布")
    PRICE_SUPERVISION = "price_supervision", _("价格执行监督")
    SERVICE_OVERSIGHT = "service_oversight", _("供热服务质量监管")


class OrganisationDuty(models.Model):
    organisation = models.ForeignKey(
        Organisation, models.CASCADE, related_name="duties", verbose_name=_("单位")
    )
    duty = models.CharField(_("职责"), max_length=40, choices=Duty.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "duty"], name="unique_duty")]
        verbose_name = _("部门职责")
        verbose_name_plural = _("部门职责")

    def __str__(self):
        return f"{self.organisation.name}: {self.get_duty_display()}"


class Role(models.TextChoices):
    CLERK = "clerk", _("企业业务员")
    MANAGER = "manager", _("企业经理")
    OFFICER = "officer", _("部门经办人")


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships", verbose_name=_("用户")
    )
    organisation = models.ForeignKey(
        Organisation, models.CASCADE, related_name="memberships", verbose_name=_("单位")
    )
    role = models.CharField(_("角色"), max_length=10, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="unique_membership")
        ]
        verbose_name = _("人员归属")
        verbose_name_plural = _("人员归属")

    def __str__(self):
        return f"{self.user} @ {self.organisation.code} ({self.get_role_display()})"
